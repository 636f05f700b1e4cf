//! The outcome of each budget, kept for the report whatever it is, and the findings made of
//! those that did not pass.

use serde::{Deserialize, Serialize};

use super::finding::{Check, Finding, Severity};
use super::noise::Verdict;

/// One budget and what was measured against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BudgetResult {
    /// What the budget is about, as in findings: `latency`, `planning`, `speedup`, …
    pub check: Check,
    /// What was asked, e.g. `client p95 <= 2ms`.
    pub budget: String,
    /// What was measured, with the margin it was judged with, e.g. `0.31ms ±10%`.
    pub measured: String,
    pub verdict: Verdict,
    /// A claim is reported but never fails the run.
    pub gating: bool,
}

/// A violation for each failed budget, an inconclusive finding for each one too close to call,
/// and a warning for each claim the measurement clearly contradicts.
pub(crate) fn budget_findings(results: &[BudgetResult]) -> Vec<Finding> {
    results
        .iter()
        .filter_map(|r| {
            let text = format!("expected {}, measured {}", r.budget, r.measured);
            match (r.verdict, r.gating) {
                (Verdict::Pass, _) => None,
                (Verdict::Fail, true) => Some(Finding::violation(r.check, text, None)),
                (Verdict::Inconclusive, true) => Some(Finding {
                    severity: Severity::Inconclusive,
                    check: r.check,
                    message: format!("{text}: too close to call for this machine's noise"),
                    hint: Some(inconclusive_hint(r.check).into()),
                    at: None,
                }),
                // A claim within the noise of the measurement is as borne out as a run can say.
                (Verdict::Inconclusive, false) => None,
                (Verdict::Fail, false) => Some(Finding::warning(
                    r.check,
                    format!("the claim does not hold on the generated data: claimed {}, measured {}", r.budget, r.measured),
                    Some("the measured figure is what this data supports; check the row counts and distributions against production".into()),
                )),
            }
        })
        .collect()
}

/// What to do about a budget too close to call.
fn inconclusive_hint(check: Check) -> &'static str {
    match check {
        Check::MigrationDuration | Check::DownDuration => {
            "a migration runs once: its one figure is judged against how slow this machine was in the same run (and the better of two with `reversible = true`); gate on clock-free facts (`[[indexes]] max-size`, the plans' `max-buffers`) and keep `max-duration` well clear of the server-side time"
        }
        Check::WriteSlowdown => {
            "raise `overhead-writes`: the write series and their control are then pinned closer"
        }
        _ => {
            "raise `samples`, or gate on clock-free budgets (`max-buffers`, `max-rows-examined`) and keep timing budgets well clear of the measured figure"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(verdict: Verdict, gating: bool) -> BudgetResult {
        BudgetResult {
            check: Check::Latency,
            budget: "client p95 <= 2ms".into(),
            measured: "3.1ms ±10%".into(),
            verdict,
            gating,
        }
    }

    #[test]
    fn each_verdict_becomes_its_finding() {
        assert!(budget_findings(&[result(Verdict::Pass, true)]).is_empty());
        assert_eq!(budget_findings(&[result(Verdict::Fail, true)])[0].severity, Severity::Violation);
        assert_eq!(budget_findings(&[result(Verdict::Inconclusive, true)])[0].severity, Severity::Inconclusive);
        assert!(budget_findings(&[result(Verdict::Inconclusive, false)]).is_empty(), "a claim within the noise");
        let claim = &budget_findings(&[result(Verdict::Fail, false)])[0];
        assert_eq!(claim.severity, Severity::Warning);
        assert!(claim.message.contains("claimed client p95 <= 2ms, measured 3.1ms ±10%"));
    }
}
