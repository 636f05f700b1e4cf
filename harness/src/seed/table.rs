//! Writes each scenario table's generated rows with binary COPY. Generation runs on its own
//! thread, feeding batches through a bounded channel, so producing values and sending them
//! overlap. Columns the scenario does not mention get their defaults; a NOT NULL column with
//! no default and no generator is an error before anything is written.

use std::path::Path;
use std::time::Instant;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::Client;
use serde::Serialize;

use super::error::SeedError;
use super::generator::ColumnGenerator;
use super::value::{ColumnValue, Value};
use crate::db::quote_ident;
use crate::scenario::{GenKind, Scenario, TableSpec};

const BATCH: usize = 1024;

/// What seeding one table did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TableSeeded {
    pub table: String,
    pub rows: u64,
    /// MD5 of the table's rows in text form, sorted: equal across runs with the same seed.
    pub checksum: String,
    pub duration_ms: f64,
}

/// Seeds every table of the scenario, parents first, then runs `VACUUM (ANALYZE)`.
pub fn seed_tables(client: &mut Client, scenario: &Scenario) -> Result<Vec<TableSeeded>, SeedError> {
    let mut done = Vec::new();
    for table in &scenario.tables {
        let started = Instant::now();
        seed_table(client, scenario, table)?;
        done.push((table, started.elapsed()));
    }
    sql(client, "VACUUM (ANALYZE)", "VACUUM (ANALYZE) after seeding")?;
    let mut seeded = Vec::new();
    for (table, elapsed) in done {
        seeded.push(TableSeeded {
            table: table.name.clone(),
            rows: table.rows,
            checksum: checksum(client, &table.name)?,
            duration_ms: elapsed.as_secs_f64() * 1000.0,
        });
    }
    Ok(seeded)
}

fn sql(client: &mut Client, statement: &str, what: &str) -> Result<(), SeedError> {
    client.batch_execute(statement).map_err(|source| SeedError::Sql { what: what.to_string(), source })
}

struct CatalogColumn {
    name: String,
    not_null: bool,
    has_default: bool,
}

fn seed_table(client: &mut Client, scenario: &Scenario, table: &TableSpec) -> Result<(), SeedError> {
    let path = scenario.path.as_path();
    let quoted = quote_ident(&table.name);
    let catalog = catalog_columns(client, &table.name)?;
    if catalog.is_empty() {
        return Err(SeedError::UnknownTable {
            path: path.to_path_buf(),
            at: table.at,
            table: table.name.clone(),
            under_test: scenario.database.under_test.clone(),
        });
    }
    for entry in &table.columns {
        if !catalog.iter().any(|c| c.name == entry.spec.name) {
            return Err(SeedError::UnknownColumn {
                path: path.to_path_buf(),
                at: entry.at,
                table: table.name.clone(),
                column: entry.spec.name.clone(),
                available: catalog.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", "),
            });
        }
    }
    if table.rows == 0 {
        return Ok(());
    }
    if let Some(missing) =
        catalog.iter().find(|c| c.not_null && !c.has_default && !table.columns.iter().any(|e| e.spec.name == c.name))
    {
        return Err(SeedError::MissingGenerator {
            path: path.to_path_buf(),
            at: table.at,
            table: table.name.clone(),
            column: missing.name.clone(),
        });
    }
    let names: Vec<String> = table.columns.iter().map(|e| quote_ident(&e.spec.name)).collect();
    let column_list = names.join(", ");
    let types: Vec<Type> = client
        .prepare(&format!("SELECT {column_list} FROM {quoted} LIMIT 0"))
        .map_err(|source| SeedError::Sql { what: format!("reading the column types of `{}`", table.name), source })?
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();

    let mut generators = Vec::new();
    for entry in &table.columns {
        let parent = match &entry.spec.gen {
            GenKind::Ref { table: parent, column } => Some(parent_values(client, path, table, entry, parent, column)?),
            _ => None,
        };
        generators.push(ColumnGenerator::new(&entry.spec, &table.name, scenario.seed, table.rows, parent)?);
    }

    let rows = table.rows;
    let (sender, receiver) = crossbeam_channel::bounded::<Result<Vec<Vec<Value>>, SeedError>>(8);
    std::thread::scope(|scope| -> Result<(), SeedError> {
        scope.spawn(move || {
            let mut row = 0u64;
            while row < rows {
                let end = (row + BATCH as u64).min(rows);
                let mut batch = Vec::with_capacity((end - row) as usize);
                for r in row..end {
                    let values: Result<Vec<Value>, SeedError> =
                        generators.iter_mut().map(|g| g.next_value(r)).collect();
                    match values {
                        Ok(v) => batch.push(v),
                        Err(e) => {
                            let _ = sender.send(Err(e));
                            return;
                        }
                    }
                }
                if sender.send(Ok(batch)).is_err() {
                    return; // the writer gave up; its error is reported
                }
                row = end;
            }
        });
        let copy_err = |source: postgres::Error| SeedError::Copy { table: table.name.clone(), source };
        let sink =
            client.copy_in(&format!("COPY {quoted} ({column_list}) FROM STDIN (FORMAT binary)")).map_err(copy_err)?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        let qualified: Vec<String> = table.columns.iter().map(|e| format!("{}.{}", table.name, e.spec.name)).collect();
        for batch in &receiver {
            for values in batch? {
                let cells = values.iter().zip(&qualified).map(|(value, column)| ColumnValue { column, value });
                writer.write_raw(cells).map_err(copy_err)?;
            }
        }
        writer.finish().map_err(copy_err)?;
        Ok(())
    })
}

fn catalog_columns(client: &mut Client, table: &str) -> Result<Vec<CatalogColumn>, SeedError> {
    let rows = client
        .query(
            "SELECT a.attname::text, a.attnotnull,
                    a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''
               FROM pg_attribute a
              WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY a.attnum",
            &[&quote_ident(table)],
        )
        .map_err(|source| SeedError::Sql { what: format!("reading the columns of `{table}`"), source })?;
    Ok(rows.into_iter().map(|r| CatalogColumn { name: r.get(0), not_null: r.get(1), has_default: r.get(2) }).collect())
}

pub(super) fn parent_values(
    client: &mut Client,
    path: &Path,
    table: &TableSpec,
    entry: &crate::scenario::ColumnEntry,
    parent: &str,
    column: &str,
) -> Result<Vec<Value>, SeedError> {
    let col = quote_ident(column);
    let rows = client
        .query(&format!("SELECT {col} FROM {} WHERE {col} IS NOT NULL ORDER BY 1", quote_ident(parent)), &[])
        .map_err(|source| SeedError::BadReference {
            path: path.to_path_buf(),
            at: entry.at,
            from: format!("{}.{}", table.name, entry.spec.name),
            to: format!("{parent}.{column}"),
            source,
        })?;
    let mut values = Vec::with_capacity(rows.len());
    for row in rows {
        values.push(row.try_get::<_, Value>(0).map_err(|source| SeedError::Sql {
            what: format!("reading `{parent}.{column}` for `{}.{}`", table.name, entry.spec.name),
            source,
        })?);
    }
    Ok(values)
}

fn checksum(client: &mut Client, table: &str) -> Result<String, SeedError> {
    let q = quote_ident(table);
    client
        .query_one(&format!("SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {q} t"), &[])
        .map(|r| r.get(0))
        .map_err(|source| SeedError::Sql { what: format!("computing the checksum of `{table}`"), source })
}
