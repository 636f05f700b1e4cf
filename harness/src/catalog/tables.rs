//! How big each user table is, as the planner sees it after `VACUUM (ANALYZE)`: a Seq Scan is
//! the right plan on a small one, and a plain `CREATE INDEX` on a big one blocks writes for
//! long. What counts as small or big is the checks' business.

use std::collections::BTreeMap;

use postgres::Client;
use serde::{Deserialize, Serialize};

/// A table's size as the planner sees it: `pg_class.reltuples` and `pg_class.relpages`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TableSize {
    /// Estimated rows; PostgreSQL 14+ stores `-1` for a table never vacuumed or analyzed.
    pub rows: f64,
    pub pages: f64,
}

impl TableSize {
    /// Whether the planner has statistics for the table at all.
    pub fn is_analyzed(&self) -> bool {
        self.rows >= 0.0
    }
}

/// Row and page counts of every user table, as the planner sees them (`pg_class`).
pub(crate) fn table_sizes(client: &mut Client) -> Result<BTreeMap<String, TableSize>, postgres::Error> {
    let rows = client.query(
        "SELECT c.relname::text, c.reltuples::float8, c.relpages::float8
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg_toast%'",
        &[],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| (r.get::<_, String>(0), TableSize { rows: r.get::<_, f64>(1).max(0.0), pages: r.get(2) }))
        .collect())
}
