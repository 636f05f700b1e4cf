//! The explain stage: binds each query's parameters, pins the session settings and captures
//! EXPLAIN ANALYZE output, parsed into the plan model. What the plans should look like is the
//! check stage's business.

mod capture;
mod catalog;
mod client;
mod error;
mod params;
mod series;
mod session;
mod stats;

pub use capture::{capture, Capture};
pub use catalog::catalog_snapshot;
pub use client::Prepared;
pub use error::{db_message, ExplainError};
pub use params::{literal, sample_params, ParamValue};
pub(crate) use series::percentile;
pub use series::Series;
pub use session::pin_settings;
pub use stats::{index_definitions, index_shapes, invalid_indexes, table_sizes};
