//! Runs one scenario through every stage: scratch database, schema, earlier migrations, seed,
//! "before" plans, the migration under test (with a workload around it and write series
//! before and after, when the scenario has `[load]`), "after" plans, checks. A stage that cannot run
//! stops the run but not the report: the result keeps what was done and says why it stopped.

use crate::check::Check;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use postgres::Client;

use super::error::PipelineError;
use crate::catalog::{self, TableSize};
use crate::check::{self, Finding, Severity};
use crate::db::{Backend, ScratchDb};
use crate::explain::{self, ParamValue};
use crate::load::Load;
use crate::migrate::{self, MigrateError};
use crate::result::*;
use crate::scenario::{Measure, Phase, PlanMode, Scenario, TransactionMode};
use crate::seed;
use crate::stats::Series;
use crate::text::error_chain;

/// When to keep a scenario's database after the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    #[default]
    Never,
    OnFailure,
    Always,
}

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub keep: Keep,
    /// Print a line to stderr as each stage starts (long seeds and migrations show progress).
    pub progress: bool,
}

/// Runs `scenario` on a fresh database from `backend`.
pub fn run_scenario(scenario: &Scenario, backend: &mut dyn Backend, options: &RunOptions) -> ScenarioResult {
    let started = Instant::now();
    let mut result = new_result(scenario, backend.describe(), backend.server_version().to_string());
    // A major of the scenario's own matrix is one it is written for.
    let in_matrix = scenario.matrix.iter().any(|m| m == crate::db::major_of(backend.server_version()));
    if let Some(f) =
        check::server_version(scenario.database.postgres.as_deref(), backend.server_version()).filter(|_| !in_matrix)
    {
        result.findings.push(f);
    }
    let progress = |stage: &str| {
        if options.progress {
            eprintln!("planproof: {}: {stage}", scenario.name);
        }
    };
    progress("creating a scratch database");
    match backend.create_database(&scenario.name) {
        Err(e) => result.error = Some(error_chain(&PipelineError::Database(e))),
        Ok(db) => {
            if let Err(e) = run_in(scenario, &db, &mut result, &progress) {
                result.error = Some(error_chain(&e));
            }
            result.settle();
            let keep = match options.keep {
                Keep::Always => true,
                Keep::OnFailure => result.outcome != Outcome::Passed,
                Keep::Never => false,
            };
            if keep {
                result.kept = Some(backend.keep(&db));
            } else if let Err(e) = backend.drop_database(&db) {
                result.findings.push(Finding::warning(
                    Check::Cleanup,
                    format!(
                        "could not drop scratch database `{}`: {}",
                        db.name,
                        error_chain(&PipelineError::Database(e))
                    ),
                    None,
                ));
            }
        }
    }
    result.settle();
    result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    result
}

/// The result of a scenario that did not run because no database could be had for it (a
/// version of a `--pg` matrix whose container would not start, say).
pub fn not_run(scenario: &Scenario, error: &dyn std::error::Error) -> ScenarioResult {
    let mut result = new_result(scenario, "none".into(), String::new());
    result.error = Some(error_chain(error));
    result.settle();
    result
}

fn new_result(scenario: &Scenario, backend: String, server_version: String) -> ScenarioResult {
    ScenarioResult {
        file: scenario.path.display().to_string(),
        description: scenario.description.clone(),
        seed: scenario.seed,
        backend,
        server_version,
        ..ScenarioResult::placeholder(&scenario.name)
    }
}

fn run_in(
    scenario: &Scenario,
    db: &ScratchDb,
    result: &mut ScenarioResult,
    progress: &dyn Fn(&str),
) -> Result<(), PipelineError> {
    let mut client = db.connect()?;
    // SQL files planproof runs, or the project's own tool; a tool that cannot start stops the
    // run here, before any work.
    let plan = migrate::MigrationPlan::resolve(&scenario.database)?;
    plan.check_tool()?;
    for file in &scenario.database.schema {
        progress(&format!("schema {}", file.display()));
        migrate::run_file(&mut client, file, TransactionMode::None).map_err(PipelineError::Schema)?;
    }
    plan.run_earlier(db, progress).map_err(|e| PipelineError::EarlierMigration { id: e.id, source: e.source })?;

    progress(&format!("seeding {} rows", scenario.tables.iter().map(|t| t.rows).sum::<u64>()));
    result.seeded = seed::seed_tables(&mut client, scenario)?;

    let applied = explain::pin_settings(&mut client, &scenario.explain.settings)?;
    result.settings = applied.into_iter().collect();
    let mut params: Vec<Vec<ParamValue>> = Vec::new();
    for q in &scenario.queries {
        let values = explain::sample_params(&mut client, q, scenario.seed)?;
        result.queries.push(QueryResult {
            name: q.name.clone(),
            sql: q.sql.clone(),
            params: values.clone(),
            captures: Vec::new(),
            client: Vec::new(),
            when: q
                .checks_for(server_major(&result.server_version))
                .1
                .into_iter()
                .map(|w| WhenApplied { postgres: w.versions.to_string(), why: w.why.clone() })
                .collect(),
        });
        params.push(values);
    }
    progress("capturing plans before the migration");
    capture_phase(scenario, &mut client, Phase::Before, &params, result, progress)?;

    // What the migration's text says about locking, judged against the seeded table sizes.
    let sizes = catalog::table_sizes(&mut client)
        .map_err(|source| PipelineError::Sql { what: "reading table sizes".into(), source })?;
    let indexes_before: Vec<String> = catalog::index_definitions(&mut client)
        .map_err(|source| PipelineError::Sql { what: "listing indexes".into(), source })?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let sql = match plan.up_sql(db) {
        Ok(sql) => sql,
        // A tool that cannot print its SQL costs the hazard inspection, not the run.
        Err(e) if plan.tool().is_some() => {
            result.findings.push(Finding::warning(
                Check::MigrationSql,
                format!(
                    "could not read the SQL of migration `{}` from its tool, so its locking was not inspected: {}",
                    plan.id(),
                    error_chain(&e)
                ),
                Some("make the tool's offline SQL output work (Alembic: `run_migrations_offline` in env.py)".into()),
            ));
            None
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(text) = &sql {
        let inspection = migrate::inspect(text);
        result.findings.extend(check::blocking_index(&inspection.index_builds, &sizes));
        result.findings.extend(check::lock_timeout(&inspection));
    }

    // The catalog the down step must restore.
    let before_up = match &scenario.migration.reversible {
        Some(_) => Some(catalog::snapshot(&mut client, plan.bookkeeping_tables()).map_err(|source| {
            PipelineError::Sql { what: "reading the catalog before the migration".into(), source }
        })?),
        None => None,
    };
    // The workload around the migration and the write series, when the scenario asks. Without
    // the migration's SQL (a tool that cannot print it) the writers need `[load] tables`.
    let inspection = sql.as_deref().map(migrate::inspect).unwrap_or_default();
    let mut load = Load::prepare(scenario, db, &mut client, &inspection, &params)?;
    if let Some(load) = &mut load {
        progress("measuring writes before the migration");
        load.before_migration()?;
    }

    progress(&format!("applying migration {}", plan.id()));
    let mode = plan.transaction();
    // On a connection (or in a process) of its own: the settings pinned for EXPLAIN must not
    // change how the migration runs or how long it takes, and nothing it SETs may leak into
    // the captures. Its session is named `planproof-migration`, which the lock monitor of the
    // workload knows it by.
    let outcome = match &mut load {
        Some(load) => {
            progress("running the workload around the migration");
            let outcome = load.around(|| plan.apply(db))?;
            result.load = Some(LoadReport { measured: load.result.clone(), budgets: Vec::new() });
            outcome
        }
        None => plan.apply(db),
    };
    let mut migration = MigrationResult {
        id: plan.id().to_string(),
        file: plan.file().unwrap_or(&scenario.database.migrations).display().to_string(),
        format: plan.format(),
        transaction: mode,
        duration_ms: None,
        max_duration_ms: scenario.migration.max_duration.map(millis),
        expect_error: scenario.migration.expect_error.clone(),
        failure: None,
        indexes_after: Vec::new(),
        down: None,
        tool: plan.tool().map(|t| ToolReport {
            command: t.up_command(),
            down_command: plan.down_command(),
            sql: sql.clone(),
            failure: None,
        }),
    };
    let (failure, tool_failure) = match outcome {
        Ok(run) => {
            migration.duration_ms = Some(millis(run.duration));
            if let Some(tool) = &run.tool {
                progress(&tool.output());
            }
            (None, None)
        }
        Err(MigrateError::Statement(failure)) => (Some(*failure), None),
        Err(MigrateError::Tool(failure)) => (None, Some(*failure)),
        Err(other) => return Err(other.into()),
    };
    migration.failure = failure.clone();
    if let Some(tool) = migration.tool.as_mut() {
        tool.failure = tool_failure.clone();
    }
    let expect_error = scenario.migration.expect_error.as_deref();
    let expectation = match &migration.tool {
        Some(_) => check::expected_tool_error(expect_error, tool_failure.as_ref(), plan.format()),
        None => check::expected_error(expect_error, failure.as_ref(), plan.format(), mode),
    };
    let error = failure
        .map(|f| MigrateError::Statement(Box::new(f)))
        .or_else(|| tool_failure.map(|f| MigrateError::Tool(Box::new(f))));
    // Failed as the scenario says it would: a finding, not an error. Any other failure means
    // planproof could not run the scenario (exit 2), whatever it expected.
    let failed_as_expected = error.is_some() && expectation.as_ref().is_some_and(|f| !f.is_violation());
    result.findings.extend(expectation);
    if let Some(source) = error {
        if !failed_as_expected {
            result.migration = Some(migration);
            return Err(PipelineError::UnderTest { id: plan.id().to_string(), source });
        }
    }
    if let (Some(limit), Some(ms)) = (scenario.migration.max_duration, migration.duration_ms) {
        result.findings.extend(check::migration_duration(limit, Duration::from_secs_f64(ms / 1000.0)));
    }
    // Recorded now, so that a step below that cannot run still leaves the migration's outcome
    // in the report; completed further down.
    result.migration = Some(migration.clone());
    if let Some(load) = &mut load {
        if !failed_as_expected {
            progress("measuring writes after the migration");
        }
        load.after_migration(!failed_as_expected)?;
        let (budgets, findings) = check::load(&scenario.migration.load, &load.result);
        result.findings.extend(findings);
        result.load = Some(LoadReport { measured: load.result.clone(), budgets });
    }
    client
        .batch_execute("VACUUM (ANALYZE)")
        .map_err(|source| PipelineError::Sql { what: "VACUUM (ANALYZE) after the migration".into(), source })?;
    let invalid = catalog::invalid_indexes(&mut client)
        .map_err(|source| PipelineError::Sql { what: "reading index validity".into(), source })?;
    result.findings.extend(check::valid_indexes(&invalid));
    migration.indexes_after = catalog::index_definitions(&mut client)
        .map_err(|source| PipelineError::Sql { what: "listing indexes".into(), source })?;
    let created: Vec<String> = migration
        .indexes_after
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| !indexes_before.contains(name))
        .collect();
    let shapes = catalog::index_shapes(&mut client)
        .map_err(|source| PipelineError::Sql { what: "reading index columns".into(), source })?;
    result.findings.extend(check::redundant_index(&created, &shapes));
    if !failed_as_expected {
        result.findings.extend(check::index_catalog(&scenario.indexes, &shapes));
    }
    result.migration = Some(migration);

    if failed_as_expected {
        // The migration under test did not apply: there is no "after" to capture. The finding
        // above carries what went wrong and how to fix it.
        return Ok(());
    }
    progress("capturing plans after the migration");
    capture_phase(scenario, &mut client, Phase::After, &params, result, progress)?;
    match (&scenario.migration.reversible, before_up) {
        (Some(reversibility), Some(before_up)) => {
            let step = Reversal {
                scenario,
                db,
                plan: &plan,
                down_file: reversibility.down.as_deref(),
                mode,
                before_up: &before_up,
            };
            step.run(&mut client, &params, result, progress)
        }
        _ => Ok(()),
    }
}

/// Which way a reversible migration runs.
#[derive(Clone, Copy)]
enum Step {
    Down,
    Up,
}

/// Runs a reversible migration down, checks what it restored, captures the plans again and
/// runs up once more.
struct Reversal<'a> {
    scenario: &'a Scenario,
    db: &'a ScratchDb,
    plan: &'a migrate::MigrationPlan,
    /// The scenario's `down` file; `None` runs the migration's own down step.
    down_file: Option<&'a std::path::Path>,
    mode: TransactionMode,
    before_up: &'a catalog::CatalogSnapshot,
}

impl Reversal<'_> {
    fn run(
        &self,
        client: &mut Client,
        params: &[Vec<ParamValue>],
        result: &mut ScenarioResult,
        progress: &dyn Fn(&str),
    ) -> Result<(), PipelineError> {
        let ignore = self.plan.bookkeeping_tables();
        let snapshot = |client: &mut Client, when: &str| {
            catalog::snapshot(client, ignore)
                .map_err(|source| PipelineError::Sql { what: format!("reading the catalog {when}"), source })
        };
        let after_up = snapshot(client, "after the migration")?;
        let reversibility = self.scenario.migration.reversible.as_ref();
        let shown = match (self.down_file, self.plan.down_command()) {
            (Some(file), _) => file.display().to_string(),
            (None, Some(command)) => command,
            (None, None) => self.plan.down_file().map(|f| f.display().to_string()).unwrap_or_default(),
        };
        let mut down = DownResult {
            file: shown.clone(),
            duration_ms: None,
            max_duration_ms: reversibility.and_then(|r| r.max_down_duration).map(millis),
            failure: None,
            reapply_ms: None,
            reapply_failure: None,
        };
        progress(&format!("running the migration down ({shown})"));
        match self.step(Step::Down)? {
            Err(failure) => {
                result.findings.push(Finding::violation(
                    Check::Reversible,
                    format!("the down step failed: {failure}"),
                    Some("a migration that cannot be rolled back leaves only a restore from backup".into()),
                ));
                down.failure = Some(failure);
                Self::record(result, down);
                return Ok(());
            }
            Ok(took) => {
                down.duration_ms = Some(millis(took));
                if let Some(limit) = reversibility.and_then(|r| r.max_down_duration) {
                    result.findings.extend(check::down_duration(limit, took));
                }
            }
        }
        client
            .batch_execute("VACUUM (ANALYZE)")
            .map_err(|source| PipelineError::Sql { what: "VACUUM (ANALYZE) after the down step".into(), source })?;
        let after_down = snapshot(client, "after the down step")?;
        let expected = reversibility.map(|r| r.expect_leftovers.as_slice()).unwrap_or_default();
        result.findings.extend(check::reversible(self.before_up, &after_down, expected));
        Self::record(result, down.clone());

        progress("capturing plans after the down step");
        capture_phase(self.scenario, client, Phase::Rollback, params, result, progress)?;
        for q in &mut result.queries {
            let shape = |phase: Phase| {
                q.captures.iter().find(|c| c.phase == phase && c.mode == PlanMode::Custom).map(|c| c.summary.clone())
            };
            if let (Some(before), Some(now)) = (shape(Phase::Before), shape(Phase::Rollback)) {
                if before != now {
                    let finding = Finding::warning(
                        Check::PlanAfterRollback,
                        format!("after the down step the plan is `{now}`; before the migration it was `{before}`"),
                        Some("whatever the down step leaves behind still steers this query; see the `reversible` findings".into()),
                    );
                    if let Some(c) =
                        q.captures.iter_mut().find(|c| c.phase == Phase::Rollback && c.mode == PlanMode::Custom)
                    {
                        c.findings.push(finding);
                    }
                }
            }
        }

        progress("running the migration up again");
        match self.step(Step::Up)? {
            Err(failure) => {
                result.findings.push(Finding::violation(
                    Check::Reapply,
                    format!("up failed after down: {failure}"),
                    Some("the down step should leave the database where up can run again".into()),
                ));
                down.reapply_failure = Some(failure);
            }
            Ok(took) => {
                down.reapply_ms = Some(millis(took));
                let after_reup = snapshot(client, "after up ran again")?;
                result.findings.extend(check::reapplied(&after_up, &after_reup));
            }
        }
        Self::record(result, down);
        Ok(())
    }

    /// Runs the migration under test down (the scenario's `down` file, else its own down step)
    /// or up again: its wall time, or why it failed (the refused statement, the tool's
    /// failure). `Err` only when it could not be run at all.
    fn step(&self, step: Step) -> Result<Result<Duration, String>, PipelineError> {
        let outcome = match (step, self.down_file) {
            (Step::Down, Some(file)) => {
                let mut connection = self.db.connect()?;
                migrate::run_file(&mut connection, file, self.mode).map(|run| run.duration)
            }
            (Step::Down, None) => self.plan.revert(self.db).map(|applied| applied.duration),
            (Step::Up, _) => self.plan.apply(self.db).map(|applied| applied.duration),
        };
        match outcome {
            Ok(took) => Ok(Ok(took)),
            Err(MigrateError::Statement(failure)) => Ok(Err(failure.to_string())),
            Err(MigrateError::Tool(failure)) => Ok(Err(failure.to_string())),
            Err(other) => Err(other.into()),
        }
    }

    fn record(result: &mut ScenarioResult, down: DownResult) {
        if let Some(m) = result.migration.as_mut() {
            m.down = Some(down);
        }
    }
}

fn capture_phase(
    scenario: &Scenario,
    client: &mut Client,
    phase: Phase,
    params: &[Vec<ParamValue>],
    result: &mut ScenarioResult,
    progress: &dyn Fn(&str),
) -> Result<(), PipelineError> {
    let tables: BTreeMap<String, TableSize> = catalog::table_sizes(client)
        .map_err(|source| PipelineError::Sql { what: "reading table sizes".into(), source })?;
    let indexes: Option<Vec<String>> = match phase {
        Phase::After => {
            result.migration.as_ref().map(|m| m.indexes_after.iter().map(|(name, _)| name.clone()).collect())
        }
        Phase::Before | Phase::Rollback => None,
    };
    let major = server_major(&result.server_version);
    for (i, q) in scenario.queries.iter().enumerate() {
        for mode in q.modes(phase, major) {
            let capture = explain_query(scenario, client, i, mode, params)?;
            result.queries[i].captures.push(CaptureResult {
                phase,
                mode,
                plan_tree: capture.explain.render_tree(),
                summary: check::scan_summary(&capture.explain),
                planning: Series::new(capture.planning_ms),
                execution: Series::new(capture.execution_ms),
                buffers: capture.explain.shared_blocks_touched(),
                rows_removed: capture.explain.rows_removed_by_filter(),
                rows_examined: capture.explain.rows_examined(),
                heap_fetches: capture.explain.heap_fetches(),
                unstable: capture.unstable,
                budgets: Vec::new(),
                findings: Vec::new(),
                explain: capture.explain,
            });
        }
    }
    if phase == Phase::Rollback {
        // Captured to compare plans with `Before`; nothing is timed or expected here.
        return Ok(());
    }
    let mut series = time_clients(scenario, client, params)?;
    // The last series is the `SELECT 1` floor, measured between the queries' runs.
    if let Some(floor) = series.pop() {
        result.round_trip_floor.push(ClientTiming { phase, series: floor });
    }
    for (i, series) in series.into_iter().enumerate() {
        result.queries[i].client.push(ClientTiming { phase, series });
    }
    for attempt in 0..=scenario.explain.max_repeats {
        evaluate_phase(scenario, phase, result, &tables, indexes.as_deref());
        let undecided: Vec<usize> = (0..scenario.queries.len())
            .filter(|&i| {
                result.queries[i]
                    .captures
                    .iter()
                    .any(|c| c.phase == phase && c.findings.iter().any(|f| f.severity == Severity::Inconclusive))
            })
            .collect();
        if undecided.is_empty() || attempt == scenario.explain.max_repeats {
            break;
        }
        // Too close to call: measure another series and judge on all samples together.
        progress(&format!(
            "a timing budget is too close to call; measuring again ({} of {})",
            attempt + 1,
            scenario.explain.max_repeats
        ));
        for (i, more) in time_clients(scenario, client, params)?.into_iter().enumerate().take(scenario.queries.len()) {
            if let Some(c) = result.queries[i].client.iter_mut().find(|c| c.phase == phase) {
                c.series.extend(&more.samples);
            }
        }
        for &i in &undecided {
            let modes: Vec<PlanMode> =
                result.queries[i].captures.iter().filter(|c| c.phase == phase).map(|c| c.mode).collect();
            for mode in modes {
                let again = explain_query(scenario, client, i, mode, params)?;
                if let Some(c) = result.queries[i].captures.iter_mut().find(|c| c.phase == phase && c.mode == mode) {
                    c.planning.extend(&again.planning_ms);
                    c.execution.extend(&again.execution_ms);
                    let shape = again.explain.render_tree();
                    if shape != c.plan_tree && !c.unstable.contains(&shape) {
                        if c.unstable.is_empty() {
                            c.unstable.push(c.plan_tree.clone());
                        }
                        c.unstable.push(shape);
                    }
                }
            }
        }
    }
    Ok(())
}

fn explain_query(
    scenario: &Scenario,
    client: &mut Client,
    i: usize,
    mode: PlanMode,
    params: &[Vec<ParamValue>],
) -> Result<explain::Capture, PipelineError> {
    let q = &scenario.queries[i];
    Ok(explain::capture(client, &q.name, &q.sql, &params[i], mode, scenario.explain.warmup, scenario.explain.runs)?)
}

/// One series of client round trips per query, then one of `SELECT 1`: the floor any query pays
/// on this connection (driver, network, a container's port mapping), to read the queries'
/// figures against. The statements take turns run by run, so that whatever else the machine
/// does at a given moment hits all of them alike.
fn time_clients(
    scenario: &Scenario,
    client: &mut Client,
    params: &[Vec<ParamValue>],
) -> Result<Vec<Series>, PipelineError> {
    client
        .batch_execute("RESET plan_cache_mode")
        .map_err(|source| PipelineError::Sql { what: "resetting plan_cache_mode".into(), source })?;
    let mut prepared = Vec::new();
    for (i, q) in scenario.queries.iter().enumerate() {
        prepared.push(explain::Prepared::new(client, &q.name, &q.sql, &params[i])?);
    }
    prepared.push(explain::Prepared::new(client, "round-trip-floor", "SELECT 1", &[])?);
    for p in &prepared {
        for _ in 0..scenario.explain.warmup {
            p.time_once(client)?;
        }
    }
    let mut samples = vec![Vec::with_capacity(scenario.explain.samples as usize); prepared.len()];
    for _ in 0..scenario.explain.samples {
        for (i, p) in prepared.iter().enumerate() {
            samples[i].push(p.time_once(client)?);
        }
    }
    Ok(samples.into_iter().map(Series::new).collect())
}

/// (Re)computes the findings and budget results of every capture of `phase`.
fn evaluate_phase(
    scenario: &Scenario,
    phase: Phase,
    result: &mut ScenarioResult,
    tables: &BTreeMap<String, TableSize>,
    indexes: Option<&[String]>,
) {
    let major = server_major(&result.server_version);
    for (i, q) in scenario.queries.iter().enumerate() {
        let (checks, _) = q.checks_for(major);
        let client_now = result.queries[i].client_series(phase).cloned();
        let client_before = result.queries[i].client_series(Phase::Before).cloned();
        let server_before = result.queries[i]
            .captures
            .iter()
            .find(|c| c.phase == Phase::Before && c.mode == PlanMode::Custom)
            .map(|c| c.execution.clone());
        for capture in result.queries[i].captures.iter_mut().filter(|c| c.phase == phase) {
            let mut findings = Vec::new();
            let mut budgets = Vec::new();
            for c in checks.iter().filter(|c| c.phase == phase && c.mode == capture.mode) {
                findings.extend(check::evaluate_plan(&capture.explain, &c.expect, tables));
                if let Some(indexes) = indexes {
                    findings.extend(check::index_exists(&c.expect, indexes));
                }
                findings.extend(c.budgets.max_heap_fetches.and_then(|max| check::heap_fetches(&capture.explain, max)));
                findings
                    .extend(c.budgets.max_rows_examined.and_then(|max| check::rows_examined(&capture.explain, max)));
                budgets.extend(check::latency(&c.budgets, client_now.as_ref(), &capture.execution, &capture.planning));
                let (label, before, now) = match c.budgets.measure {
                    Measure::Client => ("client", client_before.clone(), client_now.clone()),
                    Measure::Server => ("server", server_before.clone(), Some(capture.execution.clone())),
                };
                budgets.extend(check::speedup(
                    &c.budgets,
                    label,
                    &before.unwrap_or_default(),
                    &now.unwrap_or_default(),
                ));
            }
            findings.extend(check::budget_findings(&budgets));
            if !capture.unstable.is_empty() {
                findings.push(Finding::warning(
                    Check::StablePlan,
                    format!("the plan changed between measured runs ({} shapes)", capture.unstable.len()),
                    Some(
                        "statistics or caches moved during the runs; see `unstable` in results.json for each shape"
                            .into(),
                    ),
                ));
            }
            capture.findings = findings;
            capture.budgets = budgets;
        }
    }
}

/// The server's major version as a number, for `[[queries.when]]`.
fn server_major(server_version: &str) -> Option<u32> {
    crate::db::major_of(server_version).parse().ok()
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
