//! `results.json`: every scenario's result in a stable, versioned shape for other tools.
//! Bump `FORMAT_VERSION` whenever a field is removed or changes meaning; adding a field does
//! not change the version.
//!
//! The text is kept exact: JSON escapes the C0 controls itself (`\n`, `\u001b`), and the few
//! controls it may carry raw (DEL, C1, the Unicode line separators) are written as `\u` escapes
//! too, so that the file holds no raw control character whoever prints it.

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
    let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    escape_raw_controls(&text)
}

/// Any value as pretty JSON with no raw control character in it (as results.json is written):
/// what `planproof affected --json` prints.
pub fn pretty_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(|text| escape_raw_controls(&text))
}

/// `json` with DEL, the C1 controls and U+2028/U+2029 as `\uXXXX`: outside a string they are
/// not valid JSON, so each is inside one, where the escape means the same character.
fn escape_raw_controls(json: &str) -> String {
    let raw = |c: char| matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}');
    if !json.contains(raw) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_holds_no_raw_control_character() {
        let text = pretty_json(&["a\u{9b}b\u{1b}"]).unwrap();
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
        assert_eq!(serde_json::from_str::<Vec<String>>(&text).unwrap(), ["a\u{9b}b\u{1b}"]);
    }

    #[test]
    fn del_c1_and_line_separators_are_escaped_and_mean_the_same() {
        let value = serde_json::json!({ "k": "a\u{7f}b\u{9b}c\u{2028}d\n\u{1b}" });
        let text = escape_raw_controls(&serde_json::to_string(&value).unwrap());
        assert_eq!(text, r#"{"k":"a\u007fb\u009bc\u2028d\n\u001b"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
