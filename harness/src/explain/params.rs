//! Draws bound-parameter values from the seeded rows. The choice is deterministic (the
//! scenario's seed, the query's name and the parameter's position pick the row), so the same
//! scenario explains the same lookup every run, before and after the migration.

use postgres::Client;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use super::error::ExplainError;
use crate::db::db_message;
use crate::db::quote_ident;
use crate::scenario::{Literal, ParamSpec, QuerySpec};

/// One parameter's value as text (PostgreSQL casts it to the parameter's type), or NULL.
pub type ParamValue = Option<String>;

pub fn sample_params(client: &mut Client, query: &QuerySpec, seed: u64) -> Result<Vec<ParamValue>, ExplainError> {
    let mut values = Vec::new();
    for (i, param) in query.params.iter().enumerate() {
        let value = match param {
            ParamSpec::Value(Literal::Text(s)) => Some(s.clone()),
            ParamSpec::Value(Literal::Int(n)) => Some(n.to_string()),
            ParamSpec::Value(Literal::Float(f)) => Some(f.to_string()),
            ParamSpec::Value(Literal::Bool(b)) => Some(b.to_string()),
            ParamSpec::Sample { table, column, filter, .. } => {
                Some(sample(client, query, seed, i + 1, table, column, filter.as_deref())?)
            }
        };
        values.push(value);
    }
    Ok(values)
}

fn sample(
    client: &mut Client,
    query: &QuerySpec,
    seed: u64,
    index: usize,
    table: &str,
    column: &str,
    filter: Option<&str>,
) -> Result<String, ExplainError> {
    let col = quote_ident(column);
    let condition = match filter {
        Some(f) => format!("({f}) AND {col} IS NOT NULL"),
        None => format!("{col} IS NOT NULL"),
    };
    let from = format!("FROM {} WHERE {condition}", quote_ident(table));
    let sql_error = |what: &str, source: postgres::Error| ExplainError::Sql {
        query: query.name.clone(),
        what: format!("cannot sample parameter {index} from `{table}.{column}`: {what}: {}", db_message(&source)),
        source,
    };
    let count: i64 = client
        .query_one(&format!("SELECT count(*) {from}"), &[])
        .map_err(|e| sql_error("counting rows failed", e))?
        .get(0);
    if count == 0 {
        return Err(ExplainError::NothingToSample {
            query: query.name.clone(),
            table: table.to_string(),
            column: column.to_string(),
            filter: filter.map(|f| format!("matching `{f}` ")).unwrap_or_default(),
            index,
        });
    }
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(query.name.as_bytes());
    hasher.update(index.to_le_bytes());
    let digest: [u8; 32] = hasher.finalize().into();
    let offset = ChaCha8Rng::from_seed(digest).random_range(0..count);
    let row = client
        .query_one(&format!("SELECT {col}::text {from} ORDER BY {col} LIMIT 1 OFFSET $1"), &[&offset])
        .map_err(|e| sql_error("reading a value failed", e))?;
    Ok(row.get(0))
}

/// A parameter as an SQL literal for `EXECUTE`: quoted text that PostgreSQL casts to the
/// prepared statement's parameter type, as a driver's text-format parameter would be.
pub fn literal(value: &ParamValue) -> String {
    match value {
        None => "NULL".to_string(),
        Some(s) => format!("'{}'", s.replace('\'', "''")),
    }
}
