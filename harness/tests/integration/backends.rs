//! The database backends against a real PostgreSQL: the `url` backend leaves the server's
//! other databases alone, and a scenario seeds the same rows and reaches the same verdicts
//! every time it runs with the same seed.

use crate::common;

use std::collections::BTreeSet;

use planproof::db::{Backend, UrlBackend};
use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::{Outcome, ScenarioResult};
use postgres::{Client, NoTls};

fn brokkr() -> planproof::Scenario {
    planproof::validate(common::root().join("scenarios/brokkr-pak-hash.toml")).expect("the reference scenario is valid")
}

fn databases(client: &mut Client) -> BTreeSet<String> {
    client
        .query("SELECT datname::text FROM pg_database", &[])
        .expect("pg_database is readable")
        .into_iter()
        .map(|r| r.get(0))
        .collect()
}

/// Table contents in a form that changes if any row changes.
fn fingerprint(client: &mut Client) -> String {
    client
        .query_one("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM accounts t", &[])
        .expect("accounts is readable")
        .get(0)
}

#[test]
fn url_backend_leaves_other_databases_untouched_and_drops_its_own() {
    let Some(mut server) = common::local_cluster("url_backend_leaves_other_databases_untouched") else { return };
    // The "application" database that already lives on the server.
    let app = server.create_database("app").unwrap();
    let mut app_client = app.connect().unwrap();
    app_client
        .batch_execute(
            "CREATE TABLE accounts (id int PRIMARY KEY, email text);
             INSERT INTO accounts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 500) g;
             -- Same table names as the scenario: planproof must not touch these.
             CREATE TABLE agents (id int PRIMARY KEY);
             INSERT INTO agents VALUES (1), (2);",
        )
        .unwrap();
    let before = fingerprint(&mut app_client);
    let url = server.connection_string(&app.name);
    let mut admin = Client::connect(&url, NoTls).unwrap();
    let databases_before = databases(&mut admin);

    let mut backend = UrlBackend::connect(&url).unwrap();
    let result = run_scenario(&brokkr(), &mut backend, &RunOptions::default());
    assert_eq!(result.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(&result));
    drop(backend);

    assert_eq!(databases(&mut admin), databases_before, "the scratch database is dropped, nothing else changes");
    assert_eq!(fingerprint(&mut app_client), before, "the application's rows are untouched");
    let agents: i64 = app_client.query_one("SELECT count(*) FROM agents", &[]).unwrap().get(0);
    assert_eq!(agents, 2, "the application's own `agents` table is untouched");
    let indexes: i64 =
        app_client.query_one("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'idx_%'", &[]).unwrap().get(0);
    assert_eq!(indexes, 0, "the migration ran in the scratch database, not in the application's");
}

/// What must not change between two runs with the same seed: the rows and the verdicts.
fn verdicts(r: &ScenarioResult) -> Vec<String> {
    r.queries
        .iter()
        .flat_map(|q| {
            q.captures
                .iter()
                .map(move |c| format!("{} {:?} {:?} {} {:?}", q.name, c.phase, c.mode, c.plan_tree, c.findings))
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_rows_and_verdicts() {
    let Some(mut backend) = common::local_cluster("the_same_seed_gives_the_same_rows_and_verdicts") else { return };
    let scenario = brokkr();
    let options = RunOptions { keep: Keep::OnFailure, ..RunOptions::default() };
    let first = run_scenario(&scenario, &mut backend, &options);
    let second = run_scenario(&scenario, &mut backend, &options);
    for r in [&first, &second] {
        assert_eq!(r.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(r));
    }
    let checksums =
        |r: &ScenarioResult| r.seeded.iter().map(|t| (t.table.clone(), t.checksum.clone())).collect::<Vec<_>>();
    assert_eq!(checksums(&first), checksums(&second));
    assert_eq!(
        first.queries.iter().map(|q| &q.params).collect::<Vec<_>>(),
        second.queries.iter().map(|q| &q.params).collect::<Vec<_>>()
    );
    assert_eq!(verdicts(&first), verdicts(&second));

    let mut reseeded = scenario.clone();
    reseeded.seed += 1;
    let third = run_scenario(&reseeded, &mut backend, &options);
    assert_ne!(checksums(&first), checksums(&third), "another seed gives other rows");
}

#[test]
fn a_local_cluster_is_removed_when_dropped() {
    let Some(backend) = common::local_cluster("a_local_cluster_is_removed_when_dropped") else { return };
    let dir = backend.dir().to_path_buf();
    assert!(dir.join("data/postmaster.pid").exists(), "the cluster runs");
    drop(backend);
    assert!(!dir.exists(), "`{}` is deleted", dir.display());
}
