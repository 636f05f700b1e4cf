//! Plain SQL files: any `.sql` file no other layout takes, run as `psql -f` runs it, statement by
//! statement with no wrapping transaction (a `BEGIN`/`COMMIT` written in the file takes effect
//! as written). Last in the registry, since it takes any `.sql` file. Running the files is
//! `plan.rs`'s.

use super::layout::{version_of, Entry, Layout};
use super::migration::Migration;
use super::registry::{Format, Source};
use crate::migrate::error::MigrateError;
use crate::scenario::TransactionMode;

#[derive(Debug)]
pub(crate) struct Plain;

impl Source for Plain {
    fn format(&self) -> Format {
        Format::Plain
    }

    fn concurrently_fix(&self) -> &'static str {
        "remove the `BEGIN`/`COMMIT` around it and run each statement on its own"
    }
}

impl Layout for Plain {
    fn describe(&self) -> &'static str {
        "plain `.sql` files"
    }

    fn recognise(&self, entry: &Entry) -> Result<Option<Migration>, MigrateError> {
        Ok(entry.sql_stem().map(|stem| Migration {
            id: stem.to_string(),
            version: version_of(stem),
            up: entry.path.to_path_buf(),
            down: None,
            no_transaction: false,
            layout: &Plain,
        }))
    }

    fn down_convention(&self, _m: &Migration) -> String {
        "a down file".to_string()
    }

    fn transaction(&self, _m: &Migration) -> TransactionMode {
        TransactionMode::None
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::{folder, recognise};
    use super::*;

    #[test]
    fn any_sql_file_runs_statement_by_statement() {
        let dir = folder(&[("perf_indexes.sql", "x"), ("notes.txt", "x"), ("sub.sql/x", "x")]);
        let m = recognise(&Plain, dir.path(), "perf_indexes.sql").unwrap();
        assert_eq!((m.id.as_str(), m.version.as_str(), m.format()), ("perf_indexes", "perf", Format::Plain));
        assert_eq!(m.transaction(None), TransactionMode::None);
        assert_eq!(m.transaction(Some(TransactionMode::PerFile)), TransactionMode::PerFile);
        assert_eq!(m.down_convention(), "a down file");
        assert!(recognise(&Plain, dir.path(), "notes.txt").is_none());
        assert!(recognise(&Plain, dir.path(), "sub.sql").is_none(), "a folder is not a file");
    }
}
