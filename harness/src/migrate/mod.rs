//! The migrate stage: finds the user's migrations where their tool keeps them and runs them
//! as that tool would. Timing and expectations about the migration are the pipeline's and the
//! checks' business.

mod apply;
mod error;
mod inspect;
mod source;
mod split;

pub use apply::{run_file, FileRun};
pub use error::{one_line, MigrateError, StatementFailure};
pub use inspect::{inspect, IndexBuild, Inspection};
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
