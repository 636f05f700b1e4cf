//! What a folder layout is to planproof: the [`Layout`] trait that every layout of SQL files
//! planproof runs itself implements, the folder [`Entry`] it is asked about, and the [`Script`]
//! one step of a migration runs. Which layouts there are, and in which order they are asked, is
//! the registry's; walking the folder and ordering what the layouts find is `discover.rs`'s;
//! sending the statements is `apply.rs`'s.

use std::path::{Path, PathBuf};

use super::migration::Migration;
use super::registry::Source;
use crate::migrate::error::MigrateError;
use crate::scenario::TransactionMode;

/// One file or folder of a migrations folder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    /// The migrations folder.
    pub folder: &'a Path,
    pub path: &'a Path,
    /// Its file name.
    pub name: &'a str,
    pub is_dir: bool,
}

impl<'a> Entry<'a> {
    /// The file name without `.sql`, for a `.sql` file; `None` for anything else (a folder too).
    pub(crate) fn sql_stem(&self) -> Option<&'a str> {
        if self.is_dir {
            return None;
        }
        self.name.strip_suffix(".sql")
    }

    /// Another file of the same folder, when it exists (a down file beside its up file).
    pub(crate) fn sibling(&self, name: &str) -> Option<PathBuf> {
        Some(self.folder.join(name)).filter(|p| p.is_file())
    }
}

/// Which way one step of a migration goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Up,
    Down,
}

/// The SQL one step of a migration runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Script {
    /// The file it is read from, for messages.
    pub file: PathBuf,
    /// Line for line as in the file (a part of a file keeps the lines before it blank), so that
    /// a failure's line is the file's.
    pub sql: String,
    /// How the layout's tool runs it, unless the scenario's `transaction` says otherwise.
    pub transaction: TransactionMode,
}

/// A layout of migration files that planproof reads and runs itself, as the layout's tool
/// would.
pub(crate) trait Layout: Source {
    /// How its migrations look, for "no migrations" messages: ``Diesel folders
    /// `NNN_name/up.sql` ``.
    fn describe(&self) -> &'static str;

    /// Whether `entry` belongs to a migration this layout finds by another file (a down or
    /// undo file, found with its up file), so that no layout takes it on its own. Asked of
    /// every layout before any is asked to recognise the entry.
    fn is_part(&self, _entry: &Entry) -> bool {
        false
    }

    /// The migration `entry` is in this layout, `None` when it is not one of this layout's.
    fn recognise(&self, entry: &Entry) -> Result<Option<Migration>, MigrateError>;

    /// Where the layout keeps a down step, for "no down step" messages.
    fn down_convention(&self, m: &Migration) -> String;

    /// Whether `name` (the scenario's `under-test`) designates `m`: its id, its version or its
    /// up file's name.
    fn is_named(&self, m: &Migration, name: &str) -> bool {
        m.id == name || m.version == name || m.up.file_name().is_some_and(|f| f == name)
    }

    /// Why `m` runs in one transaction block when [`Layout::transaction`] says so, and how it
    /// runs outside one: what planproof says of a statement PostgreSQL refuses in a
    /// transaction block (`CREATE INDEX CONCURRENTLY`, SQLSTATE 25001) in one of its files.
    fn why_in_transaction(&self, _m: &Migration) -> String {
        format!(
            "planproof runs {} each in one transaction, as their tool does: {}",
            self.describe(),
            self.concurrently_fix()
        )
    }

    /// How the layout's tool runs `m` unless the scenario says otherwise: in one transaction,
    /// unless the migration opts out.
    fn transaction(&self, m: &Migration) -> TransactionMode {
        if m.no_transaction {
            TransactionMode::None
        } else {
            TransactionMode::PerFile
        }
    }

    /// What `step` of `m` runs: its whole up or down file, the down step in the up step's
    /// transaction mode. `None` when it has no down step.
    fn script(&self, m: &Migration, step: Direction) -> Result<Option<Script>, MigrateError> {
        let file = match step {
            Direction::Up => &m.up,
            Direction::Down => match &m.down {
                Some(down) => down,
                None => return Ok(None),
            },
        };
        let sql = read(file)?;
        Ok(Some(Script { file: file.clone(), sql, transaction: self.transaction(m) }))
    }
}

/// The text of a migration file.
pub(crate) fn read(path: &Path) -> Result<String, MigrateError> {
    std::fs::read_to_string(path).map_err(|source| MigrateError::ReadFile { path: path.to_path_buf(), source })
}

/// The leading version of a name: the part before the first `_` (as Diesel and sqlx read it).
pub(crate) fn version_of(name: &str) -> String {
    name.split('_').next().unwrap_or(name).to_string()
}

/// A folder of test files, for the layouts' tests.
#[cfg(test)]
pub(crate) fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// What `layout` makes of the entry `name` of `dir`, for the layouts' tests.
#[cfg(test)]
pub(crate) fn recognise(layout: &dyn Layout, dir: &Path, name: &str) -> Option<Migration> {
    let path = dir.join(name);
    let entry = Entry { folder: dir, path: &path, name, is_dir: path.is_dir() };
    layout.recognise(&entry).unwrap()
}

/// Whether `layout` leaves the entry `name` of `dir` to another migration, for the tests.
#[cfg(test)]
pub(crate) fn is_part(layout: &dyn Layout, dir: &Path, name: &str) -> bool {
    let path = dir.join(name);
    layout.is_part(&Entry { folder: dir, path: &path, name, is_dir: path.is_dir() })
}
