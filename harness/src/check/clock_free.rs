//! Clock-free budgets beside the buffer and filter ones: heap fetches (an Index Only Scan that
//! still visits the heap has a stale visibility map) and rows examined (every row a scan read,
//! kept or filtered out). They depend on the data and the plan, not on the machine, so the same
//! seed gives the same figures: the budgets to gate CI on.

use super::finding::{count, Finding};
use super::registry::Check;
use crate::plan::Explain;

pub fn heap_fetches(explain: &Explain, max: f64) -> Option<Finding> {
    let found = explain.heap_fetches();
    (found > max).then(|| {
        Finding::violation(
            Check::HeapFetches,
            format!("expected at most {} heap fetches, found {}", count(max), count(found)),
            Some("an Index Only Scan fetches from the heap for pages the visibility map does not mark all-visible; VACUUM sets them".into()),
        )
    })
}

pub fn rows_examined(explain: &Explain, max: f64) -> Option<Finding> {
    let found = explain.rows_examined();
    (found > max).then(|| {
        Finding::violation(
            Check::RowsExamined,
            format!("expected at most {} rows examined, found {}", count(max), count(found)),
            Some("the scans read more rows than the budget: a missing or unselective index, or a filter the index cannot apply".into()),
        )
    })
}
