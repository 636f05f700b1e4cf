//! planproof proves what a PostgreSQL migration does to real queries. A scenario file declares
//! tables, generated rows, the migration under test and the lookups that matter; planproof
//! runs it on a throwaway PostgreSQL, captures EXPLAIN ANALYZE before and after the
//! migration, checks every expectation and reports.
//!
//! The command-line tool, the test suite and a user's own tests all run a [`Suite`]; in a
//! user's test, two lines:
//!
//! ```no_run
//! #[test]
//! fn pak_hash_lookup_uses_the_new_index() {
//!     planproof::assert_scenario("scenarios/brokkr-pak-hash.toml");
//! }
//! ```
//!
#![doc = include_str!("../ARCHITECTURE.md")]

pub mod catalog;
pub mod changes;
pub mod check;
pub mod db;
pub mod explain;
pub mod init;
pub mod interrupt;
pub mod load;
pub mod migrate;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod report;
pub mod result;
pub mod scenario;
pub mod seed;
pub mod stats;
pub mod suite;
pub mod text;

pub use result::{Outcome, ScenarioResult};
pub use scenario::Scenario;
pub use suite::{assert_scenario, validate, Error, Suite};
