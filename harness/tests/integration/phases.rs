//! Per-phase queries on a real cluster: a query that reads a column the migration adds runs
//! after the migration only, with its parameter sampled then, and is not run by the rollback.

use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::scenario::Phase;
use planproof::Outcome;

use crate::common;

#[test]
fn a_query_of_the_after_phase_only_reads_a_column_the_migration_adds() {
    let Some(mut backend) = common::local_cluster("a_query_of_the_after_phase_only_reads_a_column_the_migration_adds")
    else {
        return;
    };
    let scenario =
        planproof::validate(common::root().join("fixtures/phases/scenario.toml")).expect("the fixture is valid");
    let result = run_scenario(&scenario, &mut backend, &RunOptions { keep: Keep::OnFailure, ..RunOptions::default() });
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Passed, "{text}");
    let phases = |name: &str| -> Vec<Phase> {
        let q = result.queries.iter().find(|q| q.name == name).expect("the query is reported");
        q.captures.iter().map(|c| c.phase).collect()
    };
    assert_eq!(phases("by-batch"), [Phase::After], "{text}");
    assert_eq!(phases("by-kind"), [Phase::Before, Phase::After, Phase::Rollback], "{text}");
    let batch = result.queries.iter().find(|q| q.name == "by-batch").expect("by-batch");
    assert_eq!(batch.params.len(), 1, "its parameter was sampled after the migration: {text}");
    assert!(batch.client.iter().all(|c| c.phase == Phase::After), "timed after the migration only");
}
