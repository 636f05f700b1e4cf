//! Serde structs that mirror a scenario file key for key. Nothing is checked here beyond what
//! TOML and serde check (types, unknown keys); `validate` turns these into the model. Values
//! that may take several shapes have their own visitors, in `value`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub use super::value::{Literal, OneOrMany, Version, Versions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawScenario {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub seed: Option<Spanned<i64>>,
    pub database: Spanned<RawDatabase>,
    #[serde(default)]
    pub explain: Option<Spanned<RawExplain>>,
    #[serde(default)]
    pub tables: BTreeMap<Spanned<String>, Spanned<RawTable>>,
    #[serde(default)]
    pub queries: Vec<Spanned<RawQuery>>,
    #[serde(default)]
    pub migration: Option<Spanned<RawMigration>>,
    #[serde(default)]
    pub matrix: Option<Spanned<RawMatrix>>,
    #[serde(default)]
    pub indexes: Vec<Spanned<RawIndex>>,
    #[serde(default)]
    pub load: Option<Spanned<RawLoad>>,
}

/// `[[indexes]]`: what the catalog must say of an index after the migration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawIndex {
    pub name: Spanned<String>,
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub columns: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub include: Option<Vec<String>>,
    #[serde(default, rename = "where")]
    pub predicate: Option<Spanned<String>>,
    #[serde(default)]
    pub unique: Option<bool>,
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    #[serde(default)]
    pub max_size: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMatrix {
    pub postgres: Spanned<Versions>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawDatabase {
    #[serde(default)]
    pub postgres: Option<Spanned<Version>>,
    #[serde(default)]
    pub schema: Option<Spanned<OneOrMany>>,
    pub migrations: Spanned<String>,
    pub under_test: Spanned<String>,
    #[serde(default)]
    pub tool_timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub transaction: Option<Spanned<String>>,
    // Migrations run by the project's own tool (see `tool.rs`).
    #[serde(default)]
    pub tool: Option<Spanned<String>>,
    #[serde(default)]
    pub app: Option<Spanned<String>>,
    #[serde(default)]
    pub up_command: Option<Spanned<String>>,
    #[serde(default)]
    pub down_command: Option<Spanned<String>>,
    #[serde(default)]
    pub sql_command: Option<Spanned<String>>,
    #[serde(default)]
    pub previous: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawExplain {
    #[serde(default)]
    pub runs: Option<Spanned<i64>>,
    #[serde(default)]
    pub warmup: Option<Spanned<i64>>,
    #[serde(default)]
    pub samples: Option<Spanned<i64>>,
    #[serde(default)]
    pub max_repeats: Option<Spanned<i64>>,
    #[serde(default)]
    pub settings: BTreeMap<Spanned<String>, Spanned<Literal>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTable {
    pub rows: Spanned<i64>,
    #[serde(default)]
    pub columns: BTreeMap<Spanned<String>, Spanned<RawColumn>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawColumn {
    #[serde(default)]
    pub gen: Option<Spanned<String>>,
    #[serde(default)]
    pub one_of: Option<Spanned<Vec<Literal>>>,
    #[serde(default)]
    pub weights: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    pub references: Option<Spanned<String>>,
    #[serde(default)]
    pub min: Option<Spanned<Literal>>,
    #[serde(default)]
    pub max: Option<Spanned<Literal>>,
    #[serde(default)]
    pub start: Option<Spanned<String>>,
    #[serde(default)]
    pub end: Option<Spanned<String>>,
    #[serde(default)]
    pub length: Option<Spanned<i64>>,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub true_ratio: Option<Spanned<f64>>,
    #[serde(default)]
    pub null_fraction: Option<Spanned<f64>>,
    #[serde(default)]
    pub unique: Option<bool>,
    #[serde(default)]
    pub distinct: Option<Spanned<i64>>,
    #[serde(default)]
    pub skew: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawQuery {
    pub name: Spanned<String>,
    pub sql: Spanned<String>,
    #[serde(default)]
    pub params: Vec<Spanned<RawParam>>,
    #[serde(default)]
    pub before: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub after: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub before_generic: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub after_generic: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub when: Vec<Spanned<RawWhen>>,
}

/// `[[queries.when]]`: expectations that replace the query's own on some PostgreSQL majors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawWhen {
    pub postgres: Spanned<Versions>,
    pub why: Spanned<String>,
    #[serde(default)]
    pub before: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub after: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub before_generic: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub after_generic: Option<Spanned<RawPhase>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawParam {
    #[serde(default)]
    pub sample: Option<Spanned<String>>,
    #[serde(default, rename = "where")]
    pub filter: Option<String>,
    #[serde(default)]
    pub value: Option<Spanned<Literal>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPhase {
    #[serde(default)]
    pub plan: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub no: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub max_rows_removed: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_buffers: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_heap_fetches: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_rows_examined: Option<Spanned<f64>>,
    #[serde(default)]
    pub latency: Option<Spanned<RawLatency>>,
    #[serde(default)]
    pub speedup: Option<Spanned<String>>,
    #[serde(default)]
    pub claimed_speedup: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLatency {
    #[serde(default)]
    pub measure: Option<Spanned<String>>,
    #[serde(default)]
    pub p50: Option<Spanned<String>>,
    #[serde(default)]
    pub p95: Option<Spanned<String>>,
    #[serde(default)]
    pub max: Option<Spanned<String>>,
    #[serde(default)]
    pub planning: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMigration {
    #[serde(default)]
    pub max_duration: Option<Spanned<String>>,
    #[serde(default)]
    pub expect_error: Option<Spanned<String>>,
    #[serde(default)]
    pub reversible: Option<Spanned<bool>>,
    #[serde(default)]
    pub down: Option<Spanned<String>>,
    #[serde(default)]
    pub max_down_duration: Option<Spanned<String>>,
    #[serde(default)]
    pub expect_rollback_leftovers: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub max_write_stall: Option<Spanned<String>>,
    #[serde(default)]
    pub max_read_stall: Option<Spanned<String>>,
    #[serde(default)]
    pub max_write_slowdown: Option<Spanned<String>>,
}

/// `[load]`: the concurrent workload run while the migration under test runs, and the write
/// series measured before and after it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLoad {
    #[serde(default)]
    pub writers: Option<Spanned<i64>>,
    #[serde(default)]
    pub readers: Option<Spanned<i64>>,
    #[serde(default)]
    pub tables: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub updates: Option<Spanned<f64>>,
    #[serde(default)]
    pub rate: Option<Spanned<i64>>,
    #[serde(default)]
    pub baseline: Option<Spanned<String>>,
    #[serde(default)]
    pub max_time: Option<Spanned<String>>,
    #[serde(default)]
    pub max_operations: Option<Spanned<i64>>,
    #[serde(default)]
    pub overhead_writes: Option<Spanned<i64>>,
}
