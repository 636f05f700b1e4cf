//! The migrate stage: finds the user's migrations where their tool keeps them and runs them
//! as that tool would: SQL files itself (a Diesel or sqlx folder…), or through the project's
//! own tool (Alembic, Django, any command…) with the scratch database in its environment. Each
//! of those sources is a file of `source/`, and `source/registry.rs` lists them all.
//! [`MigrationPlan`] is the one entry point for both: earlier migrations, the SQL of the one
//! under test, applying it, and running it down. Timing and expectations about the migration
//! are the pipeline's and the checks' business.

mod apply;
mod error;
mod inspect;
mod plan;
mod process;
mod python;
mod source;
mod split;

pub use apply::{run_file, FileRun};
pub use error::{MigrateError, StatementFailure, ToolFailure};
pub use inspect::{inspect, IndexBuild, Inspection};
pub use plan::{Applied, EarlierFailure, MigrationPlan, MIGRATION_APP_NAME};
pub use process::{ToolCommand, ToolRun};
pub use source::{Format, Migration, ToolPlan};
pub use split::Statement;
