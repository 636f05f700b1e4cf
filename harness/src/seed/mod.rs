//! The seed stage: fills the scenario's tables with deterministic generated rows (same seed,
//! same rows) through binary COPY, or with the scenario's own SQL (`sql_seed`), — with the tables' indexes and foreign keys taken off for the
//! COPY and rebuilt after it — then `VACUUM (ANALYZE)` so the planner sees fresh statistics and
//! visibility maps. Which rows to generate is the scenario's business.

mod checksum;
mod deferred;
mod error;
mod generator;
mod resume;
mod rng;
mod sql_seed;
mod table;
mod value;

pub use error::SeedError;
pub use generator::ColumnGenerator;
pub use resume::RowStream;
#[cfg(test)]
pub(crate) use rng::column_rng;
pub use table::{rebuilt_objects, seed_tables, RunSql, SeedOptions, SeedSource, SeedTiming, Seeded, TableSeeded};
pub use value::Value;
