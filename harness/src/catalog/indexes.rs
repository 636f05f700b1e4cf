//! The indexes outside the system schemas as the catalog describes them after the migration:
//! names and definitions, key columns with their ordering, `INCLUDE` columns, method,
//! predicate, uniqueness, size, and which are INVALID. Judging them is the checks' business.

use postgres::Client;

/// An index as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexShape {
    pub name: String,
    pub table: String,
    pub method: String,
    /// Key columns (or expressions) in order.
    pub columns: Vec<String>,
    pub predicate: Option<String>,
    pub unique: bool,
    /// Each key column's ordering as PostgreSQL prints it after the column: ``, `DESC`,
    /// `NULLS FIRST` or `DESC NULLS LAST` (the default `NULLS` of a direction is left out).
    pub orders: Vec<String>,
    /// `INCLUDE` columns, in order.
    pub include: Vec<String>,
    /// Each key column's operator class and collation, as `opclass collation`, empty where
    /// both are the column's defaults: `text_pattern_ops` on `email` is another index than
    /// the default one, serving other queries.
    pub opclasses: Vec<String>,
    /// `pg_relation_size` of the index, in bytes.
    pub size_bytes: i64,
}

/// Indexes PostgreSQL marks invalid: what a failed `CREATE INDEX CONCURRENTLY` leaves behind,
/// and what a later `CREATE INDEX IF NOT EXISTS` then skips without a word.
pub(crate) fn invalid_indexes(client: &mut Client) -> Result<Vec<(String, String)>, postgres::Error> {
    let rows = client.query(
        "SELECT i.relname::text, t.relname::text
           FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid
          WHERE NOT x.indisvalid
          ORDER BY 1",
        &[],
    )?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Every index (name, definition) outside the system schemas.
pub(crate) fn index_definitions(client: &mut Client) -> Result<Vec<(String, String)>, postgres::Error> {
    let rows = client.query(
        "SELECT indexname::text, indexdef FROM pg_indexes
          WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        &[],
    )?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Every index outside the system schemas with its key columns (and their ordering), `INCLUDE`
/// columns, method, predicate, uniqueness and size.
pub fn index_shapes(client: &mut Client) -> Result<Vec<IndexShape>, postgres::Error> {
    // indoption bit 0 is DESC, bit 1 NULLS FIRST (src/include/catalog/pg_index.h); a
    // direction's default NULLS placement (LAST for ASC, FIRST for DESC) is left out, as
    // pg_get_indexdef leaves it out.
    let rows = client.query(
        "SELECT i.relname::text, t.relname::text, am.amname::text,
                ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                        FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
                pg_get_expr(x.indpred, x.indrelid), x.indisunique,
                ARRAY(SELECT CASE WHEN am.amname <> 'btree' THEN ''
                                  WHEN (x.indoption[k - 1] & 1) = 1 AND (x.indoption[k - 1] & 2) = 2 THEN 'DESC'
                                  WHEN (x.indoption[k - 1] & 1) = 1 THEN 'DESC NULLS LAST'
                                  WHEN (x.indoption[k - 1] & 2) = 2 THEN 'NULLS FIRST'
                                  ELSE '' END
                        FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
                ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                        FROM generate_series(x.indnkeyatts + 1, x.indnatts) k ORDER BY k),
                pg_relation_size(x.indexrelid),
                ARRAY(SELECT trim(CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END || ' ' ||
                                  CASE WHEN x.indcollation[k - 1] IN (0, a.attcollation) OR a.attnum IS NULL
                                       THEN '' ELSE coalesce(co.collname::text, '') END)
                        FROM generate_series(1, x.indnkeyatts) k
                        JOIN pg_opclass oc ON oc.oid = x.indclass[k - 1]
                        LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k - 1]
                                                AND x.indkey[k - 1] <> 0
                        LEFT JOIN pg_collation co ON co.oid = x.indcollation[k - 1]
                       ORDER BY k)
           FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_am am ON am.oid = i.relam
           JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          ORDER BY 1",
        &[],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| IndexShape {
            name: r.get(0),
            table: r.get(1),
            method: r.get(2),
            columns: r.get(3),
            predicate: r.get(4),
            unique: r.get(5),
            orders: r.get(6),
            include: r.get(7),
            size_bytes: r.get(8),
            opclasses: r.get(9),
        })
        .collect())
}
