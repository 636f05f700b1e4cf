//! The plan tree: one [`Explain`] document holding a root [`Node`], as PostgreSQL prints it in
//! `EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON)`.
//!
//! Fields carry PostgreSQL's own key names through serde renames, so a tree serialises back to
//! PostgreSQL-shaped JSON. Only `Node Type` is required: which keys appear depends on the
//! options (`COSTS OFF`, `TIMING OFF`, no `ANALYZE`), the node kind and the server version.
//! Every count is a float because PostgreSQL 18 prints `"Actual Rows": 1.00`. Keys this model
//! does not name are kept in `extra` and written back unchanged.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// One EXPLAIN document: the plan plus the statement-level keys around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    #[serde(rename = "Plan")]
    pub plan: Node,
    #[serde(rename = "Planning Time", default, skip_serializing_if = "Option::is_none")]
    pub planning_time_ms: Option<f64>,
    #[serde(rename = "Execution Time", default, skip_serializing_if = "Option::is_none")]
    pub execution_time_ms: Option<f64>,
    /// Planner settings that differ from the built-in defaults (`SETTINGS` option, 12+).
    #[serde(rename = "Settings", default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "settings")]
    pub settings: BTreeMap<String, String>,
    /// Every other top-level key: `Triggers`, `JIT`, `Planning` buffers, auto_explain's
    /// `Query Text`, `Query Identifier`, …
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One plan node. Children of every kind (outer, inner, InitPlan, SubPlan, CTE, Append
/// members) are in `children`, told apart by `parent_relationship`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    #[serde(rename = "Node Type")]
    pub node_type: String,
    #[serde(rename = "Parent Relationship", default, skip_serializing_if = "Option::is_none")]
    pub parent_relationship: Option<String>,
    /// `SubPlan 1`, `InitPlan 1 (returns $0)`, `CTE recent`.
    #[serde(rename = "Subplan Name", default, skip_serializing_if = "Option::is_none")]
    pub subplan_name: Option<String>,
    #[serde(rename = "Join Type", default, skip_serializing_if = "Option::is_none")]
    pub join_type: Option<String>,
    /// Aggregate and SetOp strategy: `Plain`, `Sorted`, `Hashed`, `Mixed`.
    #[serde(rename = "Strategy", default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// `Forward`, `Backward` or `NoMovement`.
    #[serde(rename = "Scan Direction", default, skip_serializing_if = "Option::is_none")]
    pub scan_direction: Option<String>,
    #[serde(rename = "Index Name", default, skip_serializing_if = "Option::is_none")]
    pub index_name: Option<String>,
    #[serde(rename = "Relation Name", default, skip_serializing_if = "Option::is_none")]
    pub relation_name: Option<String>,
    /// Only printed with `VERBOSE`.
    #[serde(rename = "Schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(rename = "Alias", default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(rename = "CTE Name", default, skip_serializing_if = "Option::is_none")]
    pub cte_name: Option<String>,
    #[serde(rename = "Function Name", default, skip_serializing_if = "Option::is_none")]
    pub function_name: Option<String>,

    #[serde(rename = "Startup Cost", default, skip_serializing_if = "Option::is_none")]
    pub startup_cost: Option<f64>,
    #[serde(rename = "Total Cost", default, skip_serializing_if = "Option::is_none")]
    pub total_cost: Option<f64>,
    /// Absent under `COSTS OFF`.
    #[serde(rename = "Plan Rows", default, skip_serializing_if = "Option::is_none")]
    pub plan_rows: Option<f64>,
    #[serde(rename = "Actual Startup Time", default, skip_serializing_if = "Option::is_none")]
    pub actual_startup_time: Option<f64>,
    #[serde(rename = "Actual Total Time", default, skip_serializing_if = "Option::is_none")]
    pub actual_total_time: Option<f64>,
    /// Rows per loop (an average, hence fractional on 18).
    #[serde(rename = "Actual Rows", default, skip_serializing_if = "Option::is_none")]
    pub actual_rows: Option<f64>,
    #[serde(rename = "Actual Loops", default, skip_serializing_if = "Option::is_none")]
    pub actual_loops: Option<f64>,

    #[serde(rename = "Sort Key", default, skip_serializing_if = "Vec::is_empty")]
    pub sort_key: Vec<String>,
    /// Incremental Sort: the leading keys the input is already sorted by.
    #[serde(rename = "Presorted Key", default, skip_serializing_if = "Vec::is_empty")]
    pub presorted_key: Vec<String>,
    #[serde(rename = "Index Cond", default, skip_serializing_if = "Option::is_none")]
    pub index_cond: Option<String>,
    #[serde(rename = "Recheck Cond", default, skip_serializing_if = "Option::is_none")]
    pub recheck_cond: Option<String>,
    #[serde(rename = "Hash Cond", default, skip_serializing_if = "Option::is_none")]
    pub hash_cond: Option<String>,
    #[serde(rename = "Merge Cond", default, skip_serializing_if = "Option::is_none")]
    pub merge_cond: Option<String>,
    #[serde(rename = "Join Filter", default, skip_serializing_if = "Option::is_none")]
    pub join_filter: Option<String>,
    #[serde(rename = "Filter", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,

    /// Per loop, like `Actual Rows`: multiply by `actual_loops` for the total.
    #[serde(rename = "Rows Removed by Filter", default, skip_serializing_if = "Option::is_none")]
    pub rows_removed_by_filter: Option<f64>,
    #[serde(rename = "Rows Removed by Index Recheck", default, skip_serializing_if = "Option::is_none")]
    pub rows_removed_by_index_recheck: Option<f64>,
    /// Index Only Scan: heap pages visited because the visibility map did not vouch for them.
    #[serde(rename = "Heap Fetches", default, skip_serializing_if = "Option::is_none")]
    pub heap_fetches: Option<f64>,

    /// Buffer counts include those of the node's children.
    #[serde(rename = "Shared Hit Blocks", default, skip_serializing_if = "Option::is_none")]
    pub shared_hit_blocks: Option<f64>,
    #[serde(rename = "Shared Read Blocks", default, skip_serializing_if = "Option::is_none")]
    pub shared_read_blocks: Option<f64>,
    #[serde(rename = "Shared Dirtied Blocks", default, skip_serializing_if = "Option::is_none")]
    pub shared_dirtied_blocks: Option<f64>,
    #[serde(rename = "Shared Written Blocks", default, skip_serializing_if = "Option::is_none")]
    pub shared_written_blocks: Option<f64>,
    #[serde(rename = "Temp Read Blocks", default, skip_serializing_if = "Option::is_none")]
    pub temp_read_blocks: Option<f64>,
    #[serde(rename = "Temp Written Blocks", default, skip_serializing_if = "Option::is_none")]
    pub temp_written_blocks: Option<f64>,

    #[serde(rename = "Plans", default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// Every key not named above, kept as PostgreSQL printed it.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Node {
    /// A node of the given type with no other key, for building trees by hand.
    pub fn new(node_type: impl Into<String>) -> Node {
        Node {
            node_type: node_type.into(),
            parent_relationship: None,
            subplan_name: None,
            join_type: None,
            strategy: None,
            scan_direction: None,
            index_name: None,
            relation_name: None,
            schema: None,
            alias: None,
            cte_name: None,
            function_name: None,
            startup_cost: None,
            total_cost: None,
            plan_rows: None,
            actual_startup_time: None,
            actual_total_time: None,
            actual_rows: None,
            actual_loops: None,
            sort_key: Vec::new(),
            presorted_key: Vec::new(),
            index_cond: None,
            recheck_cond: None,
            hash_cond: None,
            merge_cond: None,
            join_filter: None,
            filter: None,
            rows_removed_by_filter: None,
            rows_removed_by_index_recheck: None,
            heap_fetches: None,
            shared_hit_blocks: None,
            shared_read_blocks: None,
            shared_dirtied_blocks: None,
            shared_written_blocks: None,
            temp_read_blocks: None,
            temp_written_blocks: None,
            children: Vec::new(),
            extra: Map::new(),
        }
    }

    /// This node and every node below it, parents before children, in document order.
    /// InitPlans, SubPlans and CTEs are ordinary children in EXPLAIN JSON, so they are visited.
    pub fn walk(&self) -> Walk<'_> {
        Walk { stack: vec![self] }
    }

    /// Whether the node reads an index: Index Scan, Index Only Scan (either direction) or
    /// Bitmap Index Scan.
    pub fn is_index_scan(&self) -> bool {
        matches!(self.node_type.as_str(), "Index Scan" | "Index Only Scan" | "Bitmap Index Scan")
    }

    /// Whether the node is a Seq Scan (parallel or not).
    pub fn is_seq_scan(&self) -> bool {
        self.node_type == "Seq Scan"
    }

    /// `Actual Loops`, or 1 when the plan has no actual counts.
    pub fn loops(&self) -> f64 {
        self.actual_loops.unwrap_or(1.0)
    }
}

/// Pre-order iterator over a plan tree, from [`Node::walk`].
#[derive(Debug, Clone)]
pub struct Walk<'a> {
    stack: Vec<&'a Node>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = &'a Node;

    fn next(&mut self) -> Option<&'a Node> {
        let node = self.stack.pop()?;
        self.stack.extend(node.children.iter().rev());
        Some(node)
    }
}

impl Explain {
    /// A document holding only this plan, as a bare node parses.
    pub fn from_plan(plan: Node) -> Explain {
        Explain { plan, planning_time_ms: None, execution_time_ms: None, settings: BTreeMap::new(), extra: Map::new() }
    }

    /// Every node of the plan, pre-order.
    pub fn walk(&self) -> Walk<'_> {
        self.plan.walk()
    }

    /// Whether the plan was captured with `ANALYZE` (it has actual row counts).
    pub fn is_analyzed(&self) -> bool {
        self.plan.actual_loops.is_some()
    }

    /// Shared buffers hit plus read by the whole statement, a clock-free measure of work.
    /// The root's counts already include every node below it. `None` without `BUFFERS`.
    pub fn buffers(&self) -> Option<f64> {
        let root = &self.plan;
        match (root.shared_hit_blocks, root.shared_read_blocks) {
            (None, None) => None,
            (hit, read) => Some(hit.unwrap_or(0.0) + read.unwrap_or(0.0)),
        }
    }

    /// Rows read and then discarded by a `Filter`, summed over all nodes and loops
    /// (PostgreSQL prints the per-loop average). 0 for a plan without actual counts: check
    /// [`is_analyzed`](Explain::is_analyzed) before treating it as a measurement.
    pub fn rows_removed(&self) -> f64 {
        self.walk().map(|node| node.rows_removed_by_filter.unwrap_or(0.0) * node.loops()).sum()
    }

    /// Heap pages Index Only Scans had to visit, summed over the plan (PostgreSQL prints the
    /// total, not a per-loop average). 0 for a plan without actual counts.
    pub fn heap_fetches(&self) -> f64 {
        self.walk().filter_map(|node| node.heap_fetches).sum()
    }

    /// Rows every relation scan read, whether it kept them or a filter or recheck removed
    /// them: per-loop figures times loops, summed over the tree. 0 without ANALYZE.
    pub fn rows_examined(&self) -> f64 {
        self.walk()
            .filter(|node| node.relation_name.is_some())
            .map(|node| {
                let per_loop = node.actual_rows.unwrap_or(0.0)
                    + node.rows_removed_by_filter.unwrap_or(0.0)
                    + node.rows_removed_by_index_recheck.unwrap_or(0.0);
                per_loop * node.loops()
            })
            .sum()
    }
}

/// `Settings` values are strings; anything else is kept as its JSON text rather than refused.
fn settings<'de, D>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = BTreeMap::<String, Value>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .map(|(key, value)| match value {
            Value::String(text) => (key, text),
            other => (key, other.to_string()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;

    fn node_types(explain: &Explain) -> Vec<&str> {
        explain.walk().map(|node| node.node_type.as_str()).collect()
    }

    #[test]
    fn walk_is_pre_order_and_enters_subplans() {
        let explain = fixture::pg15("subplan_index");
        assert_eq!(node_types(&explain), ["Seq Scan", "Aggregate", "Index Scan"]);
    }

    #[test]
    fn walk_enters_cte_init_plans() {
        let explain = fixture::pg15("cte_index");
        assert_eq!(node_types(&explain), ["Aggregate", "Index Scan", "CTE Scan"]);
        let cte = explain.walk().nth(1).expect("the CTE child");
        assert_eq!(cte.subplan_name.as_deref(), Some("CTE recent"));
    }

    #[test]
    fn walk_visits_siblings_in_document_order() {
        let explain = fixture::pg15("nested_loop_index");
        let relations: Vec<_> = explain.walk().filter_map(|n| n.relation_name.as_deref()).collect();
        assert_eq!(relations, ["customers", "orders"]);
    }

    #[test]
    fn index_scans_are_the_three_index_reading_kinds() {
        for (node_type, expected) in [
            ("Index Scan", true),
            ("Index Only Scan", true),
            ("Bitmap Index Scan", true),
            ("Bitmap Heap Scan", false),
            ("Seq Scan", false),
            ("Sort", false),
        ] {
            assert_eq!(Node::new(node_type).is_index_scan(), expected, "{node_type}");
        }
    }

    #[test]
    fn shared_blocks_touched_is_the_roots_hit_plus_read() {
        let explain = fixture::pg15("rows_removed_by_filter");
        let root = &explain.plan;
        let expected = root.shared_hit_blocks.unwrap_or(0.0) + root.shared_read_blocks.unwrap_or(0.0);
        assert!(expected > 0.0);
        assert_eq!(explain.buffers(), Some(expected));
    }

    #[test]
    fn shared_blocks_touched_is_none_without_buffers() {
        let explain = fixture::third_party("pev2/pev2_parallel_verbose.json");
        assert_eq!(explain.buffers(), None);
    }

    #[test]
    fn rows_removed_by_filter_sums_every_node() {
        // Outer Seq Scan removes 999 customers; nothing else filters.
        let explain = fixture::pg15("nested_loop_index");
        assert_eq!(explain.rows_removed(), 999.0);
    }

    #[test]
    fn rows_removed_by_filter_multiplies_the_per_loop_average_by_loops() {
        // The inner Index Scan runs 3 loops removing 0.33 rows each on average (PostgreSQL 18
        // prints fractions); the outer Seq Scan removes 997 in one loop.
        let explain = fixture::hand_made("pg18_fractional_counts");
        let total = explain.rows_removed();
        assert!((total - 997.99).abs() < 1e-9, "{total}");
    }

    #[test]
    fn totals_are_zero_without_analyze() {
        let explain = Explain::from_plan(Node::new("Seq Scan"));
        assert!(!explain.is_analyzed());
        assert_eq!(explain.rows_removed(), 0.0);
        assert_eq!(explain.heap_fetches(), 0.0);
        assert_eq!(explain.buffers(), None);
    }

    #[test]
    fn derived_deserialize_reads_what_serialize_writes() {
        let explain = fixture::hand_made("pg18_fractional_counts");
        let json = serde_json::to_string(&explain).expect("serialises");
        let again: Explain = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(again, explain);
        assert_eq!(again.settings.get("jit").map(String::as_str), Some("off"));
    }

    #[test]
    fn heap_fetches_are_zero_after_vacuum() {
        assert_eq!(fixture::pg15("index_only_scan").heap_fetches(), 0.0);
    }
}
