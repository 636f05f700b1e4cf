//! Seeding by the scenario's own SQL: a table's `sql` or `sql-file`, and `[database]
//! seed-files` (scripts that fill several tables). The statements are run by the runner the
//! pipeline hands down (the migrate stage's, statement by statement in autocommit, each failure
//! naming its file, line and statement); this file says which SQL runs where, with lines that
//! point into the scenario file for inline SQL, and checksums what it left. planproof did not
//! make those rows, so their checksum is the database's (`checksum::database_checksum`,
//! order-free), and the tables a seed file filled are found by comparing that checksum of every
//! table before and after it.

use std::collections::BTreeMap;

use postgres::Client;

use super::checksum::database_checksum;
use super::error::SeedError;
use super::table::{SeedOptions, SeedSource, TableSeeded};
use crate::scenario::{Scenario, SqlSeed, SqlText};

/// Runs `[database] seed-files` in order; the tables they filled (not those `[tables]`
/// declares, which are reported as declared), by name.
pub(super) fn seed_files(
    client: &mut Client,
    scenario: &Scenario,
    options: SeedOptions<'_>,
) -> Result<Vec<TableSeeded>, SeedError> {
    if scenario.database.seed_files.is_empty() {
        return Ok(Vec::new());
    }
    let before = checksums(client)?;
    let started = std::time::Instant::now();
    for file in &scenario.database.seed_files {
        let SqlText::File(path) = &file.text else { continue };
        options.progress.line(&format!("seed file {}", path.display()));
        run(client, scenario, file, &format!("seed file `{}`", path.display()), options)?;
    }
    let per_table_ms = started.elapsed().as_secs_f64() * 1000.0;
    let after = checksums(client)?;
    let changed: Vec<(String, String)> = after
        .into_iter()
        .filter(|(table, sum)| before.get(table) != Some(sum) && !scenario.tables.iter().any(|t| &t.name == table))
        .collect();
    let count = changed.len().max(1) as f64;
    Ok(changed
        .into_iter()
        .map(|(table, checksum)| TableSeeded {
            rows: rows_of(&checksum),
            table,
            checksum,
            source: SeedSource::Sql,
            database_checksum: None,
            // The files' time, shared out: which table took how long is not known.
            duration_ms: per_table_ms / count,
        })
        .collect())
}

/// Runs one piece of seed SQL; `what` names it in the error.
pub(super) fn run(
    client: &mut Client,
    scenario: &Scenario,
    seed: &SqlSeed,
    what: &str,
    options: SeedOptions<'_>,
) -> Result<(), SeedError> {
    let error =
        |source| SeedError::SqlSeed { path: scenario.path.clone(), at: seed.at, what: what.to_string(), source };
    match &seed.text {
        // Blank lines before the text make the runner's line numbers the scenario file's.
        SqlText::Inline { sql, line } => {
            let padded = format!("{}{sql}", "\n".repeat(line.saturating_sub(1)));
            (options.run_sql)(client, &scenario.path, &padded).map_err(error)
        }
        SqlText::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| error(Box::new(e)))?;
            (options.run_sql)(client, path, &text).map_err(error)
        }
    }
}

/// A SQL-seeded table's checksum and row count, as the database holds it.
pub(super) fn checksum(client: &mut Client, table: &str) -> Result<(String, u64), SeedError> {
    let sum = database_checksum(client, table)?;
    let rows = rows_of(&sum);
    Ok((sum, rows))
}

/// The row count a database checksum ends with (`…-1000`).
fn rows_of(checksum: &str) -> u64 {
    checksum.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// The database checksum of every table on the search path, by name: what a seed file changed
/// is what differs after it.
fn checksums(client: &mut Client) -> Result<BTreeMap<String, String>, SeedError> {
    let names: Vec<String> = client
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND pg_table_is_visible(c.oid)
                AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              ORDER BY 1",
            &[],
        )
        .map_err(|source| SeedError::Sql { what: "listing the tables seed files may fill".into(), source })?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut sums = BTreeMap::new();
    for name in names {
        let sum = database_checksum(client, &name)?;
        sums.insert(name, sum);
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::rows_of;

    #[test]
    fn the_row_count_is_the_checksum_s_last_part() {
        assert_eq!(rows_of("3fa9c0-100000"), 100_000);
        assert_eq!(rows_of("0-0"), 0);
    }
}
