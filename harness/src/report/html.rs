//! `report.html`: one self-contained page (no script, no fetched asset) to open from a CI
//! artifact, light or dark as the reader's system is. Per scenario: the verdict, the findings,
//! then per query the diff of the plans before and after the migration (and after the down
//! step), each plan as a tree of nodes with their figures (`plan_view.rs`), and a chart of
//! every timing sample on a log scale with the medians marked — what a p50 alone hides (a
//! bimodal series, a cold first run) is visible at a glance. Written with `maud`, which escapes
//! every value it is given: nothing a scenario or a server says can become markup. A block of
//! lines (a query's SQL, a plan as text) is drawn with `<br>` between its lines, so that the file
//! itself has no line that starts with a value from outside.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::plan_view;
use super::terminal::badge;
use crate::check::{ms, Severity};
use crate::result::{mode_suffix, CaptureResult, QueryResult, ScenarioResult};
use crate::scenario::{Phase, PlanMode};
use crate::stats::Series;

/// Colours are variables so that one block of rules serves the light and the dark page.
const STYLE: &str = ":root{--fg:#222;--bg:#fff;--muted:#555;--line:#ddd;--grid:#eee;--panel:#f8f9fa;--bad:#c92a2a;--good:#2b8a3e;--warn:#8a6d00;--odd:#e67700;--link:#1864ab;color-scheme:light dark}\
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#1a1b1e;--muted:#a6a7ab;--line:#3a3b3f;--grid:#2c2e33;--panel:#25262b;--bad:#ff6b6b;--good:#69db7c;--warn:#ffd43b;--odd:#ffa94d;--link:#74c0fc}}\
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:var(--fg);background:var(--bg);padding:0 1em}\
a{color:var(--link)}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid var(--line)}h3{margin:1.4em 0 .4em;font-size:1.05em}\
.badge{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-size:.85em;vertical-align:middle}\
.passed{background:#2b8a3e}.failed-as-expected{background:#1971c2}.failed{background:#c92a2a}.error{background:#862e9c}.inconclusive{background:#e67700}\
.plans{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:.8em}\
.plan{border:1px solid var(--line);border-radius:4px;padding:.4em .6em;overflow-x:auto}\
.plan h4,.diff h4{margin:0 0 .3em;font-size:.9em}pre{margin:0;font-size:12px;white-space:pre}\
ul.findings{padding-left:1.2em}.violation{color:var(--bad)}.inconclusive{color:var(--odd)}.warning{color:var(--warn)}\
.hint{color:var(--muted);font-style:italic}.meta{color:var(--muted)}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}\
svg .grid{stroke:var(--grid)}svg .p50{stroke:var(--fg)}\
.tree{font-size:12.5px}.tree details.node{margin-left:1em;border-left:1px solid var(--line);padding-left:.4em}\
.tree>details.node{margin-left:0;border-left:0}.tree summary{cursor:pointer;white-space:nowrap}\
.tree .kids{margin-top:.1em}.tree dl{margin:.1em 0 .2em 1em;display:grid;grid-template-columns:max-content 1fr;gap:0 .6em}\
.tree dt{color:var(--muted)}.tree dd{margin:0}.tree dd code{white-space:pre-wrap;word-break:break-word}\
.fig{color:var(--muted);background:var(--panel);border-radius:3px;padding:0 .3em;font-size:.92em}\
.fig.misestimate,.flag{color:#fff;background:var(--bad);border-radius:3px;padding:0 .3em;font-size:.92em}\
p.at-node{margin:.1em 0 .2em 1em}:target>summary{outline:2px solid var(--link)}\
.diff{margin:.6em 0}table.diff{border-collapse:collapse;font-size:12.5px;width:100%}\
table.diff th,table.diff td{border-bottom:1px solid var(--line);padding:.15em .5em;text-align:left;vertical-align:top}\
.change{font-weight:600}.change.appeared,.change.cheaper{color:var(--good)}.change.disappeared,.change.dearer{color:var(--bad)}\
.change.replaced{color:var(--link)}.change.same{color:var(--muted)}details.text{margin-top:.3em}";

/// The whole run as one HTML page.
pub(crate) fn report_html(results: &[ScenarioResult]) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "planproof report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "planproof report" }
                p.meta { (super::summary_text(results)) }
                @for (i, r) in results.iter().enumerate() { (scenario(i, r)) }
            }
        }
    };
    let mut out = page.into_string();
    out.push('\n');
    out
}

fn scenario(index: usize, r: &ScenarioResult) -> Markup {
    html! {
        h2 { span class={ "badge " (r.outcome.as_str()) } title=(r.outcome.words()) { (badge(r.outcome)) } " " (r.name) }
        p.meta { (r.description) " — " (r.backend) " — seed " (r.seed) }
        @if let Some(e) = &r.error { p { strong { "Could not run:" } " " (e) } }
        @if let Some(k) = &r.kept { p.meta { (k) } }
        @if let Some(m) = &r.migration {
            p {
                @match (&m.failure, m.duration_ms, m.failure_text()) {
                    (_, _, Some(f)) if m.failed_as_expected() => {
                        "migration " code { (m.id) } (m.by_tool()) " failed, as the scenario expects: " (f)
                    }
                    (Some(f), _, _) => { "migration " code { (m.id) } " failed: " (f.to_string()) }
                    (None, Some(d), _) => { "migration " code { (m.id) } " applied" (m.by_tool()) " in " (format!("{d:.0}")) " ms" }
                    (None, None, Some(f)) => { "migration " code { (m.id) } (m.by_tool()) " failed: " (f) }
                    (None, None, None) => {}
                }
            }
        }
        @if let Some(d) = r.migration.as_ref().and_then(|m| m.down.as_ref()) {
            p {
                @match (&d.failure, d.duration_ms, &d.reapply_failure, d.reapply_ms) {
                    (Some(f), ..) => { "down step " code { (d.file) } " failed: " (f) }
                    (None, Some(down), Some(f), _) => {
                        "run down in " (format!("{down:.0}")) " ms by " code { (d.file) } "; up again failed: " (f)
                    }
                    (None, Some(down), None, Some(up)) => {
                        "run down in " (format!("{down:.0}")) " ms by " code { (d.file) } ", up again in " (format!("{up:.0}")) " ms"
                    }
                    _ => {}
                }
            }
        }
        @if let Some(load) = &r.load {
            // The workload's figures as the terminal report words them.
            details { summary { "workload around the migration" } pre { (lines(&load_figures(load))) } }
        }
        @let findings = r.all_findings();
        @if !findings.is_empty() {
            ul.findings {
                @for (place, f) in findings {
                    li class=(severity_class(f.severity)) {
                        strong { (place) } " " code { (f.check.as_str()) } ": " (f.message)
                        @if let Some(h) = &f.hint { " " span.hint { "— " (h) } }
                    }
                }
            }
        }
        @for (i, q) in r.queries.iter().enumerate() { (query(&format!("s{index}-q{i}"), q)) }
    }
}

/// `text`'s lines with a `<br>` between them, for a `<pre>`.
fn lines(text: &str) -> Markup {
    html! {
        @for (i, line) in text.lines().enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

fn load_figures(load: &crate::result::LoadReport) -> String {
    let mut figures = String::new();
    super::load::load_text(&mut figures, load);
    figures
}

pub(super) fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Violation => "violation",
        Severity::Inconclusive => "inconclusive",
        Severity::Warning => "warning",
    }
}

fn query(id: &str, q: &QueryResult) -> Markup {
    let mut rows: Vec<(String, &Series)> = Vec::new();
    for c in q.captures.iter().filter(|c| c.mode == PlanMode::Custom && !c.execution.is_empty()) {
        rows.push((format!("server {}", c.phase.as_str()), &c.execution));
    }
    for t in q.client.iter().filter(|t| !t.series.is_empty() && t.phase != Phase::Rollback) {
        rows.push((format!("client {}", t.phase.as_str()), &t.series));
    }
    html! {
        h3 id=(id) { (q.name) }
        pre { (lines(&q.sql)) }
        @for w in &q.when { p.meta { "expectations for PostgreSQL " (w.postgres) " — " (w.why) } }
        @for (before, after) in diff_pairs(q) { (plan_view::diff_view(id, before, after)) }
        div.plans {
            @for c in &q.captures {
                div.plan {
                    h4 { (c.phase.as_str()) (mode_suffix(c.mode)) " — server p50 " (ms(c.execution.p50)) }
                    (plan_view::tree(&plan_view::anchor_id(id, c), c))
                    details.text { summary { "as text" } pre { (lines(&c.plan_tree)) } }
                }
            }
        }
        @if let Some(svg) = chart(&rows) { (svg) }
    }
}

/// The captures to compare: before with after in each mode both have, and before with the
/// plan after the down step (which must be the plan before again).
fn diff_pairs(q: &QueryResult) -> Vec<(&CaptureResult, &CaptureResult)> {
    let find = |phase: Phase, mode: PlanMode| q.captures.iter().find(|c| c.phase == phase && c.mode == mode);
    let mut pairs = Vec::new();
    for mode in [PlanMode::Custom, PlanMode::Generic] {
        for later in [Phase::After, Phase::Rollback] {
            if let (Some(before), Some(after)) = (find(Phase::Before, mode), find(later, mode)) {
                pairs.push((before, after));
            }
        }
    }
    pairs
}

/// A strip chart: one row per series, every sample a dot on a log scale, the median a bar.
fn chart(rows: &[(String, &Series)]) -> Option<Markup> {
    let all = rows.iter().flat_map(|(_, s)| s.samples.iter().copied()).filter(|v| *v > 0.0);
    let (lo, hi) = all.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if rows.is_empty() || !lo.is_finite() || hi <= 0.0 {
        return None;
    }
    let (lo, hi) = (lo.log10().floor(), hi.log10().ceil().max(lo.log10().floor() + 1.0));
    let (left, width, row_h) = (110.0, 560.0, 22.0);
    let height = rows.len() as f64 * row_h + 26.0;
    let x = |v: f64| format!("{:.1}", left + (v.max(10f64.powf(lo)).log10() - lo) / (hi - lo) * width);
    let decades: Vec<f64> = (0..).map(|i| lo + f64::from(i)).take_while(|d| *d <= hi).collect();
    Some(html! {
        svg width=(left + width + 20.0) height=(height) role="img" aria-label="timing samples" {
            @for decade in &decades {
                @let v = 10f64.powf(*decade);
                line x1=(x(v)) x2=(x(v)) y1="0" y2=(height - 16.0) class="grid" {}
                text x=(x(v)) y=(height - 4.0) text-anchor="middle" { (ms(v)) }
            }
            @for (i, (label, series)) in rows.iter().enumerate() {
                @let y = i as f64 * row_h + row_h / 2.0 + 2.0;
                @let colour = if label.ends_with("before") { "#c92a2a" } else { "#1971c2" };
                text x="0" y=(format!("{:.1}", y + 4.0)) { (label) }
                @for v in series.samples.iter().filter(|v| **v > 0.0) {
                    circle cx=(x(*v)) cy=(format!("{y:.1}")) r="2.5" fill=(colour) fill-opacity="0.35" {}
                }
                line x1=(x(series.p50)) x2=(x(series.p50)) y1=(format!("{:.1}", y - 8.0)) y2=(format!("{:.1}", y + 8.0))
                    class="p50" stroke-width="2" { title { "p50 " (ms(series.p50)) } }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_run_is_escaped() {
        let mut r = ScenarioResult::placeholder("<script>alert(1)</script>");
        r.error = Some("a & b".into());
        let page = report_html(&[r]);
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>"), "{page}");
        assert!(page.contains("a &amp; b"), "{page}");
    }

    #[test]
    fn every_sample_is_a_dot_and_the_median_a_bar() {
        let rows = [("server before".to_string(), &Series::new(vec![0.5, 1.0, 2.0]))];
        let svg = chart(&rows).expect("a chart").into_string();
        assert!(svg.starts_with("<svg") && svg.matches("<circle").count() == 3, "{svg}");
        assert!(svg.contains(&format!("<title>p50 {}</title>", ms(1.0))), "{svg}");
    }

    #[test]
    fn no_samples_no_chart() {
        assert!(chart(&[]).is_none());
        let empty = Series::new(Vec::new());
        assert!(chart(&[("server before".to_string(), &empty)]).is_none());
    }
}
