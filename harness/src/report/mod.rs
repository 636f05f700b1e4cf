//! The report stage: turns scenario results into what people and tools read — the terminal
//! summary, `results.json`, `summary.md`, `junit.xml`, `report.html`, and for CI gates
//! `pr-comment.md`, `planproof.sarif`, `gl-code-quality.json`, the GitHub job summary and
//! workflow annotations. It decides nothing; verdicts come from the checks.

mod annotations;
mod code_quality;
mod colour;
mod comment;
#[cfg(test)]
mod fixture;
mod format;
mod html;
mod json;
mod junit;
mod load;
mod markdown;
mod matrix;
mod plan_view;
mod printable;
mod read;
mod sarif;
#[cfg(test)]
mod snapshots;
mod terminal;
mod write;

pub use annotations::{github_annotations, github_error_annotation};
pub(crate) use code_quality::code_quality;
pub use colour::Paint;
pub(crate) use comment::pr_comment;
pub use comment::{job_summary, COMMENT_LIMIT, COMMENT_MARKER};
pub use format::Format;
pub(crate) use html::report_html;
pub use json::pretty_json;
pub(crate) use json::results_json;
pub(crate) use junit::junit_xml;
pub(crate) use markdown::summary_markdown;
pub use matrix::matrix_text;
pub use read::{read_results, ReadError};
pub(crate) use sarif::sarif;
pub use terminal::{scenario_text, summary_text, terminal_text};
pub use write::{write_reports, ReportError};
