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
