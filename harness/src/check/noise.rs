//! Deciding a timing budget on a noisy machine. One series cannot tell apart figures closer
//! than its own spread, so a budget is judged against the measured figure widened by a
//! margin: clearly under is a pass, clearly over a fail, and in between "inconclusive" — said
//! as such, never flapping between pass and fail from one run to the next.

use serde::{Deserialize, Serialize};

use crate::scenario::Statistic;
use crate::stats::Series;

/// The smallest relative margin: timings on a shared runner move 6–10% between series even
/// when a single series looks tight.
pub(crate) const NOISE_FLOOR: f64 = 0.10;
/// The largest: past this a series says too little to decide anything.
pub(crate) const NOISE_CEILING: f64 = 0.50;

/// The outcome of one budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    let median_error = median_error(series);
    let m = match stat {
        Statistic::P50 => median_error,
        Statistic::P95 => 2.0 * median_error,
        Statistic::Max => series.spread,
    };
    m.clamp(NOISE_FLOOR, NOISE_CEILING)
}

/// Twice the standard error of the median of `series`, relative to it: how well the series
/// alone pins its median down, with no allowance for drift between series.
fn median_error(series: &Series) -> f64 {
    let n = series.samples.len().max(1) as f64;
    2.0 * 0.93 * series.spread / n.sqrt()
}

/// The smallest margin of a ratio corrected by a control measured write for write beside it:
/// the drift between series that the floor above stands for is what the control removes, and
/// what is left is the twins' own small differences.
pub(crate) const CONTROLLED_FLOOR: f64 = 0.05;

/// The relative margin of `(a_after / a_before) / (c_after / c_before)`, the change of a series
/// over the change of its control: the four medians' errors, independent, in quadrature.
pub(crate) fn controlled_margin(series: [&Series; 4]) -> f64 {
    let sum: f64 = series.iter().map(|s| median_error(s).powi(2)).sum();
    sum.sqrt().clamp(CONTROLLED_FLOOR, NOISE_CEILING)
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

/// The smallest relative margin of a figure measured once: it has no spread of its own to
/// tell how far it may be off, and a one-shot figure on a shared runner moves more than the
/// median of a series.
pub(crate) const ONE_SHOT_FLOOR: f64 = 0.25;

/// The slowness of a machine as a calibration series shows it: its slowest run over its
/// fastest (at least 1; 1 without samples). A figure measured once may have been slowed as
/// much as the calibration query was in the same run.
pub fn slowness(calibration: &Series) -> f64 {
    if calibration.min > 0.0 {
        (calibration.max / calibration.min).max(1.0)
    } else {
        1.0
    }
}

/// Judges "measured must be at most budget" for a figure measured once, on a machine whose
/// calibration ran up to `slowness` times slower than its best: a pass when the figure is
/// clear of the budget by the one-shot margin, a fail only when it would still be over the
/// budget had the machine slowed it by its whole measured slowness, inconclusive in between.
pub(crate) fn one_shot(measured: f64, slowness: f64, budget: f64) -> Verdict {
    let slowed = slowness.max(1.0 + ONE_SHOT_FLOOR);
    if measured * (1.0 + ONE_SHOT_FLOOR) <= budget {
        Verdict::Pass
    } else if measured / slowed > budget {
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
    fn a_one_shot_figure_fails_only_past_the_machines_measured_slowness() {
        // A quiet machine (calibration within 10%): the one-shot floor decides.
        assert_eq!(one_shot(700.0, 1.1, 1000.0), Verdict::Pass);
        assert_eq!(one_shot(900.0, 1.1, 1000.0), Verdict::Inconclusive, "within 25% of the budget");
        assert_eq!(one_shot(1300.0, 1.1, 1000.0), Verdict::Fail, "30% over on a quiet machine");
        // The same 1300ms on a machine that ran the calibration query 3x slower at times.
        assert_eq!(one_shot(1300.0, 3.0, 1000.0), Verdict::Inconclusive);
        assert_eq!(one_shot(3100.0, 3.0, 1000.0), Verdict::Fail, "over even at a third of it");
        assert_eq!(one_shot(700.0, 3.0, 1000.0), Verdict::Pass, "slowness does not hold back a clear pass");
    }

    #[test]
    fn slowness_is_the_slowest_calibration_run_over_the_fastest() {
        assert_eq!(slowness(&Series::new(vec![2.0, 3.0, 6.0])), 3.0);
        assert_eq!(slowness(&Series::default()), 1.0);
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
