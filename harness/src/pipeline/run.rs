//! Runs one scenario through every stage: scratch database, schema, earlier migrations, seed,
//! "before" plans, the migration under test, "after" plans, checks. A stage that cannot run
//! stops the run but not the report: the result keeps what was done and says why it stopped.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use postgres::Client;

use super::error::PipelineError;
use super::result::*;
use crate::check::{self, Finding, TableSize};
use crate::db::{Backend, ScratchDb};
use crate::explain::{self, ParamValue};
use crate::migrate::{self, MigrateError};
use crate::scenario::{Phase, Scenario, TransactionMode};
use crate::seed;

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
    let mut result = ScenarioResult {
        name: scenario.name.clone(),
        file: scenario.path.display().to_string(),
        description: scenario.description.clone(),
        seed: scenario.seed,
        backend: backend.describe(),
        server_version: backend.server_version().to_string(),
        settings: BTreeMap::new(),
        outcome: Outcome::Error,
        error: None,
        seeded: Vec::new(),
        migration: None,
        queries: Vec::new(),
        findings: Vec::new(),
        kept: None,
        duration_ms: 0.0,
    };
    if let Some(f) = check::server_version(scenario.database.postgres.as_deref(), backend.server_version()) {
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
                    "cleanup",
                    format!("could not drop scratch database `{}`: {}", db.name, error_chain(&PipelineError::Database(e))),
                    None,
                ));
            }
        }
    }
    result.settle();
    result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    result
}

fn run_in(
    scenario: &Scenario,
    db: &ScratchDb,
    result: &mut ScenarioResult,
    progress: &dyn Fn(&str),
) -> Result<(), PipelineError> {
    let mut client = db.connect()?;
    for file in &scenario.database.schema {
        progress(&format!("schema {}", file.display()));
        migrate::run_file(&mut client, file, TransactionMode::None).map_err(PipelineError::Schema)?;
    }
    let all = migrate::discover(&scenario.database.migrations)?;
    let (earlier, under_test) =
        migrate::split_at_under_test(all, &scenario.database.under_test, &scenario.database.migrations)?;
    for m in &earlier {
        progress(&format!("earlier migration {}", m.id));
        let mode = migrate::transaction_mode(m, scenario.database.transaction);
        migrate::run_file(&mut client, &m.up, mode).map_err(|source| PipelineError::EarlierMigration {
            id: m.id.clone(),
            source,
        })?;
    }

    progress(&format!(
        "seeding {} rows",
        scenario.tables.iter().map(|t| t.rows).sum::<u64>()
    ));
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
        });
        params.push(values);
    }
    progress("capturing plans before the migration");
    capture_phase(scenario, &mut client, Phase::Before, &params, result)?;

    progress(&format!("applying migration {}", under_test.id));
    let mode = migrate::transaction_mode(&under_test, scenario.database.transaction);
    // On a connection of its own: the settings pinned for EXPLAIN must not change how the
    // migration runs or how long it takes, and nothing it SETs may leak into the captures.
    let mut migration_client = db.connect()?;
    let outcome = migrate::run_file(&mut migration_client, &under_test.up, mode);
    drop(migration_client);
    let mut migration = MigrationResult {
        id: under_test.id.clone(),
        file: under_test.up.display().to_string(),
        format: under_test.format,
        transaction: mode,
        duration_ms: None,
        max_duration_ms: scenario.migration.max_duration.map(millis),
        expect_error: scenario.migration.expect_error.clone(),
        failure: None,
        indexes_after: Vec::new(),
    };
    let failure = match outcome {
        Ok(run) => {
            migration.duration_ms = Some(millis(run.duration));
            None
        }
        Err(MigrateError::Statement(failure)) => Some(*failure),
        Err(other) => return Err(other.into()),
    };
    migration.failure = failure.clone();
    let expectation = check::expected_error(scenario.migration.expect_error.as_deref(), failure.as_ref(), under_test.format, mode);
    // Failed as the scenario says it would: a finding, not an error. Any other failure means
    // planproof could not run the scenario (exit 2), whatever it expected.
    let failed_as_expected = failure.is_some() && expectation.as_ref().is_some_and(|f| !f.is_violation());
    result.findings.extend(expectation);
    if let Some(failure) = &failure {
        if !failed_as_expected {
            result.migration = Some(migration);
            return Err(PipelineError::UnderTest {
                id: under_test.id.clone(),
                source: MigrateError::Statement(Box::new(failure.clone())),
            });
        }
    }
    if let (Some(limit), Some(ms)) = (scenario.migration.max_duration, migration.duration_ms) {
        result.findings.extend(check::migration_duration(limit, Duration::from_secs_f64(ms / 1000.0)));
    }
    client
        .batch_execute("VACUUM (ANALYZE)")
        .map_err(|source| PipelineError::Sql { what: "VACUUM (ANALYZE) after the migration".into(), source })?;
    let invalid = explain::invalid_indexes(&mut client)
        .map_err(|source| PipelineError::Sql { what: "reading index validity".into(), source })?;
    result.findings.extend(check::valid_indexes(&invalid));
    migration.indexes_after = explain::index_definitions(&mut client)
        .map_err(|source| PipelineError::Sql { what: "listing indexes".into(), source })?;
    result.migration = Some(migration);

    if failed_as_expected {
        // The migration under test did not apply: there is no "after" to capture. The finding
        // above carries what went wrong and how to fix it.
        return Ok(());
    }
    progress("capturing plans after the migration");
    capture_phase(scenario, &mut client, Phase::After, &params, result)
}

fn capture_phase(
    scenario: &Scenario,
    client: &mut Client,
    phase: Phase,
    params: &[Vec<ParamValue>],
    result: &mut ScenarioResult,
) -> Result<(), PipelineError> {
    let tables: BTreeMap<String, TableSize> = explain::table_sizes(client)
        .map_err(|source| PipelineError::Sql { what: "reading table sizes".into(), source })?;
    let indexes: Option<Vec<String>> = match phase {
        Phase::After => result
            .migration
            .as_ref()
            .map(|m| m.indexes_after.iter().map(|(name, _)| name.clone()).collect()),
        Phase::Before => None,
    };
    for (i, q) in scenario.queries.iter().enumerate() {
        for mode in q.modes(phase) {
            let capture = explain::capture(
                client,
                &q.name,
                &q.sql,
                &params[i],
                mode,
                scenario.explain.warmup,
                scenario.explain.runs,
            )?;
            let mut findings = Vec::new();
            for c in q.checks.iter().filter(|c| c.phase == phase && c.mode == mode) {
                findings.extend(check::evaluate_plan(&capture.explain, &c.expect, &tables));
                if let Some(indexes) = &indexes {
                    findings.extend(check::index_exists(&c.expect, indexes));
                }
            }
            if !capture.unstable.is_empty() {
                findings.push(Finding::warning(
                    "stable-plan",
                    format!("the plan changed between the {} measured runs ({} shapes)", capture.execution_ms.len(), capture.unstable.len()),
                    Some("statistics or caches moved during the runs; see `unstable` in results.json for each shape".into()),
                ));
            }
            result.queries[i].captures.push(CaptureResult {
                phase,
                mode,
                plan_tree: capture.explain.render_tree(),
                summary: check::scan_summary(&capture.explain),
                planning_ms: capture.planning_ms,
                execution_ms: capture.execution_ms,
                shared_blocks: capture.explain.shared_blocks_touched(),
                rows_removed_by_filter: capture.explain.rows_removed_by_filter(),
                unstable: capture.unstable,
                findings,
                explain: capture.explain,
            });
        }
    }
    Ok(())
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// An error and its causes on one line, `: `-separated.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}
