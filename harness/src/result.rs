//! The result model: what one scenario run produced, the data every report is written from
//! (`results.json` is it serialised, keys in kebab-case; `reports/README.md` documents them;
//! `planproof show` reads it back).
//! The pipeline builds it up as the run goes, so a run that stops half-way still carries
//! everything done before the stop; the reports only read it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::changes::Selection;
use crate::check::{BudgetResult, Finding, Severity};
use crate::explain::ParamValue;
use crate::load::LoadResult;
use crate::migrate::{Format, StatementFailure, StatementTime, ToolFailure};
use crate::plan::Explain;
use crate::scenario::{Phase, PlanMode, TransactionMode};
use crate::seed::{SeedTiming, TableSeeded};
use crate::stats::Series;

/// The verdict of a scenario, and the exit code it maps to. The order is the order of
/// severity: a run's outcome is its worst scenario's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every expectation held (exit code 0).
    Passed,
    /// The migration under test failed, with the error the scenario's `expect-error` names,
    /// and every other expectation held (exit code 0). Not a pass: the migration as it ships
    /// does not apply, and the reports say so.
    FailedAsExpected,
    /// Nothing failed, but a timing budget was too close to the measured figure to call,
    /// even after measuring again (exit code 3).
    Inconclusive,
    /// At least one expectation failed (exit code 1).
    Failed,
    /// planproof could not run the scenario to the end (exit code 2).
    Error,
}

impl Outcome {
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Passed | Outcome::FailedAsExpected => 0,
            Outcome::Failed => 1,
            Outcome::Error => 2,
            Outcome::Inconclusive => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::FailedAsExpected => "failed-as-expected",
            Outcome::Inconclusive => "inconclusive",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
        }
    }

    /// How a headline counts it: `2 failed as expected`.
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::FailedAsExpected => "failed as expected",
            Outcome::Inconclusive => "inconclusive",
            Outcome::Failed => "failed",
            Outcome::Error => "could not run",
        }
    }

    /// Whether the scenario did what it says (passed, or failed as it expects): nothing to
    /// show under `--quiet`, no database to keep.
    pub fn is_success(self) -> bool {
        matches!(self, Outcome::Passed | Outcome::FailedAsExpected)
    }
}

/// One run of a suite as the reports read it: every scenario run, the PostgreSQL major each
/// was asked to run on, and, for the CI gate, what the change selected.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunReport<'a> {
    pub results: &'a [ScenarioResult],
    /// The major each result was asked to run on (`?` when nothing asked), beside `results`.
    pub majors: &'a [String],
    /// `--changed-since`: the changed files, the scenarios they select, `no-scenario` findings.
    pub selection: Option<&'a Selection>,
}

impl<'a> RunReport<'a> {
    /// Each result with the major it ran on.
    pub fn runs(&self) -> impl Iterator<Item = (&'a str, &'a ScenarioResult)> + 'a {
        let majors = self.majors;
        self.results.iter().enumerate().map(move |(i, r)| (majors.get(i).map_or("?", String::as_str), r))
    }

    /// Findings of the run as a whole (the selection's `no-scenario`).
    pub fn findings(&self) -> &'a [Finding] {
        self.selection.map_or(&[], |s| s.findings.as_slice())
    }

    /// The worst outcome: error over failed over inconclusive over failed as expected over
    /// passed.
    pub fn outcome(&self) -> Outcome {
        self.results.iter().map(|r| r.outcome).max().unwrap_or(Outcome::Passed)
    }

    /// Whether any finding of the run is a warning.
    pub fn has_warnings(&self) -> bool {
        self.findings()
            .iter()
            .chain(self.results.iter().flat_map(|r| r.all_findings().into_iter().map(|(_, f)| f)))
            .any(|f| f.severity == Severity::Warning)
    }

    /// The exit code under `fail_on`: 2 when a scenario could not run, whatever the policy;
    /// otherwise as the policy says (see [`FailOn`]).
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        let outcome = self.outcome();
        match fail_on {
            _ if outcome == Outcome::Error => 2,
            FailOn::Never => 0,
            FailOn::Warning if self.has_warnings() => 1,
            FailOn::Violation | FailOn::Warning => outcome.exit_code(),
        }
    }
}

/// What fails a run (`--fail-on`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FailOn {
    /// A violated expectation exits 1; a budget too close to call exits 3 (the default).
    #[default]
    Violation,
    /// A warning exits 1 too (a `no-scenario`, a `small-table`, a blocking index build…).
    Warning,
    /// Findings never fail the run: for a gate that only comments. A scenario that could not
    /// run still exits 2.
    Never,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ScenarioResult {
    pub name: String,
    pub file: String,
    pub description: String,
    pub seed: u64,
    pub backend: String,
    pub server_version: String,
    /// The session settings every plan was captured under, as the server reported them.
    pub settings: BTreeMap<String, String>,
    /// The scratch database's locale, as `pg_database` says (`[database] locale` and friends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<crate::db::LocaleFacts>,
    pub outcome: Outcome,
    /// Why the run could not finish, with its causes.
    pub error: Option<String>,
    pub seeded: Vec<TableSeeded>,
    /// Where the seed stage's time went: the COPY, the index builds after it, the VACUUM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_timing: Option<SeedTiming>,
    /// Client round trips of `SELECT 1` per phase, timed between the queries' own: what any
    /// query pays on this backend's connection before the server does any work.
    pub round_trip_floor: Vec<ClientTiming>,
    pub migration: Option<MigrationResult>,
    pub queries: Vec<QueryResult>,
    /// Findings about the scenario as a whole (the migration, the server version).
    pub findings: Vec<Finding>,
    /// The workload around the migration and the write series, when the scenario asks.
    pub load: Option<LoadReport>,
    /// How to reach the database kept after the run, if it was kept.
    pub kept: Option<String>,
    pub duration_ms: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MigrationResult {
    pub id: String,
    pub file: String,
    pub format: Format,
    pub transaction: TransactionMode,
    /// Wall time of the up migration on the seeded data (a tool's start-up included); absent
    /// when it failed.
    pub duration_ms: Option<f64>,
    /// Server-side time, tool start-up, the statements and the machine's calibration.
    #[serde(flatten)]
    pub timing: MigrationTiming,
    /// The scenario's `max-duration`, if it set one.
    pub max_duration_ms: Option<f64>,
    /// The scenario expects the migration to fail with an error containing this text.
    pub expect_error: Option<String>,
    pub failure: Option<StatementFailure>,
    /// Indexes (name, definition) present after the migration.
    pub indexes_after: Vec<(String, String)>,
    /// The down step of a reversible migration, and up again after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub down: Option<DownResult>,
    /// How the project's tool ran it; absent for SQL files.
    pub tool: Option<ToolReport>,
}

impl MigrationResult {
    /// Why the migration under test failed, whoever ran it (planproof or the tool).
    pub fn failure_text(&self) -> Option<String> {
        let tool = self.tool.as_ref().and_then(|t| t.failure.as_ref());
        self.failure
            .as_ref()
            .map(std::string::ToString::to_string)
            .or_else(|| tool.map(std::string::ToString::to_string))
    }

    /// Whether it failed and the scenario expects it to. That the failure is the expected one
    /// is the `migration-error` check's to judge: a violation if not.
    pub fn failed_as_expected(&self) -> bool {
        self.expect_error.is_some() && self.failure_text().is_some()
    }

    /// ` by `alembic upgrade 002`` when a tool ran it, else nothing.
    pub fn by_tool(&self) -> String {
        self.tool.as_ref().map(|t| format!(" by `{}`", t.command)).unwrap_or_default()
    }
}

/// What the migration's time was made of, the WAL it wrote, and the budgets judged on them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MigrationTiming {
    /// The server-side time of the SQL it ran: the sum of `statements`.
    pub server_ms: Option<f64>,
    /// For a tool, the wall time of a run of it with nothing to do, just before: the part of
    /// `duration_ms` that is the tool's own start-up.
    pub startup_ms: Option<f64>,
    /// Each statement it ran and its server-side time, in order.
    pub statements: Vec<StatementTime>,
    /// A calibration query's client times before and after it, which a one-shot duration is
    /// judged against.
    pub calibration: Option<Series>,
    /// The bytes of WAL the server wrote while it ran (the `[load]` workload's writes during it
    /// included); absent when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wal_bytes: Option<u64>,
    /// `max-duration`, `max-wal` and `max-down-duration`, as judged.
    pub budgets: Vec<BudgetResult>,
}

/// The migration under test as the project's tool (Alembic, Django, a command) ran it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ToolReport {
    /// The command that applied it (`alembic upgrade 0002`); its `duration_ms` includes the
    /// tool's start-up.
    pub command: String,
    /// The command that runs it down, if the tool has one.
    pub down_command: Option<String>,
    /// The SQL the tool printed for it (`alembic upgrade --sql`, `manage.py sqlmigrate`,
    /// `sql-command`); the line numbers of the hazard findings refer to it.
    pub sql: Option<String>,
    /// The tool's failure: command, exit status, its error line and the end of its output.
    pub failure: Option<ToolFailure>,
}

/// What running a reversible migration down, and then up again, did.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DownResult {
    /// The down file, or the tool's down command.
    pub file: String,
    /// Wall time of the down step; absent when it failed.
    pub duration_ms: Option<f64>,
    /// Server-side time of its statements.
    pub server_ms: Option<f64>,
    pub max_duration_ms: Option<f64>,
    /// Why the down step failed: the refused statement, or the tool's failure.
    pub failure: Option<String>,
    /// Wall time of up run again after down; absent when it did not run or failed.
    pub reapply_ms: Option<f64>,
    /// Server-side time of up run again: the second sample `max-duration` is judged on.
    pub reapply_server_ms: Option<f64>,
    /// The bytes of WAL up wrote when run again (without the workload): the second sample
    /// `max-wal` is judged on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reapply_wal_bytes: Option<u64>,
    pub reapply_failure: Option<String>,
}

/// What the load stage measured, and the load budgets judged on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoadReport {
    #[serde(flatten)]
    pub measured: LoadResult,
    pub budgets: Vec<BudgetResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct QueryResult {
    pub name: String,
    pub sql: String,
    pub params: Vec<ParamValue>,
    pub captures: Vec<CaptureResult>,
    /// The client round trip of the real query, per phase.
    pub client: Vec<ClientTiming>,
    /// The `[[queries.when]]` entries whose expectations replaced the query's own on this
    /// server's major.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<WhenApplied>,
}

/// Expectations for some majors only, applied on this run's server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WhenApplied {
    pub postgres: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClientTiming {
    pub phase: Phase,
    pub series: Series,
}

impl QueryResult {
    /// The client round trips measured in `phase`.
    pub fn client_series(&self, phase: Phase) -> Option<&Series> {
        self.client.iter().find(|c| c.phase == phase).map(|c| &c.series)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CaptureResult {
    pub phase: Phase,
    pub mode: PlanMode,
    /// The plan's shape without costs or timings.
    pub plan_tree: String,
    /// A one-line summary of the scans in the plan, for terminal lines.
    pub summary: String,
    /// The server's planning and execution times of the measured EXPLAIN ANALYZE runs.
    pub planning: Series,
    pub execution: Series,
    /// Clock-free figures of the checked plan: the same for the same seed on any machine.
    /// Shared buffers hit plus read by the statement (`max-buffers`).
    pub buffers: Option<f64>,
    /// Rows removed by filters, over nodes and loops (`max-rows-removed`).
    pub rows_removed: f64,
    pub rows_examined: f64,
    pub heap_fetches: f64,
    pub unstable: Vec<String>,
    pub budgets: Vec<BudgetResult>,
    pub findings: Vec<Finding>,
    pub explain: Explain,
}

impl ScenarioResult {
    /// A result named `name` with nothing run yet (outcome `Error` until `settle`): the start
    /// of every run, and a base for tests of the reports.
    pub fn placeholder(name: &str) -> ScenarioResult {
        ScenarioResult {
            name: name.to_string(),
            file: String::new(),
            description: String::new(),
            seed: 0,
            backend: String::new(),
            server_version: String::new(),
            settings: BTreeMap::new(),
            locale: None,
            outcome: Outcome::Error,
            error: None,
            seeded: Vec::new(),
            seed_timing: None,
            round_trip_floor: Vec::new(),
            migration: None,
            queries: Vec::new(),
            findings: Vec::new(),
            load: None,
            kept: None,
            duration_ms: 0.0,
        }
    }

    /// Every finding of the run, with where it belongs (`query/phase/mode` or `scenario`).
    pub fn all_findings(&self) -> Vec<(String, &Finding)> {
        let mut all: Vec<(String, &Finding)> = self.findings.iter().map(|f| ("scenario".to_string(), f)).collect();
        for q in &self.queries {
            for c in &q.captures {
                for f in &c.findings {
                    all.push((format!("{} {}{}", q.name, c.phase.as_str(), mode_suffix(c.mode)), f));
                }
            }
        }
        all
    }

    /// Recomputes the outcome from the error and the findings.
    pub fn settle(&mut self) {
        self.outcome = if self.error.is_some() {
            Outcome::Error
        } else if self.all_findings().iter().any(|(_, f)| f.severity == Severity::Violation) {
            Outcome::Failed
        } else if self.all_findings().iter().any(|(_, f)| f.severity == Severity::Inconclusive) {
            Outcome::Inconclusive
        } else if self.migration.as_ref().is_some_and(MigrationResult::failed_as_expected) {
            Outcome::FailedAsExpected
        } else {
            Outcome::Passed
        };
    }
}

/// ` (generic plan)` for generic captures, nothing for custom ones.
pub fn mode_suffix(mode: PlanMode) -> &'static str {
    match mode {
        PlanMode::Custom => "",
        PlanMode::Generic => " (generic plan)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Check;

    /// A result whose migration expected `expect` and failed with `failure`, with `findings`.
    fn result(expect: Option<&str>, failure: Option<&str>, findings: Vec<Finding>) -> ScenarioResult {
        let mut r = ScenarioResult::placeholder("messaging-ops");
        r.migration = Some(MigrationResult {
            expect_error: expect.map(str::to_string),
            failure: failure.map(|message| StatementFailure {
                file: "m.sql".into(),
                line: 2,
                statement: "CREATE INDEX CONCURRENTLY i ON t (a)".into(),
                message: message.into(),
                code: Some("25001".into()),
                detail: None,
                hint: None,
                note: None,
            }),
            id: "001".into(),
            file: "m.sql".into(),
            format: Format::Plain,
            transaction: TransactionMode::None,
            duration_ms: None,
            timing: MigrationTiming::default(),
            max_duration_ms: None,
            indexes_after: Vec::new(),
            down: None,
            tool: None,
        });
        r.findings = findings;
        r.settle();
        r
    }

    const CIC: &str = "CREATE INDEX CONCURRENTLY cannot run inside a transaction block";

    #[test]
    fn a_migration_failing_as_expected_is_not_reported_as_passed() {
        let warning = Finding::warning(Check::MigrationError, "migration fails as expected", None);
        let r = result(Some("transaction block"), Some(CIC), vec![warning.clone()]);
        assert_eq!((r.outcome, r.outcome.exit_code(), r.outcome.is_success()), (Outcome::FailedAsExpected, 0, true));

        // A violation elsewhere outranks it; so does an inconclusive budget.
        let violation = Finding::violation(Check::IndexUsed, "expected an index scan", None);
        let r = result(Some("transaction block"), Some(CIC), vec![warning.clone(), violation]);
        assert_eq!(r.outcome, Outcome::Failed);
        let unsure = Finding { severity: Severity::Inconclusive, ..warning.clone() };
        assert_eq!(result(Some("transaction block"), Some(CIC), vec![unsure]).outcome, Outcome::Inconclusive);

        // Without `expect-error`, or when the migration applied, nothing failed as expected.
        assert_eq!(result(None, None, Vec::new()).outcome, Outcome::Passed);
        assert_eq!(result(Some("transaction block"), None, Vec::new()).outcome, Outcome::Passed);
    }

    #[test]
    fn a_run_of_passes_and_expected_failures_exits_0() {
        let warning = Finding::warning(Check::MigrationError, "migration fails as expected", None);
        let results = [result(None, None, Vec::new()), result(Some("transaction block"), Some(CIC), vec![warning])];
        let run = RunReport { results: &results, majors: &[], selection: None };
        assert_eq!((run.outcome(), run.exit_code(FailOn::Violation)), (Outcome::FailedAsExpected, 0));
        assert_eq!(run.exit_code(FailOn::Warning), 1, "its `migration-error` is a warning");
    }
}
