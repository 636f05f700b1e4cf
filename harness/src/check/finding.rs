//! The outcome of one failed or doubtful expectation, as reports show it: how bad, which
//! assertion kind, what was expected and found, and what to try.

use serde::{Deserialize, Serialize};

pub(super) use super::registry::Check;

/// Whether a finding fails the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// An expectation failed: the run exits 1.
    Violation,
    /// The expectation holds or fails, but may not mean what the author thinks.
    Warning,
    /// A timing budget too close to the measured figure, for the measurement's noise, to say
    /// pass or fail: the run exits 3 unless something failed.
    Inconclusive,
}

/// One violation or warning about a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Finding {
    pub severity: Severity,
    /// What the finding is about: `index-used`, `node-absent`, `small-table`, …
    pub check: Check,
    /// What was expected and what the plan has instead.
    pub message: String,
    /// What usually causes this and how to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The line of the file it is about (the scenario key, the migration statement, the changed
    /// file), where the CI annotations and code-scanning reports put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<SourceLine>,
}

impl SourceLine {
    /// `line` of `file`, the path as CI systems want it: relative to the current folder when it
    /// is under it, without `.` and `..` steps (`scenarios/../fixtures/x.sql` is
    /// `fixtures/x.sql`).
    pub fn new(file: &std::path::Path, line: usize) -> SourceLine {
        let here = std::env::current_dir().ok();
        let file = here.as_deref().and_then(|here| file.strip_prefix(here).ok()).unwrap_or(file);
        SourceLine { file: crate::scenario::fold_path(file).display().to_string(), line: line.max(1) }
    }
}

/// A line of a file, as CI annotations point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SourceLine {
    /// The path as the scenario names it, or relative to the repository for changed files.
    pub file: String,
    /// 1-based.
    pub line: usize,
}

impl Finding {
    pub fn violation(check: Check, message: impl Into<String>, hint: Option<String>) -> Finding {
        Finding { severity: Severity::Violation, check, message: message.into(), hint, at: None }
    }

    pub fn warning(check: Check, message: impl Into<String>, hint: Option<String>) -> Finding {
        Finding { severity: Severity::Warning, check, message: message.into(), hint, at: None }
    }

    /// The finding placed at `line` of `file`, unless it already has a place.
    #[must_use]
    pub fn or_at(mut self, file: impl AsRef<std::path::Path>, line: usize) -> Finding {
        if self.at.is_none() {
            self.at = Some(SourceLine::new(file.as_ref(), line));
        }
        self
    }

    pub fn is_violation(&self) -> bool {
        self.severity == Severity::Violation
    }
}

/// A row or block count for a message: whole numbers without decimals, others with two
/// (PostgreSQL 18's per-loop averages make totals like `997.99`).
pub(crate) fn count(value: f64) -> String {
    if (value - value.round()).abs() < 1e-6 {
        format!("{}", value.round())
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_kebab_case_severity_and_no_empty_hint() {
        let finding = Finding::violation(Check::IndexUsed, "expected x", None);
        assert_eq!(
            serde_json::to_string(&finding).expect("serialises"),
            r#"{"severity":"violation","check":"index-used","message":"expected x"}"#
        );
        let finding = Finding::warning(Check::SmallTable, "tiny", Some("seed more".into()));
        let json = serde_json::to_string(&finding).expect("serialises");
        assert_eq!(json, r#"{"severity":"warning","check":"small-table","message":"tiny","hint":"seed more"}"#);
        assert_eq!(serde_json::from_str::<Finding>(&json).expect("deserialises"), finding);
    }

    #[test]
    fn counts_print_whole_numbers_without_decimals() {
        for (value, expected) in
            [(1900.0, "1900"), (0.0, "0"), (997.99, "997.99"), (0.99 + 1e-12, "0.99"), (3.0000000001, "3")]
        {
            assert_eq!(count(value), expected, "{value}");
        }
    }

    #[test]
    fn places_are_tidy_relative_paths() {
        let at = |p: &str| SourceLine::new(std::path::Path::new(p), 3).file;
        assert_eq!(at("scenarios/../fixtures/brokkr/up.sql"), "fixtures/brokkr/up.sql");
        assert_eq!(at("./scenarios/a.toml"), "scenarios/a.toml");
        assert_eq!(at("../outside/a.toml"), "../outside/a.toml");
        let here = std::env::current_dir().unwrap();
        assert_eq!(at(&here.join("scenarios/a.toml").display().to_string()), "scenarios/a.toml");
        assert_eq!(SourceLine::new(std::path::Path::new("a"), 0).line, 1);
    }
}
