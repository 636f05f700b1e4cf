//! The migration under test: what its SQL says about locking (judged against the seeded table
//! sizes), the catalog before it (when it must be reversible), the workload around it (when the
//! scenario has `[load]`), applying it on a connection or in a process of its own, whether it
//! failed as the scenario expects, how long it took — its wall time, the server-side time of
//! its statements, a tool's start-up timed on its own, and a calibration query before and
//! after it that the one-shot figure is judged against — the WAL it wrote, and what the catalog
//! says after it.

use std::time::Duration;

use super::context::{millis, sql, Run};
use super::error::PipelineError;
use crate::catalog::{self, CatalogSnapshot};
use crate::check::{self, Check, Evidence, Migration, OneShot, WalWritten};
use crate::explain;
use crate::load::Load;
use crate::migrate::{self, MigrateError};
use crate::result::{LoadReport, MigrationResult, MigrationTiming, ToolReport};
use crate::stats::Series;
use crate::text::error_chain;

/// What the steps after the migration need to know of it.
pub(super) struct Applied {
    /// It failed, as `expect-error` says it would: there is no "after" to capture.
    pub failed_as_expected: bool,
    /// The catalog before up, which the down step must restore (reversible migrations only).
    pub before_up: Option<CatalogSnapshot>,
}

pub(super) fn under_test(run: &mut Run) -> Result<Applied, PipelineError> {
    let (scenario, db, progress) = (run.scenario, run.db, run.progress);
    let sizes = catalog::table_sizes(&mut run.client).map_err(sql("reading table sizes"))?;
    let indexes_before: Vec<String> = catalog::index_definitions(&mut run.client)
        .map_err(sql("listing indexes"))?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let migration_sql = match run.plan.up_sql(db) {
        Ok(text) => text,
        // A tool that cannot print its SQL costs the hazard inspection, not the run.
        Err(e) if run.plan.tool().is_some() => {
            run.result.findings.push(check::migration_sql(run.plan.id(), &error_chain(&e)));
            None
        }
        Err(e) => return Err(e.into()),
    };
    let inspection = migration_sql.as_deref().map(migrate::inspect).unwrap_or_default();
    if migration_sql.is_some() {
        // A SQL file's lines are its own; a tool's printed SQL has none in a file, so its
        // findings point at the migration's file.
        let file = run.plan.file().map(std::path::Path::to_path_buf);
        let by_tool = run.plan.tool().is_some();
        let place =
            |line: usize| file.as_deref().map(|file| check::SourceLine::new(file, if by_tool { 1 } else { line }));
        run.result.findings.extend(check::blocking_index(&inspection.index_builds, &sizes, place));
        run.result.findings.extend(check::lock_timeout(&inspection, place));
    }
    let before_up = match &scenario.migration.reversible {
        Some(_) => Some(
            catalog::snapshot(&mut run.client, run.plan.bookkeeping_tables())
                .map_err(sql("reading the catalog before the migration"))?,
        ),
        None => None,
    };
    // The workload around the migration and the write series, when the scenario asks. Without
    // the migration's SQL (a tool that cannot print it) the writers need `[load] tables`.
    let mut load = Load::prepare(scenario, db, &mut run.client, &inspection, &run.params, progress)?;
    if let Some(load) = &mut load {
        progress.line("measuring writes before the migration");
        load.before_migration()?;
    }

    // The tool's start-up on its own (a run with nothing to do), and the machine's slowness
    // right before the migration.
    let startup = match run.plan.startup_floor(db) {
        Ok(floor) => floor,
        Err(e) => return Err(PipelineError::UnderTest { id: run.plan.id().to_string(), source: e }),
    };
    let mut calibration = explain::calibrate(&mut run.client)?;

    progress.line(&format!("applying migration {}", run.plan.id()));
    let plan = &run.plan;
    let mode = plan.transaction();
    // On a connection (or in a process) of its own: the settings pinned for EXPLAIN must not
    // change how the migration runs or how long it takes, and nothing it SETs may leak into
    // the captures. Its session is named `planproof-migration`, which the lock monitor of the
    // workload knows it by.
    // The WAL it writes is read on planproof's own connection just before and just after it,
    // inside the workload's window (whose baseline writes are not the migration's).
    let client = &mut run.client;
    let mut wal = None;
    let mut apply = || {
        let start = catalog::wal_position(client);
        let outcome = plan.apply(db);
        wal = Some(start.and_then(|start| catalog::wal_since(client, &start)));
        outcome
    };
    let outcome = match &mut load {
        Some(load) => {
            progress.line("running the workload around the migration");
            let outcome = load.around(apply)?;
            run.result.load = Some(LoadReport { measured: load.result.clone(), budgets: Vec::new() });
            outcome
        }
        None => apply(),
    };
    // A migration that failed wrote no WAL worth judging, and its failure (a tool killed at the
    // time limit, whose connections ended too) is what the report must say, not this read's.
    let wal = if outcome.is_ok() { wal.transpose().map_err(sql("reading the WAL the migration wrote"))? } else { None };
    let mut migration = MigrationResult {
        id: plan.id().to_string(),
        file: plan.file().unwrap_or(&scenario.database.migrations).display().to_string(),
        format: plan.format(),
        transaction: mode,
        duration_ms: None,
        timing: MigrationTiming { startup_ms: startup.map(millis), ..MigrationTiming::default() },
        max_duration_ms: scenario.migration.max_duration().map(millis),
        expect_error: scenario.migration.expect_error.clone(),
        failure: None,
        indexes_after: Vec::new(),
        down: None,
        tool: plan.tool().map(|t| ToolReport {
            command: t.up_command(),
            down_command: plan.down_command(),
            sql: migration_sql.clone(),
            failure: None,
        }),
    };
    let (failure, tool_failure) = match outcome {
        Ok(applied) => {
            migration.duration_ms = Some(millis(applied.duration));
            migration.timing.server_ms = Some(millis(applied.server));
            migration.timing.statements = applied.statements;
            migration.timing.wal_bytes = wal;
            if let Some(tool) = &applied.tool {
                progress.line(&tool.output());
            }
            (None, None)
        }
        Err(MigrateError::Statement(failure)) => (Some(*failure), None),
        Err(MigrateError::Tool(failure)) => (None, Some(*failure)),
        Err(other) => return Err(other.into()),
    };
    migration.failure.clone_from(&failure);
    if let Some(tool) = migration.tool.as_mut() {
        tool.failure.clone_from(&tool_failure);
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
    run.result.findings.extend(expectation);
    if let Some(source) = error {
        if !failed_as_expected {
            run.result.migration = Some(migration);
            let failed = PipelineError::UnderTest { id: plan.id().to_string(), source };
            // Cancelled by its bound: say which, so the reader knows it did not fail on its own.
            let timed_out = matches!(&failed, PipelineError::UnderTest { source: MigrateError::Statement(f), .. }
                if f.code.as_deref() == Some(postgres::error::SqlState::QUERY_CANCELED.code()));
            if timed_out {
                return Err(PipelineError::Timeout {
                    what: format!("the migration under test `{}`", plan.id()),
                    bound: format!(
                        "`[migration] timeout` ({})",
                        humantime::format_duration(scenario.migration.timeout)
                    ),
                    source: Box::new(failed),
                });
            }
            return Err(failed);
        }
    }
    // Recorded now, so that a step below that cannot run still leaves the migration's outcome
    // in the report; completed further down.
    run.result.migration = Some(migration.clone());
    if let Some(load) = &mut load {
        if !failed_as_expected {
            progress.line("measuring writes after the migration");
        }
        load.after_migration(!failed_as_expected)?;
        run.result.findings.extend(load.result.window.as_ref().map(check::load_window).unwrap_or_default());
        run.result.load = Some(LoadReport { measured: load.result.clone(), budgets: Vec::new() });
    }
    calibration.extend(explain::calibrate(&mut run.client)?);
    migration.timing.calibration = Some(Series::new(calibration));
    run.execute("VACUUM (ANALYZE)", "VACUUM (ANALYZE) after the migration")?;
    let invalid = catalog::invalid_indexes(&mut run.client).map_err(sql("reading index validity"))?;
    run.result.findings.extend(check::valid_indexes(&invalid));
    migration.indexes_after = catalog::index_definitions(&mut run.client).map_err(sql("listing indexes"))?;
    let created: Vec<String> = migration
        .indexes_after
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| !indexes_before.contains(name))
        .collect();
    let shapes = catalog::index_shapes(&mut run.client).map_err(sql("reading index columns"))?;
    run.result.findings.extend(check::redundant_index(&created, &shapes));
    // The migration's own expectations: its duration and WAL, the load budgets, the
    // `[[indexes]]`.
    let evidence = Evidence::Migration(Migration {
        timing: one_shot(&migration, None),
        load: run.result.load.as_ref().map(|l| &l.measured),
        indexes: &shapes,
        wal: wal_written(&migration, run.result.load.as_ref(), None),
    });
    let judged = check::evaluate(&scenario.migration.expects, &evidence);
    run.result.findings.extend(judged.findings);
    let (durations, load_budgets): (Vec<_>, Vec<_>) =
        judged.budgets.into_iter().partition(|b| MIGRATION_BUDGETS.contains(&b.check));
    migration.timing.budgets = durations;
    if let Some(load) = run.result.load.as_mut() {
        load.budgets = load_budgets;
    }
    run.result.migration = Some(migration);
    Ok(Applied { failed_as_expected, before_up })
}

/// The migration's times as a duration budget judges them, with `again`, the server-side time
/// of a second run when there was one; `None` when it did not apply.
pub(super) fn one_shot(migration: &MigrationResult, again: Option<f64>) -> Option<OneShot> {
    let seconds = |ms: f64| Duration::from_secs_f64(ms / 1000.0);
    let wall = migration.duration_ms?;
    Some(OneShot {
        server: seconds(migration.timing.server_ms.unwrap_or(wall)),
        wall: seconds(wall),
        slowness: migration.timing.calibration.as_ref().map_or(1.0, check::slowness),
        again: again.map(seconds),
    })
}

/// The budgets of the migration itself, kept with its timing (the load budgets are the
/// workload's): judged again when up runs a second time.
pub(super) const MIGRATION_BUDGETS: [Check; 2] = [Check::MigrationDuration, Check::Wal];

/// The WAL the migration wrote as `max-wal` judges it, with `again`, the bytes of a second run
/// when there was one; `None` when it did not apply.
pub(super) fn wal_written(
    migration: &MigrationResult,
    load: Option<&LoadReport>,
    again: Option<u64>,
) -> Option<WalWritten> {
    let beside_load = load.is_some_and(|l| l.measured.window.is_some());
    migration.timing.wal_bytes.map(|bytes| WalWritten { bytes, again, beside_load })
}
