//! Times the query as the application runs it: a prepared statement executed with its
//! parameters bound in text format (as most drivers send them), measured from the client, so
//! the figure includes the round trip that EXPLAIN's Execution Time leaves out. The statement
//! runs with the server's default `plan_cache_mode`, so after five executions it may switch to
//! the generic plan, exactly as an application's prepared statement does.

use std::time::Instant;

use bytes::BytesMut;
use postgres::types::{Format, IsNull, ToSql, Type};
use postgres::{Client, Statement};

use super::error::ExplainError;
use super::params::ParamValue;
use crate::db::db_message;

/// A parameter sent as text: the server parses it with the parameter type's input function.
#[derive(Debug)]
struct TextParam<'a>(Option<&'a str>);

impl ToSql for TextParam<'_> {
    fn to_sql(&self, _ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self.0 {
            Some(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &Type) -> Format {
        Format::Text
    }

    postgres::types::to_sql_checked!();
}

/// A query prepared once on a connection, ready to be timed.
pub struct Prepared {
    statement: Statement,
    params: Vec<ParamValue>,
    name: String,
}

impl Prepared {
    pub fn new(client: &mut Client, name: &str, sql: &str, params: &[ParamValue]) -> Result<Prepared, ExplainError> {
        let statement = client.prepare(sql).map_err(|source| ExplainError::Sql {
            query: name.to_string(),
            what: format!("cannot prepare the query for timing: {}", db_message(&source)),
            source,
        })?;
        Ok(Prepared { statement, params: params.to_vec(), name: name.to_string() })
    }

    /// Runs the query once, outside any transaction, and returns how many rows it gave: for
    /// read-only queries (benchmarks time this).
    pub fn query(&self, client: &mut Client) -> Result<usize, ExplainError> {
        let params: Vec<TextParam> = self.params.iter().map(|p| TextParam(p.as_deref())).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        client.query(&self.statement, &refs).map(|rows| rows.len()).map_err(|source| ExplainError::Sql {
            query: self.name.clone(),
            what: format!("the query failed: {}", db_message(&source)),
            source,
        })
    }

    /// Runs the query once and returns the client-side round trip in milliseconds. It runs in
    /// a transaction that is rolled back afterwards (outside the timed part), so a query that
    /// writes leaves the data as it was.
    pub fn time_once(&self, client: &mut Client) -> Result<f64, ExplainError> {
        let err = |what: &str, source: postgres::Error| ExplainError::Sql {
            query: self.name.clone(),
            what: format!("{what}: {}", db_message(&source)),
            source,
        };
        let params: Vec<TextParam> = self.params.iter().map(|p| TextParam(p.as_deref())).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let mut tx = client.transaction().map_err(|e| err("cannot open a transaction", e))?;
        let started = Instant::now();
        let rows = tx.query(&self.statement, &refs).map_err(|e| err("the query failed", e))?;
        let elapsed = started.elapsed();
        drop(rows);
        tx.rollback().map_err(|e| err("cannot roll back", e))?;
        Ok(elapsed.as_secs_f64() * 1000.0)
    }
}
