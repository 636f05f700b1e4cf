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
    let result = run_scenario(&scenario, &mut backend, &RunOptions { keep: Keep::OnFailure, ..RunOptions::default() });
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
    let result = run_scenario(&scenario, &mut backend, &RunOptions { keep: Keep::OnFailure, ..RunOptions::default() });
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Passed, "{text}");
    let down = result.migration.as_ref().and_then(|m| m.down.as_ref()).expect("the down step ran");
    assert!(down.duration_ms.is_some() && down.reapply_ms.is_some(), "{text}");
    assert!(result.findings.iter().all(|f| f.check != Check::Reversible && f.check != Check::Reapply), "{text}");
}

/// A plain file named like an sqlx migration (`2026-01-23_p0_perf_indexes.sql`), its
/// `CREATE INDEX CONCURRENTLY` outside any `BEGIN`, as planproof's own hint advises: its name
/// made it sqlx's, so planproof ran it in a transaction block and PostgreSQL refused the build
/// (SQLSTATE 25001), and the error did not say why. It now says that the name decided, and
/// both ways out; so does the hint of a scenario that expects the failure.
#[test]
fn a_file_named_like_sqlx_says_why_it_ran_in_a_transaction_block() {
    let Some(mut backend) = common::local_cluster("a_file_named_like_sqlx_says_why_it_ran_in_a_transaction_block")
    else {
        return;
    };
    let mut scenario = planproof::validate(common::root().join("scenarios/messaging-ops-corrected.toml"))
        .expect("the reference scenario is valid");
    // As a user who did not know to set `transaction = "none"` wrote it.
    scenario.database.transaction = None;
    scenario.migration.reversible = None;
    let options = RunOptions { keep: Keep::Never, ..RunOptions::default() };
    let result = run_scenario(&scenario, &mut backend, &options);
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Error, "{text}");
    let error = result.error.as_deref().unwrap_or_default();
    assert!(error.contains("(SQLSTATE 25001)"), "{error}");
    assert!(
        error.contains("planproof took `2026-01-23_p0_perf_indexes.sql` for an sqlx migration by its name"),
        "{error}"
    );
    assert!(error.contains("`-- no-transaction`") && error.contains("`transaction = \"none\"`"), "{error}");

    // Kept as it ships, the failure expected: a scenario that expects it judges nothing the
    // migration would have built (validation refuses such expectations beside `expect-error`).
    scenario.migration.expect_error = Some("cannot run inside a transaction block".into());
    scenario.migration.expects.clear();
    scenario.migration.load = Default::default();
    scenario.load = None;
    let result = run_scenario(&scenario, &mut backend, &options);
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::FailedAsExpected, "{text}");
    let finding = result.findings.iter().find(|f| f.check == Check::MigrationError).expect("a migration-error finding");
    assert!(finding.hint.as_deref().is_some_and(|h| h.contains("for an sqlx migration by its name")), "{finding:?}");
    assert!(!finding.message.contains("by its name"), "the note is the hint's, not the message's: {finding:?}");
}
