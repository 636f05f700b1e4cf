//! An expectation that names an index the migration did not create can never hold; saying
//! that plainly beats a hint about partial-index predicates.

use super::finding::Finding;
use super::registry::Check;
use crate::scenario::PlanPattern;

/// A violation when `pattern` names an index that is not among `existing` (after the
/// migration).
pub(super) fn index_exists(pattern: &PlanPattern, existing: &[String]) -> Option<Finding> {
    let name = pattern.index_name().filter(|name| !existing.iter().any(|e| e == name))?;
    Some(Finding::violation(
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
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_index_is_named_with_those_that_exist() {
        let (missing, no_index) = ("index idx_nope".parse().unwrap(), "seq-scan on t".parse().unwrap());
        let finding = index_exists(&missing, &["idx_a".into(), "t_pkey".into()]).expect("a violation");
        assert!(finding
            .message
            .contains("no index `idx_nope` exists after the migration (expected one of `idx_a`, `t_pkey`)"));
        assert_eq!(index_exists(&missing, &["idx_nope".into()]), None);
        assert_eq!(index_exists(&no_index, &[]), None, "a pattern naming no index");
    }
}
