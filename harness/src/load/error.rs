//! Errors of the load stage: a worker or the lock monitor could not connect, a statement the
//! workload needs could not be prepared, or the rows to write could not be generated. A write
//! that fails while the workload runs is not an error: it is counted in the figures.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("load: {what}")]
    Database {
        what: String,
        #[source]
        source: crate::db::DbError,
    },
    #[error("load: {what}")]
    Sql {
        what: String,
        #[source]
        source: postgres::Error,
    },
    #[error("load: cannot generate rows for `{table}`")]
    Seed {
        table: String,
        #[source]
        source: Box<crate::seed::SeedError>,
    },
    #[error("load: {worker} did not get ready within {}s (expected a connection and its prepared statements)", .waited.as_secs())]
    NotReady { worker: String, waited: Duration },
    #[error("load: {worker} stopped: {message}")]
    Worker { worker: String, message: String },
}

impl LoadError {
    pub(super) fn sql(what: impl Into<String>) -> impl FnOnce(postgres::Error) -> LoadError {
        let what = what.into();
        move |source| LoadError::Sql { what, source }
    }
}
