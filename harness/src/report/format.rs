//! The report files a run writes, as one enum with one match (squawk's reporter).
//!
//! Adding a report format: its file in `report/` (declared in `mod.rs`) with its renderer; a
//! variant here with its file name and its arm in `render`; its entry in `reports/README.md`
//! (a test fails without it); and its snapshots: `snapshots.rs` takes one of every format,
//! and the CLI run's snapshot lists the files written — review both with `cargo insta review`.

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

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn every_format_is_described_in_the_reports_readme() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../reports/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        for format in Format::iter() {
            assert!(
                readme.contains(&format!("`{}`", format.file_name())),
                "{path} does not describe `{}`",
                format.file_name()
            );
        }
    }
}
