//! The validated scenario: what the pipeline runs. Paths are resolved, durations parsed,
//! patterns parsed, tables ordered so that a referenced table is seeded before the tables that
//! point at it. Positions are kept only for checks that need a database (unknown columns).

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

pub use super::column::{ColumnSpec, GenKind, Literal};
pub use super::error::Location;
pub use super::pattern::{PlanExpectation, PlanPattern};
pub use super::tool::ToolSpec;

/// Session settings pinned before every EXPLAIN unless the scenario overrides them, so that
/// plans and timings repeat: no JIT compile times, no parallel workers, and no synchronised
/// scans that start a Seq Scan wherever another scan happens to be.
pub const DEFAULT_SETTINGS: [(&str, &str); 3] = [
    ("jit", "off"),
    ("max_parallel_workers_per_gather", "0"),
    ("synchronize_seqscans", "off"),
];

/// One scenario file, validated.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub database: DatabaseSpec,
    pub explain: ExplainSpec,
    /// In seeding order: every table comes after the tables its columns reference.
    pub tables: Vec<TableSpec>,
    pub queries: Vec<QuerySpec>,
    pub migration: MigrationSpec,
}

#[derive(Debug, Clone)]
pub struct DatabaseSpec {
    /// The PostgreSQL major version the scenario is written for, if it says.
    pub postgres: Option<String>,
    pub schema: Vec<PathBuf>,
    pub migrations: PathBuf,
    pub under_test: String,
    pub under_test_at: Location,
    /// Overrides how migration files are wrapped; `None` means "as the migration tool would".
    pub transaction: Option<TransactionMode>,
    /// The project's own tool runs the migrations (`migrations` is its project folder);
    /// `None`: planproof runs the folder's SQL files.
    pub tool: Option<ToolSpec>,
}

/// How a migration file is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransactionMode {
    /// The whole file in one transaction (Diesel's and sqlx's default).
    PerFile,
    /// Statement by statement in autocommit, as `psql -f` runs a file.
    None,
    /// As the project's tool decides (Alembic, Django, a command): planproof does not wrap it.
    Tool,
}

#[derive(Debug, Clone)]
pub struct ExplainSpec {
    pub warmup: u32,
    /// EXPLAIN ANALYZE runs per query, phase and plan mode (server-side timings).
    pub runs: u32,
    /// Client round trips per query and phase (what the application sees).
    pub samples: u32,
    /// How many more series to measure when a budget is too close to call.
    pub max_repeats: u32,
    /// Defaults merged with the scenario's overrides, in a stable order.
    pub settings: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: String,
    pub at: Location,
    pub rows: u64,
    pub columns: Vec<ColumnEntry>,
}

#[derive(Debug, Clone)]
pub struct ColumnEntry {
    pub spec: ColumnSpec,
    pub at: Location,
}

#[derive(Debug, Clone)]
pub struct QuerySpec {
    pub name: String,
    pub at: Location,
    pub sql: String,
    pub params: Vec<ParamSpec>,
    pub checks: Vec<PhaseCheck>,
}

/// Where a bound parameter's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamSpec {
    /// A value of `table.column` from the seeded rows (optionally only rows matching `filter`),
    /// picked deterministically from the scenario's seed.
    Sample {
        table: String,
        column: String,
        filter: Option<String>,
        at: Location,
    },
    /// A constant.
    Value(Literal),
}

/// Before or after the migration under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Before,
    After,
}

/// A custom plan (planned for the bound values, what the first executions of a prepared
/// statement get) or the generic plan (planned for any value, what an ORM's prepared
/// statement settles on after five executions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanMode {
    Custom,
    Generic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseCheck {
    pub phase: Phase,
    pub mode: PlanMode,
    pub expect: PlanExpectation,
    pub budgets: Budgets,
}

/// Which timing a latency budget limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// The round trip of the real query as the client sees it (the default).
    #[default]
    Client,
    /// EXPLAIN ANALYZE's `Execution Time`: the server's work only.
    Server,
}

/// Which figure of a series a latency budget limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Statistic {
    P50,
    P95,
    Max,
}

impl Statistic {
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::P50 => "p50",
            Statistic::P95 => "p95",
            Statistic::Max => "max",
        }
    }
}

/// Timing and clock-free budgets of one phase.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Budgets {
    pub measure: Measure,
    pub latency: Vec<(Statistic, Duration)>,
    /// Median planning time (server side).
    pub planning: Option<Duration>,
    /// Before median / this phase's median, at least (only after the migration).
    pub speedup: Option<f64>,
    /// A speedup someone claimed: reported beside the measured one, never failing the run.
    pub claimed_speedup: Option<f64>,
    pub max_heap_fetches: Option<f64>,
    pub max_rows_examined: Option<f64>,
}

impl Budgets {
    /// Whether any budget depends on the clock.
    pub fn timed(&self) -> bool {
        !self.latency.is_empty() || self.planning.is_some() || self.speedup.is_some() || self.claimed_speedup.is_some()
    }
}

#[derive(Debug, Clone, Default)]
pub struct MigrationSpec {
    pub max_duration: Option<Duration>,
    /// The migration must fail with an error containing this text (a known-broken migration
    /// kept as it ships, so that the report shows why).
    pub expect_error: Option<String>,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::After => "after",
        }
    }
}

impl PlanMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanMode::Custom => "custom",
            PlanMode::Generic => "generic",
        }
    }
}

impl QuerySpec {
    /// The plan modes to capture in `phase`: the custom plan always, the generic one when an
    /// expectation asks for it.
    pub fn modes(&self, phase: Phase) -> Vec<PlanMode> {
        let mut modes = vec![PlanMode::Custom];
        if self
            .checks
            .iter()
            .any(|c| c.phase == phase && c.mode == PlanMode::Generic)
        {
            modes.push(PlanMode::Generic);
        }
        modes
    }
}
