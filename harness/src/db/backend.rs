//! The seam between the pipeline and wherever PostgreSQL runs: a backend hands out scratch
//! databases that nobody else uses, and takes them back.

use postgres::{Client, Config, NoTls};

use super::error::DbError;

/// A source of throwaway databases.
pub trait Backend {
    /// One line for the terminal and reports: kind, version, where.
    fn describe(&self) -> String;
    /// The server's version (`SHOW server_version`).
    fn server_version(&self) -> &str;
    /// A fresh, empty database for one scenario run.
    fn create_database(&mut self, hint: &str) -> Result<ScratchDb, DbError>;
    /// Removes a database made by `create_database`.
    fn drop_database(&mut self, db: &ScratchDb) -> Result<(), DbError>;
    /// Keeps a database (and whatever it lives in) after the run, for a look after a failure;
    /// returns how to connect to it.
    fn keep(&mut self, db: &ScratchDb) -> String;
}

/// A database created for one run.
#[derive(Clone)]
pub struct ScratchDb {
    pub name: String,
    pub config: Config,
    /// A `psql` command line (or URL) that reaches it.
    pub connect_hint: String,
}

impl ScratchDb {
    pub fn connect(&self) -> Result<Client, DbError> {
        self.config
            .connect(NoTls)
            .map_err(|source| DbError::Connect { target: format!("database `{}`", self.name), source })
    }
}

/// A database name that shows where it came from and does not collide with another run's.
pub(super) fn scratch_name(hint: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let clean: String =
        hint.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(30).collect();
    format!("planproof_{clean}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Double-quotes an identifier for SQL.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
