//! The migrate stage: finds the user's migrations where their tool keeps them and runs them
//! as that tool would: SQL files itself (a Diesel or sqlx folder…), or through the project's
//! own tool (Alembic, Django, any command…) with the scratch database in its environment. Each
//! of those sources is a file of `source/`, and `source/registry.rs` lists them all.
//! [`MigrationPlan`] is the one entry point for both: earlier migrations, the SQL of the one
//! under test, applying it (timed: its wall time, and the server-side time of its statements,
//! `server_time.rs`), and running it down. Judging those times and other expectations about the migration
//! are the pipeline's and the checks' business.

mod apply;
mod error;
mod inspect;
mod plan;
mod process;
mod python;
mod server_time;
mod source;
mod split;
mod transaction_block;

pub use apply::{run_file, run_seed_sql, FileRun};
pub use error::{MigrateError, StatementFailure, ToolFailure};
pub use inspect::{inspect, IndexBuild, Inspection};
pub(crate) use plan::run_step;
pub use plan::{Applied, EarlierFailure, MigrationPlan, MIGRATION_APP_NAME};
pub use process::{ToolCommand, ToolRun};
pub use server_time::{total as server_total, StatementTime};
pub(crate) use source::{discover, expected_layouts, split_at_under_test, Direction};
pub use source::{Format, Migration, ToolPlan};
pub use split::Statement;
pub(crate) use transaction_block::refused_in_transaction_block;
