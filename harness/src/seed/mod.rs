//! The seed stage: fills the scenario's tables with deterministic generated rows (same seed,
//! same rows) through binary COPY, then `VACUUM (ANALYZE)` so the planner sees fresh
//! statistics and visibility maps. Which rows to generate is the scenario's business.

mod error;
mod generator;
mod resume;
mod rng;
mod table;
mod value;

pub use error::SeedError;
pub use generator::ColumnGenerator;
pub use resume::RowStream;
#[cfg(test)]
pub(crate) use rng::column_rng;
pub use table::{seed_tables, TableSeeded};
pub use value::Value;
