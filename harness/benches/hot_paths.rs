//! planproof's own hot paths: parsing EXPLAIN output, generating rows, encoding them for
//! binary COPY. Run with `cargo bench --bench hot_paths` (or `make bench`); criterion writes
//! its reports under target/criterion/.

// The fixtures and scenarios a benchmark reads are the project's own: a panic names the bad one.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use planproof::plan::Explain;
use planproof::scenario::{ColumnSpec, GenKind, Literal};
use planproof::seed::{ColumnGenerator, Value};
use postgres::types::{ToSql, Type};

const ROWS: u64 = 100_000;

fn fixture(path: &str) -> String {
    let full = format!("{}/../fixtures/explain/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn plan_parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan");
    for (name, path) in
        [("index-scan", "pg15/partial_index_scan.json"), ("very-large", "third-party/pev2/pev2_very_large_plan.json")]
    {
        let text = fixture(path);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("parse/{name}"), |b| b.iter(|| Explain::from_json_str(black_box(&text)).unwrap()));
        let explain = Explain::from_json_str(&text).unwrap();
        group.bench_function(format!("render/{name}"), |b| b.iter(|| black_box(&explain).render_tree()));
    }
    group.finish();
}

fn spec(name: &str, gen: GenKind) -> ColumnSpec {
    ColumnSpec { name: name.into(), gen, null_fraction: 0.0, unique: false, distinct: None, skew: None }
}

/// The columns of a typical reference table: keys, hashes, names, numbers, times, enums.
fn columns() -> Vec<ColumnSpec> {
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap().to_utc();
    let end = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().to_utc();
    vec![
        spec("id", GenKind::Uuid),
        ColumnSpec { unique: true, ..spec("key_hash", GenKind::Sha256Hex) },
        spec("name", GenKind::FullName),
        ColumnSpec { unique: true, ..spec("email", GenKind::Email) },
        spec("size", GenKind::Int { min: 1, max: 5000 }),
        ColumnSpec { null_fraction: 0.9, ..spec("deleted_at", GenKind::Timestamp { start, end }) },
        spec(
            "status",
            GenKind::OneOf {
                values: vec![Literal::Text("ACTIVE".into()), Literal::Text("INACTIVE".into())],
                weights: vec![9, 1],
            },
        ),
        ColumnSpec { distinct: Some(200), skew: Some(1.1), ..spec("factory", GenKind::Uuid) },
    ]
}

fn generate(columns: &[ColumnSpec]) -> Vec<Vec<Value>> {
    let mut gens: Vec<ColumnGenerator> =
        columns.iter().map(|c| ColumnGenerator::new(c, "bench", 42, ROWS, None).unwrap()).collect();
    (0..ROWS).map(|row| gens.iter_mut().map(|g| g.next_value(row).unwrap()).collect()).collect()
}

fn row_generation(c: &mut Criterion) {
    let columns = columns();
    let mut group = c.benchmark_group("seed");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    group.bench_function("generate/100k-rows-8-columns", |b| b.iter(|| generate(black_box(&columns))));

    let rows = generate(&columns);
    let types = [Type::UUID, Type::TEXT, Type::TEXT, Type::TEXT, Type::INT4, Type::TIMESTAMPTZ, Type::TEXT, Type::UUID];
    group.bench_function("copy-encode/100k-rows-8-columns", |b| {
        b.iter_batched_ref(
            || BytesMut::with_capacity(32 << 20),
            |out| {
                for row in &rows {
                    for (value, ty) in row.iter().zip(&types) {
                        value.to_sql_checked(ty, out).unwrap();
                    }
                }
            },
            BatchSize::LargeInput,
        );
    });
    // NUMERIC columns take integers, floats and decimal text: a third of each.
    let numerics: Vec<Value> = (0..ROWS as i64)
        .map(|i| match i % 3 {
            0 => Value::Int(i * 7919),
            1 => Value::Float(i as f64 / 64.0),
            _ => Value::Text(format!("{}.{:02}", i - 50_000, i % 100)),
        })
        .collect();
    group.bench_function("copy-encode/100k-numeric", |b| {
        b.iter_batched_ref(
            || BytesMut::with_capacity(4 << 20),
            |out| {
                for value in &numerics {
                    value.to_sql_checked(&Type::NUMERIC, out).unwrap();
                }
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, plan_parsing, row_generation);
criterion_main!(benches);
