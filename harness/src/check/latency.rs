//! `latency`: a statistic (`p50`, `p95`, `max`) of the client round trip (the default) or of
//! the server's Execution Time (`measure = "server"`) must stay under a duration, and the
//! median planning time under `planning`. Judged with the series' noise: clearly under passes,
//! clearly over fails, in between is inconclusive (`noise.rs`).

use std::time::Duration;

use super::budget::BudgetResult;
use super::evidence::Capture;
use super::noise::{at_most, margin, Verdict};
use super::registry::Check;
use crate::scenario::Measure;
use crate::stats::{Series, Statistic};

/// `stat` of the series `measure` names, against `limit`.
pub(super) fn latency(measure: Measure, stat: Statistic, limit: Duration, capture: &Capture) -> BudgetResult {
    let (series, label) = match measure {
        Measure::Client => (capture.client, "client"),
        Measure::Server => (Some(capture.execution), "server"),
    };
    let limit_ms = limit.as_secs_f64() * 1000.0;
    let budget = format!("{label} {} <= {}", stat.as_str(), ms(limit_ms));
    match series.filter(|s| !s.is_empty()) {
        Some(s) => judge(Check::Latency, budget, s.statistic(stat), margin(s, stat), limit_ms),
        None => missing(Check::Latency, budget),
    }
}

/// The median planning time against `limit`.
pub(super) fn planning(limit: Duration, planning: &Series) -> BudgetResult {
    let limit_ms = limit.as_secs_f64() * 1000.0;
    let budget = format!("planning p50 <= {}", ms(limit_ms));
    if planning.is_empty() {
        missing(Check::Planning, budget)
    } else {
        judge(Check::Planning, budget, planning.p50, margin(planning, Statistic::P50), limit_ms)
    }
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
        verdict: Verdict::Fail,
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
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::plan::{Explain, Node};

    /// A capture with these series and an empty plan.
    pub(crate) fn capture<'a>(
        explain: &'a Explain,
        execution: &'a Series,
        client: Option<&'a Series>,
        tables: &'a BTreeMap<String, crate::catalog::TableSize>,
    ) -> Capture<'a> {
        Capture {
            explain,
            execution,
            planning: execution,
            client,
            client_before: None,
            server_before: None,
            tables,
            indexes: None,
        }
    }

    #[test]
    fn the_measure_picks_the_series() {
        let (explain, tables) = (Explain::from_plan(Node::new("Result")), BTreeMap::new());
        let client = Series::new(vec![10.0; 9]);
        let server = Series::new(vec![1.0; 9]);
        let c = capture(&explain, &server, Some(&client), &tables);
        let by_client = latency(Measure::Client, Statistic::P50, Duration::from_millis(5), &c);
        assert_eq!(by_client.verdict, Verdict::Fail);
        assert_eq!(by_client.budget, "client p50 <= 5.00ms");
        let by_server = latency(Measure::Server, Statistic::P50, Duration::from_millis(5), &c);
        assert_eq!(by_server.verdict, Verdict::Pass);
    }

    #[test]
    fn twenty_percent_under_fails_five_times_over_passes_at_the_median_is_inconclusive() {
        let (explain, tables) = (Explain::from_plan(Node::new("Result")), BTreeMap::new());
        let s = Series::new(vec![9.8, 10.0, 10.1, 9.9, 10.2, 10.0, 9.9]);
        let c = capture(&explain, &s, None, &tables);
        let verdict =
            |limit_ms: u64| latency(Measure::Server, Statistic::P50, Duration::from_millis(limit_ms), &c).verdict;
        assert_eq!(verdict(8), Verdict::Fail);
        assert_eq!(verdict(50), Verdict::Pass);
        assert_eq!(verdict(10), Verdict::Inconclusive);
    }

    #[test]
    fn a_budget_without_timings_fails() {
        let (explain, tables, empty) = (Explain::from_plan(Node::new("Result")), BTreeMap::new(), Series::default());
        let c = capture(&explain, &empty, None, &tables);
        assert_eq!(latency(Measure::Client, Statistic::P50, Duration::from_millis(5), &c).verdict, Verdict::Fail);
        assert_eq!(planning(Duration::from_millis(1), &empty).verdict, Verdict::Fail);
    }
}
