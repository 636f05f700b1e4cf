//! Deletes what the workload wrote, and only that, then vacuums the tables so that the plans
//! captured afterwards see the seeded rows again, not the workload's rows or their dead
//! versions. A row is deleted when its `ctid` is one the workload got back from a write and its
//! `xmin` is one of the workload's own transactions: no seeded row can match both. Indexes may
//! keep a few more pages than before (VACUUM frees index entries, it does not shrink the
//! index); that is the honest residue of writing to the tables, and it is small next to the
//! seeded rows.

use postgres::Client;

use super::error::LoadError;
use super::writer::Written;
use crate::db::quote_ident;

/// Deletes `rows` from `table` and vacuums it; returns how many of them were deleted. Fewer
/// than written means the migration rewrote the table (new row versions, new `ctid`s): those
/// rows stay, and the caller says so.
pub(super) fn erase(client: &mut Client, table: &str, rows: &[Written]) -> Result<u64, LoadError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let ctids: Vec<&str> = rows.iter().map(|w| w.ctid.as_str()).collect();
    let xmins: Vec<&str> = rows.iter().map(|w| w.xmin.as_str()).collect();
    let quoted = quote_ident(table);
    let deleted = client
        .execute(
            &format!("DELETE FROM {quoted} WHERE ctid = ANY($1::text[]::tid[]) AND xmin::text = ANY($2::text[])"),
            &[&ctids, &xmins],
        )
        .map_err(LoadError::sql(format!("deleting the rows the workload wrote into `{table}`")))?;
    client
        .batch_execute(&format!("VACUUM {quoted}"))
        .map_err(LoadError::sql(format!("VACUUM `{table}` after deleting the workload's rows")))?;
    Ok(deleted)
}
