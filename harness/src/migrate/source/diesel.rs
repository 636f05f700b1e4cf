//! Diesel's layout: a folder per migration, `NNN_name/up.sql` with an optional `down.sql`, and
//! an optional `metadata.toml` whose `run_in_transaction = false` opts the migration out of the
//! transaction Diesel wraps each file in. Only the folder name designates a migration (every
//! file is `up.sql`). Running the files is `plan.rs`'s.

use std::path::Path;

use super::layout::{version_of, Entry, Layout};
use super::migration::Migration;
use super::registry::{Format, Source};
use crate::migrate::error::MigrateError;

#[derive(Debug)]
pub(crate) struct Diesel;

impl Source for Diesel {
    fn format(&self) -> Format {
        Format::Diesel
    }

    fn concurrently_fix(&self) -> &'static str {
        "for Diesel, add `metadata.toml` with `run_in_transaction = false`"
    }
}

impl Layout for Diesel {
    fn describe(&self) -> &'static str {
        "Diesel folders `NNN_name/up.sql`"
    }

    fn recognise(&self, entry: &Entry) -> Result<Option<Migration>, MigrateError> {
        let up = entry.path.join("up.sql");
        if !entry.is_dir || !up.is_file() {
            return Ok(None);
        }
        let down = Some(entry.path.join("down.sql")).filter(|d| d.is_file());
        let metadata = entry.path.join("metadata.toml");
        let no_transaction = metadata.is_file() && !run_in_transaction(&metadata)?;
        Ok(Some(Migration {
            id: entry.name.to_string(),
            version: version_of(entry.name),
            up,
            down,
            no_transaction,
            layout: &Diesel,
        }))
    }

    fn down_convention(&self, m: &Migration) -> String {
        format!("`{}/down.sql`", m.id)
    }

    fn is_named(&self, m: &Migration, name: &str) -> bool {
        m.id == name || m.version == name
    }
}

/// `run_in_transaction` of a `metadata.toml`: `true` when it does not say.
fn run_in_transaction(metadata: &Path) -> Result<bool, MigrateError> {
    let text = super::layout::read(metadata)?;
    let invalid = |message: String| MigrateError::Metadata { path: metadata.to_path_buf(), message };
    let table: toml::Table = toml::from_str(&text).map_err(|e| invalid(e.message().to_string()))?;
    match table.get("run_in_transaction") {
        None => Ok(true),
        Some(toml::Value::Boolean(b)) => Ok(*b),
        Some(_) => Err(invalid("`run_in_transaction` must be `true` or `false`".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::{folder, recognise};
    use super::*;
    use crate::scenario::TransactionMode;

    #[test]
    fn a_folder_with_up_sql_is_a_migration_and_its_metadata_is_read() {
        let dir = folder(&[
            ("15_pak/up.sql", "x"),
            ("15_pak/down.sql", "x"),
            ("15_pak/metadata.toml", "run_in_transaction = false"),
            ("16_idx/up.sql", "x"),
        ]);
        let m = recognise(&Diesel, dir.path(), "15_pak").unwrap();
        assert_eq!((m.id.as_str(), m.version.as_str(), m.format()), ("15_pak", "15", Format::Diesel));
        assert!(m.down.is_some() && m.no_transaction);
        assert_eq!(m.transaction(None), TransactionMode::None);
        let m = recognise(&Diesel, dir.path(), "16_idx").unwrap();
        assert!(m.down.is_none() && !m.no_transaction);
        assert_eq!(m.transaction(None), TransactionMode::PerFile);
        assert_eq!(m.down_convention(), "`16_idx/down.sql`");
    }

    #[test]
    fn files_and_folders_without_up_sql_are_not_diesels() {
        let dir = folder(&[("1_a.sql", "x"), ("2_b/down.sql", "x")]);
        assert!(recognise(&Diesel, dir.path(), "1_a.sql").is_none());
        assert!(recognise(&Diesel, dir.path(), "2_b").is_none());
    }

    #[test]
    fn only_the_folder_name_or_version_names_it() {
        let dir = folder(&[("15_pak/up.sql", "x")]);
        let m = recognise(&Diesel, dir.path(), "15_pak").unwrap();
        assert!(m.is_named("15_pak") && m.is_named("15"));
        assert!(!m.is_named("up.sql"), "every Diesel file is `up.sql`");
    }

    #[test]
    fn metadata_that_is_not_a_boolean_is_named() {
        let dir = folder(&[("1_a/up.sql", "x"), ("1_a/metadata.toml", "run_in_transaction = \"no\"")]);
        let path = dir.path().join("1_a");
        let entry = Entry { folder: dir.path(), path: &path, name: "1_a", is_dir: true };
        let err = Diesel.recognise(&entry).unwrap_err().to_string();
        assert!(err.contains("`run_in_transaction` must be `true` or `false`"), "{err}");
    }
}
