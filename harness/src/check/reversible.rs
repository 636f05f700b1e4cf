//! Reversibility: running the migration down must put the catalog back as it was before up.
//! The two snapshots are compared object by object (tables, columns, indexes with their
//! definitions, constraints); whatever the down step leaves behind, removes beyond what up
//! added, or changes, is a violation naming the object. Taking the snapshots is the `catalog`
//! stage's business; running up and down is the pipeline's.

use super::finding::Finding;
use super::registry::Check;
use crate::catalog::CatalogSnapshot;

/// Compares the catalog before up with the one after down. `expected_leftovers` are objects
/// (by name, like `idx_admin_audit_time`, or by key, like `index public.idx_admin_audit_time`)
/// the scenario knows the down step leaves behind: each is reported as a warning while it is
/// left behind, and as a violation once it no longer is, so the expectation cannot go stale.
pub fn reversible(
    before_up: &CatalogSnapshot,
    after_down: &CatalogSnapshot,
    expected_leftovers: &[String],
) -> Vec<Finding> {
    let diff = before_up.diff(after_down);
    let expected = |key: &str| expected_leftovers.iter().any(|e| e == key || object_name(key) == e);
    let mut findings = Vec::new();
    for (key, def) in &diff.added {
        if expected(key) {
            findings.push(Finding::warning(
                Check::Reversible,
                format!("the down step leaves {} behind, as the scenario expects: `{def}`", describe(key)),
                Some(format!("add `{}` to the down step", drop_statement(key))),
            ));
        } else {
            findings.push(Finding::violation(
                Check::Reversible,
                format!("the down step leaves {} behind: `{def}`", describe(key)),
                Some(format!("add `{}` to the down step", drop_statement(key))),
            ));
        }
    }
    for (key, def) in &diff.removed {
        findings.push(Finding::violation(
            Check::Reversible,
            format!("the down step removes {}, which existed before the migration: `{def}`", describe(key)),
            Some("the down step should drop only what the up step created".into()),
        ));
    }
    for (key, then, now) in &diff.changed {
        findings.push(Finding::violation(
            Check::Reversible,
            format!("after the down step {} is `{now}`, but was `{then}` before the migration", describe(key)),
            None,
        ));
    }
    for e in expected_leftovers {
        if !diff.added.iter().any(|(key, _)| key == e || object_name(key) == e) {
            findings.push(Finding::violation(
                Check::Reversible,
                format!("`{e}` is listed in `expect-rollback-leftovers`, but the down step does not leave it behind"),
                Some("remove it from `expect-rollback-leftovers`: the down step was fixed".into()),
            ));
        }
    }
    findings
}

/// The down step could not run to the end.
pub(crate) fn down_failed(failure: &str) -> Finding {
    Finding::violation(
        Check::Reversible,
        format!("the down step failed: {failure}"),
        Some("a migration that cannot be rolled back leaves only a restore from backup".into()),
    )
}

/// Up could not run again after down.
pub(crate) fn reapply_failed(failure: &str) -> Finding {
    Finding::violation(
        Check::Reapply,
        format!("up failed after down: {failure}"),
        Some("the down step should leave the database where up can run again".into()),
    )
}

/// A query's plan after the down step, against its plan before the migration: whatever the
/// down step left behind still steers the query when they differ.
pub(crate) fn plan_after_rollback(before: &str, now: &str) -> Option<Finding> {
    (before != now).then(|| {
        Finding::warning(
            Check::PlanAfterRollback,
            format!("after the down step the plan is `{now}`; before the migration it was `{before}`"),
            Some("whatever the down step leaves behind still steers this query; see the `reversible` findings".into()),
        )
    })
}

/// Compares the catalog after the first up with the one after down and up again.
pub(crate) fn reapplied(after_up: &CatalogSnapshot, after_reup: &CatalogSnapshot) -> Vec<Finding> {
    let diff = after_up.diff(after_reup);
    let mut findings = Vec::new();
    for (key, def) in diff.removed.iter().chain(&diff.added) {
        let missing = diff.removed.iter().any(|(k, _)| k == key);
        findings.push(Finding::violation(
            Check::Reapply,
            format!(
                "up after down {} {}: `{def}`",
                if missing { "does not recreate" } else { "creates, unlike the first up," },
                describe(key)
            ),
            Some("the down step should undo exactly what up does, so that up can run again".into()),
        ));
    }
    for (key, then, now) in &diff.changed {
        findings.push(Finding::violation(
            Check::Reapply,
            format!("up after down leaves {} as `{now}`, but the first up made it `{then}`", describe(key)),
            None,
        ));
    }
    findings
}

/// `index public.ix` → `index `public.ix``.
fn describe(key: &str) -> String {
    match key.split_once(' ') {
        Some((kind, name)) => format!("{kind} `{name}`"),
        None => format!("`{key}`"),
    }
}

/// The last dotted part of the key's name: `ix` of `index public.ix`.
fn object_name(key: &str) -> &str {
    let name = key.split_once(' ').map_or(key, |(_, n)| n);
    name.rsplit('.').next().unwrap_or(name)
}

fn drop_statement(key: &str) -> String {
    let name = key.split_once(' ').map_or(key, |(_, n)| n);
    match key.split_once(' ').map(|(k, _)| k) {
        Some("index") => format!("DROP INDEX CONCURRENTLY IF EXISTS {name};"),
        Some("table") => format!("DROP TABLE IF EXISTS {name};"),
        Some("column") => match name.rsplit_once('.') {
            Some((table, column)) => format!("ALTER TABLE {table} DROP COLUMN {column};"),
            None => format!("ALTER TABLE … DROP COLUMN {name};"),
        },
        Some("constraint") => match name.rsplit_once('.') {
            Some((table, constraint)) => format!("ALTER TABLE {table} DROP CONSTRAINT {constraint};"),
            None => format!("ALTER TABLE … DROP CONSTRAINT {name};"),
        },
        _ => format!("a statement dropping {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(entries: &[(&str, &str)]) -> CatalogSnapshot {
        CatalogSnapshot(entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    fn before() -> CatalogSnapshot {
        snapshot(&[
            ("table public.events", "table"),
            ("column public.events.created_at", "timestamp with time zone not null"),
            ("index public.events_pkey", "CREATE UNIQUE INDEX events_pkey ON public.events USING btree (id)"),
        ])
    }

    #[test]
    fn a_down_step_that_restores_everything_is_clean() {
        assert!(reversible(&before(), &before(), &[]).is_empty());
    }

    #[test]
    fn an_index_left_behind_is_a_violation_naming_it_and_its_fix() {
        let mut after = before();
        after.0.insert(
            "index public.idx_events_time".into(),
            "CREATE INDEX idx_events_time ON public.events USING btree (created_at DESC)".into(),
        );
        let findings = reversible(&before(), &after, &[]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].is_violation());
        assert!(
            findings[0].message.contains("leaves index `public.idx_events_time` behind"),
            "{}",
            findings[0].message
        );
        assert_eq!(
            findings[0].hint.as_deref(),
            Some("add `DROP INDEX CONCURRENTLY IF EXISTS public.idx_events_time;` to the down step")
        );
    }

    #[test]
    fn removing_what_existed_before_or_changing_it_is_a_violation() {
        let mut after = before();
        after.0.remove("index public.events_pkey");
        after.0.insert("column public.events.created_at".into(), "timestamp with time zone".into());
        let findings = reversible(&before(), &after, &[]);
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(Finding::is_violation));
        assert!(findings.iter().any(|f| f.message.contains("removes index `public.events_pkey`")));
        assert!(findings
            .iter()
            .any(|f| f.message.contains("column `public.events.created_at` is `timestamp with time zone`")));
    }

    #[test]
    fn an_expected_leftover_is_a_warning_until_the_down_step_is_fixed() {
        let mut after = before();
        after.0.insert("index public.idx_events_time".into(), "CREATE INDEX …".into());
        let findings = reversible(&before(), &after, &["idx_events_time".into()]);
        assert_eq!(findings.len(), 1);
        assert!(!findings[0].is_violation() && findings[0].message.contains("as the scenario expects"));

        let fixed = reversible(&before(), &before(), &["idx_events_time".into()]);
        assert_eq!(fixed.len(), 1);
        assert!(fixed[0].is_violation() && fixed[0].message.contains("does not leave it behind"));
    }

    #[test]
    fn up_again_must_recreate_what_the_first_up_made() {
        let mut up = before();
        up.0.insert("index public.ix_a".into(), "CREATE INDEX ix_a …".into());
        assert!(reapplied(&up, &up).is_empty());
        let findings = reapplied(&up, &before());
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("does not recreate index `public.ix_a`"), "{}", findings[0].message);
    }
}
