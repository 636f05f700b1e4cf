//! The terminal report: a header per scenario, one line per query per phase, the findings
//! under the line they belong to, and a summary.

use std::fmt::Write;

use crate::check::Severity;
use crate::pipeline::{mode_suffix, Outcome, ScenarioResult};

/// The report of one scenario, as printed after it ran.
pub fn scenario_text(r: &ScenarioResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {} ({}, seed {})", badge(r.outcome), r.name, r.backend, r.seed);
    for t in &r.seeded {
        let _ = writeln!(out, "    seeded {} rows into {} in {:.0}ms", t.rows, t.table, t.duration_ms);
    }
    for q in &r.queries {
        for c in q.captures.iter().filter(|c| c.phase == crate::scenario::Phase::Before) {
            capture_line(&mut out, &q.name, c);
        }
    }
    if let Some(m) = &r.migration {
        match (&m.failure, m.duration_ms) {
            (Some(_), _) if m.expect_error.is_some() => {
                let _ = writeln!(out, "    migration {} failed, as the scenario expects (finding below)", m.id);
            }
            (Some(f), _) => {
                let _ = writeln!(out, "    migration {} failed: {f}", m.id);
            }
            (None, Some(ms)) => {
                let budget = m.max_duration_ms.map(|b| format!(" (budget {b:.0}ms)")).unwrap_or_default();
                let _ = writeln!(out, "    migration {} applied in {ms:.0}ms{budget}", m.id);
            }
            (None, None) => {}
        }
    }
    for q in &r.queries {
        for c in q.captures.iter().filter(|c| c.phase == crate::scenario::Phase::After) {
            capture_line(&mut out, &q.name, c);
        }
    }
    for f in &r.findings {
        let _ = writeln!(out, "    {} {}: {}", severity(f.severity), f.check, f.message);
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

fn capture_line(out: &mut String, query: &str, c: &crate::pipeline::CaptureResult) {
    let ok = !c.findings.iter().any(|f| f.severity == Severity::Violation);
    let median = median(&c.execution_ms).map(|m| format!("  {m:.3}ms")).unwrap_or_default();
    let _ = writeln!(
        out,
        "    {} {query} {}{}: {}{median}",
        if ok { "ok  " } else { "FAIL" },
        c.phase.as_str(),
        mode_suffix(c.mode),
        c.summary
    );
    for f in &c.findings {
        let _ = writeln!(out, "         {} {}: {}", severity(f.severity), f.check, f.message);
        if let Some(h) = &f.hint {
            let _ = writeln!(out, "           hint: {h}");
        }
    }
}

/// The closing summary of a run.
pub fn summary_text(results: &[ScenarioResult]) -> String {
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    format!(
        "{} scenarios: {} passed, {} failed, {} could not run",
        results.len(),
        count(Outcome::Passed),
        count(Outcome::Failed),
        count(Outcome::Error)
    )
}

fn badge(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "PASS",
        Outcome::Failed => "FAIL",
        Outcome::Error => "ERROR",
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Violation => "violation",
        Severity::Warning => "warning",
    }
}

/// The median of a series, if it has any values.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 0 { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] })
}
