//! Relative budgets: the median before the migration divided by the median after, both from
//! the same run on the same machine, so drift of the machine cancels out. A claimed speedup is
//! judged the same way but only reported.

use super::budget::BudgetResult;
use super::latency::ms;
use super::noise::{at_least, margin};
use super::registry::Check;
use crate::scenario::{Budgets, Statistic};
use crate::stats::Series;

pub fn speedup(budgets: &Budgets, label: &str, before: &Series, after: &Series) -> Vec<BudgetResult> {
    let mut results = Vec::new();
    for (wanted, check, gating) in
        [(budgets.speedup, Check::Speedup, true), (budgets.claimed_speedup, Check::ClaimedSpeedup, false)]
    {
        let Some(wanted) = wanted else { continue };
        let budget = format!("{label} speedup >= {wanted}x");
        if before.is_empty() || after.is_empty() || after.p50 <= 0.0 {
            results.push(BudgetResult {
                check,
                budget,
                measured: "nothing (no timings before or after)".into(),
                verdict: super::noise::Verdict::Fail,
                gating,
            });
            continue;
        }
        let ratio = before.p50 / after.p50;
        // Both medians are uncertain; their ratio is as uncertain as both together.
        let m = (1.0 + margin(before, Statistic::P50)) * (1.0 + margin(after, Statistic::P50)) - 1.0;
        results.push(BudgetResult {
            check,
            budget,
            measured: format!("{ratio:.1}x ({} before, {} after, ±{:.0}%)", ms(before.p50), ms(after.p50), m * 100.0),
            verdict: at_least(ratio, m, wanted),
            gating,
        });
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Verdict;

    #[test]
    fn the_ratio_of_medians_is_judged_with_both_margins() {
        let before = Series::new(vec![10.0; 5]);
        let after = Series::new(vec![0.1; 5]);
        let b = |x: f64| Budgets { speedup: Some(x), ..Default::default() };
        assert_eq!(speedup(&b(50.0), "client", &before, &after)[0].verdict, Verdict::Pass);
        assert_eq!(speedup(&b(500.0), "client", &before, &after)[0].verdict, Verdict::Fail);
        assert_eq!(speedup(&b(100.0), "client", &before, &after)[0].verdict, Verdict::Inconclusive);
        assert!(speedup(&b(50.0), "client", &before, &after)[0].measured.starts_with("100.0x"));
    }

    #[test]
    fn a_claim_never_gates() {
        let before = Series::new(vec![1.0; 5]);
        let after = Series::new(vec![1.0; 5]);
        let claim = Budgets { claimed_speedup: Some(50.0), ..Default::default() };
        let r = &speedup(&claim, "client", &before, &after)[0];
        assert_eq!((r.verdict, r.gating), (Verdict::Fail, false));
    }
}
