//! An expectation that names an index the migration did not create can never hold; saying
//! that plainly beats a hint about partial-index predicates.

use super::finding::Finding;
use super::registry::Check;
use crate::scenario::PlanExpectation;

/// Violations for each index `expect` names that is not among `existing` (after the migration).
pub fn index_exists(expect: &PlanExpectation, existing: &[String]) -> Vec<Finding> {
    let mut named: Vec<&str> = expect.must.iter().filter_map(|p| p.index_name()).collect();
    named.dedup();
    named
        .into_iter()
        .filter(|name| !existing.iter().any(|e| e == name))
        .map(|name| {
            Finding::violation(
                Check::IndexExists,
                format!(
                    "no index `{name}` exists after the migration (expected one of {})",
                    if existing.is_empty() {
                        "none: there are no indexes".to_string()
                    } else {
                        existing.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                    }
                ),
                Some("check the index name in the migration and in the scenario".into()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    use crate::scenario::PlanPattern;

    #[test]
    fn a_missing_index_is_named_with_those_that_exist() {
        let expect = PlanExpectation {
            must: vec![
                PlanPattern::from_str("index idx_nope").unwrap(),
                PlanPattern::from_str("seq-scan on t").unwrap(),
            ],
            ..Default::default()
        };
        let findings = index_exists(&expect, &["idx_a".into(), "t_pkey".into()]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("no index `idx_nope` exists after the migration (expected one of `idx_a`, `t_pkey`)"));
        assert!(index_exists(&expect, &["idx_nope".into()]).is_empty());
    }
}
