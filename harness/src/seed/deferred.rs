//! Load, then index. Maintaining a B-tree row by row is most of what a COPY costs once the
//! index outgrows shared_buffers, so before seeding, the seeded tables' indexes, primary-key
//! and unique constraints and the foreign keys that touch them are read
//! (`pg_get_indexdef`, `pg_get_constraintdef`) and dropped; after the COPY the indexes are
//! built again, several at once on their own connections with a generous
//! `maintenance_work_mem`, the constraints re-attached to them (`USING INDEX`), and the foreign
//! keys added back, each validated by one query instead of a trigger per row. The catalog is
//! then compared with what it was before (the reversibility check's snapshot): it must be
//! exactly the same.
//!
//! What the rebuild could not put back exactly stays in place and is maintained during the
//! COPY as before: an index that is clustered, the replica identity, invalid, in another
//! tablespace, commented or with a per-column statistics target; an exclusion constraint; a
//! foreign key that is commented or belongs to a partition tree; and every index of a
//! partitioned table or partition. If dropping fails anyway (a dependency planproof does not
//! know of), nothing is dropped and the table is seeded with its indexes.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::Client;

use super::error::SeedError;
use crate::catalog::{self, CatalogSnapshot};
use crate::db::ScratchDb;
use crate::progress::{Bar, Progress};

/// Memory for each index build: sorts that fit in memory are several times faster, and the
/// server is planproof's own (on a URL server, only as much as a sort needs is taken).
const MAINTENANCE_WORK_MEM: &str = "512MB";

/// At most this many index builds at once, whatever the number of cores.
const MAX_BUILDERS: usize = 4;

/// An index to build again.
struct Index {
    /// `schema.name`, quoted, for SQL.
    sql_name: String,
    /// The name as written, for messages.
    name: String,
    /// The table's name as written, for messages.
    table: String,
    /// `CREATE [UNIQUE] INDEX ...` as PostgreSQL prints it.
    definition: String,
    /// The primary-key or unique constraint it backs, to re-attach.
    constraint: Option<Attach>,
}

/// A primary-key or unique constraint re-attached to its rebuilt index.
struct Attach {
    /// `schema.table`, quoted.
    table_sql: String,
    /// The constraint's name, quoted.
    name_sql: String,
    primary: bool,
    deferrable: bool,
    deferred: bool,
}

/// A foreign key to add back.
struct ForeignKey {
    table_sql: String,
    table: String,
    name_sql: String,
    name: String,
    /// `FOREIGN KEY (...) REFERENCES ...` as PostgreSQL prints it.
    definition: String,
}

/// The indexes and constraints taken off the seeded tables, to put back after the COPY.
pub(super) struct Deferred {
    before: CatalogSnapshot,
    indexes: Vec<Index>,
    foreign_keys: Vec<ForeignKey>,
}

/// What putting them back took.
pub(super) struct Rebuilt {
    pub(super) indexes: usize,
    pub(super) foreign_keys: usize,
    pub(super) elapsed: Duration,
}

/// Reads and drops the indexes and constraints of `tables` that can be rebuilt exactly, in one
/// transaction. `None` when there is nothing to defer or dropping failed (then nothing was).
pub(super) fn take_off(client: &mut Client, tables: &[&str]) -> Result<Option<Deferred>, SeedError> {
    let sql = |what: &str| {
        let what = what.to_string();
        move |source| SeedError::Sql { what, source }
    };
    let names: Vec<String> = tables.iter().map(|t| crate::db::quote_ident(t)).collect();
    let oids: Vec<u32> = client
        .query(
            "SELECT c.oid FROM unnest($1::text[]) AS t(name) JOIN pg_class c ON c.oid = to_regclass(t.name)
              WHERE c.relkind = 'r' AND NOT c.relispartition",
            &[&names],
        )
        .map_err(sql("reading the seeded tables' oids"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if oids.is_empty() {
        return Ok(None);
    }
    let before = catalog::snapshot(client, &[]).map_err(sql("reading the catalog before seeding"))?;

    let mut foreign_keys = Vec::new();
    // Indexes a foreign key that stays in place depends on: they stay too.
    let mut pinned = BTreeSet::new();
    for row in client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname), c.relname::text, quote_ident(con.conname),
                    con.conname::text, pg_get_constraintdef(con.oid), con.conindid,
                    (con.conparentid = 0 AND c.relkind = 'r' AND NOT c.relispartition
                     AND p.relkind = 'r' AND NOT p.relispartition
                     AND obj_description(con.oid, 'pg_constraint') IS NULL) AS movable
               FROM pg_constraint con
               JOIN pg_class c ON c.oid = con.conrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_class p ON p.oid = con.confrelid
              WHERE con.contype = 'f' AND (con.conrelid = ANY($1) OR con.confrelid = ANY($1))
              ORDER BY 1, 3",
            &[&oids],
        )
        .map_err(sql("reading the foreign keys of the seeded tables"))?
    {
        if row.get::<_, bool>(6) {
            foreign_keys.push(ForeignKey {
                table_sql: row.get(0),
                table: row.get(1),
                name_sql: row.get(2),
                name: row.get(3),
                definition: row.get(4),
            });
        } else {
            pinned.insert(row.get::<_, u32>(5));
        }
    }

    let mut indexes = Vec::new();
    for row in client
        .query(
            "SELECT x.indexrelid, format('%I.%I', n.nspname, i.relname), i.relname::text, t.relname::text,
                    pg_get_indexdef(x.indexrelid), con.contype::text, format('%I.%I', tn.nspname, t.relname),
                    quote_ident(con.conname), coalesce(con.condeferrable, false), coalesce(con.condeferred, false),
                    (x.indisvalid AND x.indisready AND NOT x.indisclustered AND NOT x.indisreplident
                     AND i.reltablespace = 0 AND coalesce(con.contype IN ('p', 'u'), true)
                     AND (con.oid IS NULL OR con.conname = i.relname)
                     AND obj_description(x.indexrelid, 'pg_class') IS NULL
                     AND (con.oid IS NULL OR obj_description(con.oid, 'pg_constraint') IS NULL)
                     AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                                      WHERE a.attrelid = x.indexrelid AND a.attstattarget > 0)) AS movable
               FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid
               JOIN pg_namespace n ON n.oid = i.relnamespace
               JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_namespace tn ON tn.oid = t.relnamespace
               LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
                                           AND con.contype IN ('p', 'u', 'x')
              WHERE x.indrelid = ANY($1)
              ORDER BY 2",
            &[&oids],
        )
        .map_err(sql("reading the indexes of the seeded tables"))?
    {
        if !row.get::<_, bool>(10) || pinned.contains(&row.get::<_, u32>(0)) {
            continue;
        }
        let contype: Option<String> = row.get(5);
        indexes.push(Index {
            sql_name: row.get(1),
            name: row.get(2),
            table: row.get(3),
            definition: row.get(4),
            constraint: contype.map(|kind| Attach {
                table_sql: row.get(6),
                name_sql: row.get(7),
                primary: kind == "p",
                deferrable: row.get(8),
                deferred: row.get(9),
            }),
        });
    }
    if indexes.is_empty() && foreign_keys.is_empty() {
        return Ok(None);
    }

    let mut drop = String::from("BEGIN;\n");
    for fk in &foreign_keys {
        drop.push_str(&format!("ALTER TABLE {} DROP CONSTRAINT {};\n", fk.table_sql, fk.name_sql));
    }
    for index in &indexes {
        match &index.constraint {
            Some(c) => drop.push_str(&format!("ALTER TABLE {} DROP CONSTRAINT {};\n", c.table_sql, c.name_sql)),
            None => drop.push_str(&format!("DROP INDEX {};\n", index.sql_name)),
        }
    }
    drop.push_str("COMMIT;");
    if client.batch_execute(&drop).is_err() {
        client.batch_execute("ROLLBACK").map_err(sql("rolling back the dropped indexes"))?;
        return Ok(None);
    }
    Ok(Some(Deferred { before, indexes, foreign_keys }))
}

/// Builds the indexes again (up to [`MAX_BUILDERS`] at once, each on its own connection),
/// re-attaches their constraints, adds the foreign keys back, and checks the catalog is what
/// it was. Says so first; on a terminal, a bar counts the indexes built and the foreign keys added.
pub(super) fn put_back(
    client: &mut Client,
    db: &ScratchDb,
    deferred: Deferred,
    progress: &Progress,
) -> Result<Rebuilt, SeedError> {
    let started = Instant::now();
    let Deferred { before, indexes, foreign_keys } = deferred;
    let bar = match super::table::rebuilt_objects(indexes.len(), foreign_keys.len()) {
        Some(what) => {
            progress.line(&format!("building {what} of the seeded tables"));
            progress.steps(&format!("building {what}"), (indexes.len() + foreign_keys.len()) as u64, "done")
        }
        None => Bar::off(),
    };
    build_indexes(db, &indexes, &bar)?;

    let mut attach = String::new();
    for index in &indexes {
        if let Some(c) = &index.constraint {
            attach.push_str(&format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {}{}{};\n",
                c.table_sql,
                c.name_sql,
                if c.primary { "PRIMARY KEY" } else { "UNIQUE" },
                crate::db::quote_ident(&index.name),
                if c.deferrable { " DEFERRABLE" } else { "" },
                if c.deferred { " INITIALLY DEFERRED" } else { "" },
            ));
        }
    }
    if !attach.is_empty() {
        client
            .batch_execute(&attach)
            .map_err(|source| SeedError::Sql { what: "re-attaching constraints to their indexes".into(), source })?;
    }
    for fk in &foreign_keys {
        client
            .batch_execute(&format!("ALTER TABLE {} ADD CONSTRAINT {} {}", fk.table_sql, fk.name_sql, fk.definition))
            .map_err(|source| {
                if source.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) {
                    SeedError::ForeignKeyViolated { table: fk.table.clone(), constraint: fk.name.clone(), source }
                } else {
                    SeedError::Sql { what: format!("adding foreign key `{}` back to `{}`", fk.name, fk.table), source }
                }
            })?;
        bar.inc();
    }

    let after = catalog::snapshot(client, &[])
        .map_err(|source| SeedError::Sql { what: "reading the catalog after seeding".into(), source })?;
    let diff = before.diff(&after);
    if !diff.is_empty() {
        let mut lines = Vec::new();
        lines.extend(diff.added.iter().map(|(k, d)| format!("added {k}: {d}")));
        lines.extend(diff.removed.iter().map(|(k, d)| format!("missing {k}: {d}")));
        lines.extend(diff.changed.iter().map(|(k, then, now)| format!("changed {k}: {then} -> {now}")));
        return Err(SeedError::RebuildChangedCatalog { differences: lines.join("; ") });
    }
    Ok(Rebuilt { indexes: indexes.len(), foreign_keys: foreign_keys.len(), elapsed: started.elapsed() })
}

/// Runs the `CREATE INDEX` statements on up to [`MAX_BUILDERS`] connections; the first error
/// stops the builders after their current index.
fn build_indexes(db: &ScratchDb, indexes: &[Index], bar: &Bar) -> Result<(), SeedError> {
    if indexes.is_empty() {
        return Ok(());
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let builders = cores.clamp(1, MAX_BUILDERS).min(indexes.len());
    let (jobs, queue) = crossbeam_channel::unbounded();
    for index in indexes {
        jobs.send(index).ok();
    }
    drop(jobs);
    let failed = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..builders)
            .map(|_| {
                let queue = queue.clone();
                let failed = &failed;
                scope.spawn(move || -> Result<(), SeedError> {
                    let mut client = db.connect().map_err(|e| SeedError::Connect { source: Box::new(e) })?;
                    client.batch_execute(&format!("SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")).map_err(
                        |source| SeedError::Sql {
                            what: "setting maintenance_work_mem for index builds".into(),
                            source,
                        },
                    )?;
                    for index in &queue {
                        if failed.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        if let Err(source) = client.batch_execute(&index.definition) {
                            failed.store(true, std::sync::atomic::Ordering::Relaxed);
                            return Err(if source.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                                SeedError::UniqueViolated {
                                    table: index.table.clone(),
                                    index: index.name.clone(),
                                    definition: index.definition.clone(),
                                    source,
                                }
                            } else {
                                SeedError::Sql {
                                    what: format!("building index `{}` of `{}` after seeding", index.name, index.table),
                                    source,
                                }
                            });
                        }
                        bar.inc();
                    }
                    Ok(())
                })
            })
            .collect();
        let mut first = Ok(());
        for worker in workers {
            let outcome = worker.join().unwrap_or(Err(SeedError::ThreadPanicked { what: "rebuilding indexes" }));
            if first.is_ok() {
                first = outcome;
            }
        }
        first
    })
}
