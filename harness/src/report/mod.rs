//! The report stage: turns scenario results into what people and tools read — the terminal
//! summary, `results.json`, `summary.md`, `junit.xml` and `report.html`. It decides nothing; verdicts come from the checks.

#[cfg(test)]
mod fixture;
mod format;
mod html;
mod json;
mod junit;
mod load;
mod markdown;
mod matrix;
#[cfg(test)]
mod snapshots;
mod terminal;
mod write;

pub use format::Format;
pub(crate) use html::report_html;
pub(crate) use json::results_json;
pub(crate) use junit::junit_xml;
pub(crate) use markdown::summary_markdown;
pub use matrix::matrix_text;
pub use terminal::{scenario_text, summary_text};
pub use write::{write_reports, ReportError};
