//! Which tables the workload writes, and the statements it writes them with. By default the
//! tables the migration under test builds indexes on (as `migrate::inspect` reads them) that
//! the scenario generates rows for; `[load] tables` overrides that.
//!
//! Every write returns the new row version's `ctid` and `xmin`, so the rows the workload wrote
//! can be deleted afterwards, and only those: a row whose `xmin` is one of the workload's own
//! transactions was written by the workload (`erase`). Updates address a row the workload
//! inserted by its `ctid` (a TID scan), so an update costs its write, not a lookup, and seeded
//! rows are never changed.

use postgres::Client;

use super::error::LoadError;
use crate::db::quote_ident;
use crate::migrate::Inspection;
use crate::scenario::{LoadSpec, Scenario};

/// One table the workload writes.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteTarget {
    pub table: String,
    /// The generated columns, in the order of the generated rows' values.
    pub columns: Vec<String>,
    /// Positions in `columns` an update sets: every generated column outside the primary key.
    pub update_columns: Vec<usize>,
}

impl WriteTarget {
    pub fn insert_sql(&self) -> String {
        let table = quote_ident(&self.table);
        if self.columns.is_empty() {
            return format!("INSERT INTO {table} DEFAULT VALUES RETURNING ctid::text, xmin::text");
        }
        let names: Vec<String> = self.columns.iter().map(|c| quote_ident(c)).collect();
        let params: Vec<String> = (1..=self.columns.len()).map(|i| format!("${i}")).collect();
        format!(
            "INSERT INTO {table} ({}) VALUES ({}) RETURNING ctid::text, xmin::text",
            names.join(", "),
            params.join(", ")
        )
    }

    /// `None` when the table has no column an update could set.
    pub fn update_sql(&self) -> Option<String> {
        if self.update_columns.is_empty() {
            return None;
        }
        let sets: Vec<String> = self
            .update_columns
            .iter()
            .enumerate()
            .map(|(i, &c)| format!("{} = ${}", quote_ident(&self.columns[c]), i + 1))
            .collect();
        Some(format!(
            "UPDATE {} SET {} WHERE ctid = ${}::text::tid RETURNING ctid::text, xmin::text",
            quote_ident(&self.table),
            sets.join(", "),
            self.update_columns.len() + 1
        ))
    }
}

/// The tables to write, and notes about index builds whose tables are not written.
pub(super) fn write_targets(
    client: &mut Client,
    scenario: &Scenario,
    spec: &LoadSpec,
    inspection: &Inspection,
) -> Result<(Vec<WriteTarget>, Vec<String>), LoadError> {
    let mut notes = Vec::new();
    let names: Vec<String> = match &spec.tables {
        Some(tables) => tables.clone(),
        None => {
            let mut names: Vec<String> = Vec::new();
            for build in &inspection.index_builds {
                if names.contains(&build.table) {
                    continue;
                }
                if scenario.tables.iter().any(|t| t.name == build.table) {
                    names.push(build.table.clone());
                } else {
                    notes.push(format!(
                        "the migration indexes `{}`, which is not under `[tables]`: not written",
                        build.table
                    ));
                }
            }
            names
        }
    };
    let mut targets = Vec::new();
    for name in names {
        let Some(table) = scenario.tables.iter().find(|t| t.name == name) else { continue };
        let key = primary_key(client, &name)?;
        let columns: Vec<String> = table.columns.iter().map(|c| c.spec.name.clone()).collect();
        let update_columns = (0..columns.len()).filter(|&i| !key.contains(&columns[i])).collect();
        targets.push(WriteTarget { table: name, columns, update_columns });
    }
    Ok((targets, notes))
}

fn primary_key(client: &mut Client, table: &str) -> Result<Vec<String>, LoadError> {
    let rows = client
        .query(
            "SELECT a.attname::text
               FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
              WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
            &[&quote_ident(table)],
        )
        .map_err(LoadError::sql(format!("reading the primary key of `{table}`")))?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_write_generated_columns_and_return_the_row_version() {
        let t = WriteTarget {
            table: "agents".into(),
            columns: vec!["id".into(), "pak_hash".into(), "name".into()],
            update_columns: vec![1, 2],
        };
        assert_eq!(
            t.insert_sql(),
            r#"INSERT INTO "agents" ("id", "pak_hash", "name") VALUES ($1, $2, $3) RETURNING ctid::text, xmin::text"#
        );
        assert_eq!(
            t.update_sql().unwrap(),
            r#"UPDATE "agents" SET "pak_hash" = $1, "name" = $2 WHERE ctid = $3::text::tid RETURNING ctid::text, xmin::text"#
        );
        let bare = WriteTarget { table: "t".into(), columns: vec![], update_columns: vec![] };
        assert_eq!(bare.insert_sql(), r#"INSERT INTO "t" DEFAULT VALUES RETURNING ctid::text, xmin::text"#);
        assert_eq!(bare.update_sql(), None);
    }
}
