//! Budget on rows removed by filter: an index that is used but returns rows a `Filter` then
//! throws away is "used", not "used well". The count does not depend on the clock, so it makes
//! a steadier gate than latency on a shared machine.

use super::finding::{count, Finding};
use super::registry::Check;
use crate::plan::{Explain, Node};

const CHECK: Check = Check::RowsRemoved;

/// A violation when the plan's filters discard more than `max` rows in total (over all nodes
/// and loops), or when the plan has no actual counts to tell.
pub(super) fn rows_removed(explain: &Explain, max: f64) -> Option<Finding> {
    if !explain.is_analyzed() {
        return Some(Finding::violation(
            CHECK,
            format!("expected at most `{}` rows removed by filter, but the plan has no actual row counts (expected a plan captured with `ANALYZE`)", count(max)),
            None,
        ));
    }
    let total = explain.rows_removed();
    if total <= max {
        return None;
    }
    let mut offenders: Vec<(&Node, f64)> = explain
        .walk()
        .filter_map(|node| {
            let removed = node.rows_removed_by_filter? * node.loops();
            (removed > 0.0).then_some((node, removed))
        })
        .collect();
    offenders.sort_by(|a, b| b.1.total_cmp(&a.1));
    let detail: Vec<String> = offenders
        .iter()
        .take(3)
        .map(|(node, removed)| format!("{} removes {}", node.label(), count(*removed)))
        .collect();
    let message = format!(
        "expected at most `{}` rows removed by filter, found `{}` ({})",
        count(max),
        count(total),
        detail.join("; ")
    );
    let hint = offenders.first().and_then(|(node, _)| node.filter.as_deref()).map(|filter| {
        format!("rows are read only to be discarded by `{filter}`: an index whose columns (or partial index predicate) cover that condition would not read them")
    });
    Some(Finding::violation(CHECK, message, hint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;

    #[test]
    fn within_budget() {
        for (name, fixture, max) in [
            ("index scan without filter", "partial_index_scan", 0.0),
            ("exactly at the budget", "rows_removed_by_filter", 1900.0),
            ("index only scan", "index_only_scan", 0.0),
        ] {
            assert_eq!(rows_removed(&fixture::pg15(fixture), max), None, "{name}");
        }
    }

    #[test]
    fn index_used_but_filter_discards_most_rows() {
        let finding = rows_removed(&fixture::pg15("rows_removed_by_filter"), 100.0).expect("violation");
        assert_eq!(finding.check, Check::RowsRemoved);
        assert_eq!(
            finding.message,
            "expected at most `100` rows removed by filter, found `1900` (Index Scan using orders_customer_id_idx on orders removes 1900)"
        );
        assert_eq!(
            finding.hint.as_deref(),
            Some("rows are read only to be discarded by `(status = 'refunded'::text)`: an index whose columns (or partial index predicate) cover that condition would not read them")
        );
    }

    #[test]
    fn counts_every_loop_of_fractional_averages() {
        let finding = rows_removed(&fixture::hand_made("pg18_fractional_counts"), 10.0).expect("violation");
        assert_eq!(
            finding.message,
            "expected at most `10` rows removed by filter, found `997.99` (Seq Scan on customers c removes 997; Index Scan using orders_customer_id_idx on orders o removes 0.99)"
        );
    }

    #[test]
    fn plan_without_analyze_cannot_pass() {
        let explain = Explain::from_plan(Node::new("Seq Scan"));
        let finding = rows_removed(&explain, 10.0).expect("violation");
        assert!(finding.message.ends_with("(expected a plan captured with `ANALYZE`)"), "{}", finding.message);
    }
}
