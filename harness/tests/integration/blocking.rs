//! The proof that planproof measures blocking, not guesses it: on a 1M-row table under a
//! concurrent writer, a plain `CREATE INDEX` stalls the writer for about the whole build (it
//! holds a SHARE lock, which every INSERT and UPDATE waits for), and the same index built
//! `CONCURRENTLY` does not. A reader is not blocked by either (SELECT's ACCESS SHARE lock does
//! not conflict with SHARE).
//!
//! Robust on a loaded 2-core machine because it asserts orders of magnitude: the plain stall is
//! at least half the migration's own measured duration (it is nearly all of it) and over the
//! 200ms budget; the concurrent stall is no violation and under a fifth of the plain one.

use planproof::check::Check;

use crate::common;

use planproof::check::{Severity, Verdict};
use planproof::load::WindowResult;
use planproof::pipeline::{run_scenario, RunOptions};
use planproof::{Outcome, ScenarioResult};

fn run(backend: &mut planproof::db::LocalBackend, file: &str) -> (ScenarioResult, String) {
    let scenario =
        planproof::validate(common::root().join("fixtures/blocking").join(file)).expect("the fixture is valid");
    let result = run_scenario(&scenario, backend, &RunOptions::default());
    let text = planproof::report::scenario_text(&result);
    assert_ne!(result.outcome, Outcome::Error, "{file} could not run:\n{text}");
    (result, text)
}

fn window(result: &ScenarioResult) -> &WindowResult {
    let load = result.load.as_ref().expect("the scenario has a load result");
    load.measured.window.as_ref().expect("the workload ran around the migration")
}

#[test]
fn a_plain_index_build_stalls_writes_for_the_build_and_concurrently_does_not() {
    let _alone = common::alone();
    let Some(mut backend) = common::local_cluster("a_plain_index_build_stalls_writes") else { return };

    let (plain, text) = run(&mut backend, "plain.toml");
    let w = window(&plain);
    let writer = w.worst("writer").expect("a writer");
    let reader = w.worst("reader").expect("a reader");
    println!("{text}");
    assert!(w.migration_ms > 200.0, "the build must take long enough to mean anything: {text}");
    assert!(
        writer.during.stall_ms >= 0.5 * w.migration_ms,
        "the writer waits for about the whole build ({:.0}ms of {:.0}ms):\n{text}",
        writer.during.stall_ms,
        w.migration_ms
    );
    assert!(writer.during.stall_ms > 200.0, "over the budget:\n{text}");
    assert!(writer.covered && writer.during.errors == 0, "{text}");
    assert!(
        reader.during.stall_ms * 4.0 < writer.during.stall_ms,
        "a plain build does not block reads ({:.0}ms vs the writer's {:.0}ms):\n{text}",
        reader.during.stall_ms,
        writer.during.stall_ms
    );
    let budgets = &plain.load.as_ref().unwrap().budgets;
    assert!(budgets.iter().any(|b| b.check == Check::WriteStall && b.verdict == Verdict::Fail), "{text}");
    assert!(
        plain.findings.iter().any(|f| f.check == Check::WriteStall && f.severity == Severity::Violation),
        "the stall is a violation:\n{text}"
    );
    assert_eq!(plain.outcome, Outcome::Failed, "{text}");
    assert!(
        w.locks.iter().any(|l| l.waiter == "writer 1"
            && l.relation == "events"
            && l.blocker == "migration"
            && l.held.contains("ShareLock")),
        "the monitor saw the writer wait for the migration's SHARE lock on `events`: {:?}",
        w.locks
    );
    assert!(w.rows_written > 0 && w.rows_left == 0, "every row the workload wrote is deleted again: {text}");
    let plain_stall = writer.during.stall_ms;

    let (concurrent, text) = run(&mut backend, "concurrently.toml");
    let w = window(&concurrent);
    let writer = w.worst("writer").expect("a writer");
    println!("{text}");
    assert!(
        !concurrent.findings.iter().any(|f| f.check == Check::WriteStall && f.severity == Severity::Violation),
        "CONCURRENTLY does not block writes:\n{text}"
    );
    assert!(
        writer.during.stall_ms * 5.0 < plain_stall,
        "the concurrent stall ({:.0}ms) is far below the plain one ({plain_stall:.0}ms):\n{text}",
        writer.during.stall_ms
    );
    assert!(writer.covered && writer.during.operations > 0, "{text}");
    assert!(
        !w.locks.iter().any(|l| l.waiter.starts_with("writer") && l.relation == "events" && l.blocker == "migration"),
        "no writer waited for a lock of the migration on `events`: {:?}",
        w.locks
    );
}
