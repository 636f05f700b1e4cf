//! Errors of the database stage: planproof could not get a PostgreSQL to work in.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "no PostgreSQL to run on (expected one of: `--database-url`/`DATABASE_URL` pointing at a \
         server planproof may create databases on; a Docker engine at `DOCKER_HOST` or \
         /var/run/docker.sock; PostgreSQL server binaries `initdb` and `pg_ctl` on PATH, under \
         /usr/lib/postgresql/*/bin, or in `PLANPROOF_PG_BIN` — e.g. `apt-get install postgresql`)"
    )]
    NothingAvailable,
    #[error("no usable Docker engine at `{}`: {}", .0.endpoint, .0.reason)]
    DockerUnavailable(super::engine::Unusable),
    #[error("cannot start PostgreSQL from image `{image}`{hint}")]
    DockerStart {
        image: String,
        hint: String,
        /// The image was not on the engine before the start, which then could not pull it:
        /// `auto` turns to the local backend.
        missing: bool,
        #[source]
        source: Box<testcontainers::TestcontainersError>,
    },
    #[error("cannot read the mapped port of container `{id}`")]
    DockerPort {
        id: String,
        #[source]
        source: Box<testcontainers::TestcontainersError>,
    },
    #[error("invalid image name `{0}` (expected a name without a tag, like `postgres` or `mirror.example.com/library/postgres`: the tag is the PostgreSQL major)")]
    BadImage(String),
    #[error("invalid PostgreSQL version `{0}` (expected a major version like `16`)")]
    BadVersion(String),
    #[error("no PostgreSQL {0} binaries for the local backend (expected them in `/usr/lib/postgresql/{0}/bin`, or a folder named by `--pg-bin`/`PLANPROOF_PG_BIN`)")]
    NoLocalMajor(String),
    #[error("{backend} is not PostgreSQL {wanted} (expected the version `--pg` asks for)")]
    WrongVersion { backend: String, wanted: String },
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
    #[error("{target} did not finish the connection within {seconds}s (expected a PostgreSQL server that answers; `connect_timeout` in the URL sets the bound)")]
    NoAnswer { target: String, seconds: u64 },
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

/// PostgreSQL's own message for a failed statement, without the driver's prefix.
pub(crate) fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.hint() {
            Some(hint) => format!("{} (hint: {hint})", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}
