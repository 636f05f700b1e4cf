//! The terminal report: a header per scenario, one line per query per phase, the findings
//! under the line they belong to, and a summary.

use std::fmt::Write;

use super::Paint;
use crate::check::{ms, Severity, Verdict};
use crate::result::{mode_suffix, CaptureResult, Outcome, QueryResult, ScenarioResult};
use crate::scenario::{Phase, PlanMode};
use crate::text::pretty_bytes;

/// What the seed stage did after the COPY, when it built indexes or foreign keys then.
fn rebuild_line(t: &crate::seed::SeedTiming) -> Option<String> {
    let what = crate::seed::rebuilt_objects(t.indexes_rebuilt, t.foreign_keys_rebuilt)?;
    Some(format!("built {what} after the rows were in, in {:.0}ms; VACUUM (ANALYZE) {:.0}ms", t.index_ms, t.vacuum_ms))
}

/// The report of one scenario, as printed after it ran, without colour.
pub fn scenario_text(r: &ScenarioResult) -> String {
    terminal_text(r, Paint::Plain)
}

/// The report of one scenario, with the verdicts and severities styled or not, its text
/// printable (`report/printable.rs`).
pub fn terminal_text(r: &ScenarioResult, paint: Paint) -> String {
    let r = &super::printable::result(r);
    let mut out = String::new();
    let _ = writeln!(out, "{} {} ({}, seed {})", paint.outcome(r.outcome, badge(r.outcome)), r.name, r.backend, r.seed);
    for t in &r.seeded {
        let _ = writeln!(out, "    seeded {} rows into {} in {:.0}ms", t.rows, t.table, t.duration_ms);
    }
    if let Some(locale) = r.locale.as_ref().filter(|l| !l.is_c()) {
        let _ = writeln!(out, "    database locale: {}", locale.describe());
    }
    if let Some(line) = r.seed_timing.as_ref().and_then(rebuild_line) {
        let _ = writeln!(out, "    {line}");
    }
    if let Some(floor) = r.round_trip_floor.iter().find(|t| t.phase == Phase::Before).filter(|t| !t.series.is_empty()) {
        let _ = writeln!(
            out,
            "    client round trip of `SELECT 1` on this connection: {} (in every client figure below)",
            ms(floor.series.p50)
        );
    }
    for q in &r.queries {
        for w in &q.when {
            let _ = writeln!(out, "    {}: expectations for PostgreSQL {} ({})", q.name, w.postgres, w.why);
        }
    }
    for q in &r.queries {
        for c in q.captures.iter().filter(|c| c.phase == Phase::Before) {
            capture_line(&mut out, q, c, paint);
        }
    }
    if let Some(m) = &r.migration {
        match (m.failure_text(), m.duration_ms) {
            (Some(_), _) if m.expect_error.is_some() => {
                let _ = writeln!(out, "    migration {} failed, as the scenario expects (finding below)", m.id);
            }
            (Some(f), _) => {
                let _ = writeln!(out, "    migration {} failed: {f}", m.id);
                // What the tool printed is shown when it failed, and only then.
                if let Some(tail) = m.tool.as_ref().and_then(|t| t.failure.as_ref()).map(|f| &f.output_tail) {
                    for line in tail.lines() {
                        let _ = writeln!(out, "      | {line}");
                    }
                }
            }
            (None, Some(ms)) => {
                let budget = m.max_duration_ms.map(|b| format!(" (budget {b:.0}ms)")).unwrap_or_default();
                let server = m.timing.server_ms.map(|s| format!(", {s:.0}ms server-side")).unwrap_or_default();
                let startup = m.timing.startup_ms.map(|s| format!(", tool start-up {s:.0}ms")).unwrap_or_default();
                let wal = m.timing.wal_bytes.map(|b| format!(", {} of WAL", pretty_bytes(b))).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    migration {} applied{} in {ms:.0}ms{server}{startup}{budget}{wal}",
                    m.id,
                    m.by_tool()
                );
            }
            (None, None) => {}
        }
    }
    if let Some(l) = &r.load {
        super::load::load_text(&mut out, l);
    }
    for q in &r.queries {
        for c in q.captures.iter().filter(|c| c.phase == Phase::After) {
            capture_line(&mut out, q, c, paint);
        }
    }
    if let Some((m, d)) = r.migration.as_ref().and_then(|m| m.down.as_ref().map(|d| (m, d))) {
        match (&d.failure, d.duration_ms) {
            (Some(f), _) => {
                let _ = writeln!(out, "    migration {} down failed: {f}", m.id);
            }
            (None, Some(ms)) => {
                let budget = d.max_duration_ms.map(|b| format!(" (budget {b:.0}ms)")).unwrap_or_default();
                let _ = writeln!(out, "    migration {} run down in {ms:.0}ms{budget}", m.id);
            }
            (None, None) => {}
        }
        for q in &r.queries {
            for c in q.captures.iter().filter(|c| c.phase == Phase::Rollback) {
                capture_line(&mut out, q, c, paint);
            }
        }
        match (&d.reapply_failure, d.reapply_ms) {
            (Some(f), _) => {
                let _ = writeln!(out, "    migration {} failed when run up again: {f}", m.id);
            }
            (None, Some(ms)) => {
                let wal = d.reapply_wal_bytes.map(|b| format!(", {} of WAL", pretty_bytes(b))).unwrap_or_default();
                let _ = writeln!(out, "    migration {} run up again in {ms:.0}ms{wal}", m.id);
            }
            (None, None) => {}
        }
    }
    for f in &r.findings {
        let _ = writeln!(out, "    {} {}: {}", severity(f.severity, paint), f.check, f.message);
        if let Some(h) = &f.hint {
            let _ = writeln!(out, "         hint: {h}");
        }
    }
    if let Some(e) = &r.error {
        let _ = writeln!(out, "    error: {e}");
    }
    if let Some(k) = &r.kept {
        let _ = writeln!(out, "    {k}");
    }
    out
}

fn capture_line(out: &mut String, q: &QueryResult, c: &CaptureResult, paint: Paint) {
    let ok = !c.findings.iter().any(|f| matches!(f.severity, Severity::Violation | Severity::Inconclusive));
    let mut timing = String::new();
    if !c.execution.is_empty() {
        timing.push_str(&format!("  server {}", ms(c.execution.p50)));
    }
    if let Some(client) = q.client_series(c.phase).filter(|s| !s.is_empty() && c.mode == PlanMode::Custom) {
        timing.push_str(&format!("  client {}", ms(client.p50)));
    }
    let _ = writeln!(
        out,
        "    {} {} {}{}: {}{timing}",
        paint.verdict(Some(ok), if ok { "ok  " } else { "FAIL" }),
        q.name,
        c.phase.as_str(),
        mode_suffix(c.mode),
        c.summary
    );
    for b in &c.budgets {
        let (good, verdict) = match (b.verdict, b.gating) {
            (Verdict::Pass, _) => (Some(true), "ok"),
            (Verdict::Fail, true) => (Some(false), "FAIL"),
            (Verdict::Inconclusive, true) => (None, "UNSURE"),
            (Verdict::Inconclusive, false) => (Some(true), "within the noise"),
            (Verdict::Fail, false) => (None, "not borne out"),
        };
        let verdict = paint.verdict(good, verdict);
        let kind = if b.gating { "budget" } else { "claim" };
        let _ = writeln!(out, "         {kind} {}: measured {} — {verdict}", b.budget, b.measured);
    }
    for f in c.findings.iter().filter(|f| !c.budgets.iter().any(|b| b.check == f.check)) {
        let _ = writeln!(out, "         {} {}: {}", severity(f.severity, paint), f.check, f.message);
        if let Some(h) = &f.hint {
            let _ = writeln!(out, "           hint: {h}");
        }
    }
}

/// The closing summary of a run: `7 scenarios: 5 passed, 2 failed as expected, 0 failed, 0
/// could not run`; failed as expected and inconclusive are counted when there are any.
pub fn summary_text(results: &[ScenarioResult]) -> String {
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    let some = |o: Outcome| match count(o) {
        0 => String::new(),
        n => format!(", {n} {}", o.words()),
    };
    format!(
        "{} scenarios: {} passed{}, {} failed, {} could not run{}",
        results.len(),
        count(Outcome::Passed),
        some(Outcome::FailedAsExpected),
        count(Outcome::Failed),
        count(Outcome::Error),
        some(Outcome::Inconclusive)
    )
}

/// The verdict's label, the same in the terminal, the verdict table and report.html.
pub(super) fn badge(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "PASS",
        Outcome::FailedAsExpected => "XFAIL",
        Outcome::Inconclusive => "UNSURE",
        Outcome::Failed => "FAIL",
        Outcome::Error => "ERROR",
    }
}

fn severity(s: Severity, paint: Paint) -> String {
    let word = match s {
        Severity::Violation => "violation",
        Severity::Warning => "warning",
        Severity::Inconclusive => "inconclusive",
    };
    paint.severity(s, word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::SeedTiming;

    #[test]
    fn the_rebuild_after_seeding_is_one_line_and_absent_when_nothing_was_rebuilt() {
        let mut t = SeedTiming { index_ms: 812.4, vacuum_ms: 95.0, ..SeedTiming::default() };
        assert_eq!(rebuild_line(&t), None);
        t.indexes_rebuilt = 3;
        assert_eq!(
            rebuild_line(&t).as_deref(),
            Some("built 3 indexes after the rows were in, in 812ms; VACUUM (ANALYZE) 95ms")
        );
        t.indexes_rebuilt = 1;
        t.foreign_keys_rebuilt = 1;
        assert_eq!(
            rebuild_line(&t).as_deref(),
            Some("built 1 index and 1 foreign key after the rows were in, in 812ms; VACUUM (ANALYZE) 95ms")
        );
    }
}
