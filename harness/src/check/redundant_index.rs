//! An index whose key columns are the leading columns of another index on the same table
//! (same method, same predicate) adds write cost and buys nothing the longer one does not give.

use super::finding::Finding;
use super::registry::Check;
use crate::catalog::IndexShape;

/// Warnings for each index `created` that duplicates, is a prefix of, or makes redundant
/// another index in `all`.
pub(crate) fn redundant_index(created: &[String], all: &[IndexShape]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for new in all.iter().filter(|i| created.contains(&i.name)) {
        for other in all.iter().filter(|o| {
            o.name != new.name && o.table == new.table && o.method == new.method && o.predicate == new.predicate
        }) {
            // A column under another operator class or collation serves other operators.
            let prefix = |short: &IndexShape, long: &IndexShape| {
                long.columns.starts_with(&short.columns) && long.opclasses.starts_with(&short.opclasses)
            };
            let message = if new.columns == other.columns && new.opclasses == other.opclasses {
                format!(
                    "index `{}` duplicates `{}` on `{}` ({})",
                    new.name,
                    other.name,
                    new.table,
                    new.columns.join(", ")
                )
            } else if prefix(new, other) && !new.unique {
                format!(
                    "index `{}` ({}) is a prefix of `{}` ({}) on `{}`",
                    new.name,
                    new.columns.join(", "),
                    other.name,
                    other.columns.join(", "),
                    new.table
                )
            } else if prefix(other, new) && !other.unique && !created.contains(&other.name) {
                format!(
                    "index `{}` ({}) makes `{}` ({}) on `{}` redundant",
                    new.name,
                    new.columns.join(", "),
                    other.name,
                    other.columns.join(", "),
                    new.table
                )
            } else {
                continue;
            };
            findings.push(Finding::warning(
                Check::RedundantIndex,
                message,
                Some("the longer index serves lookups on its leading columns: one of the two can usually go".into()),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(name: &str, columns: &[&str], predicate: Option<&str>) -> IndexShape {
        IndexShape {
            name: name.into(),
            table: "t".into(),
            method: "btree".into(),
            columns: columns.iter().map(std::string::ToString::to_string).collect(),
            predicate: predicate.map(str::to_string),
            unique: false,
            orders: vec![String::new(); columns.len()],
            include: Vec::new(),
            size_bytes: 0,
            opclasses: vec![String::new(); columns.len()],
        }
    }

    #[test]
    fn duplicates_and_prefixes_are_named() {
        let all =
            [index("old_a", &["a"], None), index("new_ab", &["a", "b"], None), index("new_dup", &["a", "b"], None)];
        let findings = redundant_index(&["new_ab".into()], &all);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("`new_ab` (a, b) makes `old_a` (a) on `t` redundant")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("`new_ab` duplicates `new_dup`")), "{messages:?}");
    }

    #[test]
    fn another_operator_class_or_collation_is_another_index() {
        let mut pattern = index("pattern", &["email"], None);
        pattern.opclasses = vec!["text_pattern_ops".into()];
        let mut longer = index("pattern_id", &["email", "id"], None);
        longer.opclasses = vec!["text_pattern_ops".into(), String::new()];
        let all = [index("plain", &["email"], None), pattern, longer];
        assert!(redundant_index(&["pattern".into()], &all).iter().all(|f| !f.message.contains("`plain`")));
        let messages: Vec<String> =
            redundant_index(&["pattern_id".into()], &all).into_iter().map(|f| f.message).collect();
        assert!(messages.iter().any(|m| m.contains("makes `pattern` (email) on `t` redundant")), "{messages:?}");
        assert!(messages.iter().all(|m| !m.contains("`plain`")), "{messages:?}");
    }

    #[test]
    fn another_predicate_or_method_is_another_index() {
        let all = [index("partial", &["a"], Some("(b IS NULL)")), index("full", &["a", "c"], None)];
        assert!(redundant_index(&["partial".into()], &all).is_empty());
    }
}
