//! The workload around the migration under test: writers and readers start on their own
//! connections, run alone for the `baseline` (the calm the migration is compared with), keep
//! running while the migration runs, and stop once each has completed an operation after it
//! ended (or after a few seconds), so a write blocked until the migration's commit is counted
//! whole. A lock monitor watches them and the migration meanwhile. Dropping a window that was
//! not finished (an error on the way) stops and joins every thread, which closes their
//! connections; so does Ctrl-C, through the clean-up registry.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::error::LoadError;
use super::monitor::{watch, LockWait};
use super::worker::{spawn, Limits, Role, Shared, WorkerLog};
use crate::db::ScratchDb;
use crate::interrupt::OnInterrupt;
use crate::progress::Bar;
use crate::seed::RowStream;

/// How long workers may take to connect and prepare.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long, after the migration, to wait for every worker to complete an operation.
const TAIL_TIMEOUT: Duration = Duration::from_secs(10);

type MonitorHandle = JoinHandle<Result<Vec<LockWait>, postgres::Error>>;

pub(super) struct Window {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<WorkerLog>>,
    monitor: Option<MonitorHandle>,
    monitor_stop: Arc<AtomicBool>,
    /// When the baseline started, on the workload's clock.
    pub baseline_from_ms: f64,
    /// Stops the workers if the run is interrupted.
    _on_interrupt: OnInterrupt,
}

/// What the window saw.
pub(super) struct Finished {
    pub logs: Vec<WorkerLog>,
    pub locks: Vec<LockWait>,
    /// Why there are no lock observations, if there are none for a reason.
    pub monitor_error: Option<String>,
    pub baseline_from_ms: f64,
}

impl Window {
    /// Starts the workers and the monitor, and returns once the baseline has run; `operations`
    /// counts the operations the workers complete.
    pub(super) fn start(
        db: &ScratchDb,
        roles: Vec<(String, Role)>,
        streams: Arc<Vec<Mutex<RowStream>>>,
        limits: Limits,
        baseline: Duration,
        operations: Bar,
    ) -> Result<Window, LoadError> {
        let shared = Arc::new(Shared {
            origin: Instant::now(),
            stop: AtomicBool::new(false),
            streams,
            last_end_us: roles.iter().map(|_| AtomicU64::new(0)).collect(),
            done: roles.iter().map(|_| AtomicBool::new(false)).collect(),
            limits,
            operations,
        });
        let stop_on_interrupt = Arc::clone(&shared);
        let on_interrupt = OnInterrupt::arm(move || stop_on_interrupt.stop.store(true, Ordering::SeqCst));
        let monitor_stop = Arc::new(AtomicBool::new(false));
        let mut window = Window {
            shared,
            workers: Vec::new(),
            monitor: None,
            monitor_stop,
            baseline_from_ms: 0.0,
            _on_interrupt: on_interrupt,
        };
        let (ready_tx, ready_rx) = channel();
        let names: Vec<String> = roles.iter().map(|(name, _)| name.clone()).collect();
        for (index, (name, role)) in roles.into_iter().enumerate() {
            window.workers.push(spawn(index, name, role, db, Arc::clone(&window.shared), ready_tx.clone()));
        }
        drop(ready_tx);
        let mut pids = BTreeMap::new();
        for _ in &names {
            match ready_rx.recv_timeout(READY_TIMEOUT) {
                Ok(Ok((index, pid))) => {
                    pids.insert(pid, names[index].clone());
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(LoadError::NotReady { worker: "a worker".into(), waited: READY_TIMEOUT }),
            }
        }
        let mut monitor_client = db
            .connect()
            .map_err(|source| LoadError::Database { what: "the lock monitor cannot connect".into(), source })?;
        let (origin, stop) = (window.shared.origin, Arc::clone(&window.monitor_stop));
        window.monitor = Some(std::thread::spawn(move || watch(&mut monitor_client, &pids, origin, &stop)));
        window.baseline_from_ms = window.shared.now_ms();
        std::thread::sleep(baseline);
        Ok(window)
    }

    /// Milliseconds on the workload's clock.
    pub(super) fn now_ms(&self) -> f64 {
        self.shared.now_ms()
    }

    /// Waits until every worker has completed an operation after `to_ms` (when the migration
    /// ended), then stops everything and gathers what each saw.
    pub(super) fn finish(mut self, to_ms: f64) -> Finished {
        let waited = Instant::now();
        let target = (to_ms * 1000.0) as u64;
        while waited.elapsed() < TAIL_TIMEOUT {
            let all = (0..self.shared.done.len()).all(|i| {
                self.shared.done[i].load(Ordering::SeqCst)
                    || self.shared.last_end_us[i].load(Ordering::SeqCst) >= target
            });
            if all {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let logs = self.stop_workers();
        let (locks, monitor_error) = match self.stop_monitor() {
            Some(Ok(locks)) => (locks, None),
            Some(Err(e)) => (Vec::new(), Some(crate::db::db_message(&e))),
            None => (Vec::new(), Some("the lock monitor panicked".into())),
        };
        Finished { logs, locks, monitor_error, baseline_from_ms: self.baseline_from_ms }
    }

    fn stop_workers(&mut self) -> Vec<WorkerLog> {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.workers.drain(..).filter_map(|w| w.join().ok()).collect()
    }

    fn stop_monitor(&mut self) -> Option<Result<Vec<LockWait>, postgres::Error>> {
        self.monitor_stop.store(true, Ordering::SeqCst);
        self.monitor.take().and_then(|m| m.join().ok())
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        self.stop_workers();
        self.stop_monitor();
    }
}
