//! What an expectation is judged on, by the step that has it: one capture of a query (its plan
//! and timings, the sizes of the tables, the indexes after the migration), the migration under
//! test as it ran (how long it took, the WAL it wrote, the workload around it, the indexes it left), or its down
//! step. The pipeline builds these from what it measured; the checks read nothing else, so
//! they are tested offline on captured plans and hand-made figures.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::catalog::{IndexShape, TableSize};
use crate::load::LoadResult;
use crate::plan::Explain;
use crate::stats::Series;

/// One capture of one query in one phase and plan mode.
#[derive(Debug, Clone, Copy)]
pub struct Capture<'a> {
    pub explain: &'a Explain,
    /// The server's `Execution Time` and `Planning Time` of the measured EXPLAIN ANALYZE runs.
    pub execution: &'a Series,
    pub planning: &'a Series,
    /// The client round trips of the query in this phase, if measured.
    pub client: Option<&'a Series>,
    /// The same before the migration, and the server's figure then, for speedups.
    pub client_before: Option<&'a Series>,
    pub server_before: Option<&'a Series>,
    /// The tables' sizes as the planner sees them, for small-table warnings.
    pub tables: &'a BTreeMap<String, TableSize>,
    /// After the migration: the indexes that exist, which a pattern naming one must be among.
    pub indexes: Option<&'a [String]>,
}

/// A figure measured once (a migration runs once), with what the run knows of its noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneShot {
    /// What a duration budget judges: the server-side time of the statements it ran.
    pub server: Duration,
    /// Its wall time (a tool's start-up included), reported beside it.
    pub wall: Duration,
    /// How much slower than its fastest a calibration query ran on this machine in this run
    /// (its slowest run over its fastest, at least 1): how far a single figure may be off.
    pub slowness: f64,
    /// A second sample of the same step (up again after down), when there is one.
    pub again: Option<Duration>,
}

/// The bytes of WAL the server wrote while a migration ran: a clock-free figure, the same on a
/// busy machine as on a quiet one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalWritten {
    /// While it ran the first time.
    pub bytes: u64,
    /// While it ran up again after its down step, when it did.
    pub again: Option<u64>,
    /// The first run had the `[load]` workload beside it, whose writes count too.
    pub beside_load: bool,
}

/// The migration under test, once it ran.
#[derive(Debug, Clone, Copy)]
pub struct Migration<'a> {
    /// How long it took; `None` when it failed (as the scenario expects).
    pub timing: Option<OneShot>,
    /// What the workload around it measured, when the scenario has one.
    pub load: Option<&'a LoadResult>,
    /// The indexes as the catalog describes them after it.
    pub indexes: &'a [IndexShape],
    /// The WAL it wrote; `None` when it failed.
    pub wal: Option<WalWritten>,
}

/// What an expectation is judged on.
#[derive(Debug, Clone, Copy)]
pub enum Evidence<'a> {
    Capture(Capture<'a>),
    Migration(Migration<'a>),
    /// The down step of a reversible migration, and how long it took.
    Down(OneShot),
}
