//! Every output channel, snapshot-tested on the same hand-built run (`fixture.rs`): the
//! terminal report, `summary.md`, `junit.xml`, `results.json` (the generation time redacted)
//! and `report.html`. Review a change with `cargo insta review` (or `INSTA_UPDATE=always` and
//! `git diff`).

use strum::IntoEnumIterator;

use super::fixture::{majors, results, selection};
use super::Format;
use crate::result::RunReport;

#[test]
fn terminal() {
    let results = results();
    let mut out = String::new();
    for r in &results {
        out.push_str(&super::scenario_text(r));
    }
    let majors = majors();
    let runs: Vec<(&str, &crate::result::ScenarioResult)> = majors.iter().map(String::as_str).zip(&results).collect();
    out.push_str(&super::matrix_text(&runs, super::Paint::Plain));
    out.push_str(&super::summary_text(&results));
    insta::assert_snapshot!(out);
}

#[test]
fn every_file_format() {
    let results = results();
    // The text as written, not parsed and printed again (which can move a float's last digit).
    let filters = vec![
        (r#""generated-at": "[^"]*""#, r#""generated-at": "[generated-at]""#),
        (r#""planproof-version": "[^"]*""#, r#""planproof-version": "[version]""#),
    ];
    let (majors, selection) = (majors(), selection());
    let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
    insta::with_settings!({ filters => filters }, {
        for format in Format::iter() {
            insta::assert_snapshot!(format.file_name(), format.render(&run));
        }
    });
}

#[test]
fn github_job_summary_and_annotations() {
    let (results, majors, selection) = (results(), majors(), selection());
    let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
    insta::assert_snapshot!("job-summary.md", super::job_summary(&run));
    insta::assert_snapshot!("annotations", super::github_annotations(&run));
}

#[test]
fn the_comment_past_its_limit_is_a_summary_then_cut() {
    let (results, majors, selection) = (results(), majors(), selection());
    let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
    let full = super::pr_comment(&run, super::COMMENT_LIMIT);
    assert!(full.starts_with(super::COMMENT_MARKER), "{full}");
    let summary = super::pr_comment(&run, full.chars().count() - 1);
    assert!(summary.chars().count() < full.chars().count());
    insta::assert_snapshot!("pr-comment-summary.md", summary);
    let cut = super::pr_comment(&run, 1200);
    assert!(cut.chars().count() <= 1200, "{} characters", cut.chars().count());
    assert!(cut.starts_with(super::COMMENT_MARKER) && cut.contains("cut here"), "{cut}");
}

#[test]
fn a_change_no_scenario_reads_is_all_clear() {
    let mut selection = selection();
    selection.unaffected.extend(selection.affected.drain(..).map(|a| a.file));
    selection.findings.clear();
    let run = RunReport { results: &[], majors: &[], selection: Some(&selection) };
    insta::assert_snapshot!("pr-comment-all-clear.md", super::pr_comment(&run, super::COMMENT_LIMIT));
}
