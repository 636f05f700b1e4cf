//! Facts about the indexes a migration leaves, read from the catalog rather than the plan: the
//! index exists, on the table, with the key columns in order and their DESC/NULLS ordering, the
//! INCLUDE columns, the partial predicate, uniqueness, method, and a size budget
//! (`pg_relation_size`). A plan can be right today with an index that is wrong for tomorrow's
//! queries — `created_at` where `created_at DESC NULLS LAST` was meant, say.

use super::finding::Finding;
use super::registry::Check;
use crate::catalog::IndexShape;
use crate::scenario::IndexSpec;
use crate::text::pretty_bytes;

/// Violations for every fact of `spec` the catalog (`shapes`, after the migration) contradicts.
pub(super) fn index_catalog(spec: &IndexSpec, shapes: &[IndexShape]) -> Vec<Finding> {
    let mut findings = Vec::new();
    // As written, else folded to lower case as PostgreSQL folds an unquoted name.
    let found = shapes
        .iter()
        .find(|i| i.name == spec.name)
        .or_else(|| shapes.iter().find(|i| i.name == spec.name.to_lowercase()));
    let Some(index) = found else {
        findings.push(Finding::violation(
            Check::IndexCatalog,
            format!("index `{}` does not exist after the migration", spec.name),
            Some(format!("indexes that do: {}", names(shapes))),
        ));
        return findings;
    };
    let mut wrong = |fact: &str, expected: String, actual: String| {
        findings.push(Finding::violation(
            Check::IndexCatalog,
            format!("index `{}`: {fact} is `{actual}`, expected `{expected}`", spec.name),
            None,
        ));
    };
    if let Some(table) = &spec.table {
        if !table.eq_ignore_ascii_case(&index.table) {
            wrong("table", table.clone(), index.table.clone());
        }
    }
    if let Some(columns) = &spec.columns {
        let actual: Vec<String> = index
            .columns
            .iter()
            .zip(index.orders.iter().chain(std::iter::repeat(&String::new())))
            .map(|(c, o)| if o.is_empty() { c.clone() } else { format!("{c} {o}") })
            .collect();
        let same = columns.len() == actual.len()
            && columns
                .iter()
                .zip(&index.columns)
                .zip(&index.orders)
                .all(|((want, expr), order)| same_expression(&want.expr, expr) && want.order == *order);
        if !same {
            let written: Vec<String> = columns.iter().map(std::string::ToString::to_string).collect();
            wrong("key columns", written.join(", "), actual.join(", "));
        }
    }
    if let Some(include) = &spec.include {
        let same = include.len() == index.include.len()
            && include.iter().zip(&index.include).all(|(a, b)| same_expression(a, b));
        if !same {
            wrong("INCLUDE columns", include.join(", "), index.include.join(", "));
        }
    }
    if let Some(predicate) = &spec.predicate {
        match &index.predicate {
            Some(actual) if same_expression(predicate, actual) => {}
            Some(actual) => wrong("partial predicate", predicate.clone(), actual.clone()),
            None => findings.push(Finding::violation(
                Check::IndexCatalog,
                format!("index `{}` is not partial, expected `WHERE {predicate}`", spec.name),
                None,
            )),
        }
    }
    if let Some(unique) = spec.unique {
        if unique != index.unique {
            findings.push(Finding::violation(
                Check::IndexCatalog,
                format!("index `{}` is {}, expected {}", spec.name, uniqueness(index.unique), uniqueness(unique)),
                None,
            ));
        }
    }
    if let Some(method) = &spec.method {
        if !method.eq_ignore_ascii_case(&index.method) {
            findings.push(Finding::violation(
                Check::IndexCatalog,
                format!("index `{}` uses `{}`, expected `{method}`", spec.name, index.method),
                None,
            ));
        }
    }
    if let Some(max) = spec.max_size {
        if index.size_bytes > max as i64 {
            findings.push(Finding::violation(
                Check::IndexSize,
                format!("index `{}` is {} on the seeded data, over its budget of {}", spec.name, pretty_bytes(index.size_bytes as u64), pretty_bytes(max)),
                Some("a narrower key, a partial predicate or fewer INCLUDE columns shrinks it; every write pays for its size".into()),
            ));
        }
    }
    findings
}

/// Two expressions as the same after PostgreSQL's rewriting of what was written: case,
/// whitespace, double quotes, parentheses and `::type` casts are ignored. Textual, not semantic:
/// `a AND (b OR c)` and `(a AND b) OR c` compare equal, which an index predicate written by a
/// person rarely depends on.
pub(crate) fn same_expression(written: &str, catalog: &str) -> bool {
    normalise(written) == normalise(catalog)
}

fn normalise(expr: &str) -> String {
    let lower: String =
        expr.to_lowercase().chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '(' && *c != ')').collect();
    // Drop `::type` casts (type names are letters, digits, `_`, `[]`, and `character varying`
    // has already lost its space).
    let mut out = String::with_capacity(lower.len());
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("::") {
        out.push_str(&rest[..i]);
        rest =
            rest[i + 2..].trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '[' || c == ']');
    }
    out.push_str(rest);
    out
}

fn uniqueness(unique: bool) -> &'static str {
    if unique {
        "unique"
    } else {
        "not unique"
    }
}

fn names(shapes: &[IndexShape]) -> String {
    let all: Vec<String> = shapes.iter().map(|i| format!("`{}`", i.name)).collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::IndexColumn;

    fn shape() -> IndexShape {
        IndexShape {
            name: "ix_alertrule".into(),
            table: "upstream_alertrule".into(),
            method: "btree".into(),
            columns: vec!["customer_id".into(), "routing_priority".into()],
            predicate: Some("enabled".into()),
            unique: false,
            orders: vec![String::new(), "DESC".into()],
            include: vec!["name".into()],
            size_bytes: 2 << 20,
            opclasses: vec![String::new(), String::new()],
        }
    }

    fn spec() -> IndexSpec {
        IndexSpec { name: "ix_alertrule".into(), ..Default::default() }
    }

    fn columns(written: &[&str]) -> Option<Vec<IndexColumn>> {
        Some(written.iter().map(|c| c.parse().expect("a valid column")).collect())
    }

    #[test]
    fn matching_facts_are_silent() {
        let s = IndexSpec {
            table: Some("upstream_alertrule".into()),
            columns: columns(&["customer_id", "routing_priority DESC NULLS FIRST"]),
            include: Some(vec!["name".into()]),
            predicate: Some("enabled".into()),
            unique: Some(false),
            method: Some("BTREE".into()),
            max_size: Some(4 << 20),
            ..spec()
        };
        assert_eq!(index_catalog(&s, &[shape()]), vec![]);
    }

    #[test]
    fn ordering_is_a_fact_of_its_own() {
        let s = IndexSpec { columns: columns(&["customer_id", "routing_priority DESC NULLS LAST"]), ..spec() };
        let f = index_catalog(&s, &[shape()]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "index `ix_alertrule`: key columns is `customer_id, routing_priority DESC`, expected `customer_id, routing_priority DESC NULLS LAST`"
        );
    }

    #[test]
    fn an_unquoted_name_in_upper_case_finds_the_folded_index() {
        let s = IndexSpec { name: "IX_ALERTRULE".into(), unique: Some(false), ..spec() };
        assert_eq!(index_catalog(&s, &[shape()]), vec![]);
    }

    #[test]
    fn a_missing_index_names_those_that_exist() {
        let s = IndexSpec { name: "ix_other".into(), ..spec() };
        let f = index_catalog(&s, &[shape()]);
        assert!(
            f[0].message.contains("`ix_other` does not exist")
                && f[0].hint.as_deref() == Some("indexes that do: `ix_alertrule`")
        );
    }

    #[test]
    fn predicate_uniqueness_method_and_size_each_say_what_they_found() {
        let s = IndexSpec {
            predicate: Some("NOT enabled".into()),
            unique: Some(true),
            method: Some("hash".into()),
            max_size: Some(1 << 20),
            ..spec()
        };
        let messages: Vec<String> = index_catalog(&s, &[shape()]).into_iter().map(|f| f.message).collect();
        assert_eq!(
            messages,
            [
                "index `ix_alertrule`: partial predicate is `enabled`, expected `NOT enabled`",
                "index `ix_alertrule` is not unique, expected unique",
                "index `ix_alertrule` uses `btree`, expected `hash`",
                "index `ix_alertrule` is 2 MB on the seeded data, over its budget of 1 MB",
            ]
        );
    }

    #[test]
    fn expressions_compare_as_postgres_rewrites_them() {
        assert!(same_expression("deleted_at IS NULL", "(deleted_at IS NULL)"));
        assert!(same_expression("status = 'open'", "((status)::text = 'open'::text)"));
        assert!(same_expression("lower(email)", "lower((email)::text)"));
        assert!(!same_expression("status = 'open'", "((status)::text = 'closed'::text)"));
    }
}
