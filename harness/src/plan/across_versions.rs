//! The same statements, captured on every PostgreSQL major planproof supports (13 to 18, see
//! `fixtures/explain/capture-versions.sh`): the parser reads what each version really prints,
//! and the plan shapes the checks rely on are the same everywhere.

use rstest::rstest;
use serde_json::Value;

use super::fixture;
use super::Explain;

const MAJORS: [u32; 6] = [13, 14, 15, 16, 17, 18];

const NAMES: [&str; 15] = [
    "seq_scan",
    "partial_index_scan",
    "seq_scan_small_table",
    "index_only_scan",
    "bitmap_heap_scan",
    "index_scan_backward_limit",
    "sort_seq_scan",
    "order_desc_index_nulls_last",
    "order_desc_index_desc",
    "nested_loop_index",
    "subplan_index",
    "cte_index",
    "rows_removed_by_filter",
    "generic_plan_partial_index",
    "custom_plan_partial_index",
];

#[rstest]
fn every_capture_parses_and_round_trips(#[values(13, 14, 15, 16, 17, 18)] major: u32) {
    for name in NAMES {
        let explain = fixture::pg(major, name);
        assert!(explain.is_analyzed(), "pg{major}/{name}: no actual counts");
        assert!(explain.buffers().is_some(), "pg{major}/{name}: no buffer counts");
        let again = serde_json::to_string(&explain).expect("serialises");
        let again = Explain::from_json_str(&again).unwrap_or_else(|e| panic!("pg{major}/{name}: {e}"));
        assert_eq!(again, explain, "pg{major}/{name}");
    }
}

/// The shapes the reference scenarios assert (index used, no Sort, Seq Scan on a small
/// table, the generic plan that cannot use a partial index) are the planner's choice on every
/// version, not an accident of one.
#[rstest]
fn plan_shapes_agree_across_versions(
    #[values(
        "seq_scan",
        "partial_index_scan",
        "seq_scan_small_table",
        "index_only_scan",
        "bitmap_heap_scan",
        "index_scan_backward_limit",
        "sort_seq_scan",
        "order_desc_index_nulls_last",
        "order_desc_index_desc",
        "nested_loop_index",
        "subplan_index",
        "cte_index",
        "rows_removed_by_filter",
        "generic_plan_partial_index",
        "custom_plan_partial_index"
    )]
    name: &str,
) {
    let reference = fixture::pg(15, name).render_tree();
    for major in MAJORS {
        assert_eq!(fixture::pg(major, name).render_tree(), reference, "pg{major}/{name} differs from pg15");
    }
}

/// `Async Capable` appeared in 14; 13 does not print it, and nothing requires it.
#[test]
fn async_capable_is_printed_from_14_on() {
    for major in MAJORS {
        let explain = fixture::pg(major, "seq_scan");
        assert_eq!(explain.plan.extra.contains_key("Async Capable"), major >= 14, "pg{major}");
    }
}

/// 18 prints row counts with two decimals (`"Actual Rows": 1.00`) and a `Disabled` flag on
/// every node; the model reads both as it reads older versions' integers.
#[test]
fn postgresql_18_prints_fractional_rows_and_disabled_flags() {
    let raw = fixture::read("pg18/seq_scan.json");
    assert!(raw.contains("\"Actual Rows\": 1.00"), "{raw}");
    let explain = fixture::pg(18, "seq_scan");
    assert_eq!(explain.plan.actual_rows, Some(1.0));
    assert_eq!(explain.plan.extra.get("Disabled"), Some(&Value::Bool(false)));
    assert_eq!(fixture::pg(17, "seq_scan").plan.actual_rows, Some(1.0));
    assert!(!fixture::pg(17, "seq_scan").plan.extra.contains_key("Disabled"));
}

/// Counts that do not depend on the clock are the same on every version: the budgets built on
/// them mean the same thing whatever major production runs.
#[test]
fn rows_removed_by_filter_is_the_same_on_every_version() {
    for major in MAJORS {
        assert_eq!(fixture::pg(major, "rows_removed_by_filter").rows_removed(), 1900.0, "pg{major}");
        assert_eq!(fixture::pg(major, "index_only_scan").heap_fetches(), 0.0, "pg{major}");
    }
}
