//! `[[indexes]]` against a real catalog: orderings, INCLUDE columns, predicates, uniqueness,
//! methods and sizes are read as PostgreSQL stores them, and a scenario whose facts are wrong
//! fails naming each one.

use planproof::check::Check;

use crate::common;

use planproof::catalog::IndexShape;
use planproof::check::{evaluate, Evidence, Migration, Severity};
use planproof::db::Backend;
use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::scenario::{Expect, IndexColumn, IndexSpec};
use planproof::Outcome;

/// The findings of `[[indexes]]` entries `specs` on the catalog's `shapes`.
fn index_catalog(specs: &[IndexSpec], shapes: &[IndexShape]) -> Vec<planproof::check::Finding> {
    let expects: Vec<Expect> = specs.iter().cloned().map(Expect::Index).collect();
    evaluate(&expects, &Evidence::Migration(Migration { timing: None, load: None, indexes: shapes, wal: None }))
        .findings
}

fn columns(written: &[&str]) -> Option<Vec<IndexColumn>> {
    Some(written.iter().map(|c| c.parse().expect("a valid column")).collect())
}

#[test]
fn every_ordering_include_and_predicate_reads_back_as_written() {
    let Some(mut backend) = common::local_cluster("every_ordering_include_and_predicate_reads_back_as_written") else {
        return;
    };
    let db = backend.create_database("index-catalog").expect("a scratch database");
    let mut client = db.connect().expect("a connection");
    client
        .batch_execute(
            "CREATE TABLE t (a int, b int, c int, d int, e text, f text NOT NULL);
             INSERT INTO t SELECT i, i, i, i, md5(i::text), md5(i::text) FROM generate_series(1, 20000) i;
             CREATE INDEX ix_orders ON t (a, b DESC, c NULLS FIRST, d DESC NULLS LAST) INCLUDE (e) WHERE f <> 'x';
             CREATE UNIQUE INDEX ix_lower ON t (lower(f));
             CREATE INDEX ix_hash ON t USING hash (e);",
        )
        .expect("the fixture schema is created");
    let shapes = planproof::catalog::index_shapes(&mut client).expect("the catalog is read");
    let specs = [
        IndexSpec {
            name: "ix_orders".into(),
            table: Some("t".into()),
            columns: columns(&["a ASC", "b DESC NULLS FIRST", "c NULLS FIRST", "d desc nulls last"]),
            include: Some(vec!["e".into()]),
            predicate: Some("f <> 'x'".into()),
            unique: Some(false),
            method: Some("btree".into()),
            max_size: Some(4 << 20),
            ..Default::default()
        },
        IndexSpec {
            name: "ix_lower".into(),
            columns: columns(&["lower(f)"]),
            unique: Some(true),
            ..Default::default()
        },
        IndexSpec {
            name: "ix_hash".into(),
            columns: columns(&["e"]),
            method: Some("hash".into()),
            ..Default::default()
        },
    ];
    assert_eq!(index_catalog(&specs, &shapes), vec![], "{shapes:#?}");

    let wrong = [
        IndexSpec {
            name: "ix_orders".into(),
            columns: columns(&["a", "b", "c", "d"]),
            max_size: Some(8192),
            ..Default::default()
        },
        IndexSpec { name: "ix_hash".into(), method: Some("btree".into()), ..Default::default() },
    ];
    let messages: Vec<String> = index_catalog(&wrong, &shapes).into_iter().map(|f| f.message).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert_eq!(
        messages[0],
        "index `ix_orders`: key columns is `a, b DESC, c NULLS FIRST, d DESC NULLS LAST`, expected `a, b, c, d`"
    );
    assert!(
        messages[1].starts_with("index `ix_orders` is ") && messages[1].ends_with("over its budget of 8 kB"),
        "{}",
        messages[1]
    );
    assert_eq!(messages[2], "index `ix_hash` uses `hash`, expected `btree`");
    drop(client);
    backend.drop_database(&db).expect("the scratch database is dropped");
}

#[test]
fn a_scenario_whose_index_facts_are_wrong_fails_naming_them() {
    let Some(mut backend) = common::local_cluster("a_scenario_whose_index_facts_are_wrong_fails_naming_them") else {
        return;
    };
    let mut scenario = planproof::validate(common::root().join("scenarios/brokkr-pak-hash.toml"))
        .expect("the reference scenario is valid");
    let agents = scenario
        .migration
        .expects
        .iter_mut()
        .find_map(|e| match e {
            Expect::Index(i) if i.name == "idx_agents_pak_hash" => Some(i),
            _ => None,
        })
        .expect("the scenario describes the index");
    agents.unique = Some(true);
    agents.predicate = Some("deleted_at IS NULL".into());
    let result = run_scenario(&scenario, &mut backend, &RunOptions { keep: Keep::Never, ..RunOptions::default() });
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Failed, "{text}");
    let violations: Vec<&str> = result
        .findings
        .iter()
        .filter(|f| f.check == Check::IndexCatalog && f.severity == Severity::Violation)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        violations,
        [
            "index `idx_agents_pak_hash`: partial predicate is `((deleted_at IS NULL) AND (pak_hash IS NOT NULL))`, expected `deleted_at IS NULL`",
            "index `idx_agents_pak_hash` is not unique, expected unique",
        ],
        "{text}"
    );
}
