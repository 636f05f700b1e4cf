//! The reference lookups as an application runs them — a prepared statement, its parameter
//! bound, the round trip timed from the client — before and after their migration, on the
//! seeded data of their scenarios. Needs PostgreSQL (a local cluster is made; `DATABASE_URL`
//! is used when set). Run with `cargo bench --bench lookups` (or `make bench`).

// The fixtures and scenarios a benchmark reads are the project's own: a panic names the bad one.
#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use planproof::db::{open, BackendOptions};
use planproof::scenario::TransactionMode;
use planproof::{explain, migrate, seed};

/// (scenario file, query name) pairs measured before and after their migration.
const LOOKUPS: [(&str, &str); 3] = [
    ("brokkr-pak-hash.toml", "agent-by-pak-hash"),
    ("factory-api-keys-corrected.toml", "api-key-by-hash"),
    ("factory-api-keys-corrected.toml", "batches-by-product"),
];

fn lookups(c: &mut Criterion) {
    let mut backend = match open(&BackendOptions::default()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("lookups: NOT RUN: no PostgreSQL ({e})");
            return;
        }
    };
    let root = format!("{}/../scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut group = c.benchmark_group("lookup");
    group.sample_size(50);
    for file in ["brokkr-pak-hash.toml", "factory-api-keys-corrected.toml"] {
        let scenario = planproof::validate(format!("{root}/{file}")).expect("reference scenario");
        let db = backend.create_database(&scenario.name).expect("scratch database");
        let mut client = db.connect().expect("connect");
        for schema in &scenario.database.schema {
            migrate::run_file(&mut client, schema, TransactionMode::None).expect("schema");
        }
        // The corrected factory migration is an Alembic revision: the plan runs the tool.
        let plan = migrate::MigrationPlan::resolve(&scenario.database).expect("migrations");
        plan.check_tool().expect("the migration tool is installed (`make deps`)");
        plan.run_earlier(&db, &|_| {}).map_err(|e| e.source).expect("earlier migrations");
        seed::seed_tables(
            &mut client,
            &db,
            &scenario,
            seed::SeedOptions {
                verify: false,
                progress: &planproof::progress::Progress::off(),
                run_sql: &planproof::migrate::run_seed_sql,
            },
        )
        .expect("seed");
        let queries: Vec<_> = scenario.queries.iter().filter(|q| LOOKUPS.contains(&(file, q.name.as_str()))).collect();
        let params: Vec<Vec<explain::ParamValue>> =
            queries.iter().map(|q| explain::sample_params(&mut client, q, scenario.seed).unwrap()).collect();
        for phase in ["before", "after"] {
            if phase == "after" {
                plan.apply(&db).expect("migration");
                client.batch_execute("VACUUM (ANALYZE)").unwrap();
            }
            for (q, values) in queries.iter().zip(&params) {
                let prepared = explain::Prepared::new(&mut client, &q.name, &q.sql, values).expect("prepare");
                group
                    .bench_function(format!("{}/{phase}", q.name), |b| b.iter(|| prepared.query(&mut client).unwrap()));
            }
        }
        drop(client);
        backend.drop_database(&db).expect("drop");
    }
    group.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
