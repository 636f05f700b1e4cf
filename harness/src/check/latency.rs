//! Latency budgets: a statistic of the client round trip (default) or of the server's
//! Execution Time must stay under a duration; the median planning time too.

use super::budget::BudgetResult;
use super::noise::{at_most, margin};
use super::registry::Check;
use crate::scenario::{Budgets, Measure, Statistic};
use crate::stats::Series;

/// Judges every latency budget of `budgets` against the series of one capture.
pub fn latency(budgets: &Budgets, client: Option<&Series>, execution: &Series, planning: &Series) -> Vec<BudgetResult> {
    let mut results = Vec::new();
    let (series, label) = match budgets.measure {
        Measure::Client => (client, "client"),
        Measure::Server => (Some(execution), "server"),
    };
    for (stat, limit) in &budgets.latency {
        let limit_ms = limit.as_secs_f64() * 1000.0;
        let budget = format!("{label} {} <= {}", stat.as_str(), ms(limit_ms));
        results.push(match series.filter(|s| !s.is_empty()) {
            Some(s) => judge(Check::Latency, budget, s.statistic(*stat), margin(s, *stat), limit_ms),
            None => missing(Check::Latency, budget),
        });
    }
    if let Some(limit) = budgets.planning {
        let limit_ms = limit.as_secs_f64() * 1000.0;
        let budget = format!("planning p50 <= {}", ms(limit_ms));
        results.push(if planning.is_empty() {
            missing(Check::Planning, budget)
        } else {
            judge(Check::Planning, budget, planning.p50, margin(planning, Statistic::P50), limit_ms)
        });
    }
    results
}

fn judge(check: Check, budget: String, measured: f64, margin: f64, limit: f64) -> BudgetResult {
    BudgetResult {
        check,
        budget,
        measured: format!("{} ±{:.0}%", ms(measured), margin * 100.0),
        verdict: at_most(measured, margin, limit),
        gating: true,
    }
}

/// A budget whose series was not measured fails: silence must not pass a gate.
fn missing(check: Check, budget: String) -> BudgetResult {
    BudgetResult {
        check,
        budget,
        measured: "nothing (no timings were captured)".into(),
        verdict: super::noise::Verdict::Fail,
        gating: true,
    }
}

/// Milliseconds in a readable precision.
pub fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}ms")
    } else if value >= 1.0 {
        format!("{value:.2}ms")
    } else {
        format!("{value:.3}ms")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::check::Verdict;

    fn budgets(measure: Measure, p50_ms: u64) -> Budgets {
        Budgets { measure, latency: vec![(Statistic::P50, Duration::from_millis(p50_ms))], ..Default::default() }
    }

    #[test]
    fn the_measure_picks_the_series() {
        let client = Series::new(vec![10.0; 9]);
        let server = Series::new(vec![1.0; 9]);
        let planning = Series::new(vec![0.1; 9]);
        let by_client = latency(&budgets(Measure::Client, 5), Some(&client), &server, &planning);
        assert_eq!(by_client[0].verdict, Verdict::Fail);
        assert_eq!(by_client[0].budget, "client p50 <= 5.00ms");
        let by_server = latency(&budgets(Measure::Server, 5), Some(&client), &server, &planning);
        assert_eq!(by_server[0].verdict, Verdict::Pass);
    }

    #[test]
    fn twenty_percent_under_fails_five_times_over_passes_at_the_median_is_inconclusive() {
        let s = Series::new(vec![9.8, 10.0, 10.1, 9.9, 10.2, 10.0, 9.9]);
        let planning = Series::default();
        let verdict = |limit_ms: u64| latency(&budgets(Measure::Server, limit_ms), None, &s, &planning)[0].verdict;
        assert_eq!(verdict(8), Verdict::Fail);
        assert_eq!(verdict(50), Verdict::Pass);
        assert_eq!(verdict(10), Verdict::Inconclusive);
    }

    #[test]
    fn a_budget_without_timings_fails() {
        let empty = Series::default();
        assert_eq!(latency(&budgets(Measure::Client, 5), None, &empty, &empty)[0].verdict, Verdict::Fail);
    }
}
