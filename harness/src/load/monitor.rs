//! Watches the locks the workers and the migration wait for, on a connection of its own:
//! every few milliseconds it asks `pg_locks` which of the watched sessions wait, on what, and
//! `pg_blocking_pids()` who holds them up. Observations are merged into one line per (waiter,
//! relation, mode wanted, blocker, modes the blocker holds), with how often and when it was
//! seen. Polling can miss a wait shorter than its interval; the workers' own timings are what
//! the budgets are judged on, the locks say why.
//! (<https://www.postgresql.org/docs/current/view-pg-locks.html>,
//! <https://www.postgresql.org/docs/current/functions-info.html#FUNCTIONS-INFO-SESSION>)

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use postgres::Client;
use serde::{Deserialize, Serialize};

/// How often the monitor looks.
pub(super) const POLL: Duration = Duration::from_millis(20);

/// One kind of wait the monitor saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LockWait {
    /// `writer 1`, `reader 2`, `migration`.
    pub waiter: String,
    /// The relation waited on, or the lock type when it is not a relation (`virtualxid`,
    /// `transactionid`: waiting for another transaction to end).
    pub relation: String,
    /// The lock mode the waiter asked for (`RowExclusiveLock`, …).
    pub wanted: String,
    /// Who it waited for: `migration`, a worker, or `pid N`.
    pub blocker: String,
    /// The modes the blocker held on the same object (`ShareLock`, …), `+`-separated.
    pub held: String,
    /// Polls that saw it.
    pub seen: u32,
    /// When it was first and last seen, milliseconds on the workload's clock.
    pub first_ms: f64,
    pub last_ms: f64,
}

/// Lock waits of the workers (`$1`) and of the migration's session (named `$2`), with who
/// blocks them; the last two columns say whether waiter and blocker are the migration.
const QUERY: &str = "
SELECT w.pid, w.mode::text, coalesce(c.relname::text, w.locktype::text), b.pid,
       coalesce((SELECT string_agg(DISTINCT h.mode::text, '+')
                   FROM pg_locks h
                  WHERE h.pid = b.pid AND h.granted AND h.locktype = w.locktype
                    AND h.relation IS NOT DISTINCT FROM w.relation
                    AND h.transactionid IS NOT DISTINCT FROM w.transactionid
                    AND h.virtualxid IS NOT DISTINCT FROM w.virtualxid), ''),
       coalesce(wa.application_name = $2, false), coalesce(ba.application_name = $2, false)
  FROM pg_locks w
 CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS b(pid)
  LEFT JOIN pg_class c ON c.oid = w.relation
  LEFT JOIN pg_stat_activity wa ON wa.pid = w.pid
  LEFT JOIN pg_stat_activity ba ON ba.pid = b.pid
 WHERE NOT w.granted AND (w.pid = ANY($1) OR wa.application_name = $2)";

/// Polls until `stop` is set; returns what it saw, or the first error (the workload goes on
/// without lock observations then).
pub(super) fn watch(
    client: &mut Client,
    names: &BTreeMap<i32, String>,
    origin: Instant,
    stop: &Arc<AtomicBool>,
) -> Result<Vec<LockWait>, postgres::Error> {
    let pids: Vec<i32> = names.keys().copied().collect();
    let statement = client.prepare(QUERY)?;
    let mut seen: BTreeMap<(String, String, String, String, String), LockWait> = BTreeMap::new();
    let name = |pid: i32, migration: bool| match names.get(&pid) {
        Some(worker) => worker.clone(),
        None if migration => "migration".to_string(),
        None => format!("pid {pid}"),
    };
    while !stop.load(Ordering::SeqCst) && !crate::interrupt::interrupted() {
        let polled = Instant::now();
        let at = origin.elapsed().as_secs_f64() * 1000.0;
        for row in client.query(&statement, &[&pids, &crate::migrate::MIGRATION_APP_NAME])? {
            let (waiter, wanted, relation, blocker, held): (i32, String, String, i32, String) =
                (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
            let (waiter, blocker) = (name(waiter, row.get(5)), name(blocker, row.get(6)));
            let key = (waiter.clone(), relation.clone(), wanted.clone(), blocker.clone(), held.clone());
            let entry = seen.entry(key).or_insert_with(|| LockWait {
                waiter,
                relation,
                wanted,
                blocker,
                held,
                seen: 0,
                first_ms: at,
                last_ms: at,
            });
            entry.seen += 1;
            entry.last_ms = at;
        }
        std::thread::sleep(POLL.saturating_sub(polled.elapsed()));
    }
    Ok(seen.into_values().collect())
}
