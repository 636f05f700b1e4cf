//! A stable text rendering of a plan tree for snapshots, reports and messages: node kinds,
//! relations, indexes, directions, join types, sort keys and conditions, one line per node,
//! in PostgreSQL's own wording — but no costs, timings or row counts, which change from run
//! to run and would make every snapshot flaky.

use std::fmt::Write as _;

use serde_json::Value;

use super::node::{Explain, Node};

impl Explain {
    /// The whole plan, one line per node (see [`Node::render_tree`]).
    pub fn render_tree(&self) -> String {
        self.plan.render_tree()
    }
}

impl Node {
    /// This node and its subtree, one line per node, children indented under `-> `:
    ///
    /// ```text
    /// Limit
    ///   -> Outer: Index Scan Backward using alertrule_eval_priority_idx on upstream_alertrule
    /// ```
    ///
    /// A child's line starts with its subplan name (`SubPlan 1:`, `CTE recent:`) or else its
    /// parent relationship (`Outer:`, `Inner:`, `InitPlan:`, `Member:`); sort keys and
    /// conditions follow the label in brackets.
    pub fn render_tree(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, 0);
        out
    }

    fn render_into(&self, out: &mut String, depth: usize) {
        // The line's text comes from the server (relation and index names, conditions that may
        // quote a string literal with a line break): escaped, so that each node is one line.
        let mut line = String::new();
        if depth > 0 {
            line.push_str(&"  ".repeat(depth));
            line.push_str("-> ");
            if let Some(relationship) = self.subplan_name.as_ref().or(self.parent_relationship.as_ref()) {
                let _ = write!(line, "{relationship}: ");
            }
        }
        line.push_str(&self.label());
        for (key, value) in self.details() {
            let _ = write!(line, "  [{key}: {value}]");
        }
        out.push_str(&crate::text::printable(&line));
        out.push('\n');
        for child in &self.children {
            child.render_into(out, depth + 1);
        }
    }

    /// The node's headline as PostgreSQL's TEXT format prints it, without costs:
    /// `Index Scan Backward using idx on rel`, `Hash Left Join`, `HashAggregate`,
    /// `Seq Scan on agents a`, `Bitmap Index Scan on idx`.
    pub fn label(&self) -> String {
        let mut label = String::new();
        if self.extra.get("Parallel Aware") == Some(&Value::Bool(true)) {
            label.push_str("Parallel ");
        }
        if let Some(mode) = self.extra_str("Partial Mode").filter(|mode| *mode != "Simple") {
            let _ = write!(label, "{mode} ");
        }
        label.push_str(&self.kind_name());
        match self.node_type.as_str() {
            "Index Scan" | "Index Only Scan" => {
                if self.scan_direction.as_deref() == Some("Backward") {
                    label.push_str(" Backward");
                }
                if let Some(index) = &self.index_name {
                    let _ = write!(label, " using {index}");
                }
            }
            "Bitmap Index Scan" => {
                if let Some(index) = &self.index_name {
                    let _ = write!(label, " on {index}");
                }
            }
            _ => {}
        }
        if let Some(target) = self.scan_target() {
            let _ = write!(label, " on {target}");
        }
        label
    }

    /// The node type with what its other keys add to the name in TEXT format.
    fn kind_name(&self) -> String {
        let node_type = self.node_type.as_str();
        let strategy = self.strategy.as_deref();
        let join_type = self.join_type.as_deref().filter(|join| *join != "Inner");
        match (node_type, strategy, join_type) {
            ("Aggregate", Some("Hashed"), _) => "HashAggregate".into(),
            ("Aggregate", Some("Sorted"), _) => "GroupAggregate".into(),
            ("Aggregate", Some("Mixed"), _) => "MixedAggregate".into(),
            ("SetOp", Some("Hashed"), _) => "HashSetOp".into(),
            ("Nested Loop", _, Some(join)) => format!("Nested Loop {join} Join"),
            ("Hash Join", _, Some(join)) => format!("Hash {join} Join"),
            ("Merge Join", _, Some(join)) => format!("Merge {join} Join"),
            ("ModifyTable", _, _) => self.extra_str("Operation").unwrap_or(node_type).to_owned(),
            ("Custom Scan", _, _) => match self.extra_str("Custom Plan Provider") {
                Some(provider) => format!("Custom Scan ({provider})"),
                None => node_type.to_owned(),
            },
            _ => node_type.to_owned(),
        }
    }

    /// What the node reads, as `[schema.]name [alias]`: a relation, CTE or function, or for a
    /// subquery scan only the alias.
    fn scan_target(&self) -> Option<String> {
        let name = self.relation_name.as_deref().or(self.cte_name.as_deref()).or(self.function_name.as_deref());
        match (name, self.alias.as_deref()) {
            (Some(name), alias) => {
                let mut target = match (&self.schema, &self.relation_name) {
                    (Some(schema), Some(_)) => format!("{schema}.{name}"),
                    _ => name.to_owned(),
                };
                if let Some(alias) = alias.filter(|alias| *alias != name) {
                    let _ = write!(target, " {alias}");
                }
                Some(target)
            }
            (None, Some(alias)) => Some(alias.to_owned()),
            (None, None) => None,
        }
    }

    /// Sort keys and conditions, in the order PostgreSQL prints them.
    pub(crate) fn details(&self) -> Vec<(&'static str, String)> {
        let mut details = Vec::new();
        if !self.sort_key.is_empty() {
            details.push(("Sort Key", self.sort_key.join(", ")));
        }
        if !self.presorted_key.is_empty() {
            details.push(("Presorted Key", self.presorted_key.join(", ")));
        }
        let conditions = [
            ("Hash Cond", &self.hash_cond),
            ("Merge Cond", &self.merge_cond),
            ("Index Cond", &self.index_cond),
            ("Recheck Cond", &self.recheck_cond),
            ("Join Filter", &self.join_filter),
            ("Filter", &self.filter),
        ];
        for (key, value) in conditions {
            if let Some(value) = value {
                details.push((key, value.clone()));
            }
        }
        details
    }

    fn extra_str(&self, key: &str) -> Option<&str> {
        self.extra.get(key).and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;
    use rstest::rstest;

    #[rstest]
    #[case::seq_scan("seq_scan")]
    #[case::partial_index_scan("partial_index_scan")]
    #[case::seq_scan_small_table("seq_scan_small_table")]
    #[case::index_only_scan("index_only_scan")]
    #[case::bitmap_heap_scan("bitmap_heap_scan")]
    #[case::index_scan_backward_limit("index_scan_backward_limit")]
    #[case::sort_seq_scan("sort_seq_scan")]
    #[case::order_desc_index_nulls_last("order_desc_index_nulls_last")]
    #[case::order_desc_index_desc("order_desc_index_desc")]
    #[case::nested_loop_index("nested_loop_index")]
    #[case::subplan_index("subplan_index")]
    #[case::cte_index("cte_index")]
    #[case::rows_removed_by_filter("rows_removed_by_filter")]
    #[case::generic_plan_partial_index("generic_plan_partial_index")]
    #[case::custom_plan_partial_index("custom_plan_partial_index")]
    fn renders_pg15_plan(#[case] name: &str) {
        insta::assert_snapshot!(format!("pg15_{name}"), fixture::pg15(name).render_tree());
    }

    #[rstest]
    #[case::pev2_many_ctes("pev2/pev2_many_ctes.json")]
    #[case::pev2_parallel_verbose("pev2/pev2_parallel_verbose.json")]
    #[case::pev1_dellstore_limit("pev1/pev1_sample_dellstore_limit.json")]
    #[case::auto_explain_incremental_sort("pganalyze_collector_auto_explain/json_incremental_sort.in.json")]
    #[case::auto_explain_insert_conflict("pganalyze_collector_auto_explain/json_insert_conflict.in.json")]
    #[case::auto_explain_citus("pganalyze_collector_auto_explain/json_custom_plan_citus.in.json")]
    #[case::auto_explain_hash_aggregate("pganalyze_collector_auto_explain/json_hash_aggregate.in.json")]
    fn renders_third_party_plan(#[case] path: &str) {
        let name = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".json");
        let name = name.trim_end_matches(".in").replace('.', "_");
        insta::assert_snapshot!(format!("third_party_{name}"), fixture::third_party(path).render_tree());
    }

    #[test]
    fn renders_postgresql_18_plan() {
        insta::assert_snapshot!(fixture::hand_made("pg18_fractional_counts").render_tree(), @r"
        Nested Loop
          -> Outer: Seq Scan on customers c  [Filter: (name ~~ 'customer-10_'::text)]
          -> Inner: Index Scan using orders_customer_id_idx on orders o  [Index Cond: (customer_id = c.id)]  [Filter: (status = 'paid'::text)]
        ");
    }

    #[test]
    fn rendering_has_no_costs_timings_or_counts() {
        let tree = fixture::third_party("pev2/pev2_parallel_verbose.json").render_tree();
        for word in ["cost", "rows=", "Time", "time=", "loops", "Rows"] {
            assert!(!tree.contains(word), "`{word}` in:\n{tree}");
        }
    }

    #[rstest]
    #[case::hash_left_join("Hash Join", &[("Join Type", "Left")], "Hash Left Join")]
    #[case::nested_loop_anti_join("Nested Loop", &[("Join Type", "Anti")], "Nested Loop Anti Join")]
    #[case::inner_merge_join("Merge Join", &[("Join Type", "Inner")], "Merge Join")]
    #[case::hash_aggregate("Aggregate", &[("Strategy", "Hashed")], "HashAggregate")]
    #[case::partial_group_aggregate("Aggregate", &[("Strategy", "Sorted"), ("Partial Mode", "Partial")], "Partial GroupAggregate")]
    #[case::plain_aggregate("Aggregate", &[("Strategy", "Plain"), ("Partial Mode", "Simple")], "Aggregate")]
    #[case::insert("ModifyTable", &[("Operation", "Insert"), ("Relation Name", "t")], "Insert on t")]
    #[case::index_only_scan_backward("Index Only Scan", &[("Scan Direction", "Backward"), ("Index Name", "i"), ("Relation Name", "t")], "Index Only Scan Backward using i on t")]
    #[case::bitmap_index_scan("Bitmap Index Scan", &[("Index Name", "i")], "Bitmap Index Scan on i")]
    #[case::aliased_schema_qualified("Seq Scan", &[("Relation Name", "agents"), ("Schema", "public"), ("Alias", "a")], "Seq Scan on public.agents a")]
    #[case::alias_same_as_relation("Seq Scan", &[("Relation Name", "agents"), ("Alias", "agents")], "Seq Scan on agents")]
    #[case::cte_scan("CTE Scan", &[("CTE Name", "recent"), ("Alias", "r")], "CTE Scan on recent r")]
    #[case::subquery_scan("Subquery Scan", &[("Alias", "sub")], "Subquery Scan on sub")]
    fn labels_nodes_like_postgresql_text_format(
        #[case] node_type: &str,
        #[case] keys: &[(&str, &str)],
        #[case] expected: &str,
    ) {
        let mut json = serde_json::Map::new();
        json.insert("Node Type".into(), node_type.into());
        for (key, value) in keys {
            json.insert((*key).into(), (*value).into());
        }
        let node: Node = serde_json::from_value(json.into()).expect("valid node");
        assert_eq!(node.label(), expected);
    }

    #[test]
    fn parallel_scans_say_so() {
        let node: Node = serde_json::from_value(serde_json::json!({
            "Node Type": "Seq Scan", "Parallel Aware": true, "Relation Name": "t"
        }))
        .expect("valid node");
        assert_eq!(node.label(), "Parallel Seq Scan on t");
    }

    #[test]
    fn a_line_break_in_a_name_or_condition_does_not_start_a_line_of_its_own() {
        let node: Node = serde_json::from_value(serde_json::json!({
            "Node Type": "Seq Scan", "Relation Name": "a\n::error::forged",
            "Filter": "(name = 'x\u{1b}[2J\nPASS'::text)"
        }))
        .expect("valid node");
        assert_eq!(
            node.render_tree(),
            "Seq Scan on a\\n::error::forged  [Filter: (name = 'x\\u{1b}[2J\\nPASS'::text)]\n"
        );
    }
}
