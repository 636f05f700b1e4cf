//! The load stage as the pipeline drives it, in the order of a run:
//!
//! 1. [`Load::prepare`] — after the "before" captures: picks the tables to write and rebuilds
//!    their row generators past the seeded rows;
//!    and, when write series are measured, makes a control table beside each (`control`);
//! 2. [`Load::before_migration`] — the write series before the migration, each table and its
//!    control taking turns (then its rows are deleted and the tables vacuumed);
//! 3. [`Load::around`] — runs the migration with the workload around it, then deletes what the
//!    workload wrote;
//! 4. [`Load::after_migration`] — the same write series after the migration, deleted again,
//!    and the control tables dropped, before the pipeline's `VACUUM (ANALYZE)` and "after"
//!    captures;
//!
//! Judging the figures is the check stage's business.
//!
//! The write series are measured next to the migration, not after the "after" captures, so
//! that the two series are seconds apart rather than minutes: what drifts on a shared machine
//! drifts less. The "after" captures then see tables that had rows written and deleted; the
//! tables are vacuumed in between, so they hold the seeded rows again, with at most a few
//! spare index pages (see `erase`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::control;
use super::erase::erase;
use super::error::LoadError;
use super::overhead::Measured;
use super::overhead::{measure, WARMUP_WRITES};
use super::result::{ControlSeries, LoadResult, WindowResult, WorkerResult, WriteSeries};
use super::stats::figures;
use super::target::{write_targets, WriteTarget};
use super::window::Window;
use super::worker::{Limits, Role};
use super::writer::Written;
use crate::db::ScratchDb;
use crate::explain::ParamValue;
use crate::migrate::Inspection;
use crate::progress::Progress;
use crate::scenario::{LoadBudgets, LoadSpec, Scenario};
use crate::seed::RowStream;

pub struct Load {
    spec: LoadSpec,
    budgets: LoadBudgets,
    db: ScratchDb,
    targets: Vec<WriteTarget>,
    /// The control table of each target (same order), when write series are measured.
    controls: Vec<WriteTarget>,
    /// The row streams of the targets, then of the controls.
    streams: Arc<Vec<Mutex<RowStream>>>,
    queries: Vec<(String, String, Vec<ParamValue>)>,
    /// Where the write series and the workload show how far they got.
    progress: Progress,
    pub result: LoadResult,
}

impl Load {
    /// `None` when the scenario asks for no load.
    pub fn prepare(
        scenario: &Scenario,
        db: &ScratchDb,
        client: &mut postgres::Client,
        inspection: &Inspection,
        params: &[Option<Vec<ParamValue>>],
        progress: &Progress,
    ) -> Result<Option<Load>, LoadError> {
        let Some(spec) = scenario.load.clone() else { return Ok(None) };
        let (targets, mut notes) = write_targets(client, scenario, &spec, inspection)?;
        if targets.is_empty() && spec.writers > 0 {
            notes.push("no table to write (the migration builds no index on a table under `[tables]`; name them in `[load] tables`): the writers did not run".into());
        }
        // Room for every row the run can write: the window's, and two write series.
        let series = u64::from(spec.write_series(&scenario.migration.load).map_or(0, |n| n + WARMUP_WRITES));
        let extra = u64::from(spec.writers) * spec.max_operations + 2 * series;
        let mut streams = Vec::new();
        for target in &targets {
            let Some(table) = scenario.tables.iter().find(|t| t.name == target.table) else { continue };
            let stream = RowStream::after_seed(client, scenario, table, extra)
                .map_err(|source| LoadError::Seed { table: table.name.clone(), source: Box::new(source) })?;
            streams.push(Mutex::new(stream));
        }
        // The controls write the same rows as their tables (the same generators, past the
        // seeded rows), into tables of their own.
        let controls =
            if series > 0 && streams.len() == targets.len() { control::create(client, &targets)? } else { Vec::new() };
        for target in targets.iter().take(controls.len()) {
            let Some(table) = scenario.tables.iter().find(|t| t.name == target.table) else { continue };
            let stream = RowStream::after_seed(client, scenario, table, 2 * series)
                .map_err(|source| LoadError::Seed { table: table.name.clone(), source: Box::new(source) })?;
            streams.push(Mutex::new(stream));
        }
        // The readers run the queries that exist before the migration (a query of the "after"
        // phase only may read what the migration adds).
        let queries: Vec<_> = scenario
            .queries
            .iter()
            .zip(params)
            .filter(|(q, _)| q.runs_in(crate::scenario::Phase::Before))
            .filter_map(|(q, p)| p.as_ref().map(|p| (q.name.clone(), q.sql.clone(), p.clone())))
            .collect();
        if queries.is_empty() && spec.readers > 0 {
            notes.push(
                "no query runs before the migration (each has `phases` without `before`): the readers did not run"
                    .into(),
            );
        }
        let result = LoadResult {
            writers: if targets.is_empty() { 0 } else { spec.writers },
            readers: if queries.is_empty() { 0 } else { spec.readers },
            rate: spec.rate,
            tables: targets.iter().map(|t| t.table.clone()).collect(),
            window: None,
            write_series: Vec::new(),
            notes,
        };
        Ok(Some(Load {
            budgets: scenario.migration.load,
            spec,
            db: db.clone(),
            targets,
            controls,
            streams: Arc::new(streams),
            queries,
            progress: progress.clone(),
            result,
        }))
    }

    fn series_writes(&self) -> Option<u32> {
        self.spec.write_series(&self.budgets).filter(|_| !self.targets.is_empty())
    }

    /// The write series before the migration.
    pub fn before_migration(&mut self) -> Result<(), LoadError> {
        let Some(writes) = self.series_writes() else { return Ok(()) };
        let (measured, controls) = self.series(writes, "the write series before the migration")?;
        self.result.write_series = measured
            .into_iter()
            .map(|m| {
                let control = controls.iter().find(|c| c.kind == m.kind && self.control_of(&m.table) == Some(&c.table));
                WriteSeries {
                    control: control.map(|c| ControlSeries {
                        table: c.table.clone(),
                        before: c.series.clone(),
                        after: None,
                    }),
                    table: m.table,
                    kind: m.kind,
                    before: m.series,
                    after: None,
                }
            })
            .collect();
        Ok(())
    }

    /// The write series after the migration (when it applied); then the control tables go.
    pub fn after_migration(&mut self, applied: bool) -> Result<(), LoadError> {
        let Some(writes) = self.series_writes() else { return Ok(()) };
        if applied {
            let (measured, controls) = self.series(writes, "the write series after the migration")?;
            for s in &mut self.result.write_series {
                let same = |m: &&Measured, table: &str| m.table == table && m.kind == s.kind;
                s.after = measured.iter().find(|m| same(m, &s.table)).map(|m| m.series.clone());
                if let Some(c) = s.control.as_mut() {
                    c.after = controls.iter().find(|m| same(m, &c.table)).map(|m| m.series.clone());
                }
            }
        }
        let mut client = self.db.connect().map_err(|source| LoadError::Database {
            what: "cannot connect to drop the control tables".into(),
            source,
        })?;
        control::drop_all(&mut client, &self.controls)
    }

    /// The control table of `table`, if it has one.
    fn control_of(&self, table: &str) -> Option<&String> {
        let n = self.targets.iter().position(|t| t.table == table)?;
        self.controls.get(n).map(|c| &c.table)
    }

    /// One write series over the tables and their controls, write for write, its rows deleted
    /// again: the tables' series, then the controls'.
    fn series(&mut self, writes: u32, what: &str) -> Result<(Vec<Measured>, Vec<Measured>), LoadError> {
        let all: Vec<WriteTarget> = self.targets.iter().chain(&self.controls).cloned().collect();
        let bar = self.progress.steps(what, u64::from(WARMUP_WRITES + writes) * all.len() as u64, "writes");
        let (measured, rows) = measure(&self.db, &all, &self.streams, writes, self.spec.updates, &bar)?;
        bar.finish();
        self.erase_in(&all, &rows, what)?;
        Ok(measured.into_iter().partition(|m| self.targets.iter().any(|t| t.table == m.table)))
    }

    /// Runs `migrate` with the workload around it. The lock monitor knows the migration's
    /// session by its name, `planproof-migration` (`migrate::MIGRATION_APP_NAME`), whoever
    /// opens it: planproof for SQL files, the project's tool for the others.
    pub fn around<T>(&mut self, migrate: impl FnOnce() -> T) -> Result<T, LoadError> {
        let mut roles = Vec::new();
        for i in 0..self.result.writers {
            let role = Role::Writer { targets: self.targets.clone(), updates: self.spec.updates };
            roles.push((format!("writer {}", i + 1), role));
        }
        for i in 0..self.result.readers {
            roles.push((format!("reader {}", i + 1), Role::Reader { queries: self.queries.clone() }));
        }
        if roles.is_empty() {
            return Ok(migrate());
        }
        let limits = Limits {
            interval: Duration::from_secs_f64(1.0 / f64::from(self.spec.rate)),
            max_time: self.spec.max_time,
            max_operations: self.spec.max_operations,
        };
        let operations = self.progress.activity("the workload around the migration", "operations");
        let window =
            Window::start(&self.db, roles, Arc::clone(&self.streams), limits, self.spec.baseline, operations.clone())?;
        let from = window.now_ms();
        let outcome = migrate();
        let to = window.now_ms();
        let finished = window.finish(to);
        operations.finish();
        let mut rows: Vec<Vec<Written>> = vec![Vec::new(); self.targets.len()];
        let mut workers = Vec::new();
        for log in &finished.logs {
            for (t, written) in log.rows.iter().enumerate() {
                rows[t].extend(written.iter().cloned());
            }
            let last_end = log.ops.last().map_or(0.0, |op| op.end_ms);
            workers.push(WorkerResult {
                name: log.name.clone(),
                kind: log.kind.to_string(),
                during: figures(&log.ops, from, to),
                baseline: figures(&log.ops, finished.baseline_from_ms, from),
                covered: last_end >= to,
                stopped: log.stopped,
                first_error: log.first_error.clone(),
            });
        }
        let written: u64 = rows.iter().map(|r| r.len() as u64).sum();
        let deleted = self.erase(&rows, "the workload during the migration")?;
        self.result.window = Some(WindowResult {
            baseline_ms: from - finished.baseline_from_ms,
            migration_ms: to - from,
            workers,
            locks: finished.locks,
            monitor_error: finished.monitor_error,
            rows_written: written,
            rows_left: written.saturating_sub(deleted),
        });
        Ok(outcome)
    }

    /// Deletes `rows` (per target) and vacuums the tables; notes rows that could not be found.
    fn erase(&mut self, rows: &[Vec<Written>], what: &str) -> Result<u64, LoadError> {
        let targets = self.targets.clone();
        self.erase_in(&targets, rows, what)
    }

    /// The same over `targets`, which `rows` are of.
    fn erase_in(&mut self, targets: &[WriteTarget], rows: &[Vec<Written>], what: &str) -> Result<u64, LoadError> {
        let mut client = self.db.connect().map_err(|source| LoadError::Database {
            what: "cannot connect to delete the workload's rows".into(),
            source,
        })?;
        let mut deleted = 0;
        for (target, written) in targets.iter().zip(rows) {
            let gone = erase(&mut client, &target.table, written)?;
            if gone < written.len() as u64 {
                self.result.notes.push(format!(
                    "{} of the {} rows {what} wrote into `{}` could not be found to delete (the migration rewrote the table?): they stay",
                    written.len() as u64 - gone,
                    written.len(),
                    target.table
                ));
            }
            deleted += gone;
        }
        Ok(deleted)
    }
}
