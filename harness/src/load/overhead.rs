//! The write series: the same writes, on a fresh connection, before the migration and after
//! it, in the same run, so the cost the new indexes add to every insert and update shows as a
//! ratio of medians. Tables and kinds take turns write by write, so whatever else the machine
//! does at a given moment hits all of them alike. A few writes per table warm the connection up
//! first (catalog lookups, plan caching) and are not timed. The rows written are the caller's
//! to delete (`erase`).

use std::sync::Mutex;
use std::time::Instant;

use super::error::LoadError;
use super::op::OpKind;
use super::target::WriteTarget;
use super::writer::{Writer, Written};
use crate::db::ScratchDb;
use crate::progress::Bar;
use crate::seed::RowStream;
use crate::stats::Series;

/// Untimed writes per table before the timed ones.
pub(super) const WARMUP_WRITES: u32 = 20;

/// One write series: the latencies (ms) of one kind of write on one table.
pub(super) struct Measured {
    pub table: String,
    pub kind: OpKind,
    pub series: Series,
}

/// Runs `writes` timed writes per table (after the warm-up) and returns one series per table
/// and kind, and the rows written per table; `bar` counts every write. A write that fails stops the series: the write
/// series are the baseline of a budget and must not hide an error.
pub(super) fn measure(
    db: &ScratchDb,
    targets: &[WriteTarget],
    streams: &[Mutex<RowStream>],
    writes: u32,
    updates: f64,
    bar: &Bar,
) -> Result<(Vec<Measured>, Vec<Vec<Written>>), LoadError> {
    let mut client = db
        .connect()
        .map_err(|source| LoadError::Database { what: "the write series cannot connect".into(), source })?;
    let mut writer = Writer::prepare(&mut client, targets)?;
    let mut samples: Vec<[Vec<f64>; 2]> = targets.iter().map(|_| [Vec::new(), Vec::new()]).collect();
    for round in 0..WARMUP_WRITES + writes {
        for (t, target) in targets.iter().enumerate() {
            let fail = |message: String| LoadError::Worker {
                worker: format!("the write series on `{}`", target.table),
                message,
            };
            let job = writer.next_job(t, streams, updates).map_err(fail)?;
            let started = Instant::now();
            writer.run(&mut client, &job).map_err(fail)?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if round >= WARMUP_WRITES {
                samples[t][usize::from(job.kind == OpKind::Update)].push(ms);
            }
            bar.inc();
        }
    }
    let mut measured = Vec::new();
    for (target, [inserts, updates]) in targets.iter().zip(samples) {
        for (kind, series) in [(OpKind::Insert, inserts), (OpKind::Update, updates)] {
            if !series.is_empty() {
                measured.push(Measured { table: target.table.clone(), kind, series: Series::new(series) });
            }
        }
    }
    Ok((measured, writer.rows))
}
