//! `[tables.NAME]`: how many rows a table gets and the generator of each of its columns, and
//! the order tables are seeded in (a referenced table before the tables that point at it). One
//! column's keys are `column`'s; making the rows is the seed stage's business.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Deserialize;

use super::column::{ColumnSpec, GenKind, RawColumn};
use crate::scenario::error::{Location, ScenarioError};
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};

/// `[tables.NAME]`: the rows to seed and one generator per column.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Table")]
pub(crate) struct RawTable {
    pub(crate) rows: Spanned<i64>,
    #[serde(default)]
    pub(crate) columns: BTreeMap<Spanned<String>, Spanned<RawColumn>>,
}

/// A table to seed, validated.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: String,
    pub at: Location,
    pub rows: u64,
    pub columns: Vec<ColumnEntry>,
}

/// A column's generator and where the file names the column.
#[derive(Debug, Clone)]
pub struct ColumnEntry {
    pub spec: ColumnSpec,
    pub at: Location,
}

impl Validator<'_> {
    pub(crate) fn tables(&self, raw: BTreeMap<Spanned<String>, Spanned<RawTable>>) -> Result<Vec<TableSpec>> {
        let mut tables = Vec::new();
        for (name, table) in raw {
            let at = self.at(name.span());
            let table_name = name.into_inner();
            check_identifier(&table_name).or_else(|m| self.err(table.span(), m))?;
            let table = table.into_inner();
            let rows = *table.rows.get_ref();
            if !(0..=1_000_000_000).contains(&rows) {
                return self.err(
                    table.rows.span(),
                    format!("invalid `rows` `{rows}` for table `{table_name}` (expected 0 to 1000000000)"),
                );
            }
            let mut columns = Vec::new();
            for (col, spec) in table.columns {
                let col_at = self.at(col.span());
                let col_name = col.into_inner();
                check_identifier(&col_name).or_else(|m| self.err(spec.span(), m))?;
                let spec = self.column(&table_name, col_name, spec)?;
                columns.push(ColumnEntry { spec, at: col_at });
            }
            tables.push(TableSpec { name: table_name, at, rows: rows as u64, columns });
        }
        self.seeding_order(tables)
    }

    /// Orders tables so that every referenced table comes first; a cycle is an error.
    fn seeding_order(&self, mut pending: Vec<TableSpec>) -> Result<Vec<TableSpec>> {
        let names: BTreeSet<String> = pending.iter().map(|t| t.name.clone()).collect();
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut ordered = Vec::new();
        while !pending.is_empty() {
            let ready = pending.iter().position(|t| {
                t.columns.iter().all(|c| match &c.spec.gen {
                    GenKind::Ref { table, .. } => table == &t.name || !names.contains(table) || done.contains(table),
                    _ => true,
                })
            });
            match ready {
                Some(i) => {
                    let t = pending.remove(i);
                    if let Some(c) =
                        t.columns.iter().find(|c| matches!(&c.spec.gen, GenKind::Ref { table, .. } if table == &t.name))
                    {
                        return Err(ScenarioError::Invalid {
                            path: self.src.path.clone(),
                            at: c.at,
                            message: format!(
                                "column `{}.{}` references its own table (expected a reference to another table)",
                                t.name, c.spec.name
                            ),
                        });
                    }
                    done.insert(t.name.clone());
                    ordered.push(t);
                }
                None => {
                    let t = &pending[0];
                    return Err(ScenarioError::Invalid {
                        path: self.src.path.clone(),
                        at: t.at,
                        message: format!(
                            "tables {} reference each other in a cycle (expected references that can be seeded parents first)",
                            pending.iter().map(|t| format!("`{}`", t.name)).collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
            }
        }
        Ok(ordered)
    }
}

/// Table and column names are quoted when used in SQL; they must still be plain names.
fn check_identifier(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() || name.len() > 63 || name.contains('"') || name.contains('\0') {
        return Err(format!("invalid name `{name}` (expected a PostgreSQL identifier of 1 to 63 bytes without `\"`)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::validate::testing::section;

    /// The `[tables]` of `text`, validated: each table's name, rows and column names, in
    /// seeding order.
    fn tables(text: &str) -> std::result::Result<Vec<(String, u64, Vec<String>)>, String> {
        section(Path::new("s.toml"), text, "tables", |v, raw: Spanned<BTreeMap<Spanned<String>, Spanned<RawTable>>>| {
            v.tables(raw.into_inner())
        })
        .map(|tables| {
            tables.into_iter().map(|t| (t.name, t.rows, t.columns.into_iter().map(|c| c.spec.name).collect())).collect()
        })
    }

    #[test]
    fn tables_are_ordered_parents_first() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("no references: by name", "[tables.b]\nrows = 1\n[tables.a]\nrows = 2", &["a", "b"]),
            (
                "a chain",
                "[tables.a]\nrows = 1\ncolumns.x = { references = \"b.x\" }\n[tables.b]\nrows = 1\ncolumns.x = { references = \"c.x\" }\n[tables.c]\nrows = 1\ncolumns.x = { gen = \"sequence\" }",
                &["c", "b", "a"],
            ),
            (
                "a table the scenario does not seed is no parent",
                "[tables.a]\nrows = 1\ncolumns.x = { references = \"elsewhere.x\" }",
                &["a"],
            ),
        ];
        for (name, text, expected) in cases {
            let order: Vec<String> =
                tables(text).unwrap_or_else(|m| panic!("{name}: {m}")).into_iter().map(|t| t.0).collect();
            assert_eq!(order, *expected, "{name}");
        }
    }

    #[test]
    fn rows_and_columns_are_kept() {
        let t = tables("[tables.t]\nrows = 1000000000\ncolumns.b = { gen = \"int\" }\ncolumns.a = { gen = \"uuid\" }");
        assert_eq!(t, Ok(vec![("t".into(), 1_000_000_000, vec!["a".into(), "b".into()])]));
        assert_eq!(tables("[tables.t]\nrows = 0"), Ok(vec![("t".into(), 0, vec![])]));
    }

    #[test]
    fn invalid_tables_say_what_was_expected() {
        let long = "a".repeat(64);
        let cases = [
            (
                "a quote in a table name",
                "[tables.\"a\\\"b\"]\nrows = 1".to_string(),
                "1:1: invalid name `a\"b` (expected a PostgreSQL identifier of 1 to 63 bytes without `\"`)".to_string(),
            ),
            (
                "a table name over 63 bytes",
                format!("[tables.{long}]\nrows = 1"),
                format!("1:1: invalid name `{long}` (expected a PostgreSQL identifier of 1 to 63 bytes without `\"`)"),
            ),
            (
                "rows below 0",
                "[tables.t]\nrows = -1".into(),
                "2:8: invalid `rows` `-1` for table `t` (expected 0 to 1000000000)".into(),
            ),
            (
                "rows over a billion",
                "[tables.t]\nrows = 1000000001".into(),
                "2:8: invalid `rows` `1000000001` for table `t` (expected 0 to 1000000000)".into(),
            ),
            (
                "a quote in a column name",
                "[tables.t]\nrows = 1\ncolumns.\"a\\\"b\" = { gen = \"int\" }".into(),
                "3:18: invalid name `a\"b` (expected a PostgreSQL identifier of 1 to 63 bytes without `\"`)".into(),
            ),
            (
                "a column that references its own table",
                "[tables.t]\nrows = 1\ncolumns.a = { gen = \"int\" }\ncolumns.b = { references = \"t.a\" }".into(),
                "4:9: column `t.b` references its own table (expected a reference to another table)".into(),
            ),
            (
                // `a` only points into the cycle, and is named with it: every table left
                // unseeded is listed.
                "a cycle",
                "[tables.a]\nrows = 1\ncolumns.x = { references = \"b.x\" }\n[tables.b]\nrows = 1\ncolumns.x = { references = \"c.x\" }\n[tables.c]\nrows = 1\ncolumns.x = { references = \"b.x\" }".into(),
                "1:9: tables `a`, `b`, `c` reference each other in a cycle (expected references that can be seeded parents first)".into(),
            ),
        ];
        for (name, text, expected) in cases {
            assert_eq!(tables(&text), Err(expected), "{name}");
        }
    }
}
