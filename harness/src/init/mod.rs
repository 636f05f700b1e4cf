//! `planproof init`: a first scenario from a migration the user already has. It finds the
//! migration in its folder (Diesel, sqlx, Flyway, dbmate or plain SQL files), runs the schema
//! files, the migrations before it and the migration itself on a scratch database, and reads
//! from the catalog what the migration created: its new indexes, and for every table they are
//! on (and every table those reference) the columns, their types, `NOT NULL`, defaults,
//! single-column `UNIQUE` and foreign keys. `guess.rs` turns that into a scenario — a generator
//! per column, a query per new index with its expectations — with a comment on each guess.
//! The scenario is validated before the command says it is done.

mod guess;
mod learn;

use std::path::{Path, PathBuf};

use crate::db::{BackendOptions, DbError};
use crate::migrate::{self, MigrateError, Migration};

pub use learn::{Column, Learned, TableFacts};

/// What `planproof init` was asked.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The migration under test: its up file, or its folder (Diesel).
    pub migration: PathBuf,
    /// Schema files run before the migrations, in order.
    pub schema: Vec<PathBuf>,
    /// Where the scenario goes; `None`: standard output, paths relative to the current folder.
    pub out: Option<PathBuf>,
    pub backend: BackendOptions,
}

/// The scenario written, and what was guessed that the user should check.
#[derive(Debug, Clone)]
pub struct Initialised {
    pub toml: String,
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{}` is not a migration planproof can read in its folder (expected {expected}; for Alembic or Django, save the SQL the tool prints, `alembic upgrade REV --sql` or `manage.py sqlmigrate APP NAME`, as a .sql file and give that)", path.display())]
    NotAMigration { path: PathBuf, expected: String },
    #[error("the migration creates no index (expected a migration with `CREATE INDEX`: init writes a query for each new index)")]
    NoNewIndex,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    #[error("reading the catalog: {0}")]
    Catalog(#[from] postgres::Error),
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the scenario written to `{}` does not validate: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// Where the migration under test is: its folder of migrations, itself, and those before it.
#[derive(Debug)]
pub struct Located {
    pub dir: PathBuf,
    pub under_test: Migration,
    pub earlier: Vec<Migration>,
}

/// Finds `path` among the migrations of its folder (a file) or of its parent (a Diesel folder,
/// or its `up.sql`).
pub fn locate(path: &Path) -> Result<Located, InitError> {
    let canonical = path.canonicalize().map_err(|source| InitError::Read { path: path.to_path_buf(), source })?;
    // The folder of a Diesel migration first (its `up.sql` would be a plain file of the
    // migration's own folder), then the file's own folder.
    let candidates = [canonical.parent().and_then(Path::parent), canonical.parent()];
    for dir in candidates.into_iter().flatten() {
        let Ok(all) = migrate::discover(dir) else { continue };
        let is_it = |m: &Migration| {
            let up = m.up.canonicalize().unwrap_or_else(|_| m.up.clone());
            up == canonical || up.parent() == Some(canonical.as_path())
        };
        if let Some(id) = all.iter().find(|m| is_it(m)).map(|m| m.id.clone()) {
            let (earlier, under_test) = migrate::split_at_under_test(all, &id, dir)?;
            return Ok(Located { dir: dir.to_path_buf(), under_test, earlier });
        }
    }
    Err(InitError::NotAMigration { path: path.to_path_buf(), expected: migrate::expected_layouts() })
}

/// Reads the migration and the schema, learns what the migration creates on a scratch
/// database, and writes the scenario (to `out`, validated, or returned for standard output).
pub fn init(options: &InitOptions, progress: &dyn Fn(&str)) -> Result<Initialised, InitError> {
    let located = locate(&options.migration)?;
    let schema: Vec<PathBuf> = options
        .schema
        .iter()
        .map(|p| p.canonicalize().map_err(|source| InitError::Read { path: p.clone(), source }))
        .collect::<Result<_, _>>()?;
    progress(&format!("learning what `{}` creates on a scratch database", located.under_test.id));
    let learned = learn::learn(&options.backend, &schema, &located)?;
    progress(&format!(
        "{} created {} index(es), learned on {}",
        located.under_test.id,
        learned.new_indexes.len(),
        learned.server
    ));
    if learned.new_indexes.is_empty() {
        return Err(InitError::NoNewIndex);
    }
    let base = match &options.out {
        Some(out) => {
            let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            parent.canonicalize().map_err(|source| InitError::Read { path: parent.to_path_buf(), source })?
        }
        None => std::env::current_dir().map_err(|source| InitError::Read { path: ".".into(), source })?,
    };
    let written = guess::scenario(&located, &schema, &learned, &base);
    if let Some(out) = &options.out {
        std::fs::write(out, &written.toml).map_err(|source| InitError::Write { path: out.clone(), source })?;
        if let Err(e) = crate::suite::validate(out) {
            return Err(InitError::Invalid { path: out.clone(), message: crate::text::error_chain(&e) });
        }
    }
    Ok(written)
}

/// `to` relative to the folder `from` (both absolute), with `/` separators.
pub(crate) fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), from.len() - common).collect();
    parts.extend(to_parts[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_written_relative_to_the_scenario() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(relative(&p("/w/scenarios"), &p("/w/fixtures/schema.sql")), "../fixtures/schema.sql");
        assert_eq!(relative(&p("/w"), &p("/w/fixtures/m")), "fixtures/m");
        assert_eq!(relative(&p("/w/a"), &p("/w/a")), ".");
    }

    #[test]
    fn a_diesel_folder_or_its_up_file_is_found_with_the_ones_before_it() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/brokkr/migrations/15_pak_hash_indexes");
        for path in [PathBuf::from(root), PathBuf::from(root).join("up.sql")] {
            let located = locate(&path).expect("the brokkr migration");
            assert_eq!(located.under_test.id, "15_pak_hash_indexes");
            assert!(located.dir.ends_with("fixtures/brokkr/migrations"), "{}", located.dir.display());
            assert!(located.earlier.iter().all(|m| m.id != "15_pak_hash_indexes"));
        }
        let not = locate(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))).unwrap_err();
        assert!(not.to_string().contains("is not a migration planproof can read"), "{not}");
    }
}
