//! Which plan nodes a [`PlanPattern`] matches, and the wording checks use to describe patterns
//! and plans in their messages. Shared by the `contains`, `absent` and `small_table` checks.

use crate::plan::{Explain, Node};
use crate::scenario::pattern::{NodeKind, PlanPattern};

/// A node a pattern matched, with the node that names the table it reads.
#[derive(Debug, Clone, Copy)]
pub struct Match<'a> {
    pub node: &'a Node,
    /// The node itself, or for a Bitmap Index Scan (which names only its index) the Bitmap
    /// Heap Scan above it, which names the table.
    pub reads: &'a Node,
}

impl<'a> Match<'a> {
    /// The table read, as `Relation Name` (CTE or function name for those scans).
    pub fn table(&self) -> Option<&'a str> {
        let node = self.reads;
        node.relation_name.as_deref().or(node.cte_name.as_deref()).or(node.function_name.as_deref())
    }
}

/// Every node of the plan, at any depth, that `pattern` matches, in plan order.
pub(crate) fn matching_nodes<'a>(explain: &'a Explain, pattern: &PlanPattern) -> Vec<Match<'a>> {
    every_node(explain).into_iter().filter(|m| matches(m, pattern)).collect()
}

/// Every node paired with the node naming its table.
pub(crate) fn every_node(explain: &Explain) -> Vec<Match<'_>> {
    fn visit<'a>(node: &'a Node, heap: Option<&'a Node>, out: &mut Vec<Match<'a>>) {
        let reads = match (node.node_type.as_str(), heap) {
            ("Bitmap Index Scan", Some(heap)) => heap,
            _ => node,
        };
        out.push(Match { node, reads });
        // Only bitmap nodes (BitmapAnd/BitmapOr/Bitmap Index Scan) sit between a Bitmap Heap
        // Scan and the index scans feeding it.
        let heap = match node.node_type.as_str() {
            "Bitmap Heap Scan" => Some(node),
            "BitmapAnd" | "BitmapOr" => heap,
            _ => None,
        };
        for child in &node.children {
            visit(child, heap, out);
        }
    }
    let mut out = Vec::new();
    visit(&explain.plan, None, &mut out);
    out
}

fn matches(candidate: &Match<'_>, pattern: &PlanPattern) -> bool {
    let node = candidate.node;
    match pattern {
        PlanPattern::Index(name) => node.is_index_scan() && node.index_name.as_deref() == Some(name),
        PlanPattern::Node { kind, index, table, direction } => {
            kind.matches(&node.node_type, node.strategy.as_deref())
                && index.as_ref().is_none_or(|index| node.index_name.as_ref() == Some(index))
                && table.as_ref().is_none_or(|table| reads_table(candidate.reads, table))
                && direction
                    .is_none_or(|direction| node.scan_direction.as_deref().is_some_and(|d| direction.matches(d)))
        }
    }
}

/// Whether the node reads `table`, named plainly or schema-qualified.
pub(crate) fn reads_table(node: &Node, table: &str) -> bool {
    if let Some(relation) = &node.relation_name {
        if relation == table {
            return true;
        }
        if let (Some(schema), Some((wanted_schema, wanted_relation))) = (&node.schema, table.split_once('.')) {
            return schema == wanted_schema && relation == wanted_relation;
        }
        return false;
    }
    [&node.cte_name, &node.function_name].into_iter().flatten().any(|name| name == table)
}

/// The pattern in words, without an article: ``index scan using `x` ``,
/// ``Index Only Scan using `x` on `t` ``, `Sort (or Incremental Sort)`.
pub(crate) fn describe(pattern: &PlanPattern) -> String {
    match pattern {
        PlanPattern::Index(name) => format!("index scan using `{name}`"),
        PlanPattern::Node { kind, index, table, direction } => {
            let mut text = kind.label().to_owned();
            if let Some(direction) = direction {
                text.push_str(if direction.as_str() == "backward" { " Backward" } else { " Forward" });
            }
            if *kind == NodeKind::Sort {
                text.push_str(" (or Incremental Sort)");
            }
            if let Some(index) = index {
                text.push_str(&format!(" using `{index}`"));
            }
            if let Some(table) = table {
                text.push_str(&format!(" on `{table}`"));
            }
            text
        }
    }
}

/// `a` or `an` before a description.
pub(crate) fn with_article(text: &str) -> String {
    let vowel = text.chars().next().is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {text}", if vowel { "an" } else { "a" })
}

/// How many items a "found: …" list shows before saying how many more there are.
const LIST_LIMIT: usize = 6;

/// Distinct labels joined for a message, long lists cut short.
pub(crate) fn list(labels: impl IntoIterator<Item = String>) -> String {
    let mut distinct: Vec<String> = Vec::new();
    for label in labels {
        if !distinct.contains(&label) {
            distinct.push(label);
        }
    }
    let more = distinct.len().saturating_sub(LIST_LIMIT);
    distinct.truncate(LIST_LIMIT);
    let mut text = distinct.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// What the plan has instead of the expected node: its scans when the pattern is about a
/// scan (index names used, seq scans), else every node kind.
pub(crate) fn what_plan_has(explain: &Explain, pattern: &PlanPattern) -> String {
    let about_scans = match pattern {
        PlanPattern::Index(_) => true,
        PlanPattern::Node { kind, .. } => kind.is_scan(),
    };
    let nodes = explain.walk().filter(|node| !about_scans || node.node_type.ends_with("Scan"));
    let found = list(nodes.map(Node::label));
    if found.is_empty() {
        "no scan at all".to_owned()
    } else {
        found
    }
}

/// A one-line summary of how the plan reads its tables, for terminal lines and report tables:
/// its distinct scans in plan order (`Index Scan using idx_agents_pak_hash on agents`), with
/// `+ Sort` when the plan also sorts.
pub(crate) fn scan_summary(explain: &Explain) -> String {
    let scans = list(explain.walk().filter(|node| node.node_type.ends_with("Scan")).map(Node::label));
    let sorts = explain.walk().any(|node| NodeKind::Sort.matches(&node.node_type, None));
    match (scans.is_empty(), sorts) {
        (true, false) => explain.plan.label(),
        (true, true) => format!("{} + Sort", explain.plan.label()),
        (false, false) => scans,
        (false, true) => format!("{scans} + Sort"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;

    fn labels(explain: &Explain, pattern: &str) -> Vec<String> {
        let pattern: PlanPattern = pattern.parse().expect("valid pattern");
        matching_nodes(explain, &pattern).iter().map(|m| m.node.label()).collect()
    }

    #[test]
    fn bitmap_index_scans_read_the_table_of_their_bitmap_heap_scan() {
        let explain = fixture::pg15("bitmap_heap_scan");
        assert_eq!(labels(&explain, "bitmap-index-scan on events"), ["Bitmap Index Scan on events_customer_id_idx"]);
        assert!(labels(&explain, "bitmap-index-scan on agents").is_empty());
    }

    #[test]
    fn tables_match_plain_or_schema_qualified() {
        let explain = fixture::third_party("pganalyze_collector_auto_explain/json_simple.in.json");
        assert_eq!(labels(&explain, "index-scan on pgbench_accounts").len(), 1);
        assert_eq!(labels(&explain, "index-scan on public.pgbench_accounts").len(), 1);
        assert!(labels(&explain, "index-scan on other.pgbench_accounts").is_empty());
    }

    #[test]
    fn direction_must_match_when_given() {
        let explain = fixture::pg15("index_scan_backward_limit");
        assert_eq!(labels(&explain, "index-scan backward").len(), 1);
        assert!(labels(&explain, "index-scan forward").is_empty());
    }

    #[test]
    fn lists_are_distinct_and_cut_short() {
        let many = (0..9).map(|i| format!("n{i}")).chain(["n0".to_owned()]);
        assert_eq!(list(many), "n0, n1, n2, n3, n4, n5 and 3 more");
    }

    #[test]
    fn scan_summaries() {
        for (fixture, expected) in [
            ("partial_index_scan", "Index Scan using idx_agents_pak_hash on agents"),
            (
                "order_desc_index_nulls_last",
                "Bitmap Heap Scan on alertrule, Bitmap Index Scan on alertrule_eval_priority_idx + Sort",
            ),
            ("nested_loop_index", "Seq Scan on customers c, Index Scan using orders_customer_id_idx on orders o"),
        ] {
            assert_eq!(scan_summary(&fixture::pg15(fixture)), expected, "{fixture}");
        }
        let explain = Explain::from_plan(Node::new("Result"));
        assert_eq!(scan_summary(&explain), "Result");
    }

    #[test]
    fn articles() {
        assert_eq!(with_article("Index Scan"), "an Index Scan");
        assert_eq!(with_article("Sort"), "a Sort");
    }
}
