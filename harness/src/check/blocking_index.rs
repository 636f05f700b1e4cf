//! A plain `CREATE INDEX` takes a SHARE lock: every INSERT, UPDATE and DELETE on the table
//! waits until the whole build is done. On a big table that is an outage; `CREATE INDEX
//! CONCURRENTLY` builds without blocking writes
//! (<https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>).

use super::registry::Check;
use std::collections::BTreeMap;

use super::finding::{Finding, SourceLine};
use crate::catalog::TableSize;
use crate::migrate::IndexBuild;

/// Rows from which a blocking build is worth a warning: at this size a build takes long
/// enough for writers to queue up behind it.
pub(crate) const BLOCKING_BUILD_ROWS: f64 = 100_000.0;

/// `place` turns a line of the migration's SQL into the line of a file CI annotations point at.
pub(crate) fn blocking_index(
    builds: &[IndexBuild],
    tables: &BTreeMap<String, TableSize>,
    place: impl Fn(usize) -> Option<SourceLine>,
) -> Vec<Finding> {
    builds
        .iter()
        .filter(|b| !b.concurrently)
        .filter_map(|b| {
            let rows = tables.get(&b.table)?.rows;
            (rows >= BLOCKING_BUILD_ROWS).then(|| {
                let finding = Finding::warning(
                    Check::BlockingIndexBuild,
                    format!(
                        "line {}: `CREATE INDEX{}` on `{}` ({rows:.0} rows) blocks every write to the table until the build ends",
                        b.line,
                        b.name.as_ref().map(|n| format!(" {n}")).unwrap_or_default(),
                        b.table
                    ),
                    Some("use `CREATE INDEX CONCURRENTLY`, outside a transaction block".into()),
                );
                Finding { at: place(b.line), ..finding }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(table: &str, concurrently: bool) -> IndexBuild {
        IndexBuild { line: 3, name: Some("idx".into()), table: table.into(), concurrently }
    }

    #[test]
    fn only_plain_builds_on_big_tables_are_flagged() {
        let tables: BTreeMap<String, TableSize> = [
            ("big".to_string(), TableSize { rows: 1_000_000.0, pages: 10_000.0 }),
            ("small".to_string(), TableSize { rows: 500.0, pages: 5.0 }),
        ]
        .into();
        let findings = blocking_index(
            &[build("big", false), build("big", true), build("small", false), build("unknown", false)],
            &tables,
            |line| Some(SourceLine { file: "up.sql".into(), line }),
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].at, Some(SourceLine { file: "up.sql".into(), line: 3 }));
        assert!(
            findings[0].message.contains("line 3: `CREATE INDEX idx` on `big` (1000000 rows)"),
            "{}",
            findings[0].message
        );
    }
}
