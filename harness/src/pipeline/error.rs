//! Why a scenario run could not finish. Each variant says which stage stopped and keeps the
//! stage's own error as its source.

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("database")]
    Database(#[from] crate::db::DbError),
    #[error("schema")]
    Schema(#[source] crate::migrate::MigrateError),
    #[error("migrations")]
    Migrations(#[from] crate::migrate::MigrateError),
    #[error("earlier migration `{id}`")]
    EarlierMigration {
        id: String,
        #[source]
        source: crate::migrate::MigrateError,
    },
    #[error("migration under test `{id}` failed")]
    UnderTest {
        id: String,
        #[source]
        source: crate::migrate::MigrateError,
    },
    #[error("seed")]
    Seed(#[from] crate::seed::SeedError),
    #[error("explain")]
    Explain(#[from] crate::explain::ExplainError),
    #[error("load")]
    Load(#[from] crate::load::LoadError),
    #[error("{what} ran longer than {bound}, and was cancelled")]
    Timeout {
        what: String,
        bound: String,
        #[source]
        source: Box<PipelineError>,
    },
    #[error("{what}")]
    Sql {
        what: String,
        #[source]
        source: postgres::Error,
    },
}
