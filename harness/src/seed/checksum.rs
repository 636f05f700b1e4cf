//! Checksums of seeded tables. The rows are planproof's own, so the checksum is taken as they
//! are generated ([`RowDigest`]: SHA-256 over every value in order, no read-back, no size
//! ceiling). The database-side check ([`database_checksum`]) is an opt-in
//! (`--verify-seed`): it reads every row back, as PostgreSQL prints it, and sums a hash of
//! each, so it needs no sort and no single value of all the rows (PostgreSQL's 1 GB limit).

use postgres::Client;
use sha2::{Digest, Sha256};

use super::error::SeedError;
use super::value::Value;
use crate::db::quote_ident;

/// Version tag of the digest's encoding: a change to it changes every checksum.
const DIGEST_TAG: &[u8] = b"planproof/seed-digest/v1";

/// A running SHA-256 of the rows generated for one table, in row order.
pub(crate) struct RowDigest(Sha256);

impl RowDigest {
    /// A digest of the rows of `table` with `columns` (their names are part of it: the same
    /// values in other columns are other rows).
    pub(crate) fn new(table: &str, columns: &[&str]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(DIGEST_TAG);
        for part in std::iter::once(table).chain(columns.iter().copied()) {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        RowDigest(hasher)
    }

    /// Adds one row's values.
    pub(crate) fn row(&mut self, values: &[Value]) {
        for value in values {
            value.digest_into(&mut self.0);
        }
    }

    /// The checksum: the first 128 bits of the digest, in hex.
    pub(crate) fn finish(self) -> String {
        self.0.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The checksum of `table`'s rows as the database holds them: the sum of 60 bits of each row's
/// MD5 (of its text form), as hex, and the row count. Order-free, so there is no sort, and no string
/// of all the rows, so no size ceiling; equal whenever the rows are, whatever their order.
pub(crate) fn database_checksum(client: &mut Client, table: &str) -> Result<String, SeedError> {
    let q = quote_ident(table);
    // 60 bits of each row's MD5 summed (sum(bigint) is numeric: no overflow), then reduced to
    // 62 bits so the sum fits a bigint for to_hex; the row count makes a shorter table differ.
    let sql = format!(
        "SELECT to_hex(mod(coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint), 0), \
                           4611686018427387904)::bigint) || '-' || count(*)
           FROM {q} t"
    );
    client
        .query_one(&sql, &[])
        .map(|r| r.get(0))
        .map_err(|source| SeedError::Sql { what: format!("computing the database checksum of `{table}`"), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(table: &str, columns: &[&str], rows: &[Vec<Value>]) -> String {
        let mut d = RowDigest::new(table, columns);
        for r in rows {
            d.row(r);
        }
        d.finish()
    }

    #[test]
    fn equal_rows_give_equal_checksums_and_any_change_another() {
        let rows = vec![vec![Value::Int(1), Value::Text("a".into())], vec![Value::Int(2), Value::Null]];
        let base = digest("t", &["id", "name"], &rows);
        assert_eq!(base.len(), 32);
        assert!(base.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(base, digest("t", &["id", "name"], &rows));
        let reordered = vec![rows[1].clone(), rows[0].clone()];
        let changed = vec![rows[0].clone(), vec![Value::Int(2), Value::Text(String::new())]];
        for (what, other) in [
            ("rows reordered", digest("t", &["id", "name"], &reordered)),
            ("NULL vs empty text", digest("t", &["id", "name"], &changed)),
            ("another table", digest("u", &["id", "name"], &rows)),
            ("another column", digest("t", &["id", "title"], &rows)),
            ("name boundary moved", digest("t", &["idn", "ame"], &rows)),
        ] {
            assert_ne!(base, other, "{what}");
        }
    }
}
