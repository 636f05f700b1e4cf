//! The pipeline: runs one scenario through the stages in order (`run.rs` holds the sequence,
//! each step its own file) and gathers what each produced into the result the reports read.

mod capture;
mod context;
mod deadline;
mod error;
mod evaluate;
mod migration;
mod prepare;
mod reversal;
mod run;

pub use error::PipelineError;
pub(crate) use run::not_run;
pub use run::{run_scenario, Keep, RunOptions};
