//! A migration whose statements wait for a strong lock should bound the wait with
//! `lock_timeout`: while it waits behind a long transaction, every other session queues behind
//! it, and a quick migration becomes an outage.

use super::finding::Finding;
use super::registry::Check;
use crate::migrate::Inspection;

pub(crate) fn lock_timeout(inspection: &Inspection) -> Option<Finding> {
    let first = *inspection.blocking_statements.first()?;
    (!inspection.sets_lock_timeout).then(|| {
        Finding::warning(
            Check::LockTimeout,
            format!(
                "{} statement(s) take a lock that blocks writes (the first at line {first}) and the migration sets no `lock_timeout`",
                inspection.blocking_statements.len()
            ),
            Some("start the migration with `SET lock_timeout = '5s';` so a blocked lock wait fails fast instead of queueing every other session".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_statements_without_a_timeout_are_flagged() {
        let mut inspection = Inspection { blocking_statements: vec![2], ..Default::default() };
        assert!(lock_timeout(&inspection).unwrap().message.contains("at line 2"));
        inspection.sets_lock_timeout = true;
        assert!(lock_timeout(&inspection).is_none());
        assert!(lock_timeout(&Inspection::default()).is_none());
    }
}
