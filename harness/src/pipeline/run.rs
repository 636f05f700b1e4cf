//! Runs one scenario through every step, in this order (`steps` below is the whole sequence):
//! a scratch database; `prepare` (schema, earlier migrations, seed, settings, parameters);
//! `capture` the plans before; `migration`, the migration under test (with a workload around
//! it when the scenario has `[load]`); `capture` the plans after; `reversal`, when the
//! migration must be reversible. A step that cannot run stops the run but not the report: the
//! result keeps what was done and says why it stopped.

use std::time::Instant;

use super::deadline::{TimeLimit, Watchdog};
use super::error::PipelineError;
use crate::check;
use crate::db::{Backend, ScratchDb};
use crate::progress::Progress;
use crate::result::ScenarioResult;
use crate::scenario::{Phase, Scenario};
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
    /// Where each stage says it starts and long work how far it got (stderr's lines or bars;
    /// nothing by default).
    pub progress: Progress,
    /// Read every seeded table back and checksum it on the server as well (`--verify-seed`).
    pub verify_seed: bool,
    /// `--time-limit`: a scenario whose own `time-limit` is longer is stopped at this one.
    pub time_limit: Option<std::time::Duration>,
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
    let progress = options.progress.scoped(&scenario.name);
    progress.line("creating a scratch database");
    let major = super::context::server_major(backend.server_version());
    if scenario.database.locale.provider.as_deref() == Some("icu") && major.is_some_and(|m| m < 15) {
        // Before 15, CREATE DATABASE has no LOCALE_PROVIDER ("option not recognized").
        result.error = Some(format!(
            "{}: `[database] locale-provider = \"icu\"` needs PostgreSQL 15 or later (this server is {}; expected PostgreSQL 15+ in `--pg` or `[matrix]`, or a libc `locale`)",
            scenario.path.display(),
            backend.server_version()
        ));
        result.settle();
        result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        return result;
    }
    match backend.create_database_with(&scenario.name, &scenario.database.locale) {
        Err(e) => result.error = Some(error_chain(&PipelineError::Database(e))),
        Ok(db) => {
            let limit = TimeLimit::of(scenario.time_limit, options.time_limit);
            let deadline = started + limit.limit;
            let watchdog = Watchdog::start(&db.config, deadline);
            let stopped = steps(scenario, &db, &mut result, options, deadline, &progress).err();
            let error = match (watchdog.finish(), stopped) {
                (Some(expired), source) => Some(PipelineError::TimeLimit {
                    bound: limit.bound(),
                    statements: expired.statements,
                    source: source.map(Box::new),
                }),
                (None, stopped) => stopped,
            };
            if let Some(e) = error {
                result.error = Some(error_chain(&e));
            }
            result.settle();
            let keep = match options.keep {
                Keep::Always => true,
                Keep::OnFailure => !result.outcome.is_success(),
                Keep::Never => false,
            };
            if keep {
                result.kept = Some(backend.keep(&db));
            } else if let Err(e) = backend.drop_database(&db) {
                result.findings.push(check::cleanup(&db.name, &error_chain(&PipelineError::Database(e))));
            }
        }
    }
    result.settle();
    place_findings(scenario, &mut result);
    result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    result
}

/// The result of a scenario that did not run because no database could be had for it (a
/// version of a `--pg` matrix whose container would not start, say).
pub(crate) fn not_run(scenario: &Scenario, error: &dyn std::error::Error) -> ScenarioResult {
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

/// The whole run, step by step.
fn steps(
    scenario: &Scenario,
    db: &ScratchDb,
    result: &mut ScenarioResult,
    options: &RunOptions,
    deadline: Instant,
    progress: &Progress,
) -> Result<(), PipelineError> {
    let mut run = super::prepare::prepare(scenario, db, result, options.verify_seed, deadline, progress)?;
    progress.line("capturing plans before the migration");
    super::capture::phase(&mut run, Phase::Before)?;
    let applied = super::migration::under_test(&mut run)?;
    if applied.failed_as_expected {
        // The migration under test did not apply: there is no "after" to capture. Its finding
        // carries what went wrong and how to fix it.
        return Ok(());
    }
    progress.line("capturing plans after the migration");
    super::capture::phase(&mut run, Phase::After)?;
    match &applied.before_up {
        Some(before_up) => super::reversal::reversal(&mut run, before_up),
        None => Ok(()),
    }
}

/// Findings about the scenario as a whole that no step placed point at its file: those about
/// the run (server version, clean-up) at its first line, the others at `under-test`, the
/// migration they are about.
fn place_findings(scenario: &Scenario, result: &mut ScenarioResult) {
    for finding in result.findings.iter_mut().filter(|f| f.at.is_none()) {
        let line = match finding.check {
            check::Check::ServerVersion | check::Check::Cleanup => 1,
            _ => scenario.database.under_test_at.line,
        };
        finding.at = Some(check::SourceLine::new(&scenario.path, line));
    }
}
