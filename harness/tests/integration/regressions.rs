//! Regression tests on a real database, each named after the bug it guards.

use planproof::check::Check;

use crate::common;

use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::Outcome;

/// Two enum types in the queries' results: the plan capture's `DEALLOCATE ALL` dropped the
/// client library's own type-lookup statement, and the second new type failed to load
/// ("prepared statement does not exist"), so the scenario could not run.
#[test]
fn two_enum_types_survive_the_plan_captures() {
    let Some(mut backend) = common::local_cluster("two_enum_types_survive_the_plan_captures") else { return };
    let scenario = planproof::validate(common::root().join("fixtures/regressions/two-enum-types/scenario.toml"))
        .expect("the fixture is valid");
    let result = run_scenario(
        &scenario,
        &mut backend,
        &RunOptions { keep: Keep::OnFailure, progress: false, ..RunOptions::default() },
    );
    assert_eq!(result.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(&result));
    assert!(result.queries.iter().all(|q| q.client.len() == 2), "both queries are timed before and after");
}

/// The migration under test is Alembic's first revision: its up step creates `alembic_version`
/// and `alembic downgrade base` keeps it, as it should. Reversibility reported the tool's own
/// table (and its column, key and index) as left behind.
#[test]
fn a_tool_s_own_bookkeeping_is_not_a_rollback_leftover() {
    let Some(mut backend) = common::local_cluster("a_tool_s_own_bookkeeping_is_not_a_rollback_leftover") else {
        return;
    };
    let scenario =
        planproof::validate(common::root().join("fixtures/regressions/alembic-first-revision/scenario.toml"))
            .expect("the fixture is valid");
    let result = run_scenario(
        &scenario,
        &mut backend,
        &RunOptions { keep: Keep::OnFailure, progress: false, ..RunOptions::default() },
    );
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Passed, "{text}");
    let down = result.migration.as_ref().and_then(|m| m.down.as_ref()).expect("the down step ran");
    assert!(down.duration_ms.is_some() && down.reapply_ms.is_some(), "{text}");
    assert!(result.findings.iter().all(|f| f.check != Check::Reversible && f.check != Check::Reapply), "{text}");
}
