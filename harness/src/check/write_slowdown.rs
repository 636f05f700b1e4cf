//! `max-write-slowdown`: the median latency of each kind of write on each written table after
//! the migration, over the median before it, same run, same writes. Two series seconds apart
//! drift on a shared machine by far more than an index adds to a write, so the ratio is taken
//! over the same ratio of the table's control — a twin the migration does not touch, written
//! write for write beside it (`load::control`) — which removes that drift; what remains is
//! judged with the noise margins of the four series (`noise::controlled_margin`). Without a
//! control the plain ratio is judged with both series' margins, the drift floor included. A
//! ratio too close to the budget for this machine's noise is inconclusive, not a flaky pass or
//! fail.

use super::budget::BudgetResult;
use super::latency::ms;
use super::noise::{at_most, controlled_margin, margin, Verdict};
use super::registry::Check;
use crate::load::WriteSeries;
use crate::scenario::Statistic;

pub(super) fn write_slowdown(budget: f64, s: &WriteSeries) -> Option<BudgetResult> {
    let (before, after) = (&s.before, s.after.as_ref()?);
    let label = format!("{} into `{}` slowdown <= {:.0}%", s.kind.as_str(), s.table, budget * 100.0);
    let unmeasured = |what: &str| BudgetResult {
        check: Check::WriteSlowdown,
        budget: label.clone(),
        measured: format!("nothing (no writes {what})"),
        verdict: Verdict::Fail,
        gating: true,
    };
    if before.is_empty() || after.is_empty() || before.p50 <= 0.0 {
        return Some(unmeasured("before or after"));
    }
    let ratio = after.p50 / before.p50;
    let plain = format!("{} before, {} after", ms(before.p50), ms(after.p50));
    let (slowdown, m, measured) = match &s.control {
        Some(c) => {
            let Some(c_after) = c.after.as_ref().filter(|a| !a.is_empty() && c.before.p50 > 0.0) else {
                return Some(unmeasured("on the control"));
            };
            let drift = c_after.p50 / c.before.p50;
            let m = controlled_margin([before, after, &c.before, c_after]);
            let text = format!(
                "{:+.0}% over its control ({plain}, {:+.0}%; control `{}` {:+.0}%; ±{:.0}%)",
                (ratio / drift - 1.0) * 100.0,
                (ratio - 1.0) * 100.0,
                c.table,
                (drift - 1.0) * 100.0,
                m * 100.0
            );
            (ratio / drift, m, text)
        }
        None => {
            let m = (1.0 + margin(before, Statistic::P50)) * (1.0 + margin(after, Statistic::P50)) - 1.0;
            (ratio, m, format!("{:+.0}% ({plain}, ±{:.0}%)", (ratio - 1.0) * 100.0, m * 100.0))
        }
    };
    Some(BudgetResult {
        check: Check::WriteSlowdown,
        budget: label,
        measured,
        verdict: at_most(slowdown, m, 1.0 + budget),
        gating: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{ControlSeries, OpKind};
    use crate::stats::Series;

    fn series(before: f64, after: f64, control: Option<(f64, f64)>) -> WriteSeries {
        let flat = |v: f64| Series::new(vec![v; 50]);
        WriteSeries {
            table: "t".into(),
            kind: OpKind::Insert,
            before: flat(before),
            after: Some(flat(after)),
            control: control.map(|(b, a)| ControlSeries {
                table: "planproof_control_1".into(),
                before: flat(b),
                after: Some(flat(a)),
            }),
        }
    }

    #[test]
    fn a_clear_slowdown_fails_none_passes_a_close_one_is_inconclusive() {
        let judge = |after: f64, budget: f64| write_slowdown(budget, &series(1.0, after, None)).unwrap();
        assert_eq!(judge(2.0, 0.15).verdict, Verdict::Fail, "twice as slow");
        assert_eq!(judge(1.0, 0.5).verdict, Verdict::Pass, "the same, budget 50%");
        assert_eq!(judge(1.1, 0.15).verdict, Verdict::Inconclusive, "10% against 15%: within the noise");
        assert!(judge(2.0, 0.15).measured.starts_with("+100% "), "{}", judge(2.0, 0.15).measured);
        let mut no_after = series(1.0, 1.0, None);
        no_after.after = None;
        assert!(write_slowdown(0.15, &no_after).is_none(), "no after series, no verdict");
    }

    #[test]
    fn the_controls_drift_is_taken_out() {
        // The machine got 80% slower between the series: the table and its twin alike.
        let drifted = write_slowdown(0.15, &series(1.0, 1.8, Some((1.0, 1.8)))).unwrap();
        assert_eq!(drifted.verdict, Verdict::Pass, "{}", drifted.measured);
        assert!(drifted.measured.starts_with("+0% over its control"), "{}", drifted.measured);
        assert!(drifted.measured.contains("control `planproof_control_1` +80%"), "{}", drifted.measured);
        // Faster machine, but the table got 50% slower than its twin: the index costs.
        let costly = write_slowdown(0.15, &series(1.0, 0.9, Some((1.0, 0.6)))).unwrap();
        assert_eq!(costly.verdict, Verdict::Fail, "{}", costly.measured);
        // 10% over the twin against 15%: the controlled margin (5%) still cannot call it.
        let close = write_slowdown(0.15, &series(1.0, 1.1, Some((1.0, 1.0)))).unwrap();
        assert_eq!(close.verdict, Verdict::Inconclusive, "{}", close.measured);
        let mut lost = series(1.0, 1.0, Some((1.0, 1.0)));
        lost.control.as_mut().unwrap().after = None;
        assert_eq!(write_slowdown(0.15, &lost).unwrap().verdict, Verdict::Fail, "no control series after");
    }
}
