//! A worker's figures over a stretch of the workload's clock (the migration window, or the
//! baseline before it): its longest stall — the longest time it went without completing an
//! operation, which a single blocked operation makes as long as the block — its longest single
//! operation, and its 99th-percentile latency.

use serde::{Deserialize, Serialize};

use super::op::Op;
use crate::stats::percentile;

/// What one worker did over one stretch.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Figures {
    /// Operations that ran during the stretch (at least partly).
    pub operations: u64,
    pub errors: u64,
    /// The longest time without a completed operation, from the stretch's start to the first
    /// completion after its end. It includes up to one pacing interval (`1 / rate`).
    pub stall_ms: f64,
    /// The longest single operation.
    pub longest_ms: f64,
    pub p99_ms: f64,
}

/// The figures of the operations in `ops` (in the order they ran) overlapping `from..to`.
pub(crate) fn figures(ops: &[Op], from: f64, to: f64) -> Figures {
    let during: Vec<&Op> = ops.iter().filter(|op| op.start_ms < to && op.end_ms > from).collect();
    let mut latencies: Vec<f64> = during.iter().map(|op| op.latency_ms()).collect();
    latencies.sort_by(f64::total_cmp);
    // Only a write that succeeded is progress: a worker whose every write fails fast has
    // stalled as surely as one that waits.
    let mut stall: f64 = 0.0;
    let mut last = from;
    let mut reached_end = false;
    for op in during.iter().filter(|op| op.ok) {
        stall = stall.max(op.end_ms - last);
        last = op.end_ms.max(last);
        if op.end_ms >= to {
            reached_end = true;
            break;
        }
    }
    if !reached_end && !during.is_empty() {
        // Operations ran but none succeeded up to the end of the stretch.
        stall = stall.max(to - last);
    }
    Figures {
        operations: during.len() as u64,
        errors: during.iter().filter(|op| !op.ok).count() as u64,
        stall_ms: stall,
        longest_ms: latencies.last().copied().unwrap_or(0.0),
        p99_ms: percentile(&latencies, 0.99),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::op::OpKind;

    fn op(start_ms: f64, end_ms: f64) -> Op {
        Op { kind: OpKind::Insert, start_ms, end_ms, ok: true }
    }

    #[test]
    fn failed_operations_are_no_progress() {
        // Every write between 100ms and 900ms fails at once: nothing got written for 800ms.
        let mut ops: Vec<Op> = (0..100).map(|i| op(f64::from(i) * 10.0, f64::from(i) * 10.0 + 1.0)).collect();
        for o in ops.iter_mut().filter(|o| o.start_ms > 100.0 && o.start_ms < 900.0) {
            o.ok = false;
        }
        let f = figures(&ops, 0.0, 1000.0);
        assert!(f.stall_ms > 790.0 && f.stall_ms < 820.0, "{f:?}");
        assert!(f.errors > 70, "{f:?}");
    }

    #[test]
    fn a_blocked_write_is_a_stall_as_long_as_the_block() {
        // Paced every 10ms; the write at 100ms waits until the migration commits at 1100ms.
        let mut ops: Vec<Op> = (0..10).map(|i| op(f64::from(i) * 10.0, f64::from(i) * 10.0 + 1.0)).collect();
        ops.push(op(100.0, 1105.0));
        ops.extend((0..10).map(|i| op(1110.0 + f64::from(i) * 10.0, 1111.0 + f64::from(i) * 10.0)));
        let window = figures(&ops, 50.0, 1100.0);
        assert_eq!(window.longest_ms, 1005.0);
        assert_eq!(window.stall_ms, 1105.0 - 91.0, "from the last completion before the block");
        assert_eq!(window.operations, 6, "5 before the block and the blocked one");
        let calm = figures(&ops, 0.0, 50.0);
        assert_eq!((calm.stall_ms, calm.longest_ms), (10.0, 1.0));
    }

    #[test]
    fn the_first_gap_starts_at_the_window() {
        let ops = [op(0.0, 1.0), op(10.0, 300.0)];
        assert_eq!(figures(&ops, 5.0, 400.0).stall_ms, 295.0);
        assert_eq!(figures(&[], 5.0, 400.0), Figures::default());
    }

    #[test]
    fn errors_and_p99_are_counted_over_the_stretch() {
        let mut ops: Vec<Op> = (0..100).map(|i| op(f64::from(i), f64::from(i) + 0.5)).collect();
        ops[50].ok = false;
        ops[60].end_ms = ops[60].start_ms + 50.0;
        let f = figures(&ops, 0.0, 100.0);
        assert_eq!((f.operations, f.errors), (100, 1));
        assert!(f.p99_ms > 0.5 && f.p99_ms <= 50.0, "{}", f.p99_ms);
    }
}
