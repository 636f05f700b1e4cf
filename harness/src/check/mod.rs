//! Assertions on the plan model: does a captured plan do what the scenario expects? Each
//! assertion kind has its own file and tests, run offline on captured EXPLAIN JSON. A failed
//! expectation is a [`Finding`], not an error: the run goes on and reports them all. Capturing
//! plans and printing verdicts belong to `explain` and `report`.

mod absent;
mod blocking_index;
mod budget;
mod buffers;
mod cleanup;
mod clock_free;
mod contains;
mod evaluate;
mod expected_error;
mod finding;
mod index_catalog;
mod index_exists;
mod latency;
mod load;
mod load_window;
mod lock_timeout;
mod matching;
mod migration_duration;
mod migration_sql;
mod noise;
mod redundant_index;
mod registry;
mod reversible;
mod rows_removed;
mod server_version;
mod small_table;
mod speedup;
mod stable_plan;
mod stall;
mod valid_indexes;
mod write_slowdown;

pub use absent::check_absent;
pub use blocking_index::{blocking_index, BLOCKING_BUILD_ROWS};
pub use budget::{budget_findings, BudgetResult};
pub use buffers::check_shared_blocks;
pub use cleanup::cleanup;
pub use clock_free::{heap_fetches, rows_examined};
pub use contains::check_contains;
pub use evaluate::evaluate_plan;
pub use expected_error::{expected_error, expected_tool_error, fix_hint};
pub use finding::{Finding, Severity};
pub use index_catalog::{index_catalog, same_expression};
pub use index_exists::index_exists;
pub use latency::{latency, ms};
pub use load::load;
pub use load_window::load_window;
pub use lock_timeout::lock_timeout;
pub use matching::{matching_nodes, scan_summary, Match};
pub use migration_duration::{down_duration, migration_duration};
pub use migration_sql::migration_sql;
pub use noise::{at_least, at_most, margin, Verdict, NOISE_CEILING, NOISE_FLOOR};
pub use redundant_index::redundant_index;
pub use registry::Check;
pub use reversible::{down_failed, plan_after_rollback, reapplied, reapply_failed, reversible};
pub use rows_removed::check_rows_removed_by_filter;
pub use server_version::server_version;
pub use small_table::{check_small_tables, SMALL_TABLE_PAGES, SMALL_TABLE_ROWS};
pub use speedup::speedup;
pub use stable_plan::stable_plan;
pub use stall::{stall, CALM_FACTOR};
pub use valid_indexes::valid_indexes;
pub use write_slowdown::write_slowdown;
