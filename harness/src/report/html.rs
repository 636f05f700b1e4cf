//! `report.html`: one self-contained page (no script, no fetched asset) to open from a CI
//! artifact. Per scenario: the verdict, the findings, then per query the plan before and after
//! the migration (and after the down step) side by side, and a chart of every timing sample on
//! a log scale with the medians marked — what a p50 alone hides (a bimodal series, a cold
//! first run) is visible at a glance.

use std::fmt::Write;

use html_escape::encode_text as text;

use super::terminal::badge;
use crate::check::{ms, Severity};
use crate::result::{mode_suffix, QueryResult, ScenarioResult};
use crate::scenario::{Phase, PlanMode};
use crate::stats::Series;

const STYLE: &str =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}h3{margin:1.4em 0 .4em;font-size:1.05em}\
.badge{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-size:.85em;vertical-align:middle}\
.passed{background:#2b8a3e}.failed{background:#c92a2a}.error{background:#862e9c}.inconclusive{background:#e67700}\
.plans{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:.8em}\
.plan{border:1px solid #ddd;border-radius:4px;padding:.4em .6em;overflow-x:auto}\
.plan h4{margin:0 0 .3em;font-size:.9em}pre{margin:0;font-size:12px;white-space:pre}\
ul.findings{padding-left:1.2em}li.violation{color:#c92a2a}li.inconclusive{color:#e67700}li.warning{color:#8a6d00}\
.hint{color:#555;font-style:italic}.meta{color:#555}svg text{font:11px system-ui,sans-serif;fill:#444}";

/// The whole run as one HTML page.
pub fn report_html(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>planproof report</title><style>{STYLE}</style></head><body>");
    let _ = writeln!(out, "<h1>planproof report</h1>\n<p class=\"meta\">{}</p>", text(&super::summary_text(results)));
    for r in results {
        scenario(&mut out, r);
    }
    out.push_str("</body></html>\n");
    out
}

fn scenario(out: &mut String, r: &ScenarioResult) {
    let _ = writeln!(
        out,
        "<h2><span class=\"badge {}\">{}</span> {}</h2>\n<p class=\"meta\">{} — {} — seed {}</p>",
        r.outcome.as_str(),
        badge(r.outcome),
        text(&r.name),
        text(&r.description),
        text(&r.backend),
        r.seed
    );
    if let Some(e) = &r.error {
        let _ = writeln!(out, "<p><strong>Could not run:</strong> {}</p>", text(e));
    }
    if let Some(k) = &r.kept {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", text(k));
    }
    if let Some(m) = &r.migration {
        let line = match (&m.failure, m.duration_ms) {
            (Some(f), _) => format!("migration <code>{}</code> failed: {}", text(&m.id), text(&f.to_string())),
            (None, Some(d)) => {
                format!("migration <code>{}</code> applied{} in {d:.0} ms", text(&m.id), text(&m.by_tool()))
            }
            (None, None) => match m.failure_text() {
                Some(f) => format!("migration <code>{}</code>{} failed: {}", text(&m.id), text(&m.by_tool()), text(&f)),
                None => String::new(),
            },
        };
        let _ = writeln!(out, "<p>{line}</p>");
    }
    if let Some(d) = r.migration.as_ref().and_then(|m| m.down.as_ref()) {
        let line = match (&d.failure, d.duration_ms, &d.reapply_failure, d.reapply_ms) {
            (Some(f), ..) => format!("down step <code>{}</code> failed: {}", text(&d.file), text(f)),
            (None, Some(down), Some(f), _) => {
                format!("run down in {down:.0} ms by <code>{}</code>; up again failed: {}", text(&d.file), text(f))
            }
            (None, Some(down), None, Some(up)) => {
                format!("run down in {down:.0} ms by <code>{}</code>, up again in {up:.0} ms", text(&d.file))
            }
            _ => String::new(),
        };
        let _ = writeln!(out, "<p>{line}</p>");
    }
    if let Some(load) = &r.load {
        // The workload's figures as the terminal report words them.
        let mut figures = String::new();
        super::load::load_text(&mut figures, load);
        let _ = writeln!(
            out,
            "<details><summary>workload around the migration</summary><pre>{}</pre></details>",
            text(&figures)
        );
    }
    let findings = r.all_findings();
    if !findings.is_empty() {
        out.push_str("<ul class=\"findings\">\n");
        for (place, f) in findings {
            let class = match f.severity {
                Severity::Violation => "violation",
                Severity::Inconclusive => "inconclusive",
                Severity::Warning => "warning",
            };
            let hint =
                f.hint.as_ref().map(|h| format!(" <span class=\"hint\">— {}</span>", text(h))).unwrap_or_default();
            let _ = writeln!(
                out,
                "<li class=\"{class}\"><strong>{}</strong> <code>{}</code>: {}{hint}</li>",
                text(&place),
                text(f.check.as_str()),
                text(&f.message)
            );
        }
        out.push_str("</ul>\n");
    }
    for q in &r.queries {
        query(out, q);
    }
}

fn query(out: &mut String, q: &QueryResult) {
    let _ = writeln!(out, "<h3>{}</h3>\n<pre>{}</pre>", text(&q.name), text(&q.sql));
    for w in &q.when {
        let _ =
            writeln!(out, "<p class=\"meta\">expectations for PostgreSQL {} — {}</p>", text(&w.postgres), text(&w.why));
    }
    out.push_str("<div class=\"plans\">\n");
    for c in &q.captures {
        let _ = writeln!(
            out,
            "<div class=\"plan\"><h4>{}{} — server p50 {}</h4><pre>{}</pre></div>",
            c.phase.as_str(),
            text(mode_suffix(c.mode)),
            ms(c.execution.p50),
            text(&c.plan_tree)
        );
    }
    out.push_str("</div>\n");
    let mut rows: Vec<(String, &Series)> = Vec::new();
    for c in q.captures.iter().filter(|c| c.mode == PlanMode::Custom && !c.execution.is_empty()) {
        rows.push((format!("server {}", c.phase.as_str()), &c.execution));
    }
    for t in q.client.iter().filter(|t| !t.series.is_empty() && t.phase != Phase::Rollback) {
        rows.push((format!("client {}", t.phase.as_str()), &t.series));
    }
    out.push_str(&chart(&rows));
}

/// A strip chart: one row per series, every sample a dot on a log scale, the median a bar.
fn chart(rows: &[(String, &Series)]) -> String {
    let all = rows.iter().flat_map(|(_, s)| s.samples.iter().copied()).filter(|v| *v > 0.0);
    let (lo, hi) = all.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if rows.is_empty() || !lo.is_finite() || hi <= 0.0 {
        return String::new();
    }
    let (lo, hi) = (lo.log10().floor(), hi.log10().ceil().max(lo.log10().floor() + 1.0));
    let (left, width, row_h) = (110.0, 560.0, 22.0);
    let height = rows.len() as f64 * row_h + 26.0;
    let x = |v: f64| left + (v.max(10f64.powf(lo)).log10() - lo) / (hi - lo) * width;
    let mut svg = format!(
        "<svg width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"timing samples\">\n",
        left + width + 20.0
    );
    let mut decade = lo;
    while decade <= hi {
        let v = 10f64.powf(decade);
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"0\" y2=\"{1}\" stroke=\"#eee\"/><text x=\"{0:.1}\" y=\"{2}\" text-anchor=\"middle\">{3}</text>",
            x(v),
            height - 16.0,
            height - 4.0,
            text(&ms(v))
        );
        decade += 1.0;
    }
    for (i, (label, series)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + row_h / 2.0 + 2.0;
        let colour = if label.ends_with("before") { "#c92a2a" } else { "#1971c2" };
        let _ = write!(svg, "<text x=\"0\" y=\"{:.1}\">{}</text>", y + 4.0, text(label));
        for v in series.samples.iter().filter(|v| **v > 0.0) {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"2.5\" fill=\"{colour}\" fill-opacity=\"0.35\"/>",
                x(*v)
            );
        }
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\" stroke=\"#000\" stroke-width=\"2\"><title>p50 {3}</title></line>",
            x(series.p50),
            y - 8.0,
            y + 8.0,
            text(&ms(series.p50))
        );
    }
    svg.push_str("</svg>\n");
    svg
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
        let svg = chart(&rows);
        assert!(svg.starts_with("<svg") && svg.matches("<circle").count() == 3, "{svg}");
        assert!(svg.contains(&format!("<title>p50 {}</title>", ms(1.0))), "{svg}");
    }

    #[test]
    fn no_samples_no_chart() {
        assert!(chart(&[]).is_empty());
        let empty = Series::new(Vec::new());
        assert!(chart(&[("server before".to_string(), &empty)]).is_empty());
    }
}
