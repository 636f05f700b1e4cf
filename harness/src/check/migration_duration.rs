//! The migration under test must finish within its `max-duration` on the seeded data, and its
//! down step within `max-down-duration`.

use super::registry::Check;
use std::time::Duration;

use super::finding::Finding;

pub(super) fn migration_duration(limit: Duration, took: Duration) -> Option<Finding> {
    over(Check::MigrationDuration, "the migration", limit, took)
}

pub(super) fn down_duration(limit: Duration, took: Duration) -> Option<Finding> {
    over(Check::DownDuration, "the down step", limit, took)
}

fn over(check: Check, step: &str, limit: Duration, took: Duration) -> Option<Finding> {
    (took > limit).then(|| {
        Finding::violation(
            check,
            format!("{step} took {:.0}ms, over its budget of {:.0}ms", took.as_secs_f64() * 1000.0, limit.as_secs_f64() * 1000.0),
            Some("a long index build or drop holds its lock as long; consider CONCURRENTLY, or seed the row count production has".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_budget_is_a_violation_within_is_not() {
        let limit = Duration::from_secs(1);
        assert!(migration_duration(limit, Duration::from_millis(1500))
            .unwrap()
            .message
            .contains("1500ms, over its budget of 1000ms"));
        assert!(migration_duration(limit, Duration::from_millis(999)).is_none());
        let down = down_duration(limit, Duration::from_millis(2000)).unwrap();
        assert_eq!(down.check, Check::DownDuration);
        assert!(down.message.starts_with("the down step took 2000ms"));
    }
}
