//! Deciding a timing budget on a noisy machine. One series cannot tell apart figures closer
//! than its own spread, so a budget is judged against the measured figure widened by a
//! margin: clearly under is a pass, clearly over a fail, and in between "inconclusive" — said
//! as such, never flapping between pass and fail from one run to the next.

use serde::Serialize;

use crate::scenario::Statistic;
use crate::stats::Series;

/// The smallest relative margin: timings on a shared runner move 6–10% between series even
/// when a single series looks tight.
pub(crate) const NOISE_FLOOR: f64 = 0.10;
/// The largest: past this a series says too little to decide anything.
pub(crate) const NOISE_CEILING: f64 = 0.50;

/// The outcome of one budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
}

/// How far, relatively, `stat` of `series` may be off. The median of n samples is known to
/// about 0.93 × IQR / √n (its standard error; twice that for ~95% confidence), the 95th
/// percentile about twice as loosely, the maximum only to the width of the series itself. The
/// floor covers what no single series shows: drift between series on a shared machine.
pub(crate) fn margin(series: &Series, stat: Statistic) -> f64 {
    let n = series.samples.len().max(1) as f64;
    let median_error = 2.0 * 0.93 * series.spread / n.sqrt();
    let m = match stat {
        Statistic::P50 => median_error,
        Statistic::P95 => 2.0 * median_error,
        Statistic::Max => series.spread,
    };
    m.clamp(NOISE_FLOOR, NOISE_CEILING)
}

/// Judges "measured must be at most budget" for a measurement with relative `margin`.
pub(crate) fn at_most(measured: f64, margin: f64, budget: f64) -> Verdict {
    if measured * (1.0 + margin) <= budget {
        Verdict::Pass
    } else if measured * (1.0 - margin) > budget {
        Verdict::Fail
    } else {
        Verdict::Inconclusive
    }
}

/// Judges "measured must be at least budget" for a measurement with relative `margin`.
pub(crate) fn at_least(measured: f64, margin: f64, budget: f64) -> Verdict {
    if measured / (1.0 + margin) >= budget {
        Verdict::Pass
    } else if measured * (1.0 + margin) < budget {
        Verdict::Fail
    } else {
        Verdict::Inconclusive
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_clearly_above_pass_clearly_below_fail_close_ones_are_inconclusive() {
        let median = 10.0;
        assert_eq!(at_most(median, NOISE_FLOOR, median * 5.0), Verdict::Pass, "5x above");
        assert_eq!(at_most(median, NOISE_FLOOR, median * 0.8), Verdict::Fail, "20% below");
        assert_eq!(at_most(median, NOISE_FLOOR, median), Verdict::Inconclusive, "at the median");
        assert_eq!(at_most(median, NOISE_FLOOR, median * 1.05), Verdict::Inconclusive, "inside the band");
    }

    #[test]
    fn a_lower_bound_mirrors_the_upper_one() {
        assert_eq!(at_least(50.0, 0.2, 10.0), Verdict::Pass);
        assert_eq!(at_least(5.0, 0.2, 10.0), Verdict::Fail);
        assert_eq!(at_least(10.0, 0.2, 10.0), Verdict::Inconclusive);
    }

    #[test]
    fn the_margin_grows_with_the_spread_and_shrinks_with_more_samples() {
        let tight = Series::new(vec![1.0; 30]);
        assert_eq!(margin(&tight, Statistic::P50), NOISE_FLOOR);
        // Spread 2/3 over 4 samples: 2 × 0.93 × (2/3) / 2 = 0.62, capped.
        let few = Series::new(vec![1.0, 2.0, 3.0, 4.0, 5.0].into_iter().take(4).collect());
        assert!(margin(&few, Statistic::P50) > 0.3);
        // The same spread over 100 samples pins the median much closer.
        let many: Vec<f64> = (0..100).map(|i| 1.0 + f64::from(i % 5)).collect();
        let many = Series::new(many);
        assert!(margin(&many, Statistic::P50) < 0.15, "{}", margin(&many, Statistic::P50));
        assert!(margin(&many, Statistic::P95) > margin(&many, Statistic::P50));
        let wild = Series::new(vec![1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(margin(&wild, Statistic::Max), NOISE_CEILING);
    }
}
