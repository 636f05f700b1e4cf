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
pub use super::version::VersionSet;
pub use super::workload::{LoadBudgets, LoadSpec};

/// Session settings pinned before every EXPLAIN unless the scenario overrides them, so that
/// plans and timings repeat: no JIT compile times, no parallel workers, and no synchronised
/// scans that start a Seq Scan wherever another scan happens to be.
pub const DEFAULT_SETTINGS: [(&str, &str); 3] =
    [("jit", "off"), ("max_parallel_workers_per_gather", "0"), ("synchronize_seqscans", "off")];

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
    /// `[matrix] postgres`: the majors to run on when the command line names none, in order.
    pub matrix: Vec<String>,
    /// `[[indexes]]`: catalog facts checked after the migration.
    pub indexes: Vec<super::index::IndexSpec>,
    /// The concurrent workload and write series, when `[load]` or a load budget asks for them.
    pub load: Option<LoadSpec>,
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
    /// How long one command of the tool may run before it is killed (`tool-timeout`).
    pub tool_timeout: Duration,
}

/// `tool-timeout` when the scenario sets none: long enough for a real index build on seeded
/// data, short enough that a tool stuck on a lock or a prompt does not hold CI for hours.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(600);

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
    /// The expectations on every PostgreSQL major, except where `when` replaces them.
    pub checks: Vec<PhaseCheck>,
    /// `[[queries.when]]`: expectations for some majors only.
    pub when: Vec<VersionChecks>,
}

/// Expectations that hold on some PostgreSQL majors only: each phase and plan mode it sets
/// replaces the query's own expectation of that phase and mode on those majors.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionChecks {
    pub versions: VersionSet,
    /// Why these majors plan differently, shown in reports.
    pub why: String,
    pub at: Location,
    pub checks: Vec<PhaseCheck>,
}

/// Where a bound parameter's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamSpec {
    /// A value of `table.column` from the seeded rows (optionally only rows matching `filter`),
    /// picked deterministically from the scenario's seed.
    Sample { table: String, column: String, filter: Option<String>, at: Location },
    /// A constant.
    Value(Literal),
}

/// Before or after the migration under test, or after it was run down again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Before,
    After,
    /// After the down step of a reversible migration: plans are captured to compare with
    /// `Before`, no expectation is written for them.
    Rollback,
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
pub use crate::stats::Statistic;

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
    /// `reversible = true`: after up and its checks, run down, compare the catalog with the
    /// one before up, capture the plans again, and run up once more.
    pub reversible: Option<Reversibility>,
    /// `max-write-stall`, `max-read-stall`, `max-write-slowdown`.
    pub load: LoadBudgets,
}

/// How the migration under test is reversed and what the scenario knows of it.
#[derive(Debug, Clone, Default)]
pub struct Reversibility {
    /// Where `reversible` is written (for "no down step" errors).
    pub at: Location,
    /// A down file the scenario names, for layouts without one (`None`: the migration's own).
    pub down: Option<PathBuf>,
    /// Where `down` is written.
    pub down_at: Location,
    pub max_down_duration: Option<Duration>,
    /// Objects the down step is known to leave behind: reported, not failed, while they are.
    pub expect_leftovers: Vec<String>,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::After => "after",
            Phase::Rollback => "rollback",
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
    /// The expectations that hold on `major` (the server's major version; `None` when it is
    /// unknown, which keeps the query's own), and the `when` entries that replaced some.
    pub fn checks_for(&self, major: Option<u32>) -> (Vec<&PhaseCheck>, Vec<&VersionChecks>) {
        let applied: Vec<&VersionChecks> = match major {
            Some(m) => self.when.iter().filter(|w| w.versions.contains(m)).collect(),
            None => Vec::new(),
        };
        let replaced =
            |c: &PhaseCheck| applied.iter().any(|w| w.checks.iter().any(|o| o.phase == c.phase && o.mode == c.mode));
        let mut checks: Vec<&PhaseCheck> = self.checks.iter().filter(|c| !replaced(c)).collect();
        checks.extend(applied.iter().flat_map(|w| w.checks.iter()));
        (checks, applied)
    }

    /// Every expectation, on whichever major (for checks of the scenario as a whole).
    pub fn all_checks(&self) -> impl Iterator<Item = &PhaseCheck> {
        self.checks.iter().chain(self.when.iter().flat_map(|w| w.checks.iter()))
    }

    /// The plan modes to capture in `phase` on `major`: the custom plan always, the generic
    /// one when an expectation asks for it.
    pub fn modes(&self, phase: Phase, major: Option<u32>) -> Vec<PlanMode> {
        let mut modes = vec![PlanMode::Custom];
        if self.checks_for(major).0.iter().any(|c| c.phase == phase && c.mode == PlanMode::Generic) {
            modes.push(PlanMode::Generic);
        }
        modes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(phase: Phase, mode: PlanMode, pattern: &str) -> PhaseCheck {
        let expect = PlanExpectation { must: vec![pattern.parse().expect("a valid pattern")], ..Default::default() };
        PhaseCheck { phase, mode, expect, budgets: Budgets::default() }
    }

    fn when(versions: &str, checks: Vec<PhaseCheck>) -> VersionChecks {
        VersionChecks {
            versions: VersionSet::parse(&[versions.to_string()]).expect("valid versions"),
            why: "a reason".into(),
            at: Location::default(),
            checks,
        }
    }

    fn query() -> QuerySpec {
        QuerySpec {
            name: "q".into(),
            at: Location::default(),
            sql: "SELECT 1".into(),
            params: Vec::new(),
            checks: vec![
                check(Phase::Before, PlanMode::Custom, "seq-scan on t"),
                check(Phase::After, PlanMode::Custom, "index ix_new"),
            ],
            when: vec![
                when("<= 17", vec![check(Phase::After, PlanMode::Custom, "seq-scan on t")]),
                when("13", vec![check(Phase::After, PlanMode::Generic, "bitmap-heap-scan on t")]),
            ],
        }
    }

    fn patterns(checks: &[&PhaseCheck]) -> Vec<String> {
        checks.iter().map(|c| format!("{}{:?}: {}", c.phase.as_str(), c.mode, c.expect.must[0])).collect()
    }

    #[test]
    fn a_matching_entry_replaces_only_the_phase_it_sets() {
        let q = query();
        let (checks, applied) = q.checks_for(Some(15));
        assert_eq!(patterns(&checks), ["beforeCustom: seq-scan on t", "afterCustom: seq-scan on t"]);
        assert_eq!(applied.len(), 1);
    }

    #[test]
    fn other_majors_and_an_unknown_server_keep_the_query_s_own() {
        let q = query();
        for major in [Some(18), None] {
            let (checks, applied) = q.checks_for(major);
            assert_eq!(patterns(&checks), ["beforeCustom: seq-scan on t", "afterCustom: index ix_new"], "{major:?}");
            assert!(applied.is_empty());
        }
    }

    #[test]
    fn entries_for_different_phases_combine_and_ask_for_the_generic_plan() {
        let q = query();
        let (checks, applied) = q.checks_for(Some(13));
        assert_eq!(applied.len(), 2);
        assert_eq!(checks.len(), 3);
        assert_eq!(q.modes(Phase::After, Some(13)), [PlanMode::Custom, PlanMode::Generic]);
        assert_eq!(q.modes(Phase::After, Some(15)), [PlanMode::Custom]);
    }
}
