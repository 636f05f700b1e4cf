//! `max-write-stall` / `max-read-stall`: no worker of the kind may go longer than the budget
//! without completing an operation while the migration runs. A plain `CREATE INDEX` holds a
//! SHARE lock for the whole build, so every write waits that long; `CONCURRENTLY` does not
//! block writes
//! (<https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>).
//!
//! A stall is one long event, not a statistic of many, so the noise margin of `noise.rs` does
//! not apply; the calm before the migration is the reference instead: a stall over the budget
//! is a violation when it is also more than twice the longest stall the same workers had
//! before the migration started, and inconclusive when the machine alone stalls them nearly as
//! long (a loaded machine, a checkpoint). The lock monitor says why a worker stalled, without a
//! clock: when it watched and never saw a worker of the kind wait on a lock the migration held
//! (or queued behind), the stall is the machine's — a busy runner starving a process for a few
//! hundred milliseconds — and the verdict is inconclusive, not a violation.

use super::registry::Check;
use std::time::Duration;

use super::budget::BudgetResult;
use super::noise::Verdict;
use crate::load::WindowResult;

/// How many times the calm's longest stall a stall must exceed to be the migration's doing.
pub(crate) const CALM_FACTOR: f64 = 2.0;

pub(super) fn stall(budget: Duration, kind: &str, window: &WindowResult) -> Option<BudgetResult> {
    let worst = window.worst(kind)?;
    let limit = budget.as_secs_f64() * 1000.0;
    let stall = worst.during.stall_ms;
    let calm = window.workers.iter().filter(|w| w.kind == kind).map(|w| w.baseline.stall_ms).fold(0.0, f64::max);
    // Without a monitor (it failed) the stall and the calm alone decide.
    let blocked = window.monitor_error.is_some() || blocked_by_migration(window, kind);
    let verdict = if stall <= limit {
        Verdict::Pass
    } else if stall > CALM_FACTOR * calm && blocked {
        Verdict::Fail
    } else {
        Verdict::Inconclusive
    };
    let why = if stall > limit && !blocked {
        "; no worker was seen waiting on a lock of the migration: the machine, not the migration, stalled it"
    } else {
        ""
    };
    let what = if kind == "reader" { "read" } else { "write" };
    Some(BudgetResult {
        check: if kind == "reader" { Check::ReadStall } else { Check::WriteStall },
        budget: format!("{what} stall during the migration <= {limit:.0}ms"),
        measured: format!(
            "{stall:.0}ms ({}; longest stall before the migration {calm:.0}ms; migration {:.0}ms{why})",
            worst.name, window.migration_ms
        ),
        verdict,
        gating: true,
    })
}

/// Whether the lock monitor saw a worker of `kind` wait on the migration.
fn blocked_by_migration(window: &WindowResult, kind: &str) -> bool {
    let of_kind = |name: &str| window.workers.iter().any(|w| w.name == name && w.kind == kind);
    window.locks.iter().any(|l| l.blocker == "migration" && of_kind(&l.waiter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Figures, LockWait, Stopped, WorkerResult};

    /// `writer 2` seen waiting on the migration's SHARE lock.
    fn waited() -> LockWait {
        LockWait {
            waiter: "writer 2".into(),
            relation: "orders".into(),
            wanted: "RowExclusiveLock".into(),
            blocker: "migration".into(),
            held: "ShareLock".into(),
            seen: 70,
            first_ms: 510.0,
            last_ms: 1990.0,
        }
    }

    fn window(during: f64, calm: f64) -> WindowResult {
        let worker = |name: &str, during: f64| WorkerResult {
            name: name.into(),
            kind: "writer".into(),
            during: Figures { stall_ms: during, ..Default::default() },
            baseline: Figures { stall_ms: calm, ..Default::default() },
            covered: true,
            stopped: Stopped::Told,
            first_error: None,
        };
        WindowResult {
            baseline_ms: 500.0,
            migration_ms: 1500.0,
            workers: vec![worker("writer 1", during / 2.0), worker("writer 2", during)],
            locks: vec![waited()],
            monitor_error: None,
            rows_written: 0,
            rows_left: 0,
        }
    }

    #[test]
    fn a_stall_over_the_budget_and_the_calm_fails_one_within_passes() {
        let budget = Duration::from_millis(100);
        let blocked = stall(budget, "writer", &window(1490.0, 12.0)).unwrap();
        assert_eq!(blocked.verdict, Verdict::Fail);
        assert!(
            blocked.measured.starts_with("1490ms (writer 2; longest stall before the migration 12ms"),
            "{}",
            blocked.measured
        );
        assert_eq!(stall(budget, "writer", &window(40.0, 12.0)).unwrap().verdict, Verdict::Pass);
    }

    #[test]
    fn a_machine_that_stalls_alone_makes_it_inconclusive() {
        let r = stall(Duration::from_millis(100), "writer", &window(150.0, 120.0)).unwrap();
        assert_eq!(r.verdict, Verdict::Inconclusive);
    }

    #[test]
    fn a_stall_without_a_lock_wait_on_the_migration_is_the_machines_and_inconclusive() {
        let budget = Duration::from_millis(250);
        // What a CONCURRENTLY build beside a cargo build once gave: 297ms against a 17ms calm.
        let mut busy = window(297.0, 17.0);
        busy.locks.clear();
        let r = stall(budget, "writer", &busy).unwrap();
        assert_eq!(r.verdict, Verdict::Inconclusive);
        assert!(
            r.measured.ends_with(
                "no worker was seen waiting on a lock of the migration: the machine, not the migration, stalled it)"
            ),
            "{}",
            r.measured
        );
        // A wait on another session is not the migration's either.
        busy.locks.push(LockWait { blocker: "pid 4242".into(), ..waited() });
        assert_eq!(stall(budget, "writer", &busy).unwrap().verdict, Verdict::Inconclusive);
        // With no monitor, the stall and the calm decide, as before.
        busy.monitor_error = Some("permission denied".into());
        assert_eq!(stall(budget, "writer", &busy).unwrap().verdict, Verdict::Fail);
    }

    #[test]
    fn no_worker_of_the_kind_no_verdict() {
        assert!(stall(Duration::from_millis(100), "reader", &window(150.0, 1.0)).is_none());
    }
}
