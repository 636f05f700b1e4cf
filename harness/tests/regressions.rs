//! Regression tests on a real database, each named after the bug it guards.

mod common;

use planproof::pipeline::{run_scenario, Keep, Outcome, RunOptions};

/// Two enum types in the queries' results: the plan capture's `DEALLOCATE ALL` dropped the
/// client library's own type-lookup statement, and the second new type failed to load
/// ("prepared statement does not exist"), so the scenario could not run.
#[test]
fn two_enum_types_survive_the_plan_captures() {
    let Some(mut backend) = common::local_cluster("two_enum_types_survive_the_plan_captures") else { return };
    let scenario = planproof::validate(common::root().join("fixtures/regressions/two-enum-types/scenario.toml")).expect("the fixture is valid");
    let result = run_scenario(&scenario, &mut backend, &RunOptions { keep: Keep::OnFailure, progress: false });
    assert_eq!(result.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(&result));
    assert!(result.queries.iter().all(|q| q.client.len() == 2), "both queries are timed before and after");
}
