//! Test-only helpers shared by the generators' tests: column specs, whole columns generated
//! through [`ColumnGenerator`], and ways to look at the values.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::super::value::Value;
use super::ColumnGenerator;
use crate::scenario::column::{ColumnSpec, GenKind, Literal};

pub(super) fn spec(name: &str, gen: GenKind) -> ColumnSpec {
    ColumnSpec { name: name.to_string(), gen, null_fraction: 0.0, unique: false, distinct: None, skew: None }
}

pub(super) fn with(mut spec: ColumnSpec, edit: impl FnOnce(&mut ColumnSpec)) -> ColumnSpec {
    edit(&mut spec);
    spec
}

/// Every row of column `spec` of table `t`.
pub(super) fn generate_with(spec: &ColumnSpec, seed: u64, rows: u64, parents: Option<Vec<Value>>) -> Vec<Value> {
    let mut generator =
        ColumnGenerator::new(spec, "t", seed, rows, parents).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
    (0..rows).map(|row| generator.next_value(row).unwrap_or_else(|e| panic!("{e}"))).collect()
}

pub(super) fn generate(spec: &ColumnSpec, seed: u64, rows: u64) -> Vec<Value> {
    generate_with(spec, seed, rows, None)
}

/// The message of the error building the generator gives.
pub(super) fn build_error(spec: &ColumnSpec, rows: u64, parents: Option<Vec<Value>>) -> String {
    match ColumnGenerator::new(spec, "t", 42, rows, parents) {
        Ok(_) => panic!("{}: expected an error", spec.name),
        Err(e) => e.to_string(),
    }
}

pub(super) fn distinct_count(values: &[Value]) -> usize {
    values.iter().filter(|v| **v != Value::Null).map(Value::fingerprint).collect::<HashSet<_>>().len()
}

pub(super) fn counts(values: &[Value]) -> HashMap<u128, usize> {
    let mut counts = HashMap::new();
    for v in values {
        *counts.entry(v.fingerprint()).or_insert(0) += 1;
    }
    counts
}

pub(super) fn ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test timestamp").with_timezone(&Utc)
}

pub(super) fn text(v: &Value) -> &str {
    match v {
        Value::Text(s) => s,
        other => panic!("expected text, got {other:?}"),
    }
}

/// Parent keys `1..=n`.
pub(super) fn parents(n: i64) -> Vec<Value> {
    (1..=n).map(Value::Int).collect()
}

/// One spec of every kind but references.
pub(super) fn every_kind() -> Vec<(&'static str, GenKind)> {
    vec![
        ("uuid", GenKind::Uuid),
        ("sha256_hex", GenKind::Sha256Hex),
        ("token", GenKind::Token { length: 24, prefix: "pk_".into() }),
        ("first_name", GenKind::FirstName),
        ("last_name", GenKind::LastName),
        ("full_name", GenKind::FullName),
        ("email", GenKind::Email),
        ("word", GenKind::Word),
        ("sentence", GenKind::Sentence),
        ("company", GenKind::CompanyName),
        ("int", GenKind::Int { min: -1000, max: 1000 }),
        ("float", GenKind::Float { min: 0.0, max: 1.0 }),
        ("sequence", GenKind::Sequence { min: 1 }),
        ("timestamp", GenKind::Timestamp { start: ts("2024-01-01T00:00:00Z"), end: ts("2025-01-01T00:00:00Z") }),
        ("bool", GenKind::Bool { true_ratio: 0.5 }),
        (
            "status",
            GenKind::OneOf { values: vec![Literal::Text("A".into()), Literal::Text("B".into())], weights: vec![1, 1] },
        ),
    ]
}
