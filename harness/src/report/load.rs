//! The load figures in the terminal report and in `summary.md`, briefly: the workload's
//! shape, each worker's longest stall during the migration next to the calm before it, the
//! lock waits seen, the write series before and after, and each load budget's verdict.

use std::fmt::Write;

use crate::check::{ms, Verdict};
use crate::result::LoadReport;

/// Lock waits listed at most (the rest are in results.json).
const MAX_LOCK_LINES: usize = 5;

fn shape(l: &LoadReport) -> String {
    let m = &l.measured;
    let tables = if m.tables.is_empty() {
        String::new()
    } else {
        format!(" on {}", m.tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))
    };
    format!("{} writer(s), {} reader(s) at {}/s each{tables}", m.writers, m.readers, m.rate)
}

/// ` (+12%)`: the change from `before` to `after`.
fn change(before: f64, after: f64) -> String {
    if before > 0.0 {
        format!(" ({:+.0}%)", (after / before - 1.0) * 100.0)
    } else {
        String::new()
    }
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "ok",
        Verdict::Fail => "FAIL",
        Verdict::Inconclusive => "UNSURE",
    }
}

/// Lines under the migration line of the terminal report.
pub(super) fn load_text(out: &mut String, l: &LoadReport) {
    let m = &l.measured;
    let _ = writeln!(out, "    load: {}", shape(l));
    if let Some(w) = &m.window {
        for worker in &w.workers {
            let _ = writeln!(
                out,
                "      {}: longest stall {:.0}ms during the migration ({:.0}ms in the {:.0}ms before), longest op {:.0}ms, p99 {}, {} ops{}",
                worker.name,
                worker.during.stall_ms,
                worker.baseline.stall_ms,
                w.baseline_ms,
                worker.during.longest_ms,
                ms(worker.during.p99_ms),
                worker.during.operations,
                if worker.during.errors > 0 { format!(", {} failed", worker.during.errors) } else { String::new() }
            );
        }
        for lock in w.locks.iter().take(MAX_LOCK_LINES) {
            let _ = writeln!(
                out,
                "      lock: {} waited for {} on `{}`, held by {} ({}), seen {:.0}–{:.0}ms",
                lock.waiter, lock.wanted, lock.relation, lock.blocker, lock.held, lock.first_ms, lock.last_ms
            );
        }
    }
    for s in &m.write_series {
        let after =
            s.after.as_ref().map(|a| format!(" → {}{}", ms(a.p50), change(s.before.p50, a.p50))).unwrap_or_default();
        let _ = writeln!(
            out,
            "      {} into `{}`: p50 {}{after} ({} writes each)",
            s.kind.as_str(),
            s.table,
            ms(s.before.p50),
            s.before.samples.len()
        );
        if let Some(c) = &s.control {
            let after = c
                .after
                .as_ref()
                .map(|a| format!(" → {}{}", ms(a.p50), change(c.before.p50, a.p50)))
                .unwrap_or_default();
            let _ = writeln!(out, "        control `{}` (untouched twin): p50 {}{after}", c.table, ms(c.before.p50));
        }
    }
    for b in &l.budgets {
        let _ = writeln!(out, "      budget {}: measured {} — {}", b.budget, b.measured, verdict(b.verdict));
    }
    for note in &m.notes {
        let _ = writeln!(out, "      note: {note}");
    }
}

/// A `### Load` section of `summary.md`.
pub(super) fn load_markdown(out: &mut String, l: &LoadReport) {
    let m = &l.measured;
    let _ = writeln!(out, "\n### Load\n\n{}\n", shape(l));
    if let Some(w) = &m.window {
        let _ = writeln!(out, "| worker | stall during migration | stall before | longest op | p99 | ops | failed |");
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        for worker in &w.workers {
            let _ = writeln!(
                out,
                "| {} | {:.0} ms | {:.0} ms | {:.0} ms | {} | {} | {} |",
                worker.name,
                worker.during.stall_ms,
                worker.baseline.stall_ms,
                worker.during.longest_ms,
                ms(worker.during.p99_ms),
                worker.during.operations,
                worker.during.errors
            );
        }
        let _ = writeln!(out, "\nMigration {:.0} ms under load (baseline {:.0} ms).", w.migration_ms, w.baseline_ms);
        for lock in w.locks.iter().take(MAX_LOCK_LINES) {
            let _ = writeln!(
                out,
                "- {} waited for `{}` on `{}`, held by {} (`{}`)",
                lock.waiter, lock.wanted, lock.relation, lock.blocker, lock.held
            );
        }
    }
    if !m.write_series.is_empty() {
        let _ = writeln!(out, "\n| write | p50 before | p50 after |\n|---|---|---|");
        for s in &m.write_series {
            let after =
                s.after.as_ref().map(|a| format!("{}{}", ms(a.p50), change(s.before.p50, a.p50))).unwrap_or_default();
            let _ = writeln!(out, "| {} into `{}` | {} | {after} |", s.kind.as_str(), s.table, ms(s.before.p50));
        }
    }
    for b in &l.budgets {
        let icon = match b.verdict {
            Verdict::Pass => "✅",
            Verdict::Fail => "❌",
            Verdict::Inconclusive => "❔",
        };
        let _ = writeln!(out, "- {icon} {}: measured {}", b.budget, b.measured);
    }
    for note in &m.notes {
        let _ = writeln!(out, "- _{note}_");
    }
}
