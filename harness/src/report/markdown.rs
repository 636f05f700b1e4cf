//! `summary.md`: the Markdown report for a pull-request comment or a CI step summary — a table
//! of every query's verdict before and after, then each scenario's findings and plans.

use std::fmt::Write;

use crate::check::{ms, Severity, Verdict};
use crate::result::{mode_suffix, Outcome, ScenarioResult};
use crate::scenario::{Phase, PlanMode};

pub(crate) fn summary_markdown(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# planproof report\n");
    let _ = writeln!(out, "{}\n", super::terminal::summary_text(results));
    let _ = writeln!(
        out,
        "| scenario | query | phase | plan | server p50 | client p50 | speedup server / client | buffers | rows examined | verdict |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
    for r in results {
        if r.queries.iter().all(|q| q.captures.is_empty()) {
            let _ = writeln!(out, "| {} | | | | | | | | | {} |", r.name, icon(r.outcome));
        }
        for q in &r.queries {
            for c in &q.captures {
                let verdict = if c.findings.iter().any(|f| f.severity == Severity::Violation) {
                    "❌"
                } else if c.findings.iter().any(|f| f.severity == Severity::Inconclusive) {
                    "❔"
                } else {
                    "✅"
                };
                let client = q
                    .client_series(c.phase)
                    .filter(|s| !s.is_empty() && c.mode == PlanMode::Custom)
                    .map(|s| ms(s.p50))
                    .unwrap_or_default();
                // Before median over after median, same run: of the server's Execution Time (as
                // the terminal's speedup budgets of the reference scenarios) and of the client
                // round trips.
                let ratio = |before: f64, after: f64| (after > 0.0).then(|| format!("{:.1}x", before / after));
                let server_before =
                    q.captures.iter().find(|b| b.phase == Phase::Before && b.mode == c.mode && !b.execution.is_empty());
                let speedup = match c.phase {
                    Phase::After => {
                        let server =
                            server_before.and_then(|b| ratio(b.execution.p50, c.execution.p50)).unwrap_or_default();
                        let client = match (q.client_series(Phase::Before), q.client_series(c.phase)) {
                            (Some(before), Some(after)) if c.mode == PlanMode::Custom => {
                                ratio(before.p50, after.p50).unwrap_or_default()
                            }
                            _ => String::new(),
                        };
                        match (server.is_empty(), client.is_empty()) {
                            (true, true) => String::new(),
                            (_, true) => server,
                            _ => format!("{server} / {client}"),
                        }
                    }
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {}{} | {} | {} | {client} | {speedup} | {} | {} | {verdict} |",
                    r.name,
                    q.name,
                    c.phase.as_str(),
                    mode_suffix(c.mode),
                    cell(&c.summary),
                    if c.execution.is_empty() { String::new() } else { ms(c.execution.p50) },
                    c.buffers.map(|b| format!("{b:.0}")).unwrap_or_default(),
                    c.rows_examined.round(),
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n*server*: EXPLAIN ANALYZE's Execution Time, the server's own work (timed node by node, \
         which adds its own cost); *client*: the real query's round trip without EXPLAIN, on \
         planproof's connection, so it includes the protocol and the path to the server (the \
         `SELECT 1` floor below) and can be lower than the server figure for a query whose nodes \
         are many and cheap. Speedups are before over after, medians of the same run."
    );
    for r in results {
        let _ = writeln!(out, "\n## {} {}\n", icon(r.outcome), r.name);
        if !r.description.is_empty() {
            let _ = writeln!(out, "{}\n", r.description);
        }
        let _ = writeln!(out, "- backend: {}\n- seed: {}", r.backend, r.seed);
        if let Some(floor) =
            r.round_trip_floor.iter().find(|t| t.phase == Phase::Before).filter(|t| !t.series.is_empty())
        {
            let _ =
                writeln!(out, "- client round trip of `SELECT 1`: {} (in every client figure)", ms(floor.series.p50));
        }
        for q in &r.queries {
            for w in &q.when {
                let _ = writeln!(out, "- `{}`: expectations for PostgreSQL {} — {}", q.name, w.postgres, cell(&w.why));
            }
        }
        for t in &r.seeded {
            let _ = writeln!(out, "- seeded `{}`: {} rows (checksum `{}`)", t.table, t.rows, t.checksum);
        }
        if let Some(m) = &r.migration {
            match (m.failure_text(), m.duration_ms) {
                (Some(f), _) if m.failed_as_expected() => {
                    let _ = writeln!(out, "- migration `{}` failed, as the scenario expects: {}", m.id, cell(&f));
                }
                (Some(f), _) => {
                    let _ = writeln!(out, "- migration `{}` failed: {}", m.id, cell(&f));
                }
                (None, Some(ms)) => {
                    let _ = writeln!(out, "- migration `{}` applied{} in {ms:.0} ms", m.id, m.by_tool());
                }
                _ => {}
            }
        }
        if let Some(d) = r.migration.as_ref().and_then(|m| m.down.as_ref()) {
            match (&d.failure, d.duration_ms) {
                (Some(f), _) => {
                    let _ = writeln!(out, "- down step `{}` failed: {}", d.file, cell(&f.clone()));
                }
                (None, Some(ms)) => {
                    let again = match (&d.reapply_failure, d.reapply_ms) {
                        (Some(f), _) => format!("; up again failed: {}", cell(&f.clone())),
                        (None, Some(ms)) => format!("; up again in {ms:.0} ms"),
                        (None, None) => String::new(),
                    };
                    let _ = writeln!(out, "- down step `{}` run in {ms:.0} ms{again}", d.file);
                }
                _ => {}
            }
        }
        if let Some(e) = &r.error {
            let _ = writeln!(out, "- **could not run**: {}", cell(e));
        }
        let budgets: Vec<_> = r
            .queries
            .iter()
            .flat_map(|q| q.captures.iter().flat_map(move |c| c.budgets.iter().map(move |b| (q, c, b))))
            .collect();
        if !budgets.is_empty() {
            let _ = writeln!(out, "\n### Budgets and claims\n");
            let _ = writeln!(out, "| query | phase | budget | measured | verdict |");
            let _ = writeln!(out, "|---|---|---|---|---|");
            for (q, c, b) in budgets {
                let verdict = match (b.verdict, b.gating) {
                    (Verdict::Pass, _) => "✅",
                    (Verdict::Fail, true) => "❌",
                    (Verdict::Inconclusive, true) => "❔ inconclusive",
                    (Verdict::Inconclusive, false) => "≈ within the noise",
                    (Verdict::Fail, false) => "⚠️ claim not borne out",
                };
                let kind = if b.gating { "" } else { "claim: " };
                let _ = writeln!(
                    out,
                    "| {} | {}{} | {kind}{} | {} | {verdict} |",
                    q.name,
                    c.phase.as_str(),
                    mode_suffix(c.mode),
                    cell(&b.budget),
                    cell(&b.measured)
                );
            }
        }
        if let Some(l) = &r.load {
            super::load::load_markdown(&mut out, l);
        }
        let findings = r.all_findings();
        if !findings.is_empty() {
            let _ = writeln!(out, "\n### Findings\n");
            for (place, f) in findings {
                let kind = match f.severity {
                    Severity::Violation => "❌",
                    Severity::Inconclusive => "❔",
                    Severity::Warning => "⚠️",
                };
                let _ = write!(out, "- {kind} **{place}** `{}`: {}", f.check, f.message);
                match &f.hint {
                    Some(h) => {
                        let _ = writeln!(out, " — _{h}_");
                    }
                    None => out.push('\n'),
                }
            }
        }
        for q in &r.queries {
            for c in &q.captures {
                let _ = writeln!(
                    out,
                    "\n<details><summary>{} — {}{}</summary>\n\n```\n{}```\n</details>",
                    q.name,
                    c.phase.as_str(),
                    mode_suffix(c.mode),
                    c.plan_tree
                );
            }
        }
    }
    out
}

/// The verdict's icon, the same in `summary.md` and the pull-request comment.
pub(super) fn icon(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "✅",
        Outcome::FailedAsExpected => "☑️",
        Outcome::Inconclusive => "❔",
        Outcome::Failed => "❌",
        Outcome::Error => "💥",
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
