//! Errors of the explain stage: a query could not be prepared, sampled or explained.

#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("query `{query}`: {what}")]
    Sql {
        query: String,
        what: String,
        #[source]
        source: postgres::Error,
    },
    #[error("query `{query}`: no row of `{table}` {filter}has a non-null `{column}` to sample (expected seeded rows to draw parameter {index} from)")]
    NothingToSample { query: String, table: String, column: String, filter: String, index: usize },
    #[error("query `{query}`: EXPLAIN output could not be read")]
    Plan {
        query: String,
        #[source]
        source: crate::plan::PlanError,
    },
    #[error("setting `{name}` = `{value}` was refused")]
    Setting {
        name: String,
        value: String,
        #[source]
        source: postgres::Error,
    },
}

/// PostgreSQL's own message for a failed statement, without the driver's prefix.
pub fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.hint() {
            Some(hint) => format!("{} (hint: {hint})", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}
