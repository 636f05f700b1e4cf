//! The load budgets of a scenario judged on what the load stage measured: `max-write-stall`
//! and `max-read-stall` on the migration window (`stall`), `max-write-slowdown` on each write
//! series (`write_slowdown`), plus the warnings about the window itself (`load_window`).

use super::budget::{budget_findings, BudgetResult};
use super::finding::Finding;
use super::load_window::load_window;
use super::stall::stall;
use super::write_slowdown::write_slowdown;
use crate::load::LoadResult;
use crate::scenario::LoadBudgets;

/// Every load budget's result, and the findings made of them and of the window.
pub fn load(budgets: &LoadBudgets, measured: &LoadResult) -> (Vec<BudgetResult>, Vec<Finding>) {
    let mut results = Vec::new();
    let mut findings = Vec::new();
    if let Some(window) = &measured.window {
        for (budget, kind) in [(budgets.max_write_stall, "writer"), (budgets.max_read_stall, "reader")] {
            if let Some(budget) = budget {
                results.extend(stall(budget, kind, window));
            }
        }
        findings.extend(load_window(window));
    }
    if let Some(budget) = budgets.max_write_slowdown {
        for s in &measured.write_series {
            results.extend(write_slowdown(budget, &s.table, s.kind.as_str(), &s.before, s.after.as_ref()));
        }
    }
    findings.extend(budget_findings(&results));
    (results, findings)
}
