//! Errors of the migrate stage. A failing statement is reported with its file, line, the
//! statement itself and PostgreSQL's own message, code, detail and hint.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("cannot read migrations folder `{}`", path.display())]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read `{}`", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no migrations in `{}` (expected Diesel folders `NNN_name/up.sql`, sqlx files `NNN_name.up.sql`, Flyway files `V1__name.sql` or plain `.sql` files)", path.display())]
    Empty { path: PathBuf },
    #[error("migration under test `{name}` not found in `{}` (expected one of {available})", dir.display())]
    UnderTestNotFound {
        name: String,
        dir: PathBuf,
        available: String,
    },
    #[error("`{}`: invalid `metadata.toml`: {message}", path.display())]
    Metadata { path: PathBuf, message: String },
    #[error("`{}`: cannot split into statements: {message}", path.display())]
    Split { path: PathBuf, message: String },
    #[error("`reversible = true`, but migration `{id}` has no down step (expected {expected}, or `down = \"file.sql\"` under [migration])")]
    NoDown { id: String, expected: String },
    #[error("{0}")]
    Statement(Box<StatementFailure>),
}

/// One SQL statement PostgreSQL refused.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatementFailure {
    pub file: PathBuf,
    pub line: usize,
    pub statement: String,
    pub message: String,
    pub code: Option<String>,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

impl std::fmt::Display for StatementFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` line {}: {}", self.file.display(), self.line, self.message)?;
        if let Some(code) = &self.code {
            write!(f, " (SQLSTATE {code})")?;
        }
        write!(f, " in `{}`", one_line(&self.statement, 120))
    }
}

/// A statement shortened to one line for messages.
pub fn one_line(sql: &str, max: usize) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    } else {
        flat
    }
}
