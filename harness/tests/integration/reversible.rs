//! Reversibility on a real database: the down step runs, the catalog is compared with the one
//! before up, the plans are captured again, and up runs once more. Seed 003's rollback, as it
//! ships, drops four of its six indexes: the two it leaves behind must be named.

use planproof::check::Check;

use crate::common;

use planproof::check::Severity;
use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::scenario::Phase;
use planproof::Outcome;

fn scenario(file: &str) -> planproof::Scenario {
    planproof::validate(common::root().join("scenarios").join(file)).expect("the reference scenario is valid")
}

/// A run expected to pass keeps its database if it does not; one expected to fail does not.
fn options(expect_failure: bool) -> RunOptions {
    RunOptions { keep: if expect_failure { Keep::Never } else { Keep::OnFailure }, ..RunOptions::default() }
}

fn messages(result: &planproof::ScenarioResult, check: Check, severity: Severity) -> Vec<String> {
    result.findings.iter().filter(|f| f.check == check && f.severity == severity).map(|f| f.message.clone()).collect()
}

#[test]
fn seed_003_rollback_leaves_two_indexes_behind() {
    let Some(mut backend) = common::local_cluster("seed_003_rollback_leaves_two_indexes_behind") else { return };
    let mut s = scenario("messaging-ops-corrected.toml");
    // Without the scenario's list of known leftovers, they are violations.
    s.migration.reversible.as_mut().expect("the scenario is reversible").expect_leftovers.clear();
    let result = run_scenario(&s, &mut backend, &options(true));
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Failed, "{text}");
    let mut left = messages(&result, Check::Reversible, Severity::Violation);
    left.sort();
    assert_eq!(left.len(), 2, "{text}");
    assert!(left[0].contains("leaves index `public.idx_admin_audit_time` behind"), "{}", left[0]);
    assert!(left[1].contains("leaves index `public.idx_token_usage_hash` behind"), "{}", left[1]);
    // The leftovers still steer the queries after the rollback, and the report says so.
    let steered: Vec<&str> = result
        .queries
        .iter()
        .filter(|q| {
            q.captures
                .iter()
                .any(|c| c.phase == Phase::Rollback && c.findings.iter().any(|f| f.check == Check::PlanAfterRollback))
        })
        .map(|q| q.name.as_str())
        .collect();
    assert_eq!(steered, ["token-last-use", "admin-audit-page"], "{text}");
    let down = result.migration.as_ref().and_then(|m| m.down.as_ref()).expect("the down step ran");
    assert!(down.duration_ms.is_some() && down.reapply_ms.is_some(), "{down:?}");
    assert!(
        messages(&result, Check::Reapply, Severity::Violation).is_empty(),
        "CONCURRENTLY IF NOT EXISTS runs again: {text}"
    );
}

#[test]
fn a_complete_down_step_is_clean_and_up_runs_again() {
    let Some(mut backend) = common::local_cluster("a_complete_down_step_is_clean_and_up_runs_again") else { return };
    let result = run_scenario(&scenario("brokkr-pak-hash.toml"), &mut backend, &options(false));
    let text = planproof::report::scenario_text(&result);
    assert_ne!(result.outcome, Outcome::Failed, "{text}");
    assert_ne!(result.outcome, Outcome::Error, "{text}");
    assert!(result.findings.iter().all(|f| f.check != Check::Reversible && f.check != Check::Reapply), "{text}");
    let down = result.migration.as_ref().and_then(|m| m.down.as_ref()).expect("the down step ran");
    assert!(down.failure.is_none() && down.reapply_failure.is_none(), "{down:?}");
    // The `SELECT 1` floor is timed beside the queries, in each timed phase, and a Seq Scan of
    // 10,000 rows costs more than the bare round trip.
    let floor = |phase: Phase| result.round_trip_floor.iter().find(|t| t.phase == phase).map(|t| t.series.p50);
    let floor_before = floor(Phase::Before).expect("the floor is timed before the migration");
    assert!(floor(Phase::After).is_some() && floor(Phase::Rollback).is_none(), "{:?}", result.round_trip_floor);
    let seq_scan = result.queries[0].client_series(Phase::Before).expect("the query is timed").p50;
    assert!(floor_before > 0.0 && floor_before < seq_scan, "floor {floor_before}ms, seq scan {seq_scan}ms");
    for q in &result.queries {
        let rollback = q.captures.iter().find(|c| c.phase == Phase::Rollback).expect("plans are captured after down");
        assert!(rollback.summary.contains("Seq Scan"), "{}: {}", q.name, rollback.summary);
    }
}

#[test]
fn a_down_step_that_drops_nothing_breaks_up_again() {
    let Some(mut backend) = common::local_cluster("a_down_step_that_drops_nothing_breaks_up_again") else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let noop = dir.path().join("down.sql");
    std::fs::write(&noop, "-- forgot the DROP INDEX statements\nSELECT 1;\n").expect("the down file is written");
    let mut s = scenario("brokkr-pak-hash.toml");
    s.migration.reversible.as_mut().expect("the scenario is reversible").down = Some(noop);
    let result = run_scenario(&s, &mut backend, &options(true));
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Failed, "{text}");
    assert_eq!(
        messages(&result, Check::Reversible, Severity::Violation).len(),
        2,
        "both indexes are left behind: {text}"
    );
    let reapply = messages(&result, Check::Reapply, Severity::Violation);
    assert_eq!(reapply.len(), 1, "{text}");
    assert!(reapply[0].contains("already exists"), "up's plain CREATE INDEX fails on the leftover: {}", reapply[0]);
}

/// A dbmate project keeps both steps in one file: the earlier migration's down section must not
/// run before seeding, each step runs only its own section, and each in its own mode (the index
/// is built and dropped concurrently, which PostgreSQL refuses in a transaction block).
#[test]
fn a_dbmate_file_runs_each_section_in_its_own_mode() {
    let Some(mut backend) = common::local_cluster("a_dbmate_file_runs_each_section_in_its_own_mode") else { return };
    let s = planproof::validate(common::root().join("fixtures/dbmate/scenario.toml")).expect("the scenario is valid");
    let result = run_scenario(&s, &mut backend, &options(false));
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Passed, "{text}");
    let migration = result.migration.as_ref().expect("the migration ran");
    assert_eq!(migration.format, planproof::migrate::Format::Dbmate);
    assert_eq!(migration.transaction, planproof::scenario::TransactionMode::None, "`transaction:false` on the up line");
    let down = migration.down.as_ref().expect("the down step ran");
    assert!(down.failure.is_none() && down.reapply_failure.is_none(), "{down:?}");
    assert!(result.findings.iter().all(|f| f.check != Check::Reversible && f.check != Check::Reapply), "{text}");
}

/// Without `transaction:false`, dbmate's transaction refuses `CREATE INDEX CONCURRENTLY`: the
/// failure names the file's own line, and the hint dbmate's fix.
#[test]
fn a_dbmate_up_step_in_a_transaction_gets_dbmates_fix() {
    let Some(mut backend) = common::local_cluster("a_dbmate_up_step_in_a_transaction_gets_dbmates_fix") else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fixture = common::root().join("fixtures/dbmate/db/migrations");
    for entry in std::fs::read_dir(&fixture).expect("the fixture folder") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("a migration file");
        let text = text.replace("-- migrate:up transaction:false", "-- migrate:up");
        std::fs::write(dir.path().join(path.file_name().expect("a file name")), text).expect("the copy is written");
    }
    let mut s =
        planproof::validate(common::root().join("fixtures/dbmate/scenario.toml")).expect("the scenario is valid");
    s.database.migrations = dir.path().to_path_buf();
    s.migration.reversible = None;
    s.migration.expect_error = Some("cannot run inside a transaction block".into());
    let result = run_scenario(&s, &mut backend, &options(true));
    let text = planproof::report::scenario_text(&result);
    let failure = result.migration.as_ref().and_then(|m| m.failure.as_ref()).expect("the migration failed");
    assert_eq!(failure.line, 4, "the line of the file, not of its section: {failure:?}");
    let finding = result.findings.iter().find(|f| f.check == Check::MigrationError).expect("a migration-error finding");
    assert_eq!(finding.severity, Severity::Warning, "{text}");
    assert_eq!(result.outcome, Outcome::FailedAsExpected, "{text}");
    assert!(
        finding
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("for dbmate, end the `-- migrate:up` line with `transaction:false`")),
        "{finding:?}"
    );
}
