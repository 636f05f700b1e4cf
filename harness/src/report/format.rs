//! The report files a run writes, as one enum with one match (squawk's reporter).
//!
//! Adding a report format: its file in `report/` (declared in `mod.rs`) with its renderer; a
//! variant here with its file name and its arm in `render`; its entry in `reports/README.md`
//! (a test fails without it); and its snapshots: `snapshots.rs` takes one of every format,
//! and the CLI run's snapshot lists the files written — review both with `cargo insta review`.

use crate::result::RunReport;

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
    /// `pr-comment.md`: one pull-request comment body with a hidden marker to upsert it by,
    /// within GitHub's comment limit; also the GitLab merge-request note.
    PrComment,
    /// `planproof.sarif`: SARIF 2.1.0 for code scanning.
    Sarif,
    /// `gl-code-quality.json`: a GitLab Code Quality report.
    GitlabCodeQuality,
}

impl Format {
    /// The file's name in the report folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "results.json",
            Format::Markdown => "summary.md",
            Format::Junit => "junit.xml",
            Format::Html => "report.html",
            Format::PrComment => "pr-comment.md",
            Format::Sarif => "planproof.sarif",
            Format::GitlabCodeQuality => "gl-code-quality.json",
        }
    }

    /// The file's contents for `run`. Every format but `results.json` (whose JSON escapes
    /// them) is written from the run's printable copy: no raw control characters.
    pub fn render(self, run: &RunReport) -> String {
        if self == Format::Json {
            return super::results_json(run);
        }
        self.render_from(run, &super::printable::Printable::new(run).report())
    }

    /// The file's contents, given the run and its printable copy made once for every format.
    pub(super) fn render_from(self, run: &RunReport, printable: &RunReport) -> String {
        match self {
            Format::Json => super::results_json(run),
            Format::Markdown => super::summary_markdown(printable.results),
            Format::Junit => super::junit_xml(printable.results),
            Format::Html => super::report_html(printable.results),
            Format::PrComment => super::pr_comment(printable, super::COMMENT_LIMIT),
            Format::Sarif => super::sarif(printable),
            Format::GitlabCodeQuality => super::code_quality(printable),
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
