//! `no`: "the plan must not contain this" — no Sort (the index should provide the order), no Seq Scan
//! on a table (the index should be used), no Hash Join, … at any depth.

use super::finding::Finding;
use super::matching::{describe, list, matching_nodes};
use super::registry::Check;
use crate::plan::{Explain, Node};
use crate::scenario::pattern::PlanPattern;

/// A violation when some node of the plan matches `pattern`.
pub(super) fn no(explain: &Explain, pattern: &PlanPattern) -> Option<Finding> {
    let found = matching_nodes(explain, pattern);
    if found.is_empty() {
        return None;
    }
    let message = format!("expected no {}, found: {}", describe(pattern), list(found.iter().map(|m| headline(m.node))));
    let nodes: Vec<&Node> = found.iter().map(|m| m.node).collect();
    Some(Finding::violation(Check::NodeAbsent, message, hint(explain, &nodes)))
}

/// The label, with the sort key for sorts: the key is what a reader needs to fix it.
fn headline(node: &Node) -> String {
    if node.sort_key.is_empty() {
        node.label()
    } else {
        format!("{} [Sort Key: {}]", node.label(), node.sort_key.join(", "))
    }
}

fn hint(explain: &Explain, found: &[&Node]) -> Option<String> {
    if let Some(sort) = found.iter().find(|node| !node.sort_key.is_empty()) {
        return Some(sort_hint(sort));
    }
    if let Some(scan) = found.iter().find(|node| node.is_seq_scan()) {
        let table = scan.relation_name.as_deref().unwrap_or("the table");
        let generic = explain.settings.get("plan_cache_mode").map(String::as_str) == Some("force_generic_plan");
        let generic_note = if generic {
            " This is a generic plan (`plan_cache_mode = force_generic_plan`): with bound parameters the planner cannot prove a partial index predicate such as `col <> ''` from `col = $1`."
        } else {
            ""
        };
        return Some(format!(
            "a Seq Scan reads every row of `{table}`: check that an index covers the WHERE clause, that the query implies the predicate of a partial index (a generic plan with bound parameters cannot prove `col <> ''`), and that the table is big enough for an index to pay off.{generic_note}"
        ));
    }
    None
}

/// `ORDER BY x DESC` means `DESC NULLS FIRST` and plain `ORDER BY x` means `ASC NULLS LAST`;
/// an index built with the other NULLS placement cannot provide the order. PostgreSQL prints
/// a sort key's NULLS placement only when it differs from that default, so a `DESC` key with
/// no `NULLS LAST` is the usual trap. See
/// <https://www.postgresql.org/docs/current/indexes-ordering.html>.
fn sort_hint(sort: &Node) -> String {
    let keys = sort.sort_key.join(", ");
    let desc_key = sort.sort_key.iter().find(|key| key.ends_with(" DESC"));
    let presorted = if sort.presorted_key.is_empty() {
        String::new()
    } else {
        format!(" (the input is already sorted by {}, the rest is not)", sort.presorted_key.join(", "))
    };
    match desc_key {
        Some(key) => {
            let column = key.trim_end_matches(" DESC");
            format!(
                "the plan sorts by {keys}{presorted}; `ORDER BY {column} DESC` means `DESC NULLS FIRST`, which an index on `{column} DESC NULLS LAST` does not provide: index `{column} DESC` after the WHERE clause's equality columns (or write `ORDER BY {column} DESC NULLS LAST` if that is what the query means)"
            )
        }
        None => format!(
            "the plan sorts by {keys}{presorted}; an index whose columns follow the WHERE clause's equality columns with exactly this order (directions and NULLS placement included) lets the planner skip the Sort"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;

    fn check(fixture: &str, pattern: &str) -> Option<Finding> {
        let pattern: PlanPattern = pattern.parse().expect("valid pattern");
        no(&fixture::pg15(fixture), &pattern)
    }

    /// (name, fixture, pattern): nothing in the captured plan matches the pattern.
    const ABSENT: &[(&str, &str, &str)] = &[
        ("index on x desc provides order by x desc", "order_desc_index_desc", "sort"),
        ("backward index scan provides the order", "index_scan_backward_limit", "sort"),
        ("partial index replaces the seq scan", "partial_index_scan", "seq-scan on agents"),
        ("custom plan has no seq scan", "custom_plan_partial_index", "seq-scan"),
        ("seq scan on another table", "nested_loop_index", "seq-scan on orders"),
        ("no hash join", "nested_loop_index", "hash-join"),
        ("no incremental sort", "sort_seq_scan", "incremental-sort"),
    ];

    #[test]
    fn passes_when_nothing_matches() {
        for (name, fixture, pattern) in ABSENT {
            assert_eq!(check(fixture, pattern), None, "{name}");
        }
    }

    #[test]
    fn sort_kept_by_a_nulls_last_index() {
        let finding = check("order_desc_index_nulls_last", "sort").expect("violation");
        assert_eq!(finding.check, Check::NodeAbsent);
        assert_eq!(
            finding.message,
            "expected no Sort (or Incremental Sort), found: Sort [Sort Key: routing_priority DESC]"
        );
        assert_eq!(
            finding.hint.as_deref(),
            Some("the plan sorts by routing_priority DESC; `ORDER BY routing_priority DESC` means `DESC NULLS FIRST`, which an index on `routing_priority DESC NULLS LAST` does not provide: index `routing_priority DESC` after the WHERE clause's equality columns (or write `ORDER BY routing_priority DESC NULLS LAST` if that is what the query means)")
        );
    }

    #[test]
    fn sort_without_an_index() {
        let finding = check("sort_seq_scan", "sort").expect("violation");
        assert_eq!(finding.message, "expected no Sort (or Incremental Sort), found: Sort [Sort Key: name]");
        assert!(
            finding.hint.as_deref().is_some_and(|h| h.starts_with("the plan sorts by name; an index whose columns")),
            "{finding:?}"
        );
    }

    #[test]
    fn seq_scan_on_a_table() {
        let finding = check("seq_scan", "seq-scan on agents").expect("violation");
        assert_eq!(finding.message, "expected no Seq Scan on `agents`, found: Seq Scan on agents");
        assert!(
            finding.hint.as_deref().is_some_and(|h| h.starts_with("a Seq Scan reads every row of `agents`")),
            "{finding:?}"
        );
    }

    #[test]
    fn seq_scan_in_a_generic_plan_explains_why() {
        let finding = check("generic_plan_partial_index", "seq-scan").expect("violation");
        assert!(
            finding.hint.as_deref().is_some_and(
                |h| h.ends_with("cannot prove a partial index predicate such as `col <> ''` from `col = $1`.")
            ),
            "{finding:?}"
        );
    }

    #[test]
    fn forbidden_index_use() {
        let finding = check("nested_loop_index", "index orders_customer_id_idx").expect("violation");
        assert_eq!(finding.message, "expected no index scan using `orders_customer_id_idx`, found: Index Scan using orders_customer_id_idx on orders o");
        assert_eq!(finding.hint, None);
    }

    #[test]
    fn incremental_sort_names_the_presorted_keys() {
        let explain = fixture::third_party("pganalyze_collector_auto_explain/json_incremental_sort.in.json");
        let finding = no(&explain, &"sort".parse().expect("valid")).expect("violation");
        assert!(finding.message.contains("Incremental Sort [Sort Key: "), "{}", finding.message);
        assert!(finding.hint.as_deref().is_some_and(|h| h.contains("the input is already sorted by")), "{finding:?}");
    }
}
