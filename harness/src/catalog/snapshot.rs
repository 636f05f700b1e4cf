//! A snapshot of the schema objects a migration can add, drop or change — relations, columns,
//! indexes (with validity), constraints — as PostgreSQL prints their definitions, for the
//! reversibility check to compare. Rows are not part of it: a down step undoes DDL, not data.

use std::collections::BTreeMap;

use postgres::Client;

/// The schema objects of a database outside the system schemas: a key naming the object
/// (`index public.ix_orders_status`) and its definition as PostgreSQL prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CatalogSnapshot(pub BTreeMap<String, String>);

/// What differs between two snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogDiff {
    /// In `now` only: (object, definition).
    pub added: Vec<(String, String)>,
    /// In `then` only.
    pub removed: Vec<(String, String)>,
    /// In both with another definition: (object, then, now).
    pub changed: Vec<(String, String, String)>,
}

impl CatalogSnapshot {
    /// What `now` has that `self` has not, and the reverse.
    pub fn diff(&self, now: &CatalogSnapshot) -> CatalogDiff {
        let mut d = CatalogDiff::default();
        for (key, def) in &now.0 {
            match self.0.get(key) {
                None => d.added.push((key.clone(), def.clone())),
                Some(then) if then != def => d.changed.push((key.clone(), then.clone(), def.clone())),
                Some(_) => {}
            }
        }
        for (key, def) in &self.0 {
            if !now.0.contains_key(key) {
                d.removed.push((key.clone(), def.clone()));
            }
        }
        d
    }
}

impl CatalogDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Schemas that belong to the server, not the application.
const USER_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

/// Every relation, column, index and constraint outside the system schemas, except those of
/// the tables named in `ignore` (a migration tool's own bookkeeping, which its down step
/// rightly keeps).
pub fn snapshot(client: &mut Client, ignore: &[&str]) -> Result<CatalogSnapshot, postgres::Error> {
    let queries = [
        // Relations other than indexes (indexes come with their definitions below).
        format!(
            "SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                                   WHEN 'm' THEN 'materialized-view' WHEN 'S' THEN 'sequence'
                                   WHEN 'f' THEN 'foreign-table' ELSE 'relation' END
                    || ' ' || n.nspname || '.' || c.relname,
                    CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN pg_get_viewdef(c.oid, true)
                                   WHEN 'm' THEN pg_get_viewdef(c.oid, true) ELSE c.relkind::text END
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {USER_SCHEMAS} AND c.relname <> ALL($1)"
        ),
        format!(
            "SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname,
                    format_type(a.atttypid, a.atttypmod)
                    || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                    || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
               FROM pg_attribute a
               JOIN pg_class c ON c.oid = a.attrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {USER_SCHEMAS}
                AND c.relname <> ALL($1)"
        ),
        format!(
            "SELECT 'index ' || n.nspname || '.' || i.relname,
                    pg_get_indexdef(x.indexrelid) || CASE WHEN x.indisvalid THEN '' ELSE ' (INVALID)' END
               FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid
               JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_namespace n ON n.oid = i.relnamespace
              WHERE {USER_SCHEMAS} AND t.relname <> ALL($1)"
        ),
        format!(
            "SELECT 'constraint ' || n.nspname || '.' || c.relname || '.' || con.conname,
                    pg_get_constraintdef(con.oid)
               FROM pg_constraint con
               JOIN pg_class c ON c.oid = con.conrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE {USER_SCHEMAS} AND c.relname <> ALL($1)"
        ),
    ];
    let mut objects = BTreeMap::new();
    for sql in &queries {
        for row in client.query(sql.as_str(), &[&ignore])? {
            objects.insert(row.get::<_, String>(0), row.get::<_, String>(1));
        }
    }
    Ok(CatalogSnapshot(objects))
}
