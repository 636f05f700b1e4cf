//! `[tables.NAME]`: how many rows a table gets and the generator of each of its columns, or the
//! SQL that fills it (`sql`, `sql-file`), and the order tables are seeded in: as declared, with
//! a referenced table before the tables that point at it. One column's keys are `column`'s;
//! making the rows and running the SQL is the seed stage's business.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

use super::column::{ColumnSpec, GenKind, RawColumn};
use crate::scenario::error::{Location, ScenarioError};
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};

/// `[tables.NAME]`: the rows to seed and one generator per column, or the SQL that fills the
/// table (`sql` or `sql-file`, without `rows` and `columns`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Table")]
pub(crate) struct RawTable {
    /// How many rows to generate (0 to 1000000000).
    #[serde(default)]
    pub(crate) rows: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) columns: BTreeMap<Spanned<String>, Spanned<RawColumn>>,
    /// SQL that fills the table (`INSERT INTO t SELECT … FROM generate_series(1, 100000)`), run
    /// statement by statement in autocommit; instead of `rows` and `columns`.
    #[serde(default)]
    pub(crate) sql: Option<Spanned<String>>,
    /// A file of SQL that fills the table, relative to the scenario file; instead of `rows`
    /// and `columns`.
    #[serde(default)]
    pub(crate) sql_file: Option<Spanned<String>>,
}

/// A table to seed, validated.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: String,
    pub at: Location,
    /// The rows to generate; 0 for a table its `sql` fills.
    pub rows: u64,
    pub columns: Vec<ColumnEntry>,
    /// The SQL that fills the table instead of generated rows.
    pub sql: Option<SqlSeed>,
}

/// SQL that seeds: a table's `sql` or `sql-file`, or one of `[database] seed-files`.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlSeed {
    /// The key that names it: `sql`, `sql-file` or `seed-files`.
    pub key: &'static str,
    /// Where the scenario file gives it (the value).
    pub at: Location,
    pub text: SqlText,
}

/// Where seed SQL is.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlText {
    /// Written in the scenario file, its first line at `line` of it.
    Inline { sql: String, line: usize },
    /// A file, checked as schema files are (inside the root, a regular file, not too large)
    /// and read when it runs.
    File(PathBuf),
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
            let table_span = table.span();
            let table = table.into_inner();
            let sql = self.table_sql(&table_name, &table)?;
            let rows = match (&table.rows, &sql) {
                (Some(rows), None) => *rows.get_ref(),
                (None, Some(_)) => 0,
                (None, None) => {
                    return self.err(
                        table_span,
                        format!("table `{table_name}` has nothing to seed it (expected `rows` and `columns`, `sql` or `sql-file`)"),
                    );
                }
                (Some(rows), Some(sql)) => {
                    return self.err(
                        rows.span(),
                        format!("table `{table_name}` has both `rows` and `{}` (expected generated rows or SQL, not both: the SQL fills the table)", sql.key),
                    );
                }
            };
            if let (Some(sql), Some((col, _))) = (&sql, table.columns.first_key_value()) {
                return self.err(
                    col.span(),
                    format!("table `{table_name}` has both `columns` and `{}` (expected generators or SQL, not both: the SQL fills the table)", sql.key),
                );
            }
            if !(0..=1_000_000_000).contains(&rows) {
                let span = table.rows.as_ref().map_or(table_span, Spanned::span);
                return self
                    .err(span, format!("invalid `rows` `{rows}` for table `{table_name}` (expected 0 to 1000000000)"));
            }
            let mut columns = Vec::new();
            for (col, spec) in table.columns {
                let col_at = self.at(col.span());
                let col_name = col.into_inner();
                check_identifier(&col_name).or_else(|m| self.err(spec.span(), m))?;
                let spec = self.column(&table_name, col_name, spec)?;
                columns.push(ColumnEntry { spec, at: col_at });
            }
            tables.push((table_span.start, TableSpec { name: table_name, at, rows: rows as u64, columns, sql }));
        }
        // As declared: SQL may read what a table declared before it holds.
        tables.sort_by_key(|(start, _)| *start);
        self.seeding_order(tables.into_iter().map(|(_, t)| t).collect())
    }

    /// A table's `sql` or `sql-file`, checked; `None` when it has neither.
    fn table_sql(&self, table: &str, raw: &RawTable) -> Result<Option<SqlSeed>> {
        match (&raw.sql, &raw.sql_file) {
            (Some(_), Some(file)) => {
                self.err(file.span(), format!("table `{table}` has both `sql` and `sql-file` (expected one of them)"))
            }
            (Some(sql), None) => {
                if sql.get_ref().trim().is_empty() {
                    return self
                        .err(sql.span(), format!("empty `sql` for table `{table}` (expected the SQL that fills it)"));
                }
                Ok(Some(SqlSeed { key: "sql", at: self.at(sql.span()), text: self.inline_sql(sql) }))
            }
            (None, Some(file)) => Ok(Some(self.seed_file("sql-file", file.get_ref(), file.span())?)),
            (None, None) => Ok(None),
        }
    }

    /// SQL written in the file, with the line its text starts on: a multi-line string's
    /// opening `"""` (or `'''`) and the newline right after it are not part of the text.
    fn inline_sql(&self, sql: &Spanned<String>) -> SqlText {
        let span = sql.span();
        let written = self.src.text.get(span.clone()).unwrap_or_default();
        let line = self.at(span).line + usize::from(written.starts_with("\"\"\"\n") || written.starts_with("'''\n"));
        SqlText::Inline { sql: sql.get_ref().clone(), line }
    }

    /// A seed file named at `span`, checked as a schema file is.
    pub(crate) fn seed_file(&self, key: &'static str, written: &str, span: std::ops::Range<usize>) -> Result<SqlSeed> {
        let path = self.src.resolve(written);
        self.src.named_file(span.clone(), "seed file", written, &path)?;
        Ok(SqlSeed { key, at: self.at(span), text: SqlText::File(path) })
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
            ("no references: as declared", "[tables.b]\nrows = 1\n[tables.a]\nrows = 2", &["b", "a"]),
            (
                "a generated table after the SQL-seeded table it references",
                "[tables.child]\nrows = 1\ncolumns.x = { references = \"parent.x\" }\n[tables.parent]\nsql = \"INSERT INTO parent VALUES (1)\"\n[tables.other]\nsql = \"SELECT 1\"",
                &["parent", "child", "other"],
            ),
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

    /// The `sql` of the only table of `text`.
    fn sql_of(text: &str) -> Option<SqlSeed> {
        section(Path::new("s.toml"), text, "tables", |v, raw: Spanned<BTreeMap<Spanned<String>, Spanned<RawTable>>>| {
            v.tables(raw.into_inner())
        })
        .unwrap_or_else(|m| panic!("{m}"))
        .remove(0)
        .sql
    }

    #[test]
    fn inline_sql_keeps_the_line_its_text_starts_on() {
        let one_line = sql_of("[tables.t]\nsql = \"INSERT INTO t VALUES (1)\"");
        assert_eq!(
            one_line,
            Some(SqlSeed {
                key: "sql",
                at: Location { line: 2, col: 7 },
                text: SqlText::Inline { sql: "INSERT INTO t VALUES (1)".into(), line: 2 }
            })
        );
        // The newline after `"""` is not part of the string: its first line is the next one.
        let multi = sql_of("[tables.t]\nsql = \"\"\"\nINSERT INTO t\nVALUES (1)\"\"\"");
        assert_eq!(multi.map(|s| s.text), Some(SqlText::Inline { sql: "INSERT INTO t\nVALUES (1)".into(), line: 3 }));
        let literal = sql_of("[tables.t]\nsql = '''\nSELECT 1'''");
        assert_eq!(literal.map(|s| s.text), Some(SqlText::Inline { sql: "SELECT 1".into(), line: 3 }));
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
                "neither rows nor sql",
                "[tables.t]\ncolumns.a = { gen = \"int\" }".into(),
                "1:1: table `t` has nothing to seed it (expected `rows` and `columns`, `sql` or `sql-file`)".into(),
            ),
            (
                "sql and sql-file",
                "[tables.t]\nsql = \"SELECT 1\"\nsql-file = \"t.sql\"".into(),
                "3:12: table `t` has both `sql` and `sql-file` (expected one of them)".into(),
            ),
            (
                "an empty sql",
                "[tables.t]\nsql = \" \\n\"".into(),
                "2:7: empty `sql` for table `t` (expected the SQL that fills it)".into(),
            ),
            (
                "rows beside sql",
                "[tables.t]\nrows = 5\nsql = \"SELECT 1\"".into(),
                "2:8: table `t` has both `rows` and `sql` (expected generated rows or SQL, not both: the SQL fills the table)".into(),
            ),
            (
                "columns beside sql",
                "[tables.t]\nsql = \"SELECT 1\"\ncolumns.a = { gen = \"int\" }".into(),
                "3:9: table `t` has both `columns` and `sql` (expected generators or SQL, not both: the SQL fills the table)".into(),
            ),
            (
                "a sql-file missing",
                "[tables.t]\nsql-file = \"nope.sql\"".into(),
                "2:12: seed file `nope.sql` not found (looked for `nope.sql`)".into(),
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
