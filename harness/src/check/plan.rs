//! `plan`: "the plan must contain this" — an index used at any depth (under Limit, Nested Loop, Gather,
//! Sort, a SubPlan or a CTE; a Bitmap Index Scan under its Bitmap Heap Scan counts), a node of
//! an exact kind (`index-only-scan using x`), or any node kind (`seq-scan`, `hash-join`).

use super::finding::Finding;
use super::matching::{describe, every_node, matching_nodes, what_plan_has, with_article};
use super::registry::Check;
use crate::plan::Explain;
use crate::scenario::pattern::{NodeKind, PlanPattern};

/// A violation when no node of the plan matches `pattern`.
pub(super) fn plan(explain: &Explain, pattern: &PlanPattern) -> Option<Finding> {
    if !matching_nodes(explain, pattern).is_empty() {
        return None;
    }
    let check = match pattern {
        PlanPattern::Index(_) => Check::IndexUsed,
        PlanPattern::Node { .. } => Check::NodePresent,
    };
    let message = format!("expected {}, found: {}", with_article(&describe(pattern)), what_plan_has(explain, pattern));
    Some(Finding::violation(check, message, hint(explain, pattern)))
}

fn hint(explain: &Explain, pattern: &PlanPattern) -> Option<String> {
    let kind = match pattern {
        PlanPattern::Index(_) => None,
        PlanPattern::Node { kind, .. } => Some(*kind),
    };
    let Some(index) = pattern.index_name() else {
        let index_scans = explain.walk().any(|node| node.node_type == "Index Scan");
        return (kind == Some(NodeKind::IndexOnlyScan) && index_scans).then(|| COVERING_HINT.to_owned());
    };
    let users: Vec<_> = every_node(explain)
        .into_iter()
        .filter(|m| m.node.is_index_scan() && m.node.index_name.as_deref() == Some(index))
        .collect();
    if let Some(used) = users.first() {
        // The index is read, but not the way the pattern says.
        if kind == Some(NodeKind::IndexOnlyScan) {
            return Some(format!(
                "`{index}` is read by {}, not an Index Only Scan: {COVERING_HINT}",
                with_article(&used.node.label())
            ));
        }
        if let PlanPattern::Node { direction: Some(_), .. } = pattern {
            return Some(format!(
                "`{index}` is read, by {}: the direction an index is scanned in follows the ORDER BY; check that the ORDER BY matches the index's column order, directions and NULLS placement",
                with_article(&used.node.label())
            ));
        }
        return Some(format!(
            "`{index}` is read, by {}, but not as the pattern says; if that is fine, loosen the pattern to `index {index}`",
            with_article(&used.node.label())
        ));
    }
    let generic = explain.settings.get("plan_cache_mode").map(String::as_str) == Some("force_generic_plan");
    let generic_note = if generic {
        "this is a generic plan (`plan_cache_mode = force_generic_plan`): with bound parameters the planner cannot prove a partial index predicate such as `col <> ''` from `col = $1`, so only a custom plan can use such an index; "
    } else {
        ""
    };
    let seq_scans = explain.walk().any(|node| {
        node.is_seq_scan() && pattern.table().is_none_or(|table| node.relation_name.as_deref() == Some(table))
    });
    let preferred = if seq_scans { "a Seq Scan".to_owned() } else { "other plan nodes".to_owned() };
    Some(format!(
        "{generic_note}the planner preferred {preferred}: check that `{index}` exists and is valid after the migration, that the query implies its predicate if it is a partial index (a generic plan with bound parameters cannot prove `col <> ''`), that statistics are fresh (`VACUUM (ANALYZE)` after seeding) and that the table holds enough rows for an index to pay off"
    ))
}

const COVERING_HINT: &str = "an Index Only Scan needs every column the query reads (select list, WHERE, ORDER BY) to be in the index, and pages marked all-visible by `VACUUM`";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;
    use crate::plan::fixture;

    fn check(fixture: &str, pattern: &str) -> Option<crate::check::Finding> {
        let pattern: PlanPattern = pattern.parse().expect("valid pattern");
        plan(&fixture::pg15(fixture), &pattern)
    }

    /// (name, fixture, pattern): the pattern matches a node of the captured plan.
    const FOUND: &[(&str, &str, &str)] = &[
        ("partial index at the root", "partial_index_scan", "index idx_agents_pak_hash"),
        (
            "index scan of a partial index on its table",
            "partial_index_scan",
            "index-scan using idx_agents_pak_hash on agents",
        ),
        ("index under limit, backward", "index_scan_backward_limit", "index alertrule_routing_priority_idx"),
        (
            "backward index scan by direction",
            "index_scan_backward_limit",
            "Index Scan Backward using alertrule_routing_priority_idx",
        ),
        ("index only scan under aggregate", "index_only_scan", "index-only-scan using userprofile_customer_role_idx"),
        ("index only scan counts as index use", "index_only_scan", "index userprofile_customer_role_idx"),
        ("bitmap index scan counts as index use", "bitmap_heap_scan", "index events_customer_id_idx"),
        (
            "bitmap index scan on the heap scan's table",
            "bitmap_heap_scan",
            "bitmap-index-scan using events_customer_id_idx on events",
        ),
        ("bitmap index scan under sort and limit", "order_desc_index_nulls_last", "index alertrule_eval_priority_idx"),
        ("index on the inner side of a nested loop", "nested_loop_index", "index orders_customer_id_idx"),
        ("index inside a subplan", "subplan_index", "index orders_customer_id_idx"),
        ("index inside a cte", "cte_index", "index orders_customer_id_idx"),
        ("custom plan uses the partial index", "custom_plan_partial_index", "index idx_agents_pak_hash_nonempty"),
        ("seq scan present", "seq_scan", "seq-scan on agents"),
        ("any seq scan", "generic_plan_partial_index", "seq-scan"),
        ("sort", "sort_seq_scan", "sort"),
        ("nested loop", "nested_loop_index", "Nested Loop"),
        ("cte scan on its name", "cte_index", "cte-scan on recent"),
    ];

    #[test]
    fn finds_matching_nodes_at_any_depth() {
        for (name, fixture, pattern) in FOUND {
            assert_eq!(check(fixture, pattern), None, "{name}");
        }
    }

    #[test]
    fn missing_index_names_the_scans_found() {
        let finding = check("seq_scan", "index idx_agents_pak_hash").expect("violation");
        assert_eq!(finding.severity, Severity::Violation);
        assert_eq!(finding.check, Check::IndexUsed);
        assert_eq!(finding.message, "expected an index scan using `idx_agents_pak_hash`, found: Seq Scan on agents");
        assert!(
            finding.hint.as_deref().is_some_and(|h| h.starts_with("the planner preferred a Seq Scan")),
            "{finding:?}"
        );
    }

    #[test]
    fn generic_plan_that_cannot_use_a_partial_index() {
        let finding = check("generic_plan_partial_index", "index idx_agents_pak_hash_nonempty").expect("violation");
        assert_eq!(
            finding.message,
            "expected an index scan using `idx_agents_pak_hash_nonempty`, found: Seq Scan on agents"
        );
        let hint = finding.hint.expect("hint");
        assert!(hint.starts_with("this is a generic plan (`plan_cache_mode = force_generic_plan`)"), "{hint}");
        assert!(hint.contains("cannot prove a partial index predicate such as `col <> ''`"), "{hint}");
    }

    #[test]
    fn other_index_used_is_named() {
        let finding = check("partial_index_scan", "index idx_agents_name").expect("violation");
        assert_eq!(
            finding.message,
            "expected an index scan using `idx_agents_name`, found: Index Scan using idx_agents_pak_hash on agents"
        );
    }

    #[test]
    fn index_scan_where_an_index_only_scan_was_expected() {
        let finding = check("partial_index_scan", "index-only-scan using idx_agents_pak_hash").expect("violation");
        assert_eq!(finding.check, Check::NodePresent);
        assert_eq!(
            finding.message,
            "expected an Index Only Scan using `idx_agents_pak_hash`, found: Index Scan using idx_agents_pak_hash on agents"
        );
        assert_eq!(
            finding.hint.as_deref(),
            Some("`idx_agents_pak_hash` is read by an Index Scan using idx_agents_pak_hash on agents, not an Index Only Scan: an Index Only Scan needs every column the query reads (select list, WHERE, ORDER BY) to be in the index, and pages marked all-visible by `VACUUM`")
        );
    }

    #[test]
    fn wrong_direction_hints_at_the_order_by() {
        let finding = check("index_scan_backward_limit", "index-scan using alertrule_routing_priority_idx forward")
            .expect("violation");
        assert_eq!(
            finding.message,
            "expected an Index Scan Forward using `alertrule_routing_priority_idx`, found: Index Scan Backward using alertrule_routing_priority_idx on alertrule"
        );
        assert!(finding.hint.as_deref().is_some_and(|h| h.contains("follows the ORDER BY")), "{finding:?}");
    }

    #[test]
    fn index_on_the_wrong_table() {
        let finding =
            check("partial_index_scan", "index-scan using idx_agents_pak_hash on generators").expect("violation");
        assert_eq!(
            finding.message,
            "expected an Index Scan using `idx_agents_pak_hash` on `generators`, found: Index Scan using idx_agents_pak_hash on agents"
        );
    }

    #[test]
    fn missing_non_scan_kind_lists_every_node() {
        let finding = check("order_desc_index_desc", "sort").expect("violation");
        assert_eq!(
            finding.message,
            "expected a Sort (or Incremental Sort), found: Limit, Index Scan using alertrule_eval_priority_idx on alertrule"
        );
        assert_eq!(finding.hint, None);
    }

    #[test]
    fn missing_seq_scan_lists_the_scans() {
        let finding = check("bitmap_heap_scan", "seq-scan on events").expect("violation");
        assert_eq!(
            finding.message,
            "expected a Seq Scan on `events`, found: Bitmap Heap Scan on events, Bitmap Index Scan on events_customer_id_idx"
        );
    }
}
