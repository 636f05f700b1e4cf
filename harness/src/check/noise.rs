//! Deciding a timing budget on a noisy machine. One series cannot tell apart figures closer
//! than its own spread, so a budget is judged against the measured figure widened by a
//! margin: clearly under is a pass, clearly over a fail, and in between "inconclusive" — said
//! as such, never flapping between pass and fail from one run to the next.

use serde::Serialize;

use crate::explain::Series;

/// The smallest relative margin: timings on a shared runner move 6–10% between series even
/// when a single series looks tight.
pub const NOISE_FLOOR: f64 = 0.10;
/// The largest: past this a series says too little to decide anything.
pub const NOISE_CEILING: f64 = 0.50;

/// The outcome of one budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
}

/// How far, relatively, a figure of `series` may be off: half its interquartile spread, at
/// least the noise floor.
pub fn margin(series: &Series) -> f64 {
    (series.spread / 2.0).clamp(NOISE_FLOOR, NOISE_CEILING)
}

/// Judges "measured must be at most budget" for a measurement with relative `margin`.
pub fn at_most(measured: f64, margin: f64, budget: f64) -> Verdict {
    if measured * (1.0 + margin) <= budget {
        Verdict::Pass
    } else if measured * (1.0 - margin) > budget {
        Verdict::Fail
    } else {
        Verdict::Inconclusive
    }
}

/// Judges "measured must be at least budget" for a measurement with relative `margin`.
pub fn at_least(measured: f64, margin: f64, budget: f64) -> Verdict {
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
    fn the_margin_grows_with_the_spread_within_bounds() {
        let tight = Series::new(vec![1.0, 1.0, 1.0, 1.0]);
        assert_eq!(margin(&tight), NOISE_FLOOR);
        let wide = Series::new(vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!((margin(&wide) - 1.0 / 3.0).abs() < 1e-9);
        let wild = Series::new(vec![1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(margin(&wild), NOISE_CEILING);
    }
}
