//! `max-write-slowdown`: the median latency of each kind of write on each written table after
//! the migration, over the median before it, same run, same writes. Judged with the noise
//! margins of both series (`noise.rs`): a ratio too close to the budget for this machine's
//! noise is inconclusive, not a flaky pass or fail.

use super::budget::BudgetResult;
use super::latency::ms;
use super::noise::{at_most, margin, Verdict};
use super::registry::Check;
use crate::scenario::Statistic;
use crate::stats::Series;

pub(super) fn write_slowdown(
    budget: f64,
    table: &str,
    kind: &str,
    before: &Series,
    after: Option<&Series>,
) -> Option<BudgetResult> {
    let after = after?;
    let label = format!("{kind} into `{table}` slowdown <= {:.0}%", budget * 100.0);
    if before.is_empty() || after.is_empty() || before.p50 <= 0.0 {
        return Some(BudgetResult {
            check: Check::WriteSlowdown,
            budget: label,
            measured: "nothing (no writes before or after)".into(),
            verdict: Verdict::Fail,
            gating: true,
        });
    }
    let ratio = after.p50 / before.p50;
    let m = (1.0 + margin(before, Statistic::P50)) * (1.0 + margin(after, Statistic::P50)) - 1.0;
    Some(BudgetResult {
        check: Check::WriteSlowdown,
        budget: label,
        measured: format!(
            "{:+.0}% ({} before, {} after, ±{:.0}%)",
            (ratio - 1.0) * 100.0,
            ms(before.p50),
            ms(after.p50),
            m * 100.0
        ),
        verdict: at_most(ratio, m, 1.0 + budget),
        gating: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clear_slowdown_fails_none_passes_a_close_one_is_inconclusive() {
        let before = Series::new(vec![1.0; 50]);
        let judge = |after: f64, budget: f64| {
            write_slowdown(budget, "t", "insert", &before, Some(&Series::new(vec![after; 50]))).unwrap()
        };
        assert_eq!(judge(2.0, 0.15).verdict, Verdict::Fail, "twice as slow");
        assert_eq!(judge(1.0, 0.5).verdict, Verdict::Pass, "the same, budget 50%");
        assert_eq!(judge(1.1, 0.15).verdict, Verdict::Inconclusive, "10% against 15%: within the noise");
        assert!(judge(2.0, 0.15).measured.starts_with("+100% "), "{}", judge(2.0, 0.15).measured);
        assert!(write_slowdown(0.15, "t", "insert", &before, None).is_none(), "no after series, no verdict");
    }
}
