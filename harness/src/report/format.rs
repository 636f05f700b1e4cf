//! The report files a run writes, as one enum with one match (squawk's reporter): adding a
//! format is its own file, a variant here, its arm in `render`, and a snapshot test.

use crate::result::ScenarioResult;

/// A report file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Format {
    /// `results.json`: every result in a stable, versioned shape for other tools.
    Json,
    /// `summary.md`: a pull-request comment or a CI step summary.
    Markdown,
    /// `junit.xml`: a CI system's test view.
    Junit,
    /// `report.html`: one self-contained page to open from a CI artifact.
    Html,
}

impl Format {
    /// The file's name in the report folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "results.json",
            Format::Markdown => "summary.md",
            Format::Junit => "junit.xml",
            Format::Html => "report.html",
        }
    }

    /// The file's contents for `results`.
    pub fn render(self, results: &[ScenarioResult]) -> String {
        match self {
            Format::Json => super::results_json(results),
            Format::Markdown => super::summary_markdown(results),
            Format::Junit => super::junit_xml(results),
            Format::Html => super::report_html(results),
        }
    }
}
