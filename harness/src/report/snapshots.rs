//! Every output channel, snapshot-tested on the same hand-built run (`fixture.rs`): the
//! terminal report, `summary.md`, `junit.xml`, `results.json` (the generation time redacted)
//! and `report.html`. Review a change with `cargo insta review` (or `INSTA_UPDATE=always` and
//! `git diff`).

use strum::IntoEnumIterator;

use super::fixture::results;
use super::Format;

#[test]
fn terminal() {
    let results = results();
    let mut out = String::new();
    for r in &results {
        out.push_str(&super::scenario_text(r));
    }
    let runs: Vec<(&str, &crate::result::ScenarioResult)> =
        ["15", "16", "15", "15"].into_iter().zip(&results).collect();
    out.push_str(&super::matrix_text(&runs));
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
    insta::with_settings!({ filters => filters }, {
        for format in Format::iter() {
            insta::assert_snapshot!(format.file_name(), format.render(&results));
        }
    });
}
