//! The migration under test must write at most its `max-wal` of WAL on the seeded data: what
//! its index builds and rewrites cost a replica, a WAL archive and the disk, without a clock.
//! The same migration on the same rows writes the same bytes on a busy machine as on a quiet
//! one, so the verdict is pass or fail, never inconclusive. What counts is the server's whole
//! WAL while it ran: beside a `[load]` workload, the workload's writes too; with `reversible =
//! true` up runs a second time, without the workload, and the fewer bytes of the two are
//! judged.

use super::budget::BudgetResult;
use super::evidence::WalWritten;
use super::noise::Verdict;
use super::registry::Check;
use crate::text::pretty_bytes;

pub(super) fn wal(max: u64, written: &WalWritten) -> BudgetResult {
    let figure = written.again.map_or(written.bytes, |again| again.min(written.bytes));
    let mut measured = pretty_bytes(figure);
    if let Some(again) = written.again {
        measured.push_str(&format!(
            " (fewer of {} and {} run again)",
            pretty_bytes(written.bytes),
            pretty_bytes(again)
        ));
    } else if written.beside_load {
        measured.push_str(" (the workload's writes during it included)");
    }
    BudgetResult {
        check: Check::Wal,
        budget: format!("WAL written <= {}", pretty_bytes(max)),
        measured,
        verdict: if figure <= max { Verdict::Pass } else { Verdict::Fail },
        gating: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(bytes: u64, again: Option<u64>, beside_load: bool) -> WalWritten {
        WalWritten { bytes, again, beside_load }
    }

    #[test]
    fn within_the_budget_passes_and_over_it_fails() {
        let r = wal(4 << 20, &written(1541 << 10, None, false));
        assert_eq!((r.check, r.verdict, r.gating), (Check::Wal, Verdict::Pass, true));
        assert_eq!((r.budget.as_str(), r.measured.as_str()), ("WAL written <= 4 MB", "1541 kB"));
        let over = wal(1 << 20, &written(1541 << 10, None, false));
        assert_eq!(over.verdict, Verdict::Fail);
        assert_eq!(wal(1541 << 10, &written(1541 << 10, None, false)).verdict, Verdict::Pass, "at the budget");
    }

    #[test]
    fn the_fewer_bytes_of_two_runs_are_judged() {
        // With the workload beside it the first run counted its writes too (18 MB); up again,
        // alone, wrote 8349 kB.
        let r = wal(10 << 20, &written(18 << 20, Some(8349 << 10), true));
        assert_eq!(r.verdict, Verdict::Pass);
        assert_eq!(r.measured, "8349 kB (fewer of 18 MB and 8349 kB run again)");
        let alone = wal(10 << 20, &written(18 << 20, None, true));
        assert_eq!(alone.verdict, Verdict::Fail);
        assert_eq!(alone.measured, "18 MB (the workload's writes during it included)");
    }
}
