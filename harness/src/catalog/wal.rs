//! How much WAL the server wrote between two moments: its insert position
//! (`pg_current_wal_insert_lsn`) read before and after, and the bytes between them
//! (`pg_wal_lsn_diff`). The position is the server's, not a session's: everything written
//! meanwhile counts, the workload's writes beside a migration among them.

use postgres::Client;

/// The server's WAL insert position, as PostgreSQL prints an LSN (`0/16B3748`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WalPosition(String);

/// Where the server is inserting WAL now.
pub(crate) fn wal_position(client: &mut Client) -> Result<WalPosition, postgres::Error> {
    let row = client.query_one("SELECT pg_current_wal_insert_lsn()::text", &[])?;
    Ok(WalPosition(row.get(0)))
}

/// The bytes of WAL the server inserted since `since`.
pub(crate) fn wal_since(client: &mut Client, since: &WalPosition) -> Result<u64, postgres::Error> {
    let row =
        client.query_one("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::text::pg_lsn)::int8", &[&since.0])?;
    Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
}
