//! The migration under test must finish within its `max-duration` on the seeded data.

use std::time::Duration;

use super::finding::Finding;

pub fn migration_duration(limit: Duration, took: Duration) -> Option<Finding> {
    (took > limit).then(|| {
        Finding::violation(
            "migration-duration",
            format!("the migration took {:.0}ms, over its budget of {:.0}ms", took.as_secs_f64() * 1000.0, limit.as_secs_f64() * 1000.0),
            Some("a long index build holds its lock as long; consider CONCURRENTLY, or seed the row count production has".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_budget_is_a_violation_within_is_not() {
        let limit = Duration::from_secs(1);
        assert!(migration_duration(limit, Duration::from_millis(1500)).unwrap().message.contains("1500ms, over its budget of 1000ms"));
        assert!(migration_duration(limit, Duration::from_millis(999)).is_none());
    }
}
