//! The plans of `report.html` as trees and diffs, for a reviewer who wants what pev2 or
//! explain.depesz.com show without leaving the page. A plan is a tree of `<details>`, one per
//! node, with its type, relation and index, actual total time, rows estimated against actual
//! (a misestimate over [`MISESTIMATE_FLAG`] flagged), loops, shared buffers and its conditions,
//! and a finding beside the node it is about where the finding names it. The diff of two plans
//! (`plan::diff`) is a table linking each line to the nodes of both trees. No script: the
//! browser folds and unfolds, so a plan of thousands of nodes costs only its markup. Which
//! node a finding is about is read from what the checks print (`found: Seq Scan on agents`),
//! so a finding about the whole statement (buffers, latency) stays in the scenario's list.

use maud::{html, Markup};

use crate::check::{ms, Check, Finding};
use crate::plan::{self, Change, DiffEntry, Explain, Node};
use crate::result::{mode_suffix, CaptureResult};

/// A misestimate by more than this factor is flagged: the planner's choice may rest on it.
pub(crate) const MISESTIMATE_FLAG: f64 = 10.0;

/// Nodes deeper than this start folded, so a deep plan opens on its top.
const OPEN_DEPTH: usize = 6;

/// The tree of one captured plan; node anchors are `{id}-n{position}`.
pub(super) fn tree(id: &str, capture: &CaptureResult) -> Markup {
    let placed = place_findings(&capture.explain, &capture.findings);
    let mut position = 0;
    html! {
        div.tree { (node(id, &capture.explain.plan, 0, &mut position, &placed)) }
    }
}

fn node(id: &str, n: &Node, depth: usize, position: &mut usize, placed: &[Vec<&Finding>]) -> Markup {
    let here = *position;
    *position += 1;
    let findings = placed.get(here).map(Vec::as_slice).unwrap_or_default();
    let details = conditions(n);
    html! {
        details.node id=(format!("{id}-n{here}")) open[depth < OPEN_DEPTH] {
            summary {
                @if let Some(r) = &n.subplan_name { span.rel { (r) } " " }
                strong.kind { (n.label()) }
                (figures(n))
                @if !findings.is_empty() { " " span.flag.finding title="a finding is about this node" { "finding" } }
            }
            @if !details.is_empty() || !findings.is_empty() {
                dl {
                    @for (key, value) in &details { dt { (key) } dd { code { (value) } } }
                }
                @for f in findings {
                    p class={ "at-node " (super::html::severity_class(f.severity)) } {
                        code { (f.check.as_str()) } ": " (f.message)
                    }
                }
            }
            @if !n.children.is_empty() {
                div.kids { @for child in &n.children { (node(id, child, depth + 1, position, placed)) } }
            }
        }
    }
}

/// The node's measured figures as the chips of its summary line.
fn figures(n: &Node) -> Markup {
    html! {
        @if let Some(t) = plan::node_time(n) { " " span.fig.time title="actual total time, all loops" { (ms(t)) } }
        @if let (Some(planned), Some(actual)) = (n.plan_rows, n.actual_rows) {
            " " span.fig title="rows: estimated → actual, per loop" { "rows " (count(planned)) " → " (count(actual)) }
            @if let Some(factor) = plan::misestimate(n).filter(|f| *f > 1.0) {
                @let class = if factor > MISESTIMATE_FLAG { "fig misestimate" } else { "fig" };
                " " span class=(class) title="misestimate factor" { (format!("{factor:.0}×")) (if planned > actual.max(1.0) { " over" } else { " under" }) }
            }
        } @else if let Some(planned) = n.plan_rows {
            " " span.fig title="estimated rows" { "rows ~" (count(planned)) }
        }
        @if let Some(loops) = n.actual_loops.filter(|l| *l != 1.0) { " " span.fig { "loops " (count(loops)) } }
        @if n.shared_hit_blocks.is_some() || n.shared_read_blocks.is_some() {
            " " span.fig title="shared buffers, this node and below" {
                "hit " (count(n.shared_hit_blocks.unwrap_or(0.0))) " read " (count(n.shared_read_blocks.unwrap_or(0.0)))
            }
        }
    }
}

/// Sort keys, conditions and what they removed, in the order PostgreSQL's TEXT format prints
/// them.
fn conditions(n: &Node) -> Vec<(&'static str, String)> {
    let mut out = n.details();
    if let Some(removed) = n.rows_removed_by_filter {
        out.push(("Rows Removed by Filter", count(removed)));
    }
    if let Some(removed) = n.rows_removed_by_index_recheck {
        out.push(("Rows Removed by Index Recheck", count(removed)));
    }
    if let Some(fetches) = n.heap_fetches {
        out.push(("Heap Fetches", count(fetches)));
    }
    out
}

/// Counts as PostgreSQL prints them: whole numbers bare, 18's per-loop averages with two places.
fn count(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// Per node position, the findings about that node. A plan-pattern finding names the nodes it
/// found after `found: ` by their labels; a rows-removed or heap-fetches finding is about the
/// nodes that did it. Others are about the statement, and are not placed.
fn place_findings<'a>(explain: &Explain, findings: &'a [Finding]) -> Vec<Vec<&'a Finding>> {
    let nodes: Vec<&Node> = explain.walk().collect();
    let mut placed = vec![Vec::new(); nodes.len()];
    for f in findings {
        let about = |n: &Node| match f.check {
            Check::IndexUsed | Check::NodePresent | Check::NodeAbsent | Check::IndexExists => {
                f.message.split_once("found: ").is_some_and(|(_, found)| names(found, &n.label()))
            }
            Check::RowsRemoved => n.rows_removed_by_filter.is_some_and(|r| r > 0.0),
            Check::HeapFetches => n.heap_fetches.is_some_and(|h| h > 0.0),
            _ => false,
        };
        for (i, n) in nodes.iter().enumerate() {
            if about(n) {
                placed[i].push(f);
            }
        }
    }
    placed
}

/// Whether a list the checks print (`A, B and 2 more`; a Sort with ` [Sort Key: …]`) names
/// `label` as one of its items, not inside a longer one (`Sort` in `Incremental Sort`).
fn names(list: &str, label: &str) -> bool {
    list.match_indices(label).any(|(at, _)| {
        let before = &list[..at];
        let after = &list[at + label.len()..];
        (before.is_empty() || before.ends_with(", ")) && (after.is_empty() || after.starts_with([',', ' ']))
    })
}

/// A diff of two captures of one query, its lines linking to both trees; unchanged nodes
/// folded away.
pub(super) fn diff_view(id: &str, before: &CaptureResult, after: &CaptureResult) -> Markup {
    let entries = plan::diff(&before.explain, &after.explain);
    let (same, changed): (Vec<&DiffEntry>, Vec<&DiffEntry>) = entries.iter().partition(|e| e.change == Change::Same);
    let title = format!(
        "{}{} → {}{}",
        before.phase.as_str(),
        mode_suffix(before.mode),
        after.phase.as_str(),
        mode_suffix(after.mode)
    );
    let (left, right) = (anchor_id(id, before), anchor_id(id, after));
    html! {
        div.diff data-diff=(title) {
            h4 { "diff " (title) }
            @if changed.is_empty() {
                p.meta { "the same plan: every node matched" }
            } @else {
                (diff_table(&changed, &left, &right))
            }
            @if !same.is_empty() && !changed.is_empty() {
                details { summary { (same.len()) " node" @if same.len() > 1 { "s" } " matched, within "
                    (format!("{:.0}%", (plan::CHANGE_RATIO - 1.0) * 100.0)) }
                    (diff_table(&same, &left, &right)) }
            }
        }
    }
}

fn diff_table(entries: &[&DiffEntry], left: &str, right: &str) -> Markup {
    html! {
        table.diff {
            thead { tr { th { "change" } th { "before" } th { "after" } th { "time" } th { "buffers" } th { "rows" } } }
            tbody {
                @for e in entries {
                    tr class=(e.change.as_str()) {
                        td { span class={ "change " (e.change.as_str()) } { (e.change.as_str()) } }
                        td { @if let Some(s) = e.before { a href=(format!("#{left}-n{}", s.position)) { (s.node.label()) } } }
                        td { @if let Some(s) = e.after { a href=(format!("#{right}-n{}", s.position)) { (s.node.label()) } } }
                        td { (pair(e, |n| plan::node_time(n).map(ms))) }
                        td { (pair(e, |n| plan::node_buffers(n).map(count))) }
                        td { (pair(e, |n| n.actual_rows.map(|r| count(r * n.loops())))) }
                    }
                }
            }
        }
    }
}

/// `before → after` of one figure, either side blank when that side has no node or no figure.
fn pair(e: &DiffEntry, figure: impl Fn(&Node) -> Option<String>) -> String {
    let side = |s: Option<plan::Side>| s.and_then(|s| figure(s.node));
    match (side(e.before), side(e.after)) {
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (Some(b), None) => b,
        (None, Some(a)) => format!("→ {a}"),
        (None, None) => String::new(),
    }
}

/// The anchor prefix of one capture's tree: the query's id, the phase and the mode.
pub(super) fn anchor_id(id: &str, capture: &CaptureResult) -> String {
    format!(
        "{id}-{}{}",
        capture.phase.as_str(),
        if capture.mode == crate::scenario::PlanMode::Generic { "-generic" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Finding;
    use crate::plan::fixture;

    #[test]
    fn a_finding_is_placed_on_the_node_it_names() {
        let explain = fixture::pg15("nested_loop_index");
        let findings = [
            Finding::violation(Check::IndexUsed, "expected an index scan using `x`, found: Seq Scan on customers c, Index Scan using orders_customer_id_idx on orders o", None),
            Finding::violation(Check::Buffers, "expected at most 10 buffers, found 40", None),
        ];
        let placed = place_findings(&explain, &findings);
        let labels: Vec<String> =
            explain.walk().zip(&placed).filter(|(_, f)| !f.is_empty()).map(|(n, _)| n.label()).collect();
        assert_eq!(labels.len(), 2, "{labels:?}");
        assert!(placed.iter().flatten().all(|f| f.check == Check::IndexUsed));
    }

    #[test]
    fn a_label_inside_a_longer_one_is_not_named() {
        assert!(names("Sort [Sort Key: name]", "Sort"));
        assert!(names("Seq Scan on a, Sort", "Sort"));
        assert!(!names("Incremental Sort [Sort Key: name]", "Sort"));
        assert!(!names("Seq Scan on agents_archive", "Seq Scan on agents"));
    }

    #[test]
    fn rows_removed_are_placed_on_the_filtering_node() {
        let explain = fixture::pg15("rows_removed_by_filter");
        let findings = [Finding::violation(Check::RowsRemoved, "expected at most 10 rows removed", None)];
        let placed = place_findings(&explain, &findings);
        for (n, f) in explain.walk().zip(&placed) {
            assert_eq!(!f.is_empty(), n.rows_removed_by_filter.is_some_and(|r| r > 0.0), "{}", n.label());
        }
        assert!(placed.iter().any(|f| !f.is_empty()));
    }

    #[test]
    fn a_misestimate_over_ten_times_is_flagged() {
        let mut n = Node::new("Seq Scan");
        n.plan_rows = Some(1.0);
        n.actual_loops = Some(1.0);
        n.actual_rows = Some(11.0);
        assert!(figures(&n).into_string().contains("fig misestimate"));
        n.actual_rows = Some(10.0);
        let markup = figures(&n).into_string();
        assert!(!markup.contains("fig misestimate") && markup.contains("10× under"), "{markup}");
    }

    #[test]
    fn a_plan_of_thousands_of_nodes_renders_folded_below_the_top() {
        // A left-deep chain of 1,500 joins, as a generated ORM query can have.
        let mut root = Node::new("Seq Scan");
        for _ in 0..1500 {
            let mut join = Node::new("Nested Loop");
            join.children = vec![root, Node::new("Seq Scan")];
            root = join;
        }
        let capture = CaptureResult { explain: Explain::from_plan(root), ..fixture_capture() };
        let markup = tree("q", &capture).into_string();
        assert_eq!(markup.matches("<details").count(), 3001);
        assert!(markup.matches(" open").count() <= 2 * OPEN_DEPTH, "the top is open, the rest folded");
    }

    #[test]
    fn every_third_party_plan_is_a_tree_of_all_its_nodes() {
        for (path, text) in fixture::third_party_files() {
            let Ok(explain) = Explain::from_json_str(&text) else { continue };
            let nodes = explain.walk().count();
            let capture = CaptureResult { explain, ..fixture_capture() };
            let markup = tree("q", &capture).into_string();
            assert_eq!(markup.matches("<details class=\"node\"").count(), nodes, "{path}");
            assert!(markup.contains(&format!("id=\"q-n{}\"", nodes - 1)), "{path}");
        }
    }

    fn fixture_capture() -> CaptureResult {
        let explain = fixture::pg15("seq_scan");
        CaptureResult {
            phase: crate::scenario::Phase::Before,
            mode: crate::scenario::PlanMode::Custom,
            plan_tree: String::new(),
            summary: String::new(),
            planning: crate::stats::Series::new(Vec::new()),
            execution: crate::stats::Series::new(Vec::new()),
            buffers: None,
            rows_removed: 0.0,
            rows_examined: 0.0,
            heap_fetches: 0.0,
            unstable: Vec::new(),
            budgets: Vec::new(),
            findings: Vec::new(),
            explain,
        }
    }
}
