//! The copy of the results every report but `results.json` is written from: each string in it
//! [`printable`], so that no channel prints a raw control character it did not write itself.
//!
//! A result's text comes from outside in many places — the server's error messages, a tool's
//! output, file paths (git allows a newline in a name), table and index names from the catalog,
//! a query's SQL, the scenario's `description` — and reaches a report through messages the
//! checks compose. Escaping at each interpolation would be a rule every new line of a report has
//! to remember; the copy is taken once, at each public entry point of the report stage, through
//! the results' own serde form (the one `results.json` and `planproof show` already round-trip),
//! so a field added later is covered without a line here. `results.json` itself keeps the exact
//! text: JSON escapes control characters on its own (`\n`, `\u001b`).
//!
//! The blocks planproof lays out line by line keep their lines, each line's content escaped
//! ([`printable_lines`]); the renderers put their own prefix before each line.

use serde_json::Value;

use crate::changes::Selection;
use crate::result::{RunReport, ScenarioResult};
use crate::text::{printable, printable_lines};

/// The keys whose text is a block of lines: a query's or a tool's SQL, a tool's output, a plan
/// tree (its nodes' text escaped when it was drawn, `plan::Node::render_tree`).
const BLOCK_KEYS: [&str; 4] = ["sql", "output-tail", "plan-tree", "unstable"];

/// `r` with every string printable.
pub(crate) fn result(r: &ScenarioResult) -> ScenarioResult {
    escaped(r).unwrap_or_else(|e| {
        // Cannot happen short of a result that does not round-trip through its own serde form
        // (a non-finite float): say so rather than print its text unescaped.
        let mut placeholder = ScenarioResult::placeholder(&printable(&r.name));
        placeholder.outcome = r.outcome;
        placeholder.error = Some(format!("planproof could not make this result's text printable: {e}"));
        placeholder
    })
}

/// A run's results, majors and selection, printable; [`Printable::report`] is the run to render.
pub(crate) struct Printable {
    results: Vec<ScenarioResult>,
    majors: Vec<String>,
    selection: Option<Selection>,
}

impl Printable {
    pub(crate) fn new(run: &RunReport) -> Printable {
        Printable {
            results: run.results.iter().map(result).collect(),
            majors: run.majors.iter().map(|m| printable(m).into_owned()).collect(),
            // A selection is strings and enums: it always round-trips.
            selection: run.selection.and_then(|s| escaped(s).ok()),
        }
    }

    pub(crate) fn report(&self) -> RunReport<'_> {
        RunReport { results: &self.results, majors: &self.majors, selection: self.selection.as_ref() }
    }
}

fn escaped<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> serde_json::Result<T> {
    let mut v = serde_json::to_value(value)?;
    walk(&mut v, false);
    serde_json::from_value(v)
}

fn walk(v: &mut Value, block: bool) {
    match v {
        Value::String(s) => {
            let escaped = if block { printable_lines(s) } else { printable(s) };
            if let std::borrow::Cow::Owned(e) = escaped {
                *s = e;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, block)),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut value) in entries {
                walk(&mut value, block || BLOCK_KEYS.contains(&key.as_str()));
                map.insert(printable(&key).into_owned(), value);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;
    use crate::report::fixture;
    use crate::report::Format;

    /// A string no channel may print as it is: a line break before a workflow command, a
    /// carriage return, an ANSI clear-screen, a C1 control.
    const FORGED: &str = "x\n::error::forged PASS\r\u{1b}[2J\u{9b}";

    /// `value` with [`FORGED`] appended to every string of its serde form that may hold any
    /// text (not a variant's name, a number written as a string…): every field, those added
    /// later too, as if the server, a tool or a file name had put it there.
    fn poisoned<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
        fn strings(v: &Value, at: String, out: &mut Vec<String>) {
            match v {
                Value::String(_) => out.push(at),
                Value::Array(items) => {
                    items.iter().enumerate().for_each(|(i, item)| strings(item, format!("{at}/{i}"), out));
                }
                Value::Object(map) => {
                    for (k, item) in map {
                        strings(item, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
                    }
                }
                _ => {}
            }
        }
        let mut v = serde_json::to_value(value).unwrap();
        let mut paths = Vec::new();
        strings(&v, String::new(), &mut paths);
        for path in paths {
            let old = v.pointer(&path).unwrap().clone();
            // A plan tree's lines are planproof's: `render_tree` escapes the text in each.
            let drawn = ["/plan-tree", "/unstable"].iter().any(|key| path.contains(key));
            let forged = if drawn { FORGED.replace('\n', " ") } else { FORGED.to_string() };
            *v.pointer_mut(&path).unwrap() = Value::String(format!("{}{forged}", old.as_str().unwrap()));
            if serde_json::from_value::<T>(v.clone()).is_err() {
                *v.pointer_mut(&path).unwrap() = old;
            }
        }
        serde_json::from_value(v).unwrap()
    }

    /// No raw control character but the layout's line breaks, and no line that starts with
    /// the forged text.
    fn assert_honest(channel: &str, text: &str) {
        let raw: Vec<char> = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\t')).collect();
        assert!(raw.is_empty(), "{channel} prints raw control characters {raw:?}:\n{text}");
        for line in text.lines() {
            let line = line.trim_start();
            assert!(
                !line.starts_with("::error::forged") && !line.starts_with("PASS\r"),
                "{channel} prints a forged line `{line}`:\n{text}"
            );
        }
    }

    #[test]
    fn no_channel_prints_a_raw_control_character_from_a_result() {
        let results: Vec<ScenarioResult> = fixture::results().iter().map(poisoned).collect();
        let (majors, selection) = (fixture::majors(), poisoned(&fixture::selection()));
        assert!(results[0].queries[0].sql.ends_with(FORGED), "the fixture is poisoned");
        let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
        for format in Format::iter() {
            assert_honest(format.file_name(), &format.render(&run));
        }
        for r in &results {
            assert_honest("the terminal", &crate::report::scenario_text(r));
        }
        assert_honest("the job summary", &crate::report::job_summary(&run));
        assert_honest("the annotations", &crate::report::github_annotations(&run));
        assert_honest(
            "an annotation of a run that could not start",
            &crate::report::github_error_annotation(Some((FORGED, 1)), FORGED),
        );
    }

    #[test]
    fn every_string_of_a_result_is_escaped_and_blocks_keep_their_lines() {
        let mut r = ScenarioResult::placeholder("n");
        r.description = FORGED.to_string();
        r.error = Some(FORGED.to_string());
        r.settings.insert(FORGED.to_string(), FORGED.to_string());
        let p = result(&r);
        assert_eq!(p.description, "x\\n::error::forged PASS\\r\\u{1b}[2J\\u{9b}");
        assert_eq!(p.error, Some(p.description.clone()));
        assert_eq!(p.settings.keys().next(), Some(&p.description));
        let mut v = serde_json::json!({ "output-tail": FORGED, "sql": ["a\n\u{1b}b"] });
        walk(&mut v, false);
        assert_eq!(
            v,
            serde_json::json!({ "output-tail": "x\n::error::forged PASS\\r\\u{1b}[2J\\u{9b}", "sql": ["a\n\\u{1b}b"] })
        );
    }
}
