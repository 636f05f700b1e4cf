//! `max-rows-examined`: every row the plan's scans read, kept or removed by a filter or a
//! recheck, times loops. It says how much work the plan does without a clock: the same seed
//! gives the same count on any machine.

use super::finding::{count, Finding};
use super::registry::Check;
use crate::plan::Explain;

/// A violation when the scans read more than `max` rows.
pub(super) fn rows_examined(explain: &Explain, max: f64) -> Option<Finding> {
    let found = explain.rows_examined();
    (found > max).then(|| {
        Finding::violation(
            Check::RowsExamined,
            format!("expected at most {} rows examined, found {}", count(max), count(found)),
            Some("the scans read more rows than the budget: a missing or unselective index, or a filter the index cannot apply".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;

    #[test]
    fn an_index_lookup_examines_one_row_a_seq_scan_every_row() {
        assert_eq!(rows_examined(&fixture::pg15("partial_index_scan"), 1.0), None);
        let finding = rows_examined(&fixture::pg15("seq_scan"), 1.0).expect("a violation");
        assert_eq!(finding.check, Check::RowsExamined);
        assert!(finding.message.starts_with("expected at most 1 rows examined, found 20000"), "{}", finding.message);
    }
}
