//! Timing budgets judged on a real measured series: a budget half the measured median fails,
//! one five times over passes, one at the median is inconclusive. The verdicts are taken on the
//! very series the run measured, so the test does not depend on the machine's mood. (20% under
//! the median was once inconclusive in CI: a client round trip of a few hundredths of a
//! millisecond on a loaded machine spreads wider than that, and the margin says so.)

use crate::common;

use std::time::Duration;

use std::collections::BTreeMap;

use planproof::check::{evaluate, Capture, Evidence, Verdict};
use planproof::pipeline::{run_scenario, RunOptions};
use planproof::scenario::{Expect, Measure, Phase, Statistic};
use planproof::Outcome;

#[test]
fn budgets_on_a_measured_series_fail_pass_or_say_inconclusive() {
    let _alone = common::alone();
    let Some(mut backend) = common::local_cluster("budgets_on_a_measured_series") else { return };
    let mut scenario = planproof::validate(common::root().join("scenarios/brokkr-pak-hash.toml")).unwrap();
    // Enough samples that the median is known well inside 20% even on a busy machine.
    scenario.explain.samples = 100;
    let result = run_scenario(&scenario, &mut backend, &RunOptions::default());
    assert_eq!(result.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(&result));
    let query = result.queries.iter().find(|q| q.name == "agent-by-pak-hash").unwrap();
    let client = query.client_series(Phase::After).unwrap();
    assert_eq!(client.samples.len() as u32, scenario.explain.samples, "every sample is kept");
    let capture = query.captures.iter().find(|c| c.phase == Phase::After).unwrap();

    let tables = BTreeMap::new();
    let evidence = Evidence::Capture(Capture {
        explain: &capture.explain,
        execution: &capture.execution,
        planning: &capture.planning,
        client: Some(client),
        client_before: None,
        server_before: None,
        tables: &tables,
        indexes: None,
    });
    let judge = |factor: f64| {
        let limit = Duration::from_secs_f64(client.p50 * factor / 1000.0);
        let budget = Expect::Latency { measure: Measure::Client, stat: Statistic::P50, limit };
        evaluate(&[budget], &evidence).budgets[0].verdict
    };
    assert_eq!(judge(0.5), Verdict::Fail, "half the median");
    assert_eq!(judge(5.0), Verdict::Pass, "five times the median");
    assert_eq!(judge(1.0), Verdict::Inconclusive, "at the median");
}
