//! Budget on shared buffers touched (hit + read): how many 8 kB pages the statement went
//! through, a measure of work that does not depend on the clock or on what is cached.

use super::finding::{count, Finding};
use super::registry::Check;
use crate::plan::Explain;

const CHECK: Check = Check::Buffers;

/// A violation when the statement touched more than `max` shared buffers, or when the plan
/// has no buffer counts to tell.
pub(super) fn buffers(explain: &Explain, max: f64) -> Option<Finding> {
    let Some(total) = explain.buffers() else {
        return Some(Finding::violation(
            CHECK,
            format!("expected at most `{}` shared buffers touched, but the plan has no buffer counts (expected a plan captured with `BUFFERS`)", count(max)),
            None,
        ));
    };
    if total <= max {
        return None;
    }
    let root = &explain.plan;
    let message = format!(
        "expected at most `{}` shared buffers touched (hit + read), found `{}` (hit {}, read {})",
        count(max),
        count(total),
        count(root.shared_hit_blocks.unwrap_or(0.0)),
        count(root.shared_read_blocks.unwrap_or(0.0)),
    );
    let hint = "each buffer is an 8 kB page of table or index; touching many more pages than the rows returned need means the plan reads rows it then throws away (a Seq Scan, a filter, heap fetches of an index-only scan on an unvacuumed table)";
    Some(Finding::violation(CHECK, message, Some(hint.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{fixture, Node};

    #[test]
    fn index_lookup_fits_a_small_budget() {
        let explain = fixture::pg15("partial_index_scan");
        let touched = explain.buffers().expect("buffers");
        assert!(touched <= 10.0, "{touched}");
        assert_eq!(buffers(&explain, 10.0), None);
    }

    #[test]
    fn seq_scan_exceeds_it() {
        let explain = fixture::pg15("seq_scan");
        let touched = explain.buffers().expect("buffers");
        let finding = buffers(&explain, 10.0).expect("violation");
        assert_eq!(finding.check, Check::Buffers);
        assert!(
            finding.message.starts_with(&format!(
                "expected at most `10` shared buffers touched (hit + read), found `{}` (hit ",
                count(touched)
            )),
            "{}",
            finding.message
        );
        assert!(finding.hint.is_some());
    }

    #[test]
    fn plan_without_buffers_cannot_pass() {
        let finding = buffers(&Explain::from_plan(Node::new("Result")), 10.0).expect("violation");
        assert_eq!(
            finding.message,
            "expected at most `10` shared buffers touched, but the plan has no buffer counts (expected a plan captured with `BUFFERS`)"
        );
    }
}
