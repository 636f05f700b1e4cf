//! A diagnostic-only plan: the query planned again with Seq Scans disabled, costs only (no
//! ANALYZE: it is not run), in a transaction that is rolled back, so that the settings end
//! with it. It says what an index would have cost; no verdict reads it.

use postgres::Client;

use super::error::ExplainError;
use super::params::ParamValue;
use crate::db::db_message;
use crate::plan::Explain;
use crate::scenario::PlanMode;

const STATEMENT: &str = "planproof_diagnosis";

/// `EXPLAIN (FORMAT JSON)` of the query under `mode` with `enable_seqscan = off`.
pub fn plan_without_seq_scans(
    client: &mut Client,
    query_name: &str,
    sql: &str,
    params: &[ParamValue],
    mode: PlanMode,
) -> Result<Explain, ExplainError> {
    let err = |what: &str, source: postgres::Error| ExplainError::Sql {
        query: query_name.to_string(),
        what: format!("diagnosis: {what}: {}", db_message(&source)),
        source,
    };
    let cache_mode = super::capture::cache_mode(mode);
    let args = super::capture::execute_args(params);
    let mut tx = client.transaction().map_err(|e| err("cannot open a transaction", e))?;
    tx.batch_execute(&format!("SET LOCAL plan_cache_mode = {cache_mode}; SET LOCAL enable_seqscan = off"))
        .map_err(|e| err("cannot disable Seq Scans", e))?;
    tx.execute(&format!("PREPARE {STATEMENT} AS {sql}"), &[]).map_err(|e| err("cannot prepare the query", e))?;
    let row = tx
        .query_one(&format!("EXPLAIN (FORMAT JSON) EXECUTE {STATEMENT}{args}"), &[])
        .map_err(|e| err("EXPLAIN failed", e))?;
    let json: serde_json::Value = row.get(0);
    // PREPARE is not transactional: the statement outlives the rollback.
    tx.batch_execute(&format!("DEALLOCATE {STATEMENT}")).map_err(|e| err("cannot deallocate", e))?;
    tx.rollback().map_err(|e| err("cannot roll back", e))?;
    Explain::from_value(json).map_err(|source| ExplainError::Plan { query: query_name.to_string(), source })
}
