//! The report stage: turns scenario results into what people and tools read — the terminal
//! summary, `results.json` and `summary.md`. It decides nothing; verdicts come from the checks.

mod json;
mod load;
mod markdown;
mod matrix;
mod terminal;
mod write;

pub use json::{results_json, FORMAT_VERSION};
pub use markdown::summary_markdown;
pub use matrix::matrix_text;
pub use terminal::{scenario_text, summary_text};
pub use write::{write_reports, ReportError};
