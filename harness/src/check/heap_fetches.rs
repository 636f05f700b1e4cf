//! `max-heap-fetches`: an Index Only Scan that still visits the heap has a visibility map that
//! does not mark the pages all-visible (no `VACUUM` since the writes), and is an index scan in
//! all but name. The count depends on the data and the plan, not on the machine.

use super::finding::{count, Finding};
use super::registry::Check;
use crate::plan::Explain;

/// A violation when the plan's index-only scans fetched more than `max` heap tuples.
pub(super) fn heap_fetches(explain: &Explain, max: f64) -> Option<Finding> {
    let found = explain.heap_fetches();
    (found > max).then(|| {
        Finding::violation(
            Check::HeapFetches,
            format!("expected at most {} heap fetches, found {}", count(max), count(found)),
            Some("an Index Only Scan fetches from the heap for pages the visibility map does not mark all-visible; VACUUM sets them".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{fixture, Node};

    #[test]
    fn a_vacuumed_index_only_scan_fetches_nothing_from_the_heap() {
        let explain = fixture::pg15("index_only_scan");
        assert_eq!(heap_fetches(&explain, 0.0), None);
        let mut scan = Node::new("Index Only Scan");
        scan.heap_fetches = Some(120.0);
        let stale = Explain::from_plan(scan);
        let finding = heap_fetches(&stale, 10.0).expect("a violation");
        assert_eq!(
            (finding.check, finding.message.as_str()),
            (Check::HeapFetches, "expected at most 10 heap fetches, found 120")
        );
    }
}
