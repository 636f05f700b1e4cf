//! Why an expected index is not used: PostgreSQL *can't* use it for this query, or *won't* at
//! this size. The evidence is the plan the verdict judged, a re-plan of the same query in a
//! diagnostic-only transaction with Seq Scans disabled (which only says what the index would
//! cost: the verdict never reads it), and the index as the catalog describes it. Compared with
//! the query's conditions in the plan, the definition tells which mismatch stops it: a partial
//! predicate, a generic plan's parameters, an operator class or collation, an expression, the
//! leading column, a sort order the index does not keep (`sort_order.rs`).

use crate::catalog::{IndexShape, TableSize};
use crate::plan::{Explain, Node};
use crate::scenario::PlanMode;

/// What is known when an index expectation failed.
pub struct Clues<'a> {
    pub index: &'a str,
    /// The plan that was judged.
    pub chosen: &'a Explain,
    /// The same query planned with `enable_seqscan = off`, costs only.
    pub forced: &'a Explain,
    /// The index after the migration, if it exists.
    pub shape: Option<&'a IndexShape>,
    pub mode: PlanMode,
    /// Whether the database compares text byte by byte (C collation).
    pub c_collation: bool,
    pub table_size: Option<&'a TableSize>,
}

/// The diagnosis, as a hint's text.
pub fn diagnose(e: &Clues) -> String {
    let Some(shape) = e.shape else {
        return format!("can't: index `{}` does not exist after the migration", e.index);
    };
    let cost = |x: &Explain| x.plan.total_cost.unwrap_or(0.0);
    let conditions = conditions(e.chosen, &shape.table);
    // Even with Seq Scans disabled the planner sorts: the index cannot give the order asked.
    if let Some(because) = super::sort_order::mismatch(e.forced, shape, &conditions) {
        return format!("can't: `{}` cannot give the order this query asks for: {because}", e.index);
    }
    if uses(e.forced, e.index) {
        let (forced, chosen) = (cost(e.forced), cost(e.chosen));
        let ratio = if chosen > 0.0 { forced / chosen } else { 0.0 };
        let size = e.table_size.map_or(String::new(), |t| format!(" at {} rows of `{}`", rows(t.rows), shape.table));
        return format!(
            "won't: the index can serve this query, at {ratio:.1}× the estimated cost of the plan chosen ({forced:.1} vs {chosen:.1}){size}; the planner's choice changes with the table's size and the value's selectivity: seed the row count production has, or check the statistics"
        );
    }
    let other = e.forced.walk().find(|n| n.is_index_scan() && n.index_name.as_deref() != Some(e.index));
    let other = other.and_then(|n| n.index_name.as_deref());
    match (cannot_because(e, shape, &conditions), other) {
        (Some(because), None) => format!("can't: PostgreSQL cannot use `{}` for this query: {because}", e.index),
        (Some(because), Some(other)) => format!(
            "can't: PostgreSQL cannot use `{}` for this query (with Seq Scans disabled the planner reads `{other}` instead): {because}",
            e.index
        ),
        (None, Some(other)) => format!(
            "won't: with Seq Scans disabled the planner reads `{other}` instead, which it estimates cheaper for this query; if `{}` is meant to serve it, compare the two indexes' columns, predicates and sort orders with the query's conditions (`{conditions}`)",
            e.index
        ),
        (None, None) => format!(
            "can't: PostgreSQL cannot use `{}` for this query even with Seq Scans disabled: no condition of the query (`{conditions}`) matches what its {} index supports",
            e.index, shape.method
        ),
    }
}

/// The first mismatch between the index's definition and the query's conditions on its table.
fn cannot_because(e: &Clues, shape: &IndexShape, conditions: &str) -> Option<String> {
    if let Some(predicate) = &shape.predicate {
        if e.mode == PlanMode::Generic {
            return Some(format!(
                "this is a generic plan: `$1` could be anything, so the partial predicate `{predicate}` is not provable (a custom plan, with the value bound, can use the index)"
            ));
        }
        return Some(format!("its predicate `{predicate}` is not implied by the query's conditions (`{conditions}`)"));
    }
    let leading = shape.columns.first().map_or("", String::as_str);
    let opclass = shape.opclasses.first().map_or("", String::as_str);
    if conditions.contains("~~") && opclass.is_empty() && !e.c_collation && shape.method == "btree" {
        return Some(format!(
            "`LIKE 'prefix%'` can use a B-tree only when it compares byte by byte: the database's collation is not C, so the index needs `{leading} text_pattern_ops` (or `COLLATE \"C\"`)"
        ));
    }
    if leading.contains('(') && !conditions.contains(leading) {
        return Some(format!("its expression `{leading}` is not what the query's conditions compute (`{conditions}`)"));
    }
    if !leading.is_empty() && !mentions(conditions, leading) {
        return Some(format!("its leading column `{leading}` is not in the query's conditions (`{conditions}`)"));
    }
    if !opclass.is_empty() {
        return Some(format!(
            "its operator class `{opclass}` on `{leading}` does not support the operator the query uses (`{conditions}`)"
        ));
    }
    None
}

/// Whether a node of `explain` reads `index`.
fn uses(explain: &Explain, index: &str) -> bool {
    explain.walk().any(|n| n.is_index_scan() && n.index_name.as_deref() == Some(index))
}

/// The conditions the plan applies to `table`'s rows (Filter, Index Cond, Recheck Cond),
/// joined with AND.
fn conditions(explain: &Explain, table: &str) -> String {
    let on_table = |n: &&Node| n.relation_name.as_deref() == Some(table);
    let parts: Vec<&str> = explain
        .walk()
        .filter(on_table)
        .flat_map(|n| [&n.filter, &n.index_cond, &n.recheck_cond])
        .filter_map(|c| c.as_deref())
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" AND ")
    }
}

/// Whether `conditions` name `column` as a whole word.
pub(super) fn mentions(conditions: &str, column: &str) -> bool {
    let bare = column.trim_matches('"');
    conditions.match_indices(bare).any(|(at, _)| {
        let before = conditions[..at].chars().next_back();
        let after = conditions[at + bare.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

fn rows(n: f64) -> String {
    match n {
        n if n >= 1e6 => format!("{:.1}M", n / 1e6),
        n if n >= 1e3 => format!("{:.0}k", n / 1e3),
        n => format!("{n:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn explain(node: serde_json::Value) -> Explain {
        Explain::from_value(json!([{ "Plan": node }])).expect("a plan")
    }

    fn seq(filter: &str, cost: f64) -> Explain {
        explain(json!({ "Node Type": "Seq Scan", "Relation Name": "users", "Total Cost": cost, "Filter": filter }))
    }

    fn index_scan(index: &str, cond: &str, cost: f64) -> Explain {
        explain(json!({ "Node Type": "Index Scan", "Relation Name": "users", "Index Name": index,
                        "Total Cost": cost, "Index Cond": cond }))
    }

    fn shape(columns: &[&str], predicate: Option<&str>, opclass: &str) -> IndexShape {
        IndexShape {
            name: "ix".into(),
            table: "users".into(),
            method: "btree".into(),
            columns: columns.iter().map(ToString::to_string).collect(),
            predicate: predicate.map(str::to_string),
            unique: false,
            orders: vec![String::new(); columns.len()],
            include: Vec::new(),
            size_bytes: 0,
            opclasses: columns
                .iter()
                .enumerate()
                .map(|(i, _)| if i == 0 { opclass.into() } else { String::new() })
                .collect(),
        }
    }

    fn diagnosis(chosen: &Explain, forced: &Explain, shape: &IndexShape, mode: PlanMode, c: bool) -> String {
        let size = TableSize { rows: 10_000.0, pages: 100.0 };
        diagnose(&Clues {
            index: "ix",
            chosen,
            forced,
            shape: Some(shape),
            mode,
            c_collation: c,
            table_size: Some(&size),
        })
    }

    #[test]
    fn won_t_when_the_forced_plan_reads_the_index_with_the_cost_ratio() {
        let d = diagnosis(
            &seq("(region = 3)", 180.0),
            &index_scan("ix", "(region = 3)", 756.0),
            &shape(&["region"], None, ""),
            PlanMode::Custom,
            true,
        );
        assert!(d.starts_with("won't: the index can serve this query, at 4.2× the estimated cost"), "{d}");
        assert!(d.contains("(756.0 vs 180.0) at 10k rows of `users`"), "{d}");
    }

    /// A cause of "can't", the plan's filter and the index that shows it, and what is said.
    struct Case {
        cause: &'static str,
        filter: &'static str,
        columns: &'static [&'static str],
        predicate: Option<&'static str>,
        opclass: &'static str,
        mode: PlanMode,
        c_collation: bool,
        said: &'static str,
    }

    const CAN_T: &[Case] = &[
        Case {
            cause: "partial predicate not implied",
            filter: "(email = 'a'::text)",
            columns: &["email"],
            predicate: Some("(deleted_at IS NULL)"),
            opclass: "",
            mode: PlanMode::Custom,
            c_collation: true,
            said:
                "its predicate `(deleted_at IS NULL)` is not implied by the query's conditions (`(email = 'a'::text)`)",
        },
        Case {
            cause: "generic plan and a partial index",
            filter: "(email = $1)",
            columns: &["email"],
            predicate: Some("(email <> ''::text)"),
            opclass: "",
            mode: PlanMode::Generic,
            c_collation: true,
            said:
                "generic plan: `$1` could be anything, so the partial predicate `(email <> ''::text)` is not provable",
        },
        Case {
            cause: "LIKE under a non-C collation",
            filter: "(email ~~ 'zelda%'::text)",
            columns: &["email"],
            predicate: None,
            opclass: "",
            mode: PlanMode::Custom,
            c_collation: false,
            said: "the index needs `email text_pattern_ops`",
        },
        Case {
            cause: "expression mismatch",
            filter: "(lower(COALESCE(email, ''::text)) = 'a'::text)",
            columns: &["lower(email)"],
            predicate: None,
            opclass: "",
            mode: PlanMode::Custom,
            c_collation: true,
            said: "its expression `lower(email)` is not what the query's conditions compute",
        },
        Case {
            cause: "leading column missing",
            filter: "(created_at > now())",
            columns: &["region", "created_at"],
            predicate: None,
            opclass: "",
            mode: PlanMode::Custom,
            c_collation: true,
            said: "its leading column `region` is not in the query's conditions",
        },
        Case {
            cause: "operator class without the operator",
            filter: "(doc @> '{\"a\": 1}'::jsonb)",
            columns: &["doc"],
            predicate: None,
            opclass: "jsonb_path_ops",
            mode: PlanMode::Custom,
            c_collation: true,
            said: "its operator class `jsonb_path_ops` on `doc` does not support the operator",
        },
    ];

    #[test]
    fn can_t_names_the_mismatch_for_each_cause() {
        for case in CAN_T {
            let chosen = seq(case.filter, 100.0);
            let index = shape(case.columns, case.predicate, case.opclass);
            let d = diagnosis(&chosen, &chosen, &index, case.mode, case.c_collation);
            assert!(d.starts_with("can't: PostgreSQL cannot use `ix` for this query: "), "{}: {d}", case.cause);
            assert!(d.contains(case.said), "{}: {d}", case.cause);
        }
    }

    #[test]
    fn another_index_read_instead_is_named_and_a_missing_index_is_said() {
        let d = diagnosis(
            &seq("(email ~~ 'z%'::text)", 100.0),
            &index_scan("users_email", "(email = 'z')", 300.0),
            &shape(&["email"], None, ""),
            PlanMode::Custom,
            false,
        );
        assert!(d.contains("(with Seq Scans disabled the planner reads `users_email` instead)"), "{d}");
        let preferred = diagnosis(
            &seq("(email = 'z'::text)", 100.0),
            &index_scan("users_email", "(email = 'z'::text)", 300.0),
            &shape(&["email"], None, ""),
            PlanMode::Custom,
            true,
        );
        assert!(
            preferred.starts_with("won't: with Seq Scans disabled the planner reads `users_email` instead"),
            "{preferred}"
        );
        let chosen = seq("(a = 1)", 1.0);
        let missing = diagnose(&Clues {
            index: "gone",
            chosen: &chosen,
            forced: &chosen,
            shape: None,
            mode: PlanMode::Custom,
            c_collation: true,
            table_size: None,
        });
        assert_eq!(missing, "can't: index `gone` does not exist after the migration");
    }

    #[test]
    fn a_column_is_mentioned_as_a_whole_word_only() {
        assert!(mentions("(region = 3)", "region"));
        assert!(!mentions("(subregion = 3)", "region"));
        assert!(!mentions("(region_id = 3)", "region"));
    }
}
