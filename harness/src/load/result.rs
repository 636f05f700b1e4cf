//! What the load stage measured, as `results.json` carries it: the workload's shape, each
//! worker's figures during the migration and during the calm before it, the locks it waited
//! on, and the write series before and after. The budgets judged on them are `check`'s.

use serde::{Deserialize, Serialize};

use super::monitor::LockWait;
use super::op::OpKind;
use super::stats::Figures;
use super::worker::Stopped;
use crate::stats::Series;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoadResult {
    pub writers: u32,
    pub readers: u32,
    /// Operations per second per worker.
    pub rate: u32,
    /// The tables written.
    pub tables: Vec<String>,
    pub window: Option<WindowResult>,
    pub write_series: Vec<WriteSeries>,
    /// What the reader of a report should know about how the figures were made.
    pub notes: Vec<String>,
}

/// The workload while the migration ran.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WindowResult {
    /// How long the workload ran alone before the migration started.
    pub baseline_ms: f64,
    /// The migration's wall time as the workload's clock saw it.
    pub migration_ms: f64,
    pub workers: Vec<WorkerResult>,
    pub locks: Vec<LockWait>,
    pub monitor_error: Option<String>,
    /// Rows the workload wrote during the window, and how many of them could not be deleted.
    pub rows_written: u64,
    pub rows_left: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WorkerResult {
    /// `writer 1`, `reader 1`, …
    pub name: String,
    /// `writer` or `reader`.
    pub kind: String,
    /// During the migration.
    pub during: Figures,
    /// During the baseline before it.
    pub baseline: Figures,
    /// Whether it kept working until after the migration ended.
    pub covered: bool,
    pub stopped: Stopped,
    pub first_error: Option<String>,
}

/// One kind of write on one table, before and after the migration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WriteSeries {
    pub table: String,
    pub kind: OpKind,
    pub before: Series,
    pub after: Option<Series>,
    /// The same writes on the table's control, a twin the migration does not touch, measured
    /// write for write beside them: what the machine's drift alone did to the series.
    pub control: Option<ControlSeries>,
}

/// The control table's series of one kind of write.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ControlSeries {
    pub table: String,
    pub before: Series,
    pub after: Option<Series>,
}

impl WindowResult {
    /// The worker of `kind` with the longest stall during the migration.
    pub fn worst(&self, kind: &str) -> Option<&WorkerResult> {
        self.workers.iter().filter(|w| w.kind == kind).max_by(|a, b| a.during.stall_ms.total_cmp(&b.during.stall_ms))
    }
}
