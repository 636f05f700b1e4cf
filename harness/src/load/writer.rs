//! Writes on one connection: the next insert or update of the mix, prepared once, with rows
//! from the tables' shared [`RowStream`]s. The row is generated before the write is timed, so
//! a write's latency is the database's, not the generator's. Each writer remembers the live
//! version (`ctid`, `xmin`) of every row it wrote: its updates go to those rows, and `erase`
//! deletes them afterwards.

use std::sync::Mutex;

use postgres::types::ToSql;
use postgres::{Client, Statement};

use super::error::LoadError;
use super::op::OpKind;
use super::target::WriteTarget;
use crate::db::db_message;
use crate::seed::{RowStream, Value};

/// A row version the workload wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Written {
    pub ctid: String,
    pub xmin: String,
}

/// One write, ready to send.
#[derive(Debug)]
pub(super) struct Job {
    pub kind: OpKind,
    target: usize,
    values: Vec<Value>,
    /// The row an update rewrites (its position in the writer's rows of the target).
    row: Option<usize>,
}

pub(super) struct Writer {
    statements: Vec<(Statement, Option<Statement>)>,
    targets: Vec<WriteTarget>,
    /// Per target, the live version of every row this writer wrote.
    pub rows: Vec<Vec<Written>>,
    next_update: Vec<usize>,
    /// Per target, the writes so far (the mix is per table).
    writes: Vec<u64>,
}

/// Whether write number `n` (from 0) of a mix with `fraction` updates is an update: spread
/// evenly, so any stretch of the series has the same mix.
pub(super) fn is_update(n: u64, fraction: f64) -> bool {
    ((n + 1) as f64 * fraction).floor() > (n as f64 * fraction).floor()
}

impl Writer {
    pub(super) fn prepare(client: &mut Client, targets: &[WriteTarget]) -> Result<Writer, LoadError> {
        let mut statements = Vec::new();
        for t in targets {
            let insert = client
                .prepare(&t.insert_sql())
                .map_err(LoadError::sql(format!("cannot prepare the insert into `{}`", t.table)))?;
            let update = match t.update_sql() {
                Some(sql) => Some(
                    client
                        .prepare(&sql)
                        .map_err(LoadError::sql(format!("cannot prepare the update of `{}`", t.table)))?,
                ),
                None => None,
            };
            statements.push((insert, update));
        }
        Ok(Writer {
            statements,
            targets: targets.to_vec(),
            rows: vec![Vec::new(); targets.len()],
            next_update: vec![0; targets.len()],
            writes: vec![0; targets.len()],
        })
    }

    /// The next write on `target`: an update of one of this writer's rows when the mix says
    /// so and there is one, else an insert.
    pub(super) fn next_job(
        &mut self,
        target: usize,
        streams: &[Mutex<RowStream>],
        updates: f64,
    ) -> Result<Job, String> {
        let n = self.writes[target];
        self.writes[target] += 1;
        let values = {
            let mut stream =
                streams[target].lock().map_err(|_| "a writer panicked while generating rows".to_string())?;
            stream.next_row().map_err(|e| crate::text::error_chain(&e))?
        };
        let mine = self.rows[target].len();
        if is_update(n, updates) && mine > 0 && self.statements[target].1.is_some() {
            let row = self.next_update[target] % mine;
            self.next_update[target] += 1;
            let values = self.targets[target].update_columns.iter().map(|&c| values[c].clone()).collect();
            return Ok(Job { kind: OpKind::Update, target, values, row: Some(row) });
        }
        Ok(Job { kind: OpKind::Insert, target, values, row: None })
    }

    /// Sends a write; the error is PostgreSQL's message.
    pub(super) fn run(&mut self, client: &mut Client, job: &Job) -> Result<(), String> {
        let (insert, update) = &self.statements[job.target];
        let mut params: Vec<&(dyn ToSql + Sync)> = job.values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let row = match (job.row, update) {
            (Some(i), Some(update)) => {
                let ctid = &self.rows[job.target][i].ctid;
                params.push(ctid);
                client.query_opt(update, &params).map_err(|e| db_message(&e))?
            }
            _ => client.query_opt(insert, &params).map_err(|e| db_message(&e))?,
        };
        let Some(row) = row else {
            return Err("the row to update was not found".into());
        };
        let written = Written { ctid: row.get(0), xmin: row.get(1) };
        match job.row {
            Some(i) => self.rows[job.target][i] = written,
            None => self.rows[job.target].push(written),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_spreads_updates_evenly() {
        let mix = |fraction: f64| (0..10).map(|n| is_update(n, fraction)).filter(|u| *u).count();
        assert_eq!((mix(0.0), mix(0.5), mix(1.0), mix(0.3)), (0, 5, 10, 3));
        assert!(!is_update(0, 0.5) && is_update(1, 0.5), "insert first, then alternate");
    }
}
