//! sqlx's layout: reversible pairs `NNN_name.up.sql` + `NNN_name.down.sql`, or a simple
//! `NNN_name.sql` (the name starts with a digit and holds a `_`), each file run in one
//! transaction unless its first line is exactly `-- no-transaction`. A `.down.sql` file is
//! found with its up file and never taken on its own. Running the files is `plan.rs`'s.

use super::layout::{read, version_of, Entry, Layout};
use super::migration::Migration;
use super::registry::{Format, Source};
use crate::migrate::error::MigrateError;

#[derive(Debug)]
pub(crate) struct Sqlx;

impl Source for Sqlx {
    fn format(&self) -> Format {
        Format::Sqlx
    }

    fn concurrently_fix(&self) -> &'static str {
        "for sqlx, start the file with `-- no-transaction`"
    }
}

impl Layout for Sqlx {
    fn describe(&self) -> &'static str {
        "sqlx files `NNN_name.up.sql`"
    }

    fn is_part(&self, entry: &Entry) -> bool {
        entry.sql_stem().is_some_and(|stem| stem.ends_with(".down"))
    }

    fn recognise(&self, entry: &Entry) -> Result<Option<Migration>, MigrateError> {
        let Some(stem) = entry.sql_stem() else { return Ok(None) };
        let (id, down) = if let Some(base) = stem.strip_suffix(".up") {
            (base, entry.sibling(&format!("{base}.down.sql")))
        } else if version_of(stem).starts_with(|c: char| c.is_ascii_digit()) && stem.contains('_') {
            (stem, None)
        } else {
            return Ok(None);
        };
        let no_transaction = read(entry.path)?.lines().next().is_some_and(|l| l.trim() == "-- no-transaction");
        Ok(Some(Migration {
            id: id.to_string(),
            version: version_of(id),
            up: entry.path.to_path_buf(),
            down,
            no_transaction,
            layout: &Sqlx,
        }))
    }

    fn down_convention(&self, m: &Migration) -> String {
        format!("`{}.down.sql`", m.id)
    }

    /// A simple file is sqlx's by its name alone, and a plain SQL file a project runs with
    /// `psql -f` is often named so too (`001_add_index.sql`): the message says that the name
    /// decided, and both ways out.
    fn why_in_transaction(&self, m: &Migration) -> String {
        let name = m.up.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(".up.sql") {
            return format!("sqlx runs each migration file in one transaction: {}", self.concurrently_fix());
        }
        format!(
            "planproof took `{name}` for an sqlx migration by its name (it starts with a digit and holds \
             a `_`, like sqlx's `NNN_name.sql`), and sqlx runs each file in one transaction: if sqlx \
             runs it, start the file with `-- no-transaction`; if the project runs it as a plain file \
             (`psql -f`), set `transaction = \"none\"` under `[database]`"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::{folder, is_part, recognise};
    use super::*;
    use crate::scenario::TransactionMode;

    #[test]
    fn a_reversible_pair_is_one_migration_and_its_down_file_is_a_part() {
        let dir = folder(&[("20240101_init.up.sql", "x"), ("20240101_init.down.sql", "x")]);
        let m = recognise(&Sqlx, dir.path(), "20240101_init.up.sql").unwrap();
        assert_eq!((m.id.as_str(), m.version.as_str()), ("20240101_init", "20240101"));
        assert!(m.down.as_ref().is_some_and(|d| d.ends_with("20240101_init.down.sql")));
        assert!(is_part(&Sqlx, dir.path(), "20240101_init.down.sql"));
        assert!(m.is_named("20240101_init") && m.is_named("20240101") && m.is_named("20240101_init.up.sql"));
    }

    #[test]
    fn a_simple_file_starts_with_a_digit_and_holds_an_underscore() {
        let dir = folder(&[
            ("20240202_idx.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);"),
            ("2026-01-23_p0_perf.sql", "x"),
            ("perf_indexes.sql", "x"),
            ("42.sql", "x"),
        ]);
        let m = recognise(&Sqlx, dir.path(), "20240202_idx.sql").unwrap();
        assert!(m.down.is_none() && m.no_transaction);
        assert_eq!(m.transaction(None), TransactionMode::None);
        assert_eq!(m.down_convention(), "`20240202_idx.down.sql`");
        // A dated plain file counts as sqlx, and is wrapped in a transaction.
        let m = recognise(&Sqlx, dir.path(), "2026-01-23_p0_perf.sql").unwrap();
        assert_eq!((m.version.as_str(), m.transaction(None)), ("2026-01-23", TransactionMode::PerFile));
        assert!(recognise(&Sqlx, dir.path(), "perf_indexes.sql").is_none());
        assert!(recognise(&Sqlx, dir.path(), "42.sql").is_none());
    }

    #[test]
    fn a_simple_file_in_a_transaction_is_said_to_be_sqlx_by_its_name() {
        let dir = folder(&[("001_add_index.sql", "CREATE INDEX CONCURRENTLY i ON t (a);"), ("002_b.up.sql", "x")]);
        let simple = recognise(&Sqlx, dir.path(), "001_add_index.sql").unwrap();
        let why = Sqlx.why_in_transaction(&simple);
        assert!(why.contains("took `001_add_index.sql` for an sqlx migration by its name"), "{why}");
        assert!(why.contains("`-- no-transaction`") && why.contains("`transaction = \"none\"`"), "{why}");
        let pair = recognise(&Sqlx, dir.path(), "002_b.up.sql").unwrap();
        let why = Sqlx.why_in_transaction(&pair);
        assert!(!why.contains("by its name") && why.contains("`-- no-transaction`"), "{why}");
    }

    #[test]
    fn no_transaction_counts_only_on_the_first_line() {
        let dir = folder(&[("1_a.sql", "SELECT 1;\n-- no-transaction\n")]);
        assert!(!recognise(&Sqlx, dir.path(), "1_a.sql").unwrap().no_transaction);
    }

    #[test]
    fn a_flyway_script_with_an_up_suffix_is_an_sqlx_pair() {
        // `.up.sql` is sqlx's before `V…__` is Flyway's: sqlx comes first in the registry.
        let dir = folder(&[("V1__init.up.sql", "x")]);
        assert_eq!(recognise(&Sqlx, dir.path(), "V1__init.up.sql").unwrap().id, "V1__init");
    }
}
