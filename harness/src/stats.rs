//! A series of timings and its statistics. Every sample is kept (reports show them all); the
//! statistics are what budgets are judged on. Crate-level: capture, the workload, the checks
//! and the reports all measure or read series; it depends on nothing of theirs.

use serde::{Deserialize, Serialize};

/// Which figure of a series a budget limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Statistic {
    P50,
    P95,
    Max,
}

impl Statistic {
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::P50 => "p50",
            Statistic::P95 => "p95",
            Statistic::Max => "max",
        }
    }
}

/// Timings in milliseconds, in the order they were measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Series {
    pub samples: Vec<f64>,
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    /// The relative width of the series' middle, `(p75 - p25) / p50`: how far one run's figure
    /// can be trusted. 0 for an empty or constant series.
    pub spread: f64,
}

impl Series {
    pub fn new(samples: Vec<f64>) -> Series {
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let q = |p: f64| percentile(&sorted, p);
        let p50 = q(0.5);
        Series {
            min: sorted.first().copied().unwrap_or(0.0),
            max: sorted.last().copied().unwrap_or(0.0),
            p95: q(0.95),
            spread: if p50 > 0.0 { (q(0.75) - q(0.25)) / p50 } else { 0.0 },
            p50,
            samples,
        }
    }

    /// Adds the samples of another series measured under the same conditions.
    pub fn extend(&mut self, more: &[f64]) {
        let mut samples = std::mem::take(&mut self.samples);
        samples.extend_from_slice(more);
        *self = Series::new(samples);
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The statistic a budget names.
    pub fn statistic(&self, stat: Statistic) -> f64 {
        match stat {
            Statistic::P50 => self.p50,
            Statistic::P95 => self.p95,
            Statistic::Max => self.max,
        }
    }
}

/// Linear interpolation between the closest ranks (the common "type 7" definition) of a
/// sorted slice.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let rank = p * (n - 1) as f64;
            let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_a_series() {
        let s = Series::new(vec![5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!((s.min, s.p50, s.max), (1.0, 3.0, 5.0));
        assert!((s.p95 - 4.8).abs() < 1e-9, "{}", s.p95);
        assert!((s.spread - 2.0 / 3.0).abs() < 1e-9, "{}", s.spread);
        assert_eq!(s.samples, vec![5.0, 1.0, 3.0, 2.0, 4.0], "samples keep their order");
    }

    #[test]
    fn empty_and_single_series_do_not_panic() {
        assert_eq!(Series::new(vec![]).p95, 0.0);
        let one = Series::new(vec![2.0]);
        assert_eq!((one.p50, one.p95, one.spread), (2.0, 2.0, 0.0));
    }

    #[test]
    fn extending_recomputes_the_statistics() {
        let mut s = Series::new(vec![1.0, 1.0]);
        s.extend(&[10.0]);
        assert_eq!((s.samples.len(), s.max), (3, 10.0));
    }
}
