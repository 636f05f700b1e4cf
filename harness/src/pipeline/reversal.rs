//! A reversible migration, after its "after" plans: run down (the scenario's `down` file, else
//! the migration's own down step), compare the catalog with the one before up, capture the
//! plans again and compare them with the ones before the migration, then run up once more and
//! compare the catalog with the first up's. Up run again is a second sample of the
//! migration's duration and WAL: `max-duration` and `max-wal` are judged again on the better
//! of the two.

use std::time::Duration;

use super::context::{millis, sql, Run};
use super::error::PipelineError;
use super::migration::MIGRATION_BUDGETS;
use crate::catalog::{self, CatalogSnapshot};
use crate::check::{self, Check, Evidence, OneShot};
use crate::migrate::{self, MigrateError};
use crate::result::DownResult;
use crate::scenario::{Phase, PlanMode};

/// Which way a reversible migration runs.
#[derive(Clone, Copy)]
enum Step {
    Down,
    Up,
}

pub(super) fn reversal(run: &mut Run, before_up: &CatalogSnapshot) -> Result<(), PipelineError> {
    let Some(reversibility) = run.scenario.migration.reversible.as_ref() else { return Ok(()) };
    let after_up = snapshot(run, "reading the catalog after the migration")?;
    let shown = match (&reversibility.down, run.plan.down_command()) {
        (Some(file), _) => file.display().to_string(),
        (None, Some(command)) => command,
        (None, None) => run.plan.down_file().map(|f| f.display().to_string()).unwrap_or_default(),
    };
    let mut down = DownResult {
        file: shown.clone(),
        duration_ms: None,
        server_ms: None,
        max_duration_ms: run.scenario.migration.max_down_duration().map(millis),
        failure: None,
        reapply_ms: None,
        reapply_server_ms: None,
        reapply_wal_bytes: None,
        reapply_failure: None,
    };
    run.progress.line(&format!("running the migration down ({shown})"));
    match step(run, Step::Down)? {
        Err(failure) => {
            run.result.findings.push(check::down_failed(&failure));
            down.failure = Some(failure);
            record(run, down);
            return Ok(());
        }
        Ok((wall, server)) => {
            down.duration_ms = Some(millis(wall));
            down.server_ms = Some(millis(server));
            let slowness = run.result.migration.as_ref().and_then(|m| super::migration::one_shot(m, None));
            let shot = OneShot { server, wall, slowness: slowness.map_or(1.0, |s| s.slowness), again: None };
            let judged = check::evaluate(&run.scenario.migration.expects, &Evidence::Down(shot));
            run.result.findings.extend(judged.findings);
            if let Some(m) = run.result.migration.as_mut() {
                m.timing.budgets.extend(judged.budgets);
            }
        }
    }
    run.execute("VACUUM (ANALYZE)", "VACUUM (ANALYZE) after the down step")?;
    let after_down = snapshot(run, "reading the catalog after the down step")?;
    run.result.findings.extend(check::reversible(before_up, &after_down, &reversibility.expect_leftovers));
    record(run, down.clone());

    run.progress.line("capturing plans after the down step");
    super::capture::phase(run, Phase::Rollback)?;
    for q in &mut run.result.queries {
        let summary = |phase: Phase| {
            q.captures.iter().find(|c| c.phase == phase && c.mode == PlanMode::Custom).map(|c| c.summary.clone())
        };
        if let (Some(before), Some(now)) = (summary(Phase::Before), summary(Phase::Rollback)) {
            let finding = check::plan_after_rollback(&before, &now);
            if let Some(c) = q.captures.iter_mut().find(|c| c.phase == Phase::Rollback && c.mode == PlanMode::Custom) {
                c.findings.extend(finding);
            }
        }
    }

    run.progress.line("running the migration up again");
    let wal_start = catalog::wal_position(&mut run.client).map_err(sql("reading the WAL position"))?;
    match step(run, Step::Up)? {
        Err(failure) => {
            run.result.findings.push(check::reapply_failed(&failure));
            down.reapply_failure = Some(failure);
        }
        Ok((wall, server)) => {
            let wal_again =
                catalog::wal_since(&mut run.client, &wal_start).map_err(sql("reading the WAL up wrote again"))?;
            down.reapply_ms = Some(millis(wall));
            down.reapply_server_ms = Some(millis(server));
            down.reapply_wal_bytes = Some(wal_again);
            let after_reup = snapshot(run, "reading the catalog after up ran again")?;
            run.result.findings.extend(check::reapplied(&after_up, &after_reup));
            rejudge(run, millis(server), wal_again);
        }
    }
    record(run, down);
    Ok(())
}

/// `max-duration` and `max-wal` judged again with up's second run as a second sample.
fn rejudge(run: &mut Run, again_ms: f64, wal_again: u64) {
    let load = run.result.load.as_ref();
    let Some(m) = run.result.migration.as_mut() else { return };
    let Some(shot) = super::migration::one_shot(m, Some(again_ms)) else { return };
    let wal = super::migration::wal_written(m, load, Some(wal_again));
    let judged = check::evaluate(
        &run.scenario.migration.expects,
        &Evidence::Migration(check::Migration { timing: Some(shot), load: None, indexes: &[], wal }),
    );
    let ours = |check: &Check| MIGRATION_BUDGETS.contains(check);
    let budgets: Vec<_> = judged.budgets.into_iter().filter(|b| ours(&b.check)).collect();
    if budgets.is_empty() {
        return;
    }
    m.timing.budgets.retain(|b| !ours(&b.check));
    m.timing.budgets.splice(0..0, budgets);
    run.result.findings.retain(|f| !ours(&f.check));
    run.result.findings.extend(judged.findings.into_iter().filter(|f| ours(&f.check)));
}

fn snapshot(run: &mut Run, what: &str) -> Result<CatalogSnapshot, PipelineError> {
    catalog::snapshot(&mut run.client, run.plan.bookkeeping_tables()).map_err(sql(what))
}

/// Runs the migration under test down or up again: its wall time and server-side time, or why
/// it failed (the refused statement, the tool's failure). `Err` only when it could not be run
/// at all.
fn step(run: &Run, step: Step) -> Result<Result<(Duration, Duration), String>, PipelineError> {
    let down_file = run.scenario.migration.reversible.as_ref().and_then(|r| r.down.as_deref());
    let outcome = match (step, down_file) {
        (Step::Down, Some(file)) => {
            let mut connection = run.db.connect()?;
            migrate::run_file(&mut connection, file, run.plan.transaction())
                .map(|ran| (ran.duration, migrate::server_total(&ran.times)))
        }
        (Step::Down, None) => run.plan.revert(run.db).map(|applied| (applied.duration, applied.server)),
        (Step::Up, _) => run.plan.apply(run.db).map(|applied| (applied.duration, applied.server)),
    };
    match outcome {
        Ok(took) => Ok(Ok(took)),
        Err(MigrateError::Statement(failure)) => Ok(Err(failure.to_string())),
        Err(MigrateError::Tool(failure)) => Ok(Err(failure.to_string())),
        Err(other) => Err(other.into()),
    }
}

fn record(run: &mut Run, down: DownResult) {
    if let Some(m) = run.result.migration.as_mut() {
        m.down = Some(down);
    }
}
