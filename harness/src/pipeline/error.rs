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
    #[error("the scenario ran past its time limit, {bound}, and was stopped{}", running(statements))]
    TimeLimit {
        bound: String,
        /// What was running when the limit passed (the statements of the sessions it ended).
        statements: Vec<String>,
        /// How the step that was running failed once its sessions were ended.
        #[source]
        source: Option<Box<PipelineError>>,
    },
    #[error("{what}")]
    Sql {
        what: String,
        #[source]
        source: postgres::Error,
    },
}

/// `` while it ran `SELECT pg_sleep(3600)` ``, or nothing when no statement was running.
fn running(statements: &[String]) -> String {
    if statements.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = statements.iter().map(|s| format!("`{s}`")).collect();
    format!(" while it ran {}", quoted.join(" and "))
}
