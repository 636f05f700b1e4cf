//! Control tables for the write series: for each table the workload writes, a twin the
//! migration does not touch — `planproof_control_N`, made with `LIKE … INCLUDING ALL` (its
//! columns, defaults, checks and indexes as they are before the migration, no foreign keys)
//! and filled with a copy of the seeded rows — written in the same series, write for write
//! beside its table. Two series seconds apart drift on a shared machine by far more than an
//! index adds to a write; the twin drifts alike, since whatever slowed one write slowed the
//! twin's next to it, so the table's change over its twin's is the migration's cost
//! (`check::write_slowdown`). The twins are made after the catalog snapshot the down step is
//! compared with and dropped before the indexes after the migration are read, so no check
//! ever sees them.

use postgres::Client;

use super::error::LoadError;
use super::target::WriteTarget;
use crate::db::quote_ident;

/// The name of the twin of the `n`-th table written (from 0).
pub(super) fn twin_name(n: usize) -> String {
    format!("planproof_control_{}", n + 1)
}

/// Makes a twin of each target and returns them, as targets of their own, in the same order.
pub(super) fn create(client: &mut Client, targets: &[WriteTarget]) -> Result<Vec<WriteTarget>, LoadError> {
    let mut twins = Vec::new();
    for (n, target) in targets.iter().enumerate() {
        let (table, twin) = (quote_ident(&target.table), twin_name(n));
        let quoted = quote_ident(&twin);
        let what = || format!("making `{twin}`, the control table of `{}`", target.table);
        client
            .batch_execute(&format!(
                "DROP TABLE IF EXISTS {quoted}; CREATE TABLE {quoted} (LIKE {table} INCLUDING ALL)"
            ))
            .map_err(LoadError::sql(what()))?;
        // Generated columns compute themselves; identity columns take the copied values.
        let columns: Vec<String> = client
            .query(
                "SELECT quote_ident(attname) FROM pg_attribute
                  WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
                  ORDER BY attnum",
                &[&table],
            )
            .map_err(LoadError::sql(what()))?
            .into_iter()
            .map(|r| r.get(0))
            .collect();
        let columns = columns.join(", ");
        client
            .batch_execute(&format!(
                "INSERT INTO {quoted} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {table}"
            ))
            .map_err(LoadError::sql(what()))?;
        client.batch_execute(&format!("VACUUM (ANALYZE) {quoted}")).map_err(LoadError::sql(what()))?;
        twins.push(WriteTarget { table: twin, ..target.clone() });
    }
    Ok(twins)
}

/// Drops the twins.
pub(super) fn drop_all(client: &mut Client, twins: &[WriteTarget]) -> Result<(), LoadError> {
    for twin in twins {
        client
            .batch_execute(&format!("DROP TABLE IF EXISTS {}", quote_ident(&twin.table)))
            .map_err(LoadError::sql(format!("dropping the control table `{}`", twin.table)))?;
    }
    Ok(())
}
