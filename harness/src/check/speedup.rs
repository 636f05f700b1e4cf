//! Relative budgets: the median before the migration divided by the median after, both from
//! the same run on the same machine, so drift of the machine cancels out. A claimed speedup is
//! judged the same way but only reported.

use super::budget::BudgetResult;
use super::evidence::Capture;
use super::latency::ms;
use super::noise::{at_least, margin, Verdict};
use super::registry::Check;
use crate::scenario::Measure;
use crate::stats::{Series, Statistic};

/// `speedup` (`gating`) or `claimed-speedup` (not gating): the median before the migration of
/// the series `measure` names, over the capture's, against `wanted`.
pub(super) fn speedup(measure: Measure, wanted: f64, gating: bool, capture: &Capture) -> BudgetResult {
    let (label, before, after) = match measure {
        Measure::Client => ("client", capture.client_before, capture.client),
        Measure::Server => ("server", capture.server_before, Some(capture.execution)),
    };
    let empty = Series::default();
    ratio(label, wanted, gating, before.unwrap_or(&empty), after.unwrap_or(&empty))
}

fn ratio(label: &str, wanted: f64, gating: bool, before: &Series, after: &Series) -> BudgetResult {
    let check = if gating { Check::Speedup } else { Check::ClaimedSpeedup };
    let budget = format!("{label} speedup >= {wanted}x");
    if before.is_empty() || after.is_empty() || after.p50 <= 0.0 {
        let measured = "nothing (no timings before or after)".into();
        return BudgetResult { check, budget, measured, verdict: Verdict::Fail, gating };
    }
    let ratio = before.p50 / after.p50;
    // Both medians are uncertain; their ratio is as uncertain as both together.
    let m = (1.0 + margin(before, Statistic::P50)) * (1.0 + margin(after, Statistic::P50)) - 1.0;
    BudgetResult {
        check,
        budget,
        measured: format!("{ratio:.1}x ({} before, {} after, ±{:.0}%)", ms(before.p50), ms(after.p50), m * 100.0),
        verdict: at_least(ratio, m, wanted),
        gating,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::check::latency::tests::capture;
    use crate::plan::{Explain, Node};

    #[test]
    fn the_ratio_of_medians_is_judged_with_both_margins() {
        let before = Series::new(vec![10.0; 5]);
        let after = Series::new(vec![0.1; 5]);
        let judge = |x: f64| ratio("client", x, true, &before, &after);
        assert_eq!(judge(50.0).verdict, Verdict::Pass);
        assert_eq!(judge(500.0).verdict, Verdict::Fail);
        assert_eq!(judge(100.0).verdict, Verdict::Inconclusive);
        assert!(judge(50.0).measured.starts_with("100.0x"));
    }

    #[test]
    fn a_claim_never_gates() {
        let before = Series::new(vec![1.0; 5]);
        let after = Series::new(vec![1.0; 5]);
        let r = ratio("client", 50.0, false, &before, &after);
        assert_eq!((r.check, r.verdict, r.gating), (Check::ClaimedSpeedup, Verdict::Fail, false));
    }

    #[test]
    fn the_measure_picks_the_series_before_and_after() {
        let (explain, tables) = (Explain::from_plan(Node::new("Result")), BTreeMap::new());
        let (server_before, server_after) = (Series::new(vec![10.0; 5]), Series::new(vec![1.0; 5]));
        let (client_before, client_after) = (Series::new(vec![12.0; 5]), Series::new(vec![6.0; 5]));
        let c = Capture {
            client_before: Some(&client_before),
            server_before: Some(&server_before),
            ..capture(&explain, &server_after, Some(&client_after), &tables)
        };
        assert!(speedup(Measure::Server, 5.0, true, &c).measured.starts_with("10.0x"));
        assert!(speedup(Measure::Client, 5.0, true, &c).measured.starts_with("2.0x"));
        let missing = Capture { server_before: None, ..c };
        assert_eq!(speedup(Measure::Server, 5.0, true, &missing).verdict, Verdict::Fail);
    }
}
