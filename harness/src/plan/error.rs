//! Why a plan document could not be read. A plan that reads fine but breaks an expectation is
//! not an error here: that is a `check` finding.

/// What a valid document looks like, repeated in every shape error.
pub(crate) const EXPECTED_DOCUMENT: &str =
    "an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key";

/// A plan document that could not be turned into an [`Explain`](super::Explain).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The input was empty or only whitespace.
    #[error("empty plan document (expected {EXPECTED_DOCUMENT})")]
    Empty,

    /// The input is neither JSON nor psql's framed output of a JSON plan.
    #[error("found text starting with `{found}` (expected {EXPECTED_DOCUMENT}, or psql's framed output of one)")]
    NotJson { found: String },

    /// psql output of a plan in TEXT format (EXPLAIN without `FORMAT JSON`).
    #[error("found a TEXT-format plan starting with `{found}` (expected {EXPECTED_DOCUMENT}: run EXPLAIN with `FORMAT JSON`)")]
    TextFormat { found: String },

    /// The JSON itself is malformed. Line and column refer to the input as given, psql frame
    /// included.
    #[error("invalid JSON at line {line}, column {column} (expected {EXPECTED_DOCUMENT})")]
    Syntax {
        line: usize,
        column: usize,
        #[source]
        source: serde_json::Error,
    },

    /// Valid JSON of the wrong shape.
    #[error("expected {EXPECTED_DOCUMENT}, found {found}")]
    Shape { found: String },

    /// A top-level key such as `Planning Time` holds the wrong kind of value.
    #[error("`{key}` must be {expected}, found `{found}`")]
    Field { key: String, expected: &'static str, found: String },

    /// A plan node is malformed: not an object, no `Node Type`, or a key of the wrong type.
    #[error("invalid plan node at `{path}`")]
    Node {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}
