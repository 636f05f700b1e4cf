//! The pipeline: runs a scenario through the stages in order and gathers what each produced
//! into a result that the reports are written from.

mod error;
mod run;

pub use error::PipelineError;
pub use run::{not_run, run_scenario, Keep, RunOptions};
