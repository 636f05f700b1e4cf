//! What the migration under test creates, learned on a scratch database: the schema files,
//! the earlier migrations and the migration itself run as a scenario would run them (without
//! rows), then the catalog is read — the indexes that are new, and the facts of every table
//! they are on and every table those reference — and the database is dropped.

use std::collections::BTreeSet;
use std::path::PathBuf;

use postgres::Client;

use super::{InitError, Located};
use crate::catalog::{self, IndexShape};
use crate::db::{self, BackendOptions};
use crate::migrate::{self, Direction};
use crate::scenario::TransactionMode;

/// One column, as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    /// As `format_type` prints it: `character varying(64)`, `timestamp with time zone`.
    pub data_type: String,
    pub not_null: bool,
    /// It has a default, is an identity or is generated: a row can leave it out.
    pub filled_by_server: bool,
    /// The labels of its enum type, in order; empty for other types.
    pub enum_labels: Vec<String>,
    /// A single-column `UNIQUE` or primary key is on it.
    pub unique: bool,
    /// A single-column foreign key: the table and column it references.
    pub references: Option<(String, String)>,
}

/// A table the scenario seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFacts {
    pub name: String,
    pub columns: Vec<Column>,
    /// A new index is on it (the others are there because it references them).
    pub indexed: bool,
}

/// What the migration created, and the tables the scenario needs.
#[derive(Debug, Clone)]
pub struct Learned {
    pub new_indexes: Vec<IndexShape>,
    /// The indexes before the migration, for `before` expectations.
    pub indexes_before: Vec<IndexShape>,
    pub tables: Vec<TableFacts>,
    pub server: String,
    /// The migration builds indexes `CONCURRENTLY` in a layout that wraps a file in a
    /// transaction block, which PostgreSQL refuses: the scenario needs `transaction = "none"`.
    pub needs_no_transaction: bool,
}

pub(super) fn learn(options: &BackendOptions, schema: &[PathBuf], located: &Located) -> Result<Learned, InitError> {
    let under_test = &located.under_test;
    // As `validate` finds it: a statement refused in the transaction block the layout wraps
    // the file in.
    let needs_no_transaction = under_test.script(Direction::Up)?.is_some_and(|script| {
        script.transaction == TransactionMode::PerFile && migrate::refused_in_transaction_block(&script.sql).is_some()
    });
    let run_up = |client: &mut Client, m: &migrate::Migration| {
        migrate::run_step(client, m, Direction::Up, needs_no_transaction.then_some(TransactionMode::None))
    };
    let mut backend = db::open(options)?;
    let scratch = backend.create_database("init")?;
    let learned = scratch.connect().map_err(InitError::from).and_then(|mut client| {
        for file in schema {
            migrate::run_file(&mut client, file, TransactionMode::None)?;
        }
        for m in &located.earlier {
            run_up(&mut client, m)?;
        }
        let indexes_before = catalog::index_shapes(&mut client)?;
        run_up(&mut client, under_test)?;
        let new_indexes: Vec<IndexShape> = catalog::index_shapes(&mut client)?
            .into_iter()
            .filter(|i| !indexes_before.iter().any(|b| b.name == i.name))
            .collect();
        let tables = tables(&mut client, &new_indexes)?;
        Ok(Learned { new_indexes, indexes_before, tables, server: backend.describe(), needs_no_transaction })
    });
    // A scratch database is planproof's own: it goes whatever happened in it.
    let dropped = backend.drop_database(&scratch);
    let learned = learned?;
    dropped?;
    Ok(learned)
}

/// The tables of `indexes`, then the tables they reference (one level), each once.
fn tables(client: &mut Client, indexes: &[IndexShape]) -> Result<Vec<TableFacts>, postgres::Error> {
    let mut names: Vec<String> = Vec::new();
    for i in indexes {
        if !names.contains(&i.table) {
            names.push(i.table.clone());
        }
    }
    let mut facts = Vec::new();
    for name in &names {
        facts.push(TableFacts { name: name.clone(), columns: columns(client, name)?, indexed: true });
    }
    let referenced: BTreeSet<String> = facts
        .iter()
        .flat_map(|t| t.columns.iter().filter_map(|c| c.references.as_ref().map(|(t, _)| t.clone())))
        .filter(|t| !names.contains(t))
        .collect();
    for name in referenced {
        facts.push(TableFacts { columns: columns(client, &name)?, name, indexed: false });
    }
    Ok(facts)
}

fn columns(client: &mut Client, table: &str) -> Result<Vec<Column>, postgres::Error> {
    let rows = client.query(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '',
                coalesce((SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
                            FROM pg_enum e WHERE e.enumtypid = a.atttypid), '{}'),
                EXISTS (SELECT 1 FROM pg_index x
                         WHERE x.indrelid = a.attrelid AND x.indisunique AND x.indnkeyatts = 1
                           AND x.indkey[0] = a.attnum AND x.indpred IS NULL AND x.indexprs IS NULL),
                (SELECT c.confrelid::regclass::text FROM pg_constraint c
                  WHERE c.contype = 'f' AND c.conrelid = a.attrelid AND c.conkey = ARRAY[a.attnum] LIMIT 1),
                (SELECT f.attname::text FROM pg_constraint c
                   JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]
                  WHERE c.contype = 'f' AND c.conrelid = a.attrelid AND c.conkey = ARRAY[a.attnum] LIMIT 1)
           FROM pg_attribute a
          WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum",
        &[&table],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let references = match (r.get::<_, Option<String>>(6), r.get::<_, Option<String>>(7)) {
                (Some(t), Some(c)) => Some((t, c)),
                _ => None,
            };
            Column {
                name: r.get(0),
                data_type: r.get(1),
                not_null: r.get(2),
                filled_by_server: r.get(3),
                enum_labels: r.get(4),
                unique: r.get(5),
                references,
            }
        })
        .collect())
}
