//! The check stage: judges what a scenario expects against what a run measured. `registry.rs`
//! holds the finding codes (`Check`) and the one evaluator that sends each `scenario::Expect` to
//! the file that judges it; every other file is one kind of judgement, with its tests, run
//! offline on captured EXPLAIN JSON and hand-made figures. A failed expectation is a
//! [`Finding`], not an error: the run goes on and reports them all. Capturing plans and
//! printing verdicts belong to `explain` and `report`.

mod blocking_index;
mod budget;
mod buffers;
mod cleanup;
mod diagnosis;
mod evidence;
mod expected_error;
mod finding;
mod heap_fetches;
mod index_catalog;
mod index_exists;
mod latency;
mod load_window;
mod lock_timeout;
mod matching;
mod migration_duration;
mod migration_sql;
mod no;
mod no_scenario;
mod noise;
mod plan;
mod redundant_index;
mod registry;
mod reversible;
mod rows_examined;
mod rows_removed;
mod server_version;
mod small_table;
mod sort_order;
mod speedup;
mod stable_plan;
mod stall;
mod valid_indexes;
mod wal;
mod write_slowdown;

pub(crate) use blocking_index::blocking_index;
#[cfg(test)]
pub(crate) use budget::budget_findings;
pub use budget::BudgetResult;
pub(crate) use cleanup::cleanup;
pub use diagnosis::{diagnose, Clues};
pub use evidence::{Capture, Evidence, Migration, OneShot, WalWritten};
pub(crate) use expected_error::{expected_error, expected_tool_error};
pub use finding::{Finding, Severity, SourceLine};
pub use latency::ms;
pub(crate) use load_window::load_window;
pub(crate) use lock_timeout::lock_timeout;
pub(crate) use matching::scan_summary;
pub use matching::Match;
pub(crate) use migration_sql::migration_sql;
pub(crate) use no_scenario::no_scenario;
pub use noise::slowness;
pub use noise::Verdict;
pub(crate) use redundant_index::redundant_index;
pub use registry::{evaluate, Check, Judged};
pub use reversible::reversible;
pub(crate) use reversible::{down_failed, plan_after_rollback, reapplied, reapply_failed};
pub use server_version::server_version;
pub(crate) use stable_plan::stable_plan;
pub use valid_indexes::valid_indexes;
