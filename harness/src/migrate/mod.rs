//! The migrate stage: finds the user's migrations where their tool keeps them and runs them
//! as that tool would: SQL files itself (Diesel, sqlx, Flyway, plain), or through the project's
//! own tool (Alembic, Django, any command) with the scratch database in its environment.
//! [`MigrationPlan`] is the one entry point for both: earlier migrations, the SQL of the one
//! under test, applying it, and running it down. Timing and expectations about the migration
//! are the pipeline's and the checks' business.

mod alembic;
mod apply;
mod django;
mod error;
mod inspect;
mod plan;
mod process;
mod python;
mod source;
mod split;

pub use alembic::{revisions as alembic_revisions, Revision};
pub use apply::{run_file, FileRun};
pub use django::{find as django_migration, DjangoMigration};
pub use error::{one_line, MigrateError, StatementFailure, ToolFailure};
pub use inspect::{inspect, IndexBuild, Inspection};
pub use plan::{Applied, EarlierFailure, MigrationPlan, ToolPlan, MIGRATION_APP_NAME};
pub use process::{ToolCommand, ToolRun};
pub use python::{find_python, PYTHON_ENV, VENV_ENV};
pub use source::{discover, split_at_under_test, Format, Migration};
pub use split::{split_statements, Statement};

use crate::scenario::TransactionMode;

/// How a migration's files run: the scenario's override, else its tool's convention.
pub fn transaction_mode(m: &Migration, scenario_override: Option<TransactionMode>) -> TransactionMode {
    match scenario_override {
        Some(mode) => mode,
        None if m.no_transaction || m.format == Format::Plain => TransactionMode::None,
        None => TransactionMode::PerFile,
    }
}
