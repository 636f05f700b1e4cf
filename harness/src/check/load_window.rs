//! What undermines the load figures, as warnings: a workload that stopped (at `max-time` or
//! `max-operations`) before the migration ended measured only part of it, and operations that
//! failed during the migration (a unique index the generated rows violate, a lock timeout)
//! are not stalls but are worth knowing.

use super::finding::Finding;
use super::registry::Check;
use crate::load::WindowResult;

pub(crate) fn load_window(window: &WindowResult) -> Vec<Finding> {
    let mut findings = Vec::new();
    for w in window.workers.iter().filter(|w| !w.covered) {
        findings.push(Finding::warning(
            Check::LoadCoverage,
            format!(
                "{} stopped before the migration ended ({:?}): its figures cover part of the migration",
                w.name, w.stopped
            ),
            Some("raise `[load] max-time` or `max-operations`".into()),
        ));
    }
    for w in window.workers.iter().filter(|w| w.during.errors > 0) {
        findings.push(Finding::warning(
            Check::LoadErrors,
            format!(
                "{} of {}'s {} operations during the migration failed; the first: {}",
                w.during.errors,
                w.name,
                w.during.operations,
                w.first_error.as_deref().unwrap_or("(no message)")
            ),
            Some("failed operations are not counted as stalls; check that the generated rows satisfy the migration's constraints".into()),
        ));
    }
    findings
}
