//! Every index must be valid after the migration. A failed `CREATE INDEX CONCURRENTLY` leaves
//! an INVALID index behind, which the planner ignores and which `CREATE INDEX ... IF NOT
//! EXISTS` then skips without a word
//! (<https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>).

use super::finding::Finding;
use super::registry::Check;

/// `invalid`: (index, table) pairs that `pg_index.indisvalid` says are invalid.
pub fn valid_indexes(invalid: &[(String, String)]) -> Vec<Finding> {
    invalid
        .iter()
        .map(|(index, table)| {
            Finding::violation(
                Check::ValidIndex,
                format!("index `{index}` on `{table}` is INVALID after the migration"),
                Some(format!("drop it (`DROP INDEX CONCURRENTLY {index}`) and build it again; `IF NOT EXISTS` will not replace it")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_invalid_index_is_named() {
        let findings = valid_indexes(&[("idx_a".into(), "t".into())]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].is_violation() && findings[0].message.contains("`idx_a` on `t` is INVALID"));
        assert!(valid_indexes(&[]).is_empty());
    }
}
