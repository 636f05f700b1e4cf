//! The migration under test must finish within its `max-duration` on the seeded data, and its
//! down step within `max-down-duration`. What is judged is the server-side time of the SQL the
//! step ran (`migrate::server_time`), not its wall time: a tool's interpreter start-up and
//! imports are not the migration's, and move by seconds on a busy runner. A migration runs
//! once, so the figure has no spread of its own: it is judged against the slowness the machine
//! showed in the same run (`noise::one_shot`), and on the better of two samples when the step
//! ran twice (up, then up again after down). Too close to call is inconclusive, never a fail
//! that the next run would not repeat.

use std::time::Duration;

use super::budget::BudgetResult;
use super::evidence::OneShot;
use super::latency::ms;
use super::noise::one_shot;
use super::registry::Check;

pub(super) fn migration_duration(limit: Duration, shot: &OneShot) -> BudgetResult {
    judge(Check::MigrationDuration, limit, shot)
}

pub(super) fn down_duration(limit: Duration, shot: &OneShot) -> BudgetResult {
    judge(Check::DownDuration, limit, shot)
}

fn judge(check: Check, limit: Duration, shot: &OneShot) -> BudgetResult {
    let millis = |d: Duration| d.as_secs_f64() * 1000.0;
    let figure = shot.again.map_or(shot.server, |again| again.min(shot.server));
    let mut measured = format!("{} (wall {}", ms(millis(figure)), ms(millis(shot.wall)));
    if let Some(again) = shot.again {
        measured.push_str(&format!(", best of {} and {} run again", ms(millis(shot.server)), ms(millis(again))));
    }
    measured.push_str(&format!(", machine slowness ×{:.1})", shot.slowness));
    BudgetResult {
        check,
        budget: format!("server-side time <= {}", ms(millis(limit))),
        measured,
        verdict: one_shot(millis(figure), shot.slowness, millis(limit)),
        gating: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Verdict;

    fn shot(server: u64, wall: u64, slowness: f64) -> OneShot {
        OneShot { server: Duration::from_millis(server), wall: Duration::from_millis(wall), slowness, again: None }
    }

    #[test]
    fn the_server_side_time_is_judged_not_the_wall_time() {
        let limit = Duration::from_secs(5);
        // Django's start-up makes the wall time 6.7s; its SQL took 400ms.
        let r = migration_duration(limit, &shot(400, 6700, 1.2));
        assert_eq!(r.verdict, Verdict::Pass);
        assert_eq!(r.budget, "server-side time <= 5000ms");
        assert_eq!(r.measured, "400ms (wall 6700ms, machine slowness ×1.2)");
    }

    #[test]
    fn over_budget_fails_on_a_quiet_machine_and_is_inconclusive_on_a_slow_one() {
        let limit = Duration::from_secs(1);
        assert_eq!(migration_duration(limit, &shot(1500, 1500, 1.1)).verdict, Verdict::Fail);
        assert_eq!(migration_duration(limit, &shot(1036, 1040, 1.1)).verdict, Verdict::Inconclusive);
        assert_eq!(migration_duration(limit, &shot(1500, 1500, 2.5)).verdict, Verdict::Inconclusive);
        let down = down_duration(limit, &shot(2000, 2000, 1.0));
        assert_eq!((down.check, down.verdict), (Check::DownDuration, Verdict::Fail));
    }

    #[test]
    fn a_second_sample_gives_the_better_of_two() {
        let limit = Duration::from_secs(1);
        let stalled = OneShot { again: Some(Duration::from_millis(20)), ..shot(1036, 1040, 1.1) };
        let r = migration_duration(limit, &stalled);
        assert_eq!(r.verdict, Verdict::Pass);
        assert!(r.measured.starts_with("20.00ms (wall 1040ms, best of 1036ms and 20.00ms run again"), "{}", r.measured);
    }
}
