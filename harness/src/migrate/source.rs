//! Finds the migrations of a project folder in the layouts real tools use, and in the order
//! those tools apply them: Diesel (`NNN_name/up.sql` + `down.sql`, `metadata.toml`), sqlx
//! (`NNN_name.up.sql` + `.down.sql`, or `NNN_name.sql`; `-- no-transaction` on the first
//! line), Flyway/refinery (`V1__name.sql`, undo `U1__name.sql`) and plain ordered `.sql` files.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::MigrateError;

/// The tool whose conventions a migration follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Diesel,
    Sqlx,
    Flyway,
    /// A plain SQL file, run as `psql -f` runs it: statement by statement, no wrapping
    /// transaction.
    Plain,
    /// An Alembic revision, run by `alembic upgrade`.
    Alembic,
    /// A Django migration, run by `manage.py migrate`.
    Django,
    /// Whatever the scenario's `up-command` runs.
    Command,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Migration {
    /// The folder name (Diesel) or file stem without `.up` (sqlx, Flyway, plain).
    pub id: String,
    /// The version prefix (`15`, `20240101000000`, `1.2`).
    pub version: String,
    pub format: Format,
    pub up: PathBuf,
    pub down: Option<PathBuf>,
    /// The migration opts out of its tool's wrapping transaction.
    pub no_transaction: bool,
}

impl Migration {
    /// Where this migration's tool keeps a down step, for "no down step" messages.
    pub fn down_convention(&self) -> String {
        match self.format {
            Format::Diesel => format!("`{}/down.sql`", self.id),
            Format::Sqlx => format!("`{}.down.sql`", self.id),
            Format::Flyway => format!("an undo file `U{}__….sql`", self.version),
            Format::Plain => "a down file".to_string(),
            Format::Alembic | Format::Django | Format::Command => "the tool's down step".to_string(),
        }
    }

    /// Whether `name` (from the scenario's `under-test`) designates this migration.
    pub fn is_named(&self, name: &str) -> bool {
        // Diesel's files are all `up.sql`: only the folder names a Diesel migration.
        let file_name = match self.format {
            Format::Diesel => None,
            _ => self.up.file_name().and_then(|f| f.to_str()),
        };
        self.id == name || self.version == name || file_name == Some(name)
    }
}

/// Lists the migrations in `dir`, in application order.
pub fn discover(dir: &Path) -> Result<Vec<Migration>, MigrateError> {
    let read_dir = |path: &Path| {
        std::fs::read_dir(path).map_err(|source| MigrateError::ReadDir { path: path.to_path_buf(), source })
    };
    let mut found = Vec::new();
    for entry in read_dir(dir)? {
        let path = entry.map_err(|source| MigrateError::ReadDir { path: dir.to_path_buf(), source })?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        if path.is_dir() {
            let up = path.join("up.sql");
            if up.is_file() {
                let down = Some(path.join("down.sql")).filter(|d| d.is_file());
                let metadata = path.join("metadata.toml");
                let no_transaction = metadata.is_file() && !run_in_transaction(&metadata)?;
                found.push(Migration {
                    version: version_of(&name),
                    id: name,
                    format: Format::Diesel,
                    up,
                    down,
                    no_transaction,
                });
            }
            continue;
        }
        let Some(stem) = name.strip_suffix(".sql") else { continue };
        let flyway_undo =
            stem.strip_prefix('U').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()) && r.contains("__"));
        if stem.ends_with(".down") || flyway_undo {
            continue; // down/undo halves are attached to their up file below
        }
        let (id, format, down) = if let Some(base) = stem.strip_suffix(".up") {
            let down = dir.join(format!("{base}.down.sql"));
            (base.to_string(), Format::Sqlx, down.is_file().then_some(down))
        } else if stem
            .strip_prefix('V')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()) && r.contains("__"))
        {
            let undo = dir.join(format!("U{}", &name[1..]));
            (stem.to_string(), Format::Flyway, undo.is_file().then_some(undo))
        } else if version_of(stem).chars().next().is_some_and(|c| c.is_ascii_digit()) && stem.contains('_') {
            (stem.to_string(), Format::Sqlx, None)
        } else {
            (stem.to_string(), Format::Plain, None)
        };
        let no_transaction = format == Format::Sqlx && first_line_says_no_transaction(&path)?;
        let version = match format {
            Format::Flyway => stem[1..].split("__").next().unwrap_or_default().to_string(),
            _ => version_of(&id),
        };
        found.push(Migration { id, version, format, up: path, down, no_transaction });
    }
    if found.is_empty() {
        return Err(MigrateError::Empty { path: dir.to_path_buf() });
    }
    found.sort_by(|a, b| natural_cmp(&a.version, &b.version).then_with(|| a.id.cmp(&b.id)));
    Ok(found)
}

/// Splits the migrations into those before the one under test, and that one.
pub fn split_at_under_test(
    all: Vec<Migration>,
    name: &str,
    dir: &Path,
) -> Result<(Vec<Migration>, Migration), MigrateError> {
    match all.iter().position(|m| m.is_named(name)) {
        Some(i) => {
            let mut before = all;
            let rest = before.split_off(i);
            let under_test = rest.into_iter().next().expect("position is in range");
            Ok((before, under_test))
        }
        None => Err(MigrateError::UnderTestNotFound {
            name: name.to_string(),
            dir: dir.to_path_buf(),
            available: all.iter().map(|m| format!("`{}`", m.id)).collect::<Vec<_>>().join(", "),
        }),
    }
}

/// The leading version of a name: the part before the first `_` (Diesel, sqlx).
fn version_of(name: &str) -> String {
    name.split('_').next().unwrap_or(name).to_string()
}

/// Compares versions numerically where both are numbers (`2` before `10`), else as text.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let num = |s: &str| -> Option<Vec<u64>> { s.split('.').map(|p| p.parse().ok()).collect() };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

fn run_in_transaction(metadata: &Path) -> Result<bool, MigrateError> {
    let text = std::fs::read_to_string(metadata)
        .map_err(|source| MigrateError::ReadFile { path: metadata.to_path_buf(), source })?;
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| MigrateError::Metadata { path: metadata.to_path_buf(), message: e.message().to_string() })?;
    match table.get("run_in_transaction") {
        None => Ok(true),
        Some(toml::Value::Boolean(b)) => Ok(*b),
        Some(_) => Err(MigrateError::Metadata {
            path: metadata.to_path_buf(),
            message: "`run_in_transaction` must be `true` or `false`".into(),
        }),
    }
}

fn first_line_says_no_transaction(path: &Path) -> Result<bool, MigrateError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| MigrateError::ReadFile { path: path.to_path_buf(), source })?;
    Ok(text.lines().next().is_some_and(|l| l.trim() == "-- no-transaction"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn diesel_folders_sort_numerically_and_read_metadata() {
        let dir = folder(&[
            ("2_b/up.sql", "x"),
            ("15_pak/up.sql", "x"),
            ("15_pak/down.sql", "x"),
            ("15_pak/metadata.toml", "run_in_transaction = false"),
        ]);
        let all = discover(dir.path()).unwrap();
        assert_eq!(all.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["2_b", "15_pak"]);
        assert!(all[1].no_transaction && all[1].down.is_some() && all[1].format == Format::Diesel);
    }

    #[test]
    fn sqlx_pairs_flyway_and_plain_files() {
        let dir = folder(&[
            ("20240101_init.up.sql", "x"),
            ("20240101_init.down.sql", "x"),
            ("20240202_idx.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);"),
        ]);
        let all = discover(dir.path()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].format, all[0].down.is_some()), (Format::Sqlx, true));
        assert!(all[1].no_transaction);

        let dir = folder(&[("V2__idx.sql", "x"), ("V1__init.sql", "x"), ("U2__idx.sql", "x")]);
        let all = discover(dir.path()).unwrap();
        assert_eq!(all.iter().map(|m| m.version.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        assert!(all[1].down.is_some());

        let dir = folder(&[("perf_indexes.sql", "x")]);
        assert_eq!(discover(dir.path()).unwrap()[0].format, Format::Plain);
    }

    #[test]
    fn under_test_is_found_by_id_version_or_file_name() {
        let dir = folder(&[("1_a/up.sql", "x"), ("2_b/up.sql", "x"), ("3_c/up.sql", "x")]);
        for name in ["2_b", "2"] {
            let (before, m) = split_at_under_test(discover(dir.path()).unwrap(), name, dir.path()).unwrap();
            assert_eq!((before.len(), m.id.as_str()), (1, "2_b"));
        }
        let err = split_at_under_test(discover(dir.path()).unwrap(), "9_z", dir.path()).unwrap_err();
        assert!(err.to_string().contains("expected one of `1_a`, `2_b`, `3_c`"), "{err}");
    }
}
