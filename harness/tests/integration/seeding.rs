//! The seed stage on a real cluster: the indexes and foreign keys it takes off for the COPY
//! come back exactly, their violations are seed errors naming them, and the seeded tables are
//! all-visible (the visibility bug of issue 14: with asynchronous commit, VACUUM left pages
//! not all-visible, so heap fetches and plans differed between identical runs).

use planproof::catalog;
use planproof::db::{Backend, ScratchDb};
use planproof::migrate;
use planproof::scenario::TransactionMode;
use planproof::seed::{self, SeedError, SeedOptions, Seeded};
use postgres::Client;
use rstest::rstest;

use crate::common;

/// The scratch database with the scenario's schema and earlier migrations, ready to seed.
fn prepared(backend: &mut dyn Backend, file: &str) -> (planproof::Scenario, ScratchDb, Client) {
    let scenario =
        planproof::validate(common::root().join("fixtures/seeding").join(file)).expect("the fixture is valid");
    let db = backend.create_database(&scenario.name).expect("a scratch database");
    let mut client = db.connect().expect("connect");
    for schema in &scenario.database.schema {
        migrate::run_file(&mut client, schema, TransactionMode::None).expect("schema");
    }
    let plan = migrate::MigrationPlan::resolve(&scenario.database).expect("migrations");
    plan.run_earlier(&db, &|_| {}).map_err(|e| e.source).expect("earlier migrations");
    (scenario, db, client)
}

fn seed(client: &mut Client, db: &ScratchDb, scenario: &planproof::Scenario) -> Result<Seeded, SeedError> {
    seed::seed_tables(
        client,
        db,
        scenario,
        SeedOptions { verify: true, progress: &planproof::progress::Progress::off(), run_sql: &migrate::run_seed_sql },
    )
}

fn index_oid(client: &mut Client, name: &str) -> u32 {
    client.query_one("SELECT to_regclass($1)::oid", &[&name]).expect("index oid").get(0)
}

#[test]
fn indexes_and_foreign_keys_come_back_exactly_after_the_copy() {
    let Some(mut backend) = common::local_cluster("indexes_and_foreign_keys_come_back_exactly_after_the_copy") else {
        return;
    };
    let (scenario, db, mut client) = prepared(&mut backend, "scenario.toml");
    let before = catalog::snapshot(&mut client, &[]).expect("catalog");
    let commented = index_oid(&mut client, "accounts_created");
    let rebuilt = index_oid(&mut client, "accounts_region_created");

    let seeded = seed(&mut client, &db, &scenario).unwrap_or_else(|e| panic!("{}", planproof::text::error_chain(&e)));

    let after = catalog::snapshot(&mut client, &[]).expect("catalog");
    assert_eq!(before.diff(&after), catalog::CatalogDiff::default(), "the catalog is what it was");
    // accounts: pkey, email key, region_created, lower_email; orders: pkey, account — and not
    // the commented index; foreign keys: orders → accounts, audits → accounts.
    assert_eq!(seeded.timing.indexes_rebuilt, 6, "{:?}", seeded.timing);
    assert_eq!(seeded.timing.foreign_keys_rebuilt, 2, "{:?}", seeded.timing);
    assert_eq!(index_oid(&mut client, "accounts_created"), commented, "the commented index stayed in place");
    assert_ne!(index_oid(&mut client, "accounts_region_created"), rebuilt, "the plain index was built again");
    let comment: Option<String> = client
        .query_one("SELECT obj_description('accounts_created'::regclass, 'pg_class')", &[])
        .expect("comment")
        .get(0);
    assert_eq!(comment.as_deref(), Some("kept in place during seeding"));
    let deferred: bool = client
        .query_one("SELECT condeferrable AND condeferred FROM pg_constraint WHERE conname = 'accounts_email_key'", &[])
        .expect("constraint")
        .get(0);
    assert!(deferred, "the unique constraint is still DEFERRABLE INITIALLY DEFERRED");

    // The rows are all there and the foreign keys hold them.
    let counts: (i64, i64) = {
        let row = client
            .query_one("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM orders)", &[])
            .expect("counts");
        (row.get(0), row.get(1))
    };
    assert_eq!(counts, (20_000, 50_000));
    let orphan = client.execute("INSERT INTO orders (account_id, amount) VALUES (-1, 1)", &[]);
    assert!(orphan.is_err(), "the foreign key is enforced again");
    for t in &seeded.tables {
        let database = t.database_checksum.as_deref().expect("--verify-seed checksums the database");
        assert!(database.ends_with(&format!("-{}", t.rows)), "{}: {database}", t.table);
    }
    backend.drop_database(&db).expect("drop");
}

#[test]
fn seeded_tables_are_all_visible_and_checksums_repeat() {
    let Some(mut backend) = common::local_cluster("seeded_tables_are_all_visible_and_checksums_repeat") else {
        return;
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (scenario, db, mut client) = prepared(&mut backend, "scenario.toml");
        let seeded =
            seed(&mut client, &db, &scenario).unwrap_or_else(|e| panic!("{}", planproof::text::error_chain(&e)));
        for t in ["accounts", "orders"] {
            let row = client
                .query_one("SELECT relpages, relallvisible FROM pg_class WHERE oid = to_regclass($1)", &[&t])
                .expect("pg_class");
            let (pages, visible): (i32, i32) = (row.get(0), row.get(1));
            assert!(pages > 0, "{t} has pages");
            assert_eq!(visible, pages, "{t}: every page is all-visible after seeding");
        }
        let heap_fetches: i64 = {
            let plan: serde_json::Value = client
                .query_one("EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM accounts WHERE region = 3", &[])
                .expect("explain")
                .get(0);
            fn fetches(node: &serde_json::Value) -> i64 {
                node["Heap Fetches"].as_i64().unwrap_or(0)
                    + node["Plans"].as_array().map_or(0, |plans| plans.iter().map(fetches).sum())
            }
            fetches(&plan[0]["Plan"])
        };
        assert_eq!(heap_fetches, 0, "an index-only scan of all-visible pages fetches no heap tuple");
        runs.push(seeded.tables.iter().map(|t| (t.checksum.clone(), t.database_checksum.clone())).collect::<Vec<_>>());
        backend.drop_database(&db).expect("drop");
    }
    assert_eq!(runs[0], runs[1], "the same seed gives the same checksums, generated and read back");
}

/// A generated duplicate in a unique index, or a reference to no row, found when the index
/// or foreign key is built again after the COPY: a seed error that names it and the fix.
#[rstest]
#[case::duplicate("duplicate.toml", "repeat a key of its unique index `accounts_email_key`", "`unique = true`")]
#[case::dangling("dangling.toml", "break its foreign key `orders_account_id_fkey`", "a `ref` generator")]
fn a_violation_found_after_the_copy_is_a_seed_error_naming_it(
    #[case] file: &str,
    #[case] names: &str,
    #[case] fix: &str,
) {
    let Some(mut backend) = common::local_cluster("a_violation_found_after_the_copy_is_a_seed_error_naming_it") else {
        return;
    };
    let (scenario, db, mut client) = prepared(&mut backend, file);
    let error = seed(&mut client, &db, &scenario).map(|_| ()).expect_err("the rebuild fails");
    let text = planproof::text::error_chain(&error);
    assert!(matches!(error, SeedError::UniqueViolated { .. } | SeedError::ForeignKeyViolated { .. }), "{text}");
    assert!(text.contains(names) && text.contains(fix), "{text}");
    backend.drop_database(&db).expect("drop");
}
