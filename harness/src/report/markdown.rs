//! `summary.md`: the Markdown report for a pull-request comment or a CI step summary — a table
//! of every query's verdict before and after, then each scenario's findings and plans.

use std::fmt::Write;

use super::terminal::median;
use crate::check::Severity;
use crate::pipeline::{mode_suffix, Outcome, ScenarioResult};

pub fn summary_markdown(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# planproof report\n");
    let _ = writeln!(out, "{}\n", super::terminal::summary_text(results));
    let _ = writeln!(out, "| scenario | query | phase | plan | median execution | verdict |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for r in results {
        if r.queries.iter().all(|q| q.captures.is_empty()) {
            let _ = writeln!(out, "| {} | | | | | {} |", r.name, icon(r.outcome));
        }
        for q in &r.queries {
            for c in &q.captures {
                let ok = !c.findings.iter().any(|f| f.severity == Severity::Violation);
                let _ = writeln!(
                    out,
                    "| {} | {} | {}{} | {} | {} | {} |",
                    r.name,
                    q.name,
                    c.phase.as_str(),
                    mode_suffix(c.mode),
                    cell(&c.summary),
                    median(&c.execution_ms).map(|m| format!("{m:.3} ms")).unwrap_or_default(),
                    if ok { "✅" } else { "❌" }
                );
            }
        }
    }
    for r in results {
        let _ = writeln!(out, "\n## {} {}\n", icon(r.outcome), r.name);
        if !r.description.is_empty() {
            let _ = writeln!(out, "{}\n", r.description);
        }
        let _ = writeln!(out, "- backend: {}\n- seed: {}", r.backend, r.seed);
        for t in &r.seeded {
            let _ = writeln!(out, "- seeded `{}`: {} rows (checksum `{}`)", t.table, t.rows, t.checksum);
        }
        if let Some(m) = &r.migration {
            match (&m.failure, m.duration_ms) {
                (Some(f), _) => {
                    let _ = writeln!(out, "- migration `{}` failed: {}", m.id, cell(&f.to_string()));
                }
                (None, Some(ms)) => {
                    let _ = writeln!(out, "- migration `{}` applied in {ms:.0} ms", m.id);
                }
                _ => {}
            }
        }
        if let Some(e) = &r.error {
            let _ = writeln!(out, "- **could not run**: {}", cell(e));
        }
        let findings = r.all_findings();
        if !findings.is_empty() {
            let _ = writeln!(out, "\n### Findings\n");
            for (place, f) in findings {
                let kind = if f.severity == Severity::Violation { "❌" } else { "⚠️" };
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

fn icon(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "✅",
        Outcome::Failed => "❌",
        Outcome::Error => "💥",
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
