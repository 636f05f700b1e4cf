//! Judging a captured phase: for each capture, the expectations that hold on this server's
//! major for its phase and plan mode, on the evidence of that capture (its plan and series, the
//! series before the migration a speedup divides, the table sizes, the indexes after the
//! migration), and whether its plan stayed the same across the measured runs.

use std::collections::BTreeMap;

use crate::catalog::TableSize;
use crate::check::{self, Capture, Evidence};
use crate::result::ScenarioResult;
use crate::scenario::{Phase, PlanMode, Scenario};

/// (Re)computes the findings and budget results of every capture of `phase`.
pub(super) fn phase(
    scenario: &Scenario,
    phase: Phase,
    result: &mut ScenarioResult,
    tables: &BTreeMap<String, TableSize>,
) {
    let major = super::context::server_major(&result.server_version);
    // After the migration, an index a pattern names must exist.
    let indexes: Option<Vec<String>> = match phase {
        Phase::After => {
            result.migration.as_ref().map(|m| m.indexes_after.iter().map(|(name, _)| name.clone()).collect())
        }
        Phase::Before | Phase::Rollback => None,
    };
    for (q, query) in scenario.queries.iter().zip(result.queries.iter_mut()) {
        let (checks, _) = q.checks_for(major);
        let client = query.client_series(phase).cloned();
        let client_before = query.client_series(Phase::Before).cloned();
        let server_before = query
            .captures
            .iter()
            .find(|c| c.phase == Phase::Before && c.mode == PlanMode::Custom)
            .map(|c| c.execution.clone());
        for capture in query.captures.iter_mut().filter(|c| c.phase == phase) {
            let evidence = Evidence::Capture(Capture {
                explain: &capture.explain,
                execution: &capture.execution,
                planning: &capture.planning,
                client: client.as_ref(),
                client_before: client_before.as_ref(),
                server_before: server_before.as_ref(),
                tables,
                indexes: indexes.as_deref(),
            });
            let tables: Vec<_> = checks.iter().filter(|c| c.phase == phase && c.mode == capture.mode).collect();
            let expects: Vec<_> = tables.iter().flat_map(|c| c.expects.iter().cloned()).collect();
            let mut judged = check::evaluate(&expects, &evidence);
            judged.findings.extend(check::stable_plan(&capture.unstable));
            // Annotations point at the phase table that asked, else at the query.
            let line = tables.first().map_or(q.at.line, |c| c.at.line);
            let file = scenario.path.display().to_string();
            capture.findings = judged.findings.into_iter().map(|f| f.or_at(&file, line)).collect();
            capture.budgets = judged.budgets;
        }
    }
}
