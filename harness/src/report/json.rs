//! `results.json`: every scenario's result in a stable, versioned shape for other tools.
//! Bump `FORMAT_VERSION` whenever a field is removed or changes meaning; adding a field does
//! not change the version.

use serde::Serialize;

use crate::changes::Selection;
use crate::result::{RunReport, ScenarioResult};

/// 3: a scenario's `outcome` may be `failed-as-expected` (its migration failed with the
/// error `expect-error` names, and nothing else failed), which format 2 reported as `passed`;
/// a reader that treated every outcome but `passed` as a failure would now count these as
/// failures, so the meaning of `outcome` changed. 2: every key kebab-case (`server-version`,
/// `duration-ms`, …), and the finding codes `shared-blocks`, `rows-removed-by-filter`,
/// `planning-time` renamed `buffers`, `rows-removed`, `planning` after the scenario keys they
/// judge. 1: the first.
pub(crate) const FORMAT_VERSION: u32 = 3;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Document<'a> {
    format_version: u32,
    planproof_version: &'static str,
    generated_at: String,
    /// `--changed-since`: what the change touched and which scenarios it selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a Selection>,
    scenarios: &'a [ScenarioResult],
}

pub(crate) fn results_json(run: &RunReport) -> String {
    let doc = Document {
        format_version: FORMAT_VERSION,
        planproof_version: env!("CARGO_PKG_VERSION"),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        changes: run.selection,
        scenarios: run.results,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
