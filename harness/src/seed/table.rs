//! Writes each scenario table's generated rows with binary COPY. Generation runs on its own
//! thread, feeding batches through a bounded channel, so producing values and sending them
//! overlap. Columns the scenario does not mention get their defaults; a NOT NULL column with
//! no default and no generator is an error before anything is written.

use std::path::Path;
use std::time::Instant;

use std::io::Write;

use postgres::types::Type;
use postgres::Client;
use serde::{Deserialize, Serialize};

use super::checksum::{self, RowDigest};
use super::deferred;
use super::error::SeedError;
use super::generator::ColumnGenerator;
use super::sql_seed;
use super::value::{encode_row, Value, COPY_HEADER, COPY_TRAILER};
use crate::db::{quote_ident, ScratchDb};
use crate::progress::Progress;
use crate::scenario::{GenKind, Scenario, TableSpec};

const BATCH: usize = 1024;

/// "2 indexes and 1 foreign key": what the seed stage builds after the COPY; `None` for nothing.
pub fn rebuilt_objects(indexes: usize, foreign_keys: usize) -> Option<String> {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (indexes, foreign_keys) {
        (0, 0) => None,
        (i, 0) => Some(plural(i, "index", "indexes")),
        (0, f) => Some(plural(f, "foreign key", "foreign keys")),
        (i, f) => Some(format!("{} and {}", plural(i, "index", "indexes"), plural(f, "foreign key", "foreign keys"))),
    }
}

/// Where a seeded table's rows came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeedSource {
    /// planproof's generators (`rows` and `columns`).
    #[default]
    Generated,
    /// The scenario's SQL: a table's `sql` or `sql-file`, or a seed file.
    Sql,
}

impl SeedSource {
    fn is_generated(&self) -> bool {
        *self == SeedSource::Generated
    }
}

/// What seeding one table did.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TableSeeded {
    pub table: String,
    /// The rows generated; for a table seeded by SQL, the rows it holds after seeding.
    pub rows: u64,
    /// A digest of the generated rows, taken as they are written: equal across runs with the
    /// same seed, whatever the table's size. For a table seeded by SQL, whose rows planproof
    /// did not make, the database-side checksum (order-free) taken after seeding.
    pub checksum: String,
    /// `sql` when the scenario's SQL filled the table; absent for generated rows.
    #[serde(default, skip_serializing_if = "SeedSource::is_generated")]
    pub source: SeedSource,
    /// The same rows read back from the database (`--verify-seed`): a sum of a hash of each
    /// row, and the row count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_checksum: Option<String>,
    /// The COPY of this table's rows (its indexes are built afterwards, see [`SeedTiming`]).
    pub duration_ms: f64,
}

/// Where the seed stage's time went (a figure an older results.json lacks reads as 0).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct SeedTiming {
    /// Every table's COPY.
    pub copy_ms: f64,
    /// Building the indexes and constraints taken off for the COPY, and checking the catalog.
    pub index_ms: f64,
    /// `VACUUM (ANALYZE)` of the seeded database.
    pub vacuum_ms: f64,
    /// How many indexes were built after the rows were in (rather than maintained row by row).
    pub indexes_rebuilt: usize,
    /// How many foreign keys were added back and validated once, after the rows were in.
    pub foreign_keys_rebuilt: usize,
}

/// What the seed stage did.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub tables: Vec<TableSeeded>,
    pub timing: SeedTiming,
}

/// How to seed.
#[derive(Clone, Copy)]
pub struct SeedOptions<'a> {
    /// Read every seeded table back and checksum it on the server too.
    pub verify: bool,
    /// Told what is about to happen, and how far each table's COPY got.
    pub progress: &'a Progress,
    /// Runs seed SQL (read from the file named, for messages) statement by statement in
    /// autocommit; the migrate stage's runner, handed down by the pipeline.
    pub run_sql: &'a RunSql,
}

/// Runs `sql`, from the file at the path (for messages), on the client.
pub type RunSql = dyn Fn(&mut Client, &Path, &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Runs the seed files, then seeds every table of the scenario in its order (as declared,
/// parents first): generated rows with the tables' indexes and foreign keys taken off during
/// the COPY and rebuilt after it (see `deferred`), SQL-seeded tables with theirs in place (the
/// SQL may rely on them: `ON CONFLICT`, a unique key it reads); then runs `VACUUM (ANALYZE)`.
pub fn seed_tables(
    client: &mut Client,
    db: &ScratchDb,
    scenario: &Scenario,
    options: SeedOptions<'_>,
) -> Result<Seeded, SeedError> {
    // The throwaway servers commit asynchronously; a row whose inserting commit is not yet
    // flushed cannot get its hint bit, and VACUUM then leaves its page not all-visible — which
    // pages depended on when the WAL writer ran, so heap fetches and even plans differed
    // between identical runs. Seeding commits synchronously, on any server.
    sql(client, "SET synchronous_commit = on", "committing the seed synchronously")?;
    let mut timing = SeedTiming::default();
    let mut tables = sql_seed::seed_files(client, scenario, options)?;
    let names: Vec<&str> = scenario.tables.iter().filter(|t| t.rows > 0).map(|t| t.name.as_str()).collect();
    let deferred = if names.is_empty() { None } else { deferred::take_off(client, &names)? };
    for table in &scenario.tables {
        let started = Instant::now();
        let checksum = match &table.sql {
            Some(sql) => {
                options.progress.line(&format!("seeding `{}` by its `{}`", table.name, sql.key));
                sql_seed::run(client, scenario, sql, &format!("`{}` of table `{}`", sql.key, table.name), options)?;
                String::new() // taken once every table is seeded, see below
            }
            None => seed_table(client, scenario, table, options.progress)?,
        };
        let elapsed = started.elapsed();
        timing.copy_ms += elapsed.as_secs_f64() * 1000.0;
        tables.push(TableSeeded {
            table: table.name.clone(),
            rows: table.rows,
            checksum,
            source: if table.sql.is_some() { SeedSource::Sql } else { SeedSource::Generated },
            database_checksum: None,
            duration_ms: elapsed.as_secs_f64() * 1000.0,
        });
    }
    // After all of the SQL ran: a later statement may still have changed an earlier table.
    for t in tables.iter_mut().filter(|t| t.source == SeedSource::Sql && t.checksum.is_empty()) {
        (t.checksum, t.rows) = sql_seed::checksum(client, &t.table)?;
    }
    if let Some(deferred) = deferred {
        let rebuilt = deferred::put_back(client, db, deferred, options.progress)?;
        timing.index_ms = rebuilt.elapsed.as_secs_f64() * 1000.0;
        timing.indexes_rebuilt = rebuilt.indexes;
        timing.foreign_keys_rebuilt = rebuilt.foreign_keys;
    }
    let started = Instant::now();
    sql(client, "VACUUM (ANALYZE)", "VACUUM (ANALYZE) after seeding")?;
    timing.vacuum_ms = started.elapsed().as_secs_f64() * 1000.0;
    sql(client, "RESET synchronous_commit", "restoring synchronous_commit")?;
    if options.verify {
        for t in &mut tables {
            // A SQL-seeded table's checksum is already the database's.
            t.database_checksum = Some(match t.source {
                SeedSource::Sql => t.checksum.clone(),
                SeedSource::Generated => checksum::database_checksum(client, &t.table)?,
            });
        }
    }
    Ok(Seeded { tables, timing })
}

fn sql(client: &mut Client, statement: &str, what: &str) -> Result<(), SeedError> {
    client.batch_execute(statement).map_err(|source| SeedError::Sql { what: what.to_string(), source })
}

struct CatalogColumn {
    name: String,
    not_null: bool,
    has_default: bool,
}

/// Writes one table's rows; returns their checksum.
fn seed_table(
    client: &mut Client,
    scenario: &Scenario,
    table: &TableSpec,
    progress: &Progress,
) -> Result<String, SeedError> {
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
    let column_names: Vec<&str> = table.columns.iter().map(|e| e.spec.name.as_str()).collect();
    let mut digest = RowDigest::new(&table.name, &column_names);
    if table.rows == 0 {
        return Ok(digest.finish());
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
    let freeze = can_freeze(client, &table.name)?;
    let qualified: Vec<String> = table.columns.iter().map(|e| format!("{}.{}", table.name, e.spec.name)).collect();
    // The producer generates, checksums and encodes each batch; the writer only sends it, in
    // one message: the sync client's per-row writes cost more than the server's COPY did.
    let (sender, receiver) = crossbeam_channel::bounded::<Result<bytes::Bytes, SeedError>>(8);
    std::thread::scope(|scope| -> Result<String, SeedError> {
        let (types, qualified) = (&types, &qualified);
        let producer = scope.spawn(move || {
            let mut row = 0u64;
            let mut values = Vec::with_capacity(generators.len());
            while row < rows {
                let end = (row + BATCH as u64).min(rows);
                let mut batch = bytes::BytesMut::with_capacity(BATCH * 128);
                for r in row..end {
                    values.clear();
                    let encoded = generators
                        .iter_mut()
                        .try_for_each(|g| g.next_value(r).map(|v| values.push(v)))
                        .and_then(|()| encode_row(&mut batch, &values, types, qualified));
                    if let Err(e) = encoded {
                        let _ = sender.send(Err(e));
                        return None;
                    }
                    digest.row(&values);
                }
                if sender.send(Ok(batch.freeze())).is_err() {
                    return None; // the writer gave up; its error is reported
                }
                row = end;
            }
            Some(digest.finish())
        });
        let copy_err = |source: postgres::Error| SeedError::Copy { table: table.name.clone(), source };
        // COPY FREEZE into a table emptied in the same transaction writes its rows frozen and
        // its pages all-visible: VACUUM then has nothing to rewrite.
        let options = if freeze {
            client.batch_execute(&format!("BEGIN; TRUNCATE {quoted}")).map_err(copy_err)?;
            "FORMAT binary, FREEZE"
        } else {
            "FORMAT binary"
        };
        let written = (|| -> Result<Result<(), SeedError>, SeedError> {
            let write_err = |e: std::io::Error| SeedError::CopyStream { table: table.name.clone(), source: e };
            let mut writer =
                client.copy_in(&format!("COPY {quoted} ({column_list}) FROM STDIN ({options})")).map_err(copy_err)?;
            writer.write_all(COPY_HEADER).map_err(write_err)?;
            // A bar on a terminal; in a log, a line every few seconds while the COPY runs.
            let bar = progress.rows(&format!("seeding `{}`", table.name), rows);
            let mut sent = 0u64;
            for batch in &receiver {
                match batch {
                    Ok(bytes) => writer.write_all(&bytes).map_err(write_err)?,
                    Err(e) => return Ok(Err(e)),
                }
                // Every batch but the last holds BATCH rows.
                sent = (sent + BATCH as u64).min(rows);
                bar.set(sent);
            }
            bar.finish();
            writer.write_all(COPY_TRAILER).map_err(write_err)?;
            writer.finish().map_err(copy_err)?;
            Ok(Ok(()))
        })();
        // The producer may be waiting to send: with the receiver gone it stops.
        drop(receiver);
        let written = written.and_then(|generated| generated);
        if freeze {
            let end = if written.is_ok() { "COMMIT" } else { "ROLLBACK" };
            client.batch_execute(end).map_err(copy_err)?;
        }
        written?;
        producer.join().ok().flatten().ok_or(SeedError::ThreadPanicked { what: "generating rows" })
    })
}

/// Whether `table` can take COPY FREEZE: a plain table, still empty (a schema file may have
/// put rows in, which TRUNCATE would lose), that no foreign key references (TRUNCATE refuses).
fn can_freeze(client: &mut Client, table: &str) -> Result<bool, SeedError> {
    let quoted = quote_ident(table);
    client
        .query_one(
            &format!(
                "SELECT c.relkind = 'r' AND NOT c.relispartition
                        AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.oid)
                        AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid)
                        AND NOT EXISTS (SELECT 1 FROM {quoted})
                   FROM pg_class c WHERE c.oid = to_regclass($1)"
            ),
            &[&quoted],
        )
        .map(|r| r.get(0))
        .map_err(|source| SeedError::Sql { what: format!("checking whether `{table}` is empty"), source })
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
