//! One cause of "can't" for the diagnosis: the query's ORDER BY is an order the index does not
//! keep. A B-tree gives its rows in its own order read forwards, or exactly reversed read
//! backwards (every column's direction *and* NULLS placement flipped): `created_at ASC NULLS
//! LAST` serves `ORDER BY created_at` and `ORDER BY created_at DESC` (which is `DESC NULLS
//! FIRST`), never `ORDER BY created_at DESC NULLS LAST`, nor a mix of directions over several
//! columns that the index does not have. The plan shows it as a Sort the index did not remove.

use crate::catalog::IndexShape;
use crate::plan::Explain;

/// A key's direction and where its NULLs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Order {
    desc: bool,
    nulls_first: bool,
}

impl Order {
    /// The words PostgreSQL prints after a column (``, `DESC`, `NULLS FIRST`, `DESC NULLS
    /// LAST`); the NULLS placement left out is the direction's default (LAST for ASC).
    fn parse(words: &str) -> Order {
        let words = words.to_ascii_uppercase();
        let desc = words.split_whitespace().next() == Some("DESC");
        let nulls_first = if words.contains("NULLS FIRST") {
            true
        } else if words.contains("NULLS LAST") {
            false
        } else {
            desc
        };
        Order { desc, nulls_first }
    }

    fn reversed(self) -> Order {
        Order { desc: !self.desc, nulls_first: !self.nulls_first }
    }

    fn words(self) -> &'static str {
        match (self.desc, self.nulls_first) {
            (false, false) => "ASC NULLS LAST",
            (false, true) => "ASC NULLS FIRST",
            (true, true) => "DESC NULLS FIRST",
            (true, false) => "DESC NULLS LAST",
        }
    }
}

/// A `Sort Key` entry (`o.created_at DESC NULLS LAST`) as its column, the table's qualifier
/// dropped, and its order.
fn sort_key(key: &str) -> (String, Order) {
    let mut column = key.trim();
    for suffix in [" NULLS FIRST", " NULLS LAST"] {
        column = column.strip_suffix(suffix).unwrap_or(column);
    }
    for suffix in [" DESC", " ASC"] {
        column = column.strip_suffix(suffix).unwrap_or(column);
    }
    let order = Order::parse(&key.trim()[column.len()..]);
    let bare = match column.rsplit_once('.') {
        Some((_, name)) if !column.contains('(') => name,
        _ => column,
    };
    (bare.trim_matches('"').to_string(), order)
}

/// `created_at DESC NULLS LAST, id ASC NULLS LAST`.
fn listed(columns: &[&str], orders: &[Order]) -> String {
    columns.iter().zip(orders).map(|(c, o)| format!("{c} {}", o.words())).collect::<Vec<_>>().join(", ")
}

/// Why `shape` cannot give the order `plan` sorts by, when that is why: the plan's first Sort
/// has keys that are the index's columns (after columns the query's `conditions` fix) in an
/// order the index gives neither forwards nor backwards.
pub(super) fn mismatch(plan: &Explain, shape: &IndexShape, conditions: &str) -> Option<String> {
    let sort = plan.walk().find(|n| matches!(n.node_type.as_str(), "Sort" | "Incremental Sort"))?;
    let keys: Vec<(String, Order)> = sort.sort_key.iter().map(|k| sort_key(k)).collect();
    let columns: Vec<&str> = shape.columns.iter().map(|c| c.trim_matches('"')).collect();
    let start = columns.iter().position(|c| Some(*c) == keys.first().map(|(k, _)| k.as_str()))?;
    if !columns[..start].iter().all(|c| super::diagnosis::mentions(conditions, c)) || keys.len() > columns.len() - start
    {
        return None;
    }
    let columns = &columns[start..start + keys.len()];
    if keys.iter().zip(columns).any(|((key, _), column)| key != column) {
        return None;
    }
    let wanted: Vec<Order> = keys.iter().map(|(_, o)| *o).collect();
    let kept: Vec<Order> =
        (start..start + keys.len()).map(|i| Order::parse(shape.orders.get(i).map_or("", String::as_str))).collect();
    let backwards: Vec<Order> = kept.iter().map(|o| o.reversed()).collect();
    if wanted == kept || wanted == backwards {
        return None;
    }
    Some(format!(
        "the query sorts by `{}`, but the index keeps `{}`, which it reads forwards or backwards (`{}`) only; create it in the query's order, or sort as the index does",
        listed(columns, &wanted),
        listed(columns, &kept),
        listed(columns, &backwards)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sorted_by(keys: &[&str]) -> Explain {
        Explain::from_value(json!([{ "Plan": {
            "Node Type": "Limit",
            "Plans": [{ "Node Type": "Sort", "Sort Key": keys, "Plans": [
                { "Node Type": "Seq Scan", "Relation Name": "events" }
            ]}]
        }}]))
        .expect("a plan")
    }

    fn index(columns: &[(&str, &str)]) -> IndexShape {
        IndexShape {
            name: "ix".into(),
            table: "events".into(),
            method: "btree".into(),
            columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
            predicate: None,
            unique: false,
            orders: columns.iter().map(|(_, o)| o.to_string()).collect(),
            include: Vec::new(),
            opclasses: vec![String::new(); columns.len()],
            size_bytes: 0,
        }
    }

    #[test]
    fn an_order_the_index_gives_forwards_or_backwards_is_no_mismatch() {
        let asc = index(&[("created_at", "")]);
        for keys in [&["e.created_at"][..], &["created_at DESC"], &["events.created_at NULLS LAST"]] {
            assert_eq!(mismatch(&sorted_by(keys), &asc, "none"), None, "{keys:?}");
        }
        let mixed = index(&[("tenant", ""), ("created_at", "DESC")]);
        assert_eq!(mismatch(&sorted_by(&["tenant DESC", "created_at"]), &mixed, "none"), None);
        // Another column's sort is not this cause.
        assert_eq!(mismatch(&sorted_by(&["id"]), &asc, "none"), None);
    }

    #[test]
    fn a_nulls_order_or_a_mix_of_directions_the_index_lacks_is_said_with_both_ways_it_reads() {
        let asc = index(&[("created_at", "")]);
        assert_eq!(
            mismatch(&sorted_by(&["e.created_at DESC NULLS LAST"]), &asc, "none").as_deref(),
            Some(
                "the query sorts by `created_at DESC NULLS LAST`, but the index keeps `created_at ASC NULLS LAST`, which it reads forwards or backwards (`created_at DESC NULLS FIRST`) only; create it in the query's order, or sort as the index does"
            )
        );
        let two = index(&[("tenant", ""), ("created_at", "")]);
        let said = mismatch(&sorted_by(&["tenant", "created_at DESC"]), &two, "none").expect("a mismatch");
        assert!(said.contains("sorts by `tenant ASC NULLS LAST, created_at DESC NULLS FIRST`"), "{said}");
        // A leading column fixed by the query's conditions: the sort is on the next one.
        let said = mismatch(&sorted_by(&["created_at DESC NULLS LAST"]), &two, "(tenant = 3)");
        assert!(said.is_some_and(|s| s.contains("keeps `created_at ASC NULLS LAST`")));
        assert_eq!(mismatch(&sorted_by(&["created_at DESC NULLS LAST"]), &two, "none"), None);
    }
}
