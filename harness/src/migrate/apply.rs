//! Runs SQL files against the scratch database the way the user's tool would: the whole file
//! in one transaction (`per-file`), or statement by statement in autocommit (`none`: `psql -f`,
//! a tool's no-transaction mode). Either way the statements are sent one at a time so a failure
//! names its statement and line. Which mode a migration's layout asks for is the layout's.
//!
//! Running a file in one transaction is what makes `CREATE INDEX CONCURRENTLY` fail here as
//! it fails in production: PostgreSQL refuses it inside a transaction block
//! (<https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>).

use std::path::Path;
use std::time::{Duration, Instant};

use postgres::Client;

use super::error::{MigrateError, StatementFailure};
use super::server_time::StatementTime;
use super::split::split_statements;
use crate::scenario::TransactionMode;

/// What running one file did.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileRun {
    pub statements: usize,
    #[serde(serialize_with = "crate::migrate::apply::millis")]
    pub duration: Duration,
    /// Each statement's time on this connection (`BEGIN` and `COMMIT` included when the file
    /// runs in one transaction): the server's work plus one local round trip each.
    pub times: Vec<StatementTime>,
}

pub(crate) fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// Runs `path` in `mode`; on failure the transaction (if any) is rolled back.
pub fn run_file(client: &mut Client, path: &Path, mode: TransactionMode) -> Result<FileRun, MigrateError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| MigrateError::ReadFile { path: path.to_path_buf(), source })?;
    run_sql(client, path, &text, mode)
}

/// Runs seed SQL as the seed stage's `seed::RunSql`: statement by statement in autocommit,
/// as schema files run (`psql -f`).
pub fn run_seed_sql(
    client: &mut Client,
    path: &Path,
    text: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    run_sql(client, path, text, TransactionMode::None).map(drop).map_err(Into::into)
}

/// Runs `text`, read from `path` (for messages), in `mode`.
pub(crate) fn run_sql(
    client: &mut Client,
    path: &Path,
    text: &str,
    mode: TransactionMode,
) -> Result<FileRun, MigrateError> {
    let statements =
        split_statements(text).map_err(|message| MigrateError::Split { path: path.to_path_buf(), message })?;
    let started = Instant::now();
    let fail = |client: &mut Client, line: usize, sql: &str, error: postgres::Error| {
        // Leave the session usable: end whatever transaction the failure left open.
        let _ = client.batch_execute("ROLLBACK");
        MigrateError::Statement(Box::new(failure(path, line, sql, &error)))
    };
    let mut times = Vec::new();
    let mut timed = |client: &mut Client, line: usize, sql: &str| {
        let at = Instant::now();
        client.batch_execute(sql).map_err(|e| fail(client, line, sql, e))?;
        times.push(StatementTime::new(sql, at.elapsed().as_secs_f64() * 1000.0));
        Ok::<(), MigrateError>(())
    };
    if mode == TransactionMode::PerFile {
        timed(client, 1, "BEGIN")?;
    }
    for statement in &statements {
        timed(client, statement.line, &statement.sql)?;
    }
    if mode == TransactionMode::PerFile {
        timed(client, statements.last().map_or(1, |s| s.line), "COMMIT")?;
    }
    Ok(FileRun { statements: statements.len(), duration: started.elapsed(), times })
}

fn failure(path: &Path, line: usize, sql: &str, error: &postgres::Error) -> StatementFailure {
    let db = error.as_db_error();
    StatementFailure {
        file: path.to_path_buf(),
        line,
        statement: sql.to_string(),
        message: db.map_or_else(|| error.to_string(), |d| d.message().to_string()),
        code: db.map(|d| d.code().code().to_string()),
        detail: db.and_then(|d| d.detail().map(str::to_string)),
        hint: db.and_then(|d| d.hint().map(str::to_string)),
        note: None,
    }
}
