//! Capturing a phase: every query's plans (the custom plan, and the generic one when an
//! expectation asks for it) and the client round trips, judged, and measured again while a
//! timing budget is too close to call. After the down step only the plans are captured, to
//! compare with the ones before the migration.

use std::collections::BTreeMap;

use super::context::{sql, Run};
use super::error::PipelineError;
use crate::catalog::{self, TableSize};
use crate::check::{self, Severity};
use crate::explain;
use crate::result::{CaptureResult, ClientTiming};
use crate::scenario::{Phase, PlanMode};
use crate::stats::Series;

/// Captures `phase` with every query execution bounded by `[explain] statement-timeout`: a
/// query that never ends is cancelled by the server and reported with its bound.
pub(super) fn phase(run: &mut Run, phase: Phase) -> Result<(), PipelineError> {
    let limit = run.scenario.explain.statement_timeout;
    run.client
        .batch_execute(&format!("SET statement_timeout = {}", limit.as_millis()))
        .map_err(sql("setting statement_timeout"))?;
    let captured = bounded_phase(run, phase);
    let reset = run.client.batch_execute("SET statement_timeout = 0").map_err(sql("resetting statement_timeout"));
    match captured {
        Err(e) if cancelled(&e) => Err(PipelineError::Timeout {
            what: format!("a query of phase `{}`", phase.as_str()),
            bound: format!("`[explain] statement-timeout` ({})", humantime::format_duration(limit)),
            source: Box::new(e),
        }),
        Err(e) => Err(e),
        Ok(()) => reset,
    }
}

/// Whether the server cancelled a statement for its `statement_timeout`.
pub(super) fn cancelled(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(e);
    while let Some(s) = source {
        if let Some(pg) = s.downcast_ref::<postgres::Error>() {
            if pg.code() == Some(&postgres::error::SqlState::QUERY_CANCELED) {
                return true;
            }
        }
        source = s.source();
    }
    false
}

fn bounded_phase(run: &mut Run, phase: Phase) -> Result<(), PipelineError> {
    let tables: BTreeMap<String, TableSize> =
        catalog::table_sizes(&mut run.client).map_err(sql("reading table sizes"))?;
    let major = run.major();
    let scenario = run.scenario;
    for (i, q) in scenario.queries.iter().enumerate() {
        for mode in q.modes(phase, major) {
            let capture = explain_query(run, i, mode)?;
            run.result.queries[i].captures.push(CaptureResult {
                phase,
                mode,
                plan_tree: capture.explain.render_tree(),
                summary: check::scan_summary(&capture.explain),
                planning: Series::new(capture.planning_ms),
                execution: Series::new(capture.execution_ms),
                buffers: capture.explain.buffers(),
                rows_removed: capture.explain.rows_removed(),
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
    let (series, floor) = time_clients(run, phase)?;
    run.result.round_trip_floor.push(ClientTiming { phase, series: floor });
    for (i, series) in series {
        run.result.queries[i].client.push(ClientTiming { phase, series });
    }
    let max_repeats = run.scenario.explain.max_repeats;
    for attempt in 0..=max_repeats {
        super::evaluate::phase(run.scenario, phase, run.result, &tables);
        let undecided: Vec<usize> = (0..run.scenario.queries.len())
            .filter(|&i| {
                run.result.queries[i]
                    .captures
                    .iter()
                    .any(|c| c.phase == phase && c.findings.iter().any(|f| f.severity == Severity::Inconclusive))
            })
            .collect();
        if undecided.is_empty() || attempt == max_repeats {
            break;
        }
        // Too close to call: measure another series and judge on all samples together.
        run.progress
            .line(&format!("a timing budget is too close to call; measuring again ({} of {max_repeats})", attempt + 1));
        measure_again(run, phase, &undecided)?;
    }
    diagnose_unused_indexes(run, phase, &tables);
    Ok(())
}

/// For each expected index the plan does not use, the diagnosis (can't or won't, and why) as
/// the finding's hint, from a diagnostic-only re-plan. The verdict stands as judged; a
/// diagnosis that cannot be had leaves the hint as it was.
fn diagnose_unused_indexes(run: &mut Run, phase: Phase, tables: &BTreeMap<String, TableSize>) {
    let major = run.major();
    let c_collation = run.result.locale.as_ref().is_none_or(crate::db::LocaleFacts::is_c);
    let mut shapes: Option<Vec<catalog::IndexShape>> = None;
    let scenario = run.scenario;
    for (i, q) in scenario.queries.iter().enumerate() {
        let (checks, _) = q.checks_for(major);
        let of_phase: Vec<usize> = (0..run.result.queries[i].captures.len())
            .filter(|&c| run.result.queries[i].captures[c].phase == phase)
            .collect();
        for c in of_phase {
            let mode = run.result.queries[i].captures[c].mode;
            let expected: Vec<String> = checks
                .iter()
                .filter(|k| k.phase == phase && k.mode == mode)
                .flat_map(|k| k.expects.iter())
                .filter_map(|e| match e {
                    crate::scenario::Expect::Plan(p) => p.index_name().map(str::to_owned),
                    _ => None,
                })
                .collect();
            for index in expected {
                let named = format!("`{index}`");
                let unused = |f: &check::Finding| {
                    f.check == check::Check::IndexUsed
                        && f.severity == Severity::Violation
                        && f.message.contains(&named)
                };
                if !run.result.queries[i].captures[c].findings.iter().any(unused) {
                    continue;
                }
                if shapes.is_none() {
                    shapes = catalog::index_shapes(&mut run.client).ok();
                }
                let Ok(params) = run.params_of(i).map(<[_]>::to_vec) else { continue };
                let Ok(forced) = explain::plan_without_seq_scans(&mut run.client, &q.name, &q.sql, &params, mode)
                else {
                    continue;
                };
                let capture = &mut run.result.queries[i].captures[c];
                let shape = shapes.as_ref().and_then(|s| s.iter().find(|s| s.name == index));
                let text = check::diagnose(&check::Clues {
                    index: &index,
                    chosen: &capture.explain,
                    forced: &forced,
                    shape,
                    mode,
                    c_collation,
                    table_size: shape.and_then(|s| tables.get(&s.table)),
                });
                if let Some(f) = capture.findings.iter_mut().find(|f| unused(f)) {
                    f.hint = Some(text);
                }
            }
        }
    }
}

/// More client round trips for every query, and more EXPLAIN ANALYZE runs for the undecided
/// ones, added to what was measured; a plan shape that differs from the first is recorded.
fn measure_again(run: &mut Run, phase: Phase, undecided: &[usize]) -> Result<(), PipelineError> {
    for (i, more) in time_clients(run, phase)?.0 {
        if let Some(c) = run.result.queries[i].client.iter_mut().find(|c| c.phase == phase) {
            c.series.extend(&more.samples);
        }
    }
    for &i in undecided {
        let modes: Vec<PlanMode> =
            run.result.queries[i].captures.iter().filter(|c| c.phase == phase).map(|c| c.mode).collect();
        for mode in modes {
            let again = explain_query(run, i, mode)?;
            if let Some(c) = run.result.queries[i].captures.iter_mut().find(|c| c.phase == phase && c.mode == mode) {
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
    Ok(())
}

fn explain_query(run: &mut Run, i: usize, mode: PlanMode) -> Result<explain::Capture, PipelineError> {
    let params = run.params_of(i)?.to_vec();
    let (q, settings) = (&run.scenario.queries[i], &run.scenario.explain);
    Ok(explain::capture(&mut run.client, &q.name, &q.sql, &params, mode, settings.warmup, settings.runs)?)
}

/// One series of client round trips per query of `phase` (with its index), then one of
/// `SELECT 1`: the floor any query pays on this connection (driver, network, a container's port
/// mapping), to read the queries' figures against. The statements take turns run by run, so
/// that whatever else the machine does at a given moment hits all of them alike.
fn time_clients(run: &mut Run, phase: Phase) -> Result<(Vec<(usize, Series)>, Series), PipelineError> {
    run.execute("RESET plan_cache_mode", "resetting plan_cache_mode")?;
    let timed: Vec<usize> =
        (0..run.scenario.queries.len()).filter(|&i| run.scenario.queries[i].runs_in(phase)).collect();
    let mut bound = Vec::new();
    for &i in &timed {
        bound.push(run.params_of(i)?.to_vec());
    }
    let client = &mut run.client;
    let mut prepared = Vec::new();
    for (&i, params) in timed.iter().zip(&bound) {
        let q = &run.scenario.queries[i];
        prepared.push(explain::Prepared::new(client, &q.name, &q.sql, params)?);
    }
    prepared.push(explain::Prepared::new(client, "round-trip-floor", "SELECT 1", &[])?);
    let settings = &run.scenario.explain;
    for p in &prepared {
        for _ in 0..settings.warmup {
            p.time_once(client)?;
        }
    }
    let mut samples = vec![Vec::with_capacity(settings.samples as usize); prepared.len()];
    for _ in 0..settings.samples {
        for (i, p) in prepared.iter().enumerate() {
            samples[i].push(p.time_once(client)?);
        }
    }
    let mut series: Vec<Series> = samples.into_iter().map(Series::new).collect();
    let floor = series.pop().unwrap_or_else(|| Series::new(Vec::new()));
    Ok((timed.into_iter().zip(series).collect(), floor))
}
