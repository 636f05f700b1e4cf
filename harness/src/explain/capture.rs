//! Captures `EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON)` of one query with its bound
//! parameters: warm-up runs, then measured runs, each recorded.
//!
//! The query is a prepared statement, as an application's driver sends it, and the plan mode
//! is pinned with `plan_cache_mode`: `force_custom_plan` plans for the bound values (what the
//! first executions get), `force_generic_plan` plans for any value (what a prepared statement
//! settles on after five executions; a partial index whose predicate the parameters cannot
//! prove is not usable there). See
//! <https://www.postgresql.org/docs/current/sql-prepare.html#SQL-PREPARE-NOTES>.
//!
//! Each EXPLAIN ANALYZE runs inside a transaction that is rolled back, so a query that writes
//! leaves the data as it was.

use postgres::Client;
use serde::Serialize;

use super::error::ExplainError;
use super::params::{literal, ParamValue};
use crate::db::db_message;
use crate::plan::Explain;
use crate::scenario::PlanMode;

/// The outcome of explaining one query in one plan mode.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Capture {
    pub mode: PlanMode,
    /// The last measured run's plan.
    pub explain: Explain,
    /// The server's planning and execution time of every measured run, in milliseconds.
    pub planning_ms: Vec<f64>,
    pub execution_ms: Vec<f64>,
    /// The plan shape changed between measured runs (each distinct rendering is kept).
    pub unstable: Vec<String>,
}

const STATEMENT: &str = "planproof_query";

/// The `plan_cache_mode` that gives plans of `mode`.
pub(super) fn cache_mode(mode: PlanMode) -> &'static str {
    match mode {
        PlanMode::Custom => "force_custom_plan",
        PlanMode::Generic => "force_generic_plan",
    }
}

/// `EXECUTE name`'s argument list for `params`, as literals; empty without parameters.
pub(super) fn execute_args(params: &[ParamValue]) -> String {
    if params.is_empty() {
        String::new()
    } else {
        format!("({})", params.iter().map(literal).collect::<Vec<_>>().join(", "))
    }
}

pub fn capture(
    client: &mut Client,
    query_name: &str,
    sql: &str,
    params: &[ParamValue],
    mode: PlanMode,
    warmup: u32,
    runs: u32,
) -> Result<Capture, ExplainError> {
    let err = |what: String, source: postgres::Error| ExplainError::Sql {
        query: query_name.to_string(),
        what: format!("{what}: {}", db_message(&source)),
        source,
    };
    let cache_mode = cache_mode(mode);
    client
        .batch_execute(&format!("SET plan_cache_mode = {cache_mode}"))
        .map_err(|e| err("cannot set the plan mode".into(), e))?;
    // Only our own statement goes: `DEALLOCATE ALL` would also drop the statement the client
    // library prepared once to look up custom types (enums, domains), and the next new type
    // would then fail with "prepared statement does not exist".
    let ours = client
        .query_opt("SELECT 1 FROM pg_prepared_statements WHERE name = $1", &[&STATEMENT])
        .map_err(|e| err("cannot list prepared statements".into(), e))?;
    if ours.is_some() {
        client
            .batch_execute(&format!("DEALLOCATE {STATEMENT}"))
            .map_err(|e| err("cannot deallocate the previous statement".into(), e))?;
    }
    // The extended protocol takes one statement only: whatever the scenario's SQL holds, a
    // second statement cannot ride along (validation refuses it first).
    client
        .execute(&format!("PREPARE {STATEMENT} AS {sql}"), &[])
        .map_err(|e| err("cannot prepare the query".into(), e))?;
    let args = execute_args(params);
    let explain_sql = format!("EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) EXECUTE {STATEMENT}{args}");

    let mut planning_ms = Vec::new();
    let mut execution_ms = Vec::new();
    let mut shapes: Vec<String> = Vec::new();
    let mut last = None;
    for run in 0..warmup + runs {
        let mut tx = client.transaction().map_err(|e| err("cannot open a transaction".into(), e))?;
        let row = tx.query_one(&explain_sql, &[]).map_err(|e| err("EXPLAIN failed".into(), e))?;
        let json: serde_json::Value = row.get(0);
        tx.rollback().map_err(|e| err("cannot roll back".into(), e))?;
        if run < warmup {
            continue;
        }
        let explain =
            Explain::from_value(json).map_err(|source| ExplainError::Plan { query: query_name.to_string(), source })?;
        planning_ms.extend(explain.planning_time_ms);
        execution_ms.extend(explain.execution_time_ms);
        let shape = explain.render_tree();
        if !shapes.contains(&shape) {
            shapes.push(shape);
        }
        last = Some(explain);
    }
    client.batch_execute(&format!("DEALLOCATE {STATEMENT}")).map_err(|e| err("cannot deallocate".into(), e))?;
    let explain = last.expect("runs >= 1 is validated");
    Ok(Capture {
        mode,
        explain,
        planning_ms,
        execution_ms,
        unstable: if shapes.len() > 1 { shapes } else { Vec::new() },
    })
}
