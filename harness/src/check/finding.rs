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
}

impl Finding {
    pub fn violation(check: Check, message: impl Into<String>, hint: Option<String>) -> Finding {
        Finding { severity: Severity::Violation, check, message: message.into(), hint }
    }

    pub fn warning(check: Check, message: impl Into<String>, hint: Option<String>) -> Finding {
        Finding { severity: Severity::Warning, check, message: message.into(), hint }
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
}
