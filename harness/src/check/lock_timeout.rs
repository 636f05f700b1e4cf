//! A migration whose statements wait for a strong lock should bound the wait with
//! `lock_timeout`: while it waits behind a long transaction, every other session queues behind
//! it, and a quick migration becomes an outage.

use super::finding::{Finding, SourceLine};
use super::registry::Check;
use crate::migrate::Inspection;

/// `place` turns a line of the migration's SQL into the line of a file CI annotations point at.
pub(crate) fn lock_timeout(inspection: &Inspection, place: impl Fn(usize) -> Option<SourceLine>) -> Option<Finding> {
    let first = *inspection.blocking_statements.first()?;
    (!inspection.sets_lock_timeout).then(|| {
        let finding = Finding::warning(
            Check::LockTimeout,
            format!(
                "{} statement(s) take a lock that blocks writes (the first at line {first}) and the migration sets no `lock_timeout`",
                inspection.blocking_statements.len()
            ),
            Some("start the migration with `SET lock_timeout = '5s';` so a blocked lock wait fails fast instead of queueing every other session".into()),
        );
        Finding { at: place(first), ..finding }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_statements_without_a_timeout_are_flagged() {
        let mut inspection = Inspection { blocking_statements: vec![2], ..Default::default() };
        assert!(lock_timeout(&inspection, |_| None).unwrap().message.contains("at line 2"));
        inspection.sets_lock_timeout = true;
        assert!(lock_timeout(&inspection, |_| None).is_none());
        assert!(lock_timeout(&Inspection::default(), |_| None).is_none());
    }
}
