//! `pr-comment.md` and the GitHub job summary: what a pull request shows of a run. A headline
//! verdict, what the change selected, the verdict of each scenario on each major, then for
//! each run the queries' plans before → after with their figures, and every finding with its
//! hint and place. The comment starts with a hidden marker a workflow finds it by, to update
//! it in place (one comment per pull request, "all clear" once the findings are gone), and
//! stays within GitHub's comment limit: past it, a summary mode keeps the verdicts and the
//! findings and points at the full report.

use std::fmt::Write;

use crate::check::{ms, Finding, Severity};
use crate::result::{Outcome, RunReport, ScenarioResult};
use crate::scenario::{Phase, PlanMode};

/// The hidden first line of the comment a workflow upserts by.
pub const COMMENT_MARKER: &str = "<!-- planproof:pr-comment -->";

/// What the comment may hold: GitHub refuses bodies over 65,536 characters; a margin for the
/// workflow's own additions.
pub const COMMENT_LIMIT: usize = 65_000;

/// The comment body for `run`, at most `limit` characters: the full form when it fits, else
/// the summary form, else the summary cut at a finding.
pub(crate) fn pr_comment(run: &RunReport, limit: usize) -> String {
    let full = format!("{COMMENT_MARKER}\n{}", body(run, Detail::Full));
    if full.chars().count() <= limit {
        return full;
    }
    let summary = format!("{COMMENT_MARKER}\n{}", body(run, Detail::Summary));
    if summary.chars().count() <= limit {
        return summary;
    }
    // Cut at a line, with room for the line that says so.
    let note = "\n\n… cut here: the comment limit was reached. The job summary and the `reports/` artifact have every finding.\n";
    let budget = limit.saturating_sub(note.chars().count());
    let mut out = String::new();
    for line in summary.lines() {
        if out.chars().count() + line.chars().count() + 1 > budget {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(note);
    out
}

/// The job summary (`$GITHUB_STEP_SUMMARY`): the comment's full form, without the marker.
pub fn job_summary(run: &RunReport) -> String {
    body(&super::printable::Printable::new(run).report(), Detail::Full)
}

#[derive(Clone, Copy, PartialEq)]
enum Detail {
    /// Every run's query table and findings.
    Full,
    /// The verdicts and the findings of runs that did not pass, messages shortened.
    Summary,
}

fn body(run: &RunReport, detail: Detail) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {} planproof: {}\n", icon(run.outcome(), !run.findings().is_empty()), headline(run));
    if let Some(s) = run.selection {
        let reads = match s.affected.len() {
            0 => "no scenario reads them, so nothing ran".to_string(),
            n => format!("{n} of {} scenarios read them", n + s.unaffected.len()),
        };
        let _ = writeln!(
            out,
            "Changed since `{}` (merge base `{}`): {} file{}; {reads}.\n",
            s.reference,
            short(&s.merge_base),
            s.changed.len(),
            plural(s.changed.len())
        );
    }
    if detail == Detail::Summary {
        let _ = writeln!(
            out,
            "_Summary: the full report is over the comment limit. The job summary and the `reports/` artifact (report.html) have every plan and figure._\n"
        );
    }
    if !run.results.is_empty() {
        verdict_table(&mut out, run);
    }
    let several_majors = super::matrix::axes(run.runs()).0.len() > 1;
    for (major, r) in run.runs() {
        if detail == Detail::Summary && r.outcome == Outcome::Passed && r.all_findings().is_empty() {
            continue;
        }
        let on = if several_majors { format!(" · PostgreSQL {major}") } else { String::new() };
        let _ = writeln!(out, "\n### {} {}{on}\n", icon(r.outcome, false), r.name);
        let mut facts = vec![format!("`{}`", r.file)];
        if let Some(m) = &r.migration {
            facts.push(match (m.failure_text(), m.duration_ms) {
                (Some(_), _) if m.failed_as_expected() => {
                    format!("migration `{}` failed, as the scenario expects", m.id)
                }
                (Some(_), _) => format!("migration `{}` failed", m.id),
                (None, Some(took)) => format!("migration `{}` applied{} in {took:.0} ms", m.id, m.by_tool()),
                (None, None) => format!("migration `{}`", m.id),
            });
        }
        let _ = writeln!(out, "{}\n", facts.join(" · "));
        if let Some(e) = &r.error {
            let _ = writeln!(out, "**Could not run:** {}\n", shorten(&cell(e), detail));
        }
        if detail == Detail::Full && query_table(&mut out, r) {
            out.push('\n');
        }
        let findings = r.all_findings();
        if !findings.is_empty() {
            for (place, f) in findings {
                finding_line(&mut out, &place, f, detail);
            }
        }
    }
    if !run.findings().is_empty() {
        let _ = writeln!(out, "\n### Changed migrations no scenario tests\n");
        for f in run.findings() {
            finding_line(&mut out, "change", f, detail);
        }
    }
    let _ = writeln!(out, "\n<sub>planproof {} · exit {}</sub>", env!("CARGO_PKG_VERSION"), run.outcome().exit_code());
    out
}

fn headline(run: &RunReport) -> String {
    if run.results.is_empty() {
        return match run.findings().len() {
            0 => "all clear: the change touches no file a scenario reads".to_string(),
            n => format!("nothing to run, {n} warning{}", plural(n)),
        };
    }
    let count = |o: Outcome| run.results.iter().filter(|r| r.outcome == o).count();
    let mut parts = Vec::new();
    for o in [Outcome::Failed, Outcome::Error, Outcome::Inconclusive, Outcome::Passed, Outcome::FailedAsExpected] {
        let n = count(o);
        if n > 0 {
            parts.push(format!("{n} {}", o.words()));
        }
    }
    let warnings = run
        .results
        .iter()
        .flat_map(ScenarioResult::all_findings)
        .filter(|(_, f)| f.severity == Severity::Warning)
        .count()
        + run.findings().len();
    if warnings > 0 {
        parts.push(format!("{warnings} warning{}", plural(warnings)));
    }
    if run.outcome() == Outcome::Passed && warnings == 0 {
        format!("all clear, {} run{} passed", run.results.len(), plural(run.results.len()))
    } else {
        parts.join(", ")
    }
}

/// A line per scenario, a column per major asked for.
fn verdict_table(out: &mut String, run: &RunReport) {
    let (majors, names) = super::matrix::axes(run.runs());
    let header: Vec<String> =
        majors.iter().map(|m| if *m == "?" { "verdict".to_string() } else { format!("pg{m}") }).collect();
    let _ = writeln!(out, "| scenario | {} |", header.join(" | "));
    let _ = writeln!(out, "|---|{}", ":-:|".repeat(majors.len()));
    for name in names {
        let cells: Vec<String> = majors
            .iter()
            .map(|m| {
                run.runs()
                    .find(|(major, r)| major == m && r.name == name)
                    .map(|(_, r)| format!("{} {}", icon(r.outcome, false), r.outcome.as_str()))
                    .unwrap_or_default()
            })
            .collect();
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }
}

/// Per query: the custom plan before → after, the client p50 before → after, buffers and rows
/// removed before → after, and the speedup of the medians. False when there is none to show.
fn query_table(out: &mut String, r: &ScenarioResult) -> bool {
    let rows: Vec<String> = r
        .queries
        .iter()
        .filter_map(|q| {
            let capture = |phase| q.captures.iter().find(|c| c.phase == phase && c.mode == PlanMode::Custom);
            let (before, after) = (capture(Phase::Before)?, capture(Phase::After));
            let p50 = |phase| q.client_series(phase).filter(|s| !s.is_empty()).map(|s| s.p50);
            let arrow = |a: String, b: Option<String>| match b {
                Some(b) if b != a => format!("{a} → {b}"),
                Some(_) => format!("{a} (same)"),
                None => a,
            };
            let plan = arrow(cell(&before.summary), after.map(|c| cell(&c.summary)));
            let latency = match (p50(Phase::Before), p50(Phase::After)) {
                (Some(b), Some(a)) => format!("{} → {}", ms(b), ms(a)),
                (Some(b), None) => ms(b),
                _ => String::new(),
            };
            let count = |c: Option<f64>| c.map_or_else(|| "–".into(), |v| format!("{v:.0}"));
            let buffers = arrow(count(before.buffers), after.map(|c| count(c.buffers)));
            let removed = arrow(count(Some(before.rows_removed)), after.map(|c| count(Some(c.rows_removed))));
            let speedup = match (p50(Phase::Before), p50(Phase::After)) {
                (Some(b), Some(a)) if a > 0.0 => format!("{:.1}x", b / a),
                _ => String::new(),
            };
            Some(format!("| {} | {plan} | {latency} | {buffers} | {removed} | {speedup} |", q.name))
        })
        .collect();
    if rows.is_empty() {
        return false;
    }
    let _ = writeln!(out, "| query | plan before → after | client p50 | buffers | rows removed | client speedup |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
    true
}

fn finding_line(out: &mut String, place: &str, f: &Finding, detail: Detail) {
    let kind = match f.severity {
        Severity::Violation => "❌",
        Severity::Inconclusive => "❔",
        Severity::Warning => "⚠️",
    };
    let at = f.at.as_ref().map(|a| format!(" (`{}:{}`)", a.file, a.line)).unwrap_or_default();
    let _ = write!(out, "- {kind} `{}` **{place}**{at}: {}", f.check, shorten(&f.message, detail));
    match (&f.hint, detail) {
        (Some(h), Detail::Full) => {
            let _ = writeln!(out, "<br>_{h}_");
        }
        _ => out.push('\n'),
    }
}

fn icon(o: Outcome, warnings: bool) -> &'static str {
    match o {
        Outcome::Passed if warnings => "⚠️",
        o => super::markdown::icon(o),
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A message in summary mode: its first 300 characters.
fn shorten(text: &str, detail: Detail) -> String {
    match detail {
        Detail::Full => text.to_string(),
        Detail::Summary if text.chars().count() <= 300 => text.to_string(),
        Detail::Summary => format!("{}…", text.chars().take(300).collect::<String>()),
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
