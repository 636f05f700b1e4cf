//! A migration run by its tool is inspected for locking hazards (`blocking-index-build`,
//! `lock-timeout`) in the SQL the tool prints; when it cannot print it, those checks did not
//! run, and the report says so rather than passing them silently.

use super::finding::Finding;
use super::registry::Check;

pub(crate) fn migration_sql(id: &str, error: &str) -> Finding {
    Finding::warning(
        Check::MigrationSql,
        format!("could not read the SQL of migration `{id}` from its tool, so its locking was not inspected: {error}"),
        Some("make the tool's offline SQL output work (Alembic: `run_migrations_offline` in env.py)".into()),
    )
}
