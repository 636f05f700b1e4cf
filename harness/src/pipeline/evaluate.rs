//! Judging a captured phase: every expectation that holds on this server's major, for each
//! capture of the phase, with the series it needs (the client round trips, the "before"
//! medians a speedup divides).

use std::collections::BTreeMap;

use crate::catalog::TableSize;
use crate::check;
use crate::result::ScenarioResult;
use crate::scenario::{Measure, Phase, PlanMode, Scenario};

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
                if let Some(indexes) = &indexes {
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
            findings.extend(check::stable_plan(&capture.unstable));
            capture.findings = findings;
            capture.budgets = budgets;
        }
    }
}
