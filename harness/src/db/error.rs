//! Errors of the database stage: planproof could not get a PostgreSQL to work in.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "no PostgreSQL to run on (expected one of: `--database-url`/`DATABASE_URL` pointing at a \
         server planproof may create databases on; PostgreSQL server binaries `initdb` and \
         `pg_ctl` on PATH, under /usr/lib/postgresql/*/bin, or in `PLANPROOF_PG_BIN` — e.g. \
         `apt-get install postgresql`)"
    )]
    NothingAvailable,
    #[error("PostgreSQL binaries not found in `{}` (expected `initdb`, `pg_ctl` and `postgres` there)", .0.display())]
    MissingBinaries(PathBuf),
    #[error("`{command}` failed: {output}")]
    Command { command: String, output: String },
    #[error("cannot run `{command}`")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot prepare a temporary folder for the local cluster")]
    TempDir(#[source] std::io::Error),
    #[error("invalid database URL `{url}` (expected `postgres://user:password@host:port/database`)")]
    BadUrl {
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("cannot connect to {target}")]
    Connect {
        target: String,
        #[source]
        source: postgres::Error,
    },
    #[error("{what} on {target}")]
    Sql {
        what: String,
        target: String,
        #[source]
        source: postgres::Error,
    },
}
