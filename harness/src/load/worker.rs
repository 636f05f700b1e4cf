//! One worker of the workload: a thread with its own connection that runs operations at a
//! steady pace — writes (inserts and updates of the written tables) or reads (the scenario's
//! queries with their sampled parameters) — and records each one's start and end on the
//! workload's clock. It stops by itself: when told to, when the run is interrupted, after
//! `max-time` since the workload started, or after `max-operations`. Its connection is closed
//! when it returns.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use postgres::Client;
use serde::{Deserialize, Serialize};

use super::error::LoadError;
use super::op::{Op, OpKind};
use super::target::WriteTarget;
use super::writer::{Writer, Written};
use crate::db::ScratchDb;
use crate::explain::{ParamValue, Prepared};
use crate::progress::Bar;
use crate::seed::RowStream;

/// What a worker does.
#[derive(Debug, Clone)]
pub(super) enum Role {
    Writer {
        targets: Vec<WriteTarget>,
        updates: f64,
    },
    /// (name, sql, parameters) of each query.
    Reader {
        queries: Vec<(String, String, Vec<ParamValue>)>,
    },
}

/// Why a worker stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stopped {
    Told,
    Interrupted,
    MaxTime,
    MaxOperations,
}

/// The limits every worker keeps to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub interval: Duration,
    pub max_time: Duration,
    pub max_operations: u64,
}

/// What the workers share: the clock, the stop flag, the row streams of the written tables,
/// and each worker's progress (so the workload can tell when each has completed an operation
/// after the migration ended).
pub(super) struct Shared {
    pub origin: Instant,
    pub stop: AtomicBool,
    pub streams: Arc<Vec<Mutex<RowStream>>>,
    /// Per worker: the end of its last completed operation, microseconds on the clock.
    pub last_end_us: Vec<AtomicU64>,
    pub done: Vec<AtomicBool>,
    pub limits: Limits,
    /// Counts every operation completed, for the workload's progress.
    pub operations: Bar,
}

impl Shared {
    pub(super) fn now_ms(&self) -> f64 {
        self.origin.elapsed().as_secs_f64() * 1000.0
    }
}

/// What a worker did.
#[derive(Debug)]
pub(super) struct WorkerLog {
    pub name: String,
    pub kind: &'static str,
    pub ops: Vec<Op>,
    pub first_error: Option<String>,
    /// Per written table, the live version of each row it wrote.
    pub rows: Vec<Vec<Written>>,
    pub stopped: Stopped,
}

/// Starts worker `index`; it reports its index and backend pid (or why it could not start) on `ready`,
/// then works until it stops.
pub(super) fn spawn(
    index: usize,
    name: String,
    role: Role,
    db: &ScratchDb,
    shared: Arc<Shared>,
    ready: Sender<Result<(usize, i32), LoadError>>,
) -> JoinHandle<WorkerLog> {
    let db = db.clone();
    std::thread::spawn(move || {
        let kind = match role {
            Role::Writer { .. } => "writer",
            Role::Reader { .. } => "reader",
        };
        let mut log = WorkerLog {
            name: name.clone(),
            kind,
            ops: Vec::new(),
            first_error: None,
            rows: Vec::new(),
            stopped: Stopped::Told,
        };
        let started = connect(&db, &name, &role);
        let (mut client, mut work) = match started {
            Ok((mut client, work)) => {
                let pid = client.query_one("SELECT pg_backend_pid()", &[]).map(|r| r.get::<_, i32>(0));
                match pid {
                    Ok(pid) => {
                        let _ = ready.send(Ok((index, pid)));
                        (client, work)
                    }
                    Err(source) => {
                        let _ = ready
                            .send(Err(LoadError::Sql { what: format!("{name}: reading its backend pid"), source }));
                        shared.done[index].store(true, Ordering::SeqCst);
                        return log;
                    }
                }
            }
            Err(e) => {
                let _ = ready.send(Err(e));
                shared.done[index].store(true, Ordering::SeqCst);
                return log;
            }
        };
        log.stopped = work_loop(index, &mut client, &mut work, &shared, &mut log);
        if let Work::Write(writer, _) = work {
            log.rows = writer.rows;
        }
        shared.done[index].store(true, Ordering::SeqCst);
        log
    })
}

enum Work {
    Write(Writer, f64),
    Read(Vec<Prepared>),
}

fn connect(db: &ScratchDb, name: &str, role: &Role) -> Result<(Client, Work), LoadError> {
    let mut client =
        db.connect().map_err(|source| LoadError::Database { what: format!("{name} cannot connect"), source })?;
    let work = match role {
        Role::Writer { targets, updates } => Work::Write(Writer::prepare(&mut client, targets)?, *updates),
        Role::Reader { queries } => {
            let mut prepared = Vec::new();
            for (query, sql, params) in queries {
                prepared.push(Prepared::new(&mut client, query, sql, params).map_err(|e| LoadError::Worker {
                    worker: name.to_string(),
                    message: crate::text::error_chain(&e),
                })?);
            }
            Work::Read(prepared)
        }
    };
    Ok((client, work))
}

fn work_loop(index: usize, client: &mut Client, work: &mut Work, shared: &Shared, log: &mut WorkerLog) -> Stopped {
    let limits = shared.limits;
    let mut n: u64 = 0;
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return Stopped::Told;
        }
        if crate::interrupt::interrupted() {
            return Stopped::Interrupted;
        }
        if shared.origin.elapsed() >= limits.max_time {
            return Stopped::MaxTime;
        }
        if n >= limits.max_operations {
            return Stopped::MaxOperations;
        }
        let paced = Instant::now();
        let (kind, outcome, start_ms) = match work {
            Work::Write(writer, updates) => {
                let target = (n % writer.rows.len().max(1) as u64) as usize;
                match writer.next_job(target, &shared.streams, *updates) {
                    Ok(job) => {
                        let start_ms = shared.now_ms();
                        let outcome = writer.run(client, &job);
                        (job.kind, outcome, start_ms)
                    }
                    Err(message) => (OpKind::Insert, Err(message), shared.now_ms()),
                }
            }
            Work::Read(queries) => {
                let query = &queries[(n % queries.len().max(1) as u64) as usize];
                let start_ms = shared.now_ms();
                // In a transaction rolled back afterwards: a scenario query that writes must not
                // change the data the plans are captured on.
                let outcome = query.time_once(client).map(|_| ()).map_err(|e| crate::text::error_chain(&e));
                (OpKind::Read, outcome, start_ms)
            }
        };
        let end_ms = shared.now_ms();
        if let Err(message) = &outcome {
            log.first_error.get_or_insert_with(|| message.clone());
        }
        log.ops.push(Op { kind, start_ms, end_ms, ok: outcome.is_ok() });
        shared.last_end_us[index].store((end_ms * 1000.0) as u64, Ordering::SeqCst);
        shared.operations.inc();
        n += 1;
        if let Some(rest) = limits.interval.checked_sub(paced.elapsed()) {
            std::thread::sleep(rest);
        }
    }
}
