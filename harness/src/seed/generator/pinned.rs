//! Test-only: the generated values pinned byte for byte, so that the same seed keeps giving the
//! same rows (reports print a checksum per table, and users rely on it). For every kind and
//! every modifier combination, the snapshots under `seed/snapshots/` hold a window of rows and a
//! SHA-256 of every row. A change to any of them is a bug, unless it is meant: then it goes with
//! a new `DOMAIN_TAG` in `seed/rng.rs` and says so in the commit.

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

use super::super::value::Value;
use super::fixture::{every_kind, spec, ts, with};
use super::ColumnGenerator;
use crate::scenario::column::{ColumnSpec, GenKind, Literal};

/// One pinned case: a column, how many rows, the parent values of a reference, rows to add
/// with `extend` after the first `rows`, and which rows to print.
struct Pinned {
    name: &'static str,
    spec: ColumnSpec,
    rows: u64,
    parents: Option<Vec<Value>>,
    extra: u64,
    shown: std::ops::Range<u64>,
}

fn pinned(name: &'static str, spec: ColumnSpec) -> Pinned {
    Pinned { name, spec, rows: 2_000, parents: None, extra: 0, shown: 0..20 }
}

/// A value as the snapshot shows it: its variant and its exact text (floats print the
/// shortest text that reads back to the same bits).
fn shown(value: &Value) -> String {
    let tag = match value {
        Value::Null => return "null".to_string(),
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Text(_) => "text",
        Value::Uuid(_) => "uuid",
        Value::Timestamp(_) => "timestamp",
    };
    format!("{tag} {:?}", value.to_text().unwrap_or_default())
}

/// Every row of every case goes into a SHA-256, and a window of rows is printed, so a
/// change to any value (not just the printed ones) changes the snapshot.
fn render(cases: &[Pinned]) -> String {
    let mut out = String::new();
    for case in cases {
        let total = case.rows + case.extra;
        let mut generator = ColumnGenerator::new(&case.spec, "pinned", 42, case.rows, case.parents.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let mut digest = Sha256::new();
        let mut lines = Vec::new();
        for row in 0..total {
            if row == case.rows {
                generator.extend(case.extra, &case.spec, "pinned", 42);
            }
            let value = generator.next_value(row).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let line = shown(&value);
            digest.update(line.as_bytes());
            digest.update(b"\n");
            if case.shown.contains(&row) {
                lines.push(format!("{row:>6} {line}"));
            }
        }
        let hex: String = digest.finalize().iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!("## {} ({total} rows, sha256 {hex})\n", case.name));
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The snapshots live in one fixed folder whatever module the test sits in, so that moving
/// the generators around cannot move (or silently re-create) the pinned values.
fn assert_pinned(name: &str, cases: &[Pinned]) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/src/seed/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, render(cases));
    });
}

#[test]
fn every_kind_is_pinned() {
    // Reports name their seed and a checksum per table: if a value here changes, old
    // reports no longer reproduce.
    let mut cases: Vec<Pinned> = every_kind().into_iter().map(|(name, kind)| pinned(name, spec(name, kind))).collect();
    cases.extend([
        pinned("int-negative-range", spec("n", GenKind::Int { min: -3, max: 3 })),
        pinned("int-full-range", spec("n", GenKind::Int { min: i64::MIN, max: i64::MAX })),
        pinned("float-wide", spec("x", GenKind::Float { min: -1e9, max: 1e9 })),
        pinned("sequence-negative-start", spec("id", GenKind::Sequence { min: -5 })),
        pinned("bool-always", spec("b", GenKind::Bool { true_ratio: 1.0 })),
        pinned("bool-never", spec("b", GenKind::Bool { true_ratio: 0.0 })),
        pinned("bool-30-percent", spec("b", GenKind::Bool { true_ratio: 0.3 })),
        Pinned {
            parents: Some(vec![Value::Int(3), Value::Null, Value::Int(1), Value::Int(3), Value::Int(2)]),
            ..pinned("reference", spec("r", GenKind::Ref { table: "p".into(), column: "id".into() }))
        },
    ]);
    assert_pinned("pinned_kinds", &cases);
}

#[test]
fn token_lengths_and_timestamp_windows_are_pinned() {
    let token = |length: usize| GenKind::Token { length, prefix: "t_".into() };
    let unique = |s: ColumnSpec| with(s, |s| s.unique = true);
    let window = |start: DateTime<Utc>, end: DateTime<Utc>| GenKind::Timestamp { start, end };
    let nanos = |secs: i64, nanos: u32| Utc.timestamp_opt(secs, nanos).single().expect("test instant");
    let cases = vec![
        pinned("token-0", spec("k", token(0))),
        pinned("token-1", spec("k", token(1))),
        pinned("token-9", spec("k", token(9))),
        pinned("token-10", spec("k", token(10))),
        pinned("token-11", spec("k", token(11))),
        pinned("token-64-no-prefix", spec("k", GenKind::Token { length: 64, prefix: String::new() })),
        Pinned { rows: 64, ..pinned("unique-token-1-whole-domain", unique(spec("k", token(1)))) },
        pinned("unique-token-2", unique(spec("k", token(2)))),
        pinned("unique-token-10-shuffled", unique(spec("k", token(10)))),
        pinned("unique-token-11-rejection", unique(spec("k", token(11)))),
        pinned("timestamp-year", spec("t", window(ts("2024-01-01T00:00:00Z"), ts("2025-01-01T00:00:00Z")))),
        pinned(
            "timestamp-nanosecond-bounds",
            spec("t", window(nanos(1_700_000_000, 500), nanos(1_700_000_000, 20_500))),
        ),
        pinned("timestamp-before-1970", spec("t", window(ts("1900-01-01T00:00:00Z"), ts("1960-01-01T00:00:00Z")))),
        Pinned {
            rows: 100,
            ..pinned(
                "unique-timestamp-whole-window",
                unique(spec("t", window(ts("2024-01-01T00:00:00Z"), ts("2024-01-01T00:00:00.000100Z")))),
            )
        },
        pinned(
            "unique-timestamp-year",
            unique(spec("t", window(ts("2024-01-01T00:00:00Z"), ts("2025-01-01T00:00:00Z")))),
        ),
    ];
    assert_pinned("pinned_tokens_and_timestamps", &cases);
}

#[test]
fn modifiers_are_pinned() {
    let nulls = |s: ColumnSpec, fraction: f64| with(s, |s| s.null_fraction = fraction);
    let unique = |s: ColumnSpec| with(s, |s| s.unique = true);
    let distinct = |s: ColumnSpec, size: u64, skew: Option<f64>| {
        with(s, |s| {
            s.distinct = Some(size);
            s.skew = skew;
        })
    };
    let int = |min, max| GenKind::Int { min, max };
    let reference = || spec("r", GenKind::Ref { table: "p".into(), column: "id".into() });
    let parents_with_repeats =
        || Some((0..300).map(|i| if i % 7 == 0 { Value::Null } else { Value::Int(i % 120) }).collect());
    let mut cases = vec![
        pinned("nulls-0.3-int", nulls(spec("n", int(0, 1000)), 0.3)),
        pinned("nulls-0.5-word", nulls(spec("w", GenKind::Word), 0.5)),
        pinned("nulls-1.0", nulls(spec("n", int(0, 1000)), 1.0)),
        pinned("nulls-0.001", nulls(spec("n", int(0, 1000)), 0.001)),
    ];
    // Uniqueness, by each strategy: shuffle of a countable domain, rejection, construction.
    for (name, kind) in every_kind() {
        if !matches!(name, "bool" | "status") {
            cases.push(pinned(Box::leak(format!("unique-{name}").into_boxed_str()), unique(spec(name, kind))));
        }
    }
    cases.extend([
        Pinned { rows: 2_001, ..pinned("unique-int-whole-range", unique(spec("n", int(-1000, 1000)))) },
        pinned("unique-int-full-i64", unique(spec("n", int(i64::MIN, i64::MAX)))),
        Pinned { rows: 2, ..pinned("unique-bool", unique(spec("b", GenKind::Bool { true_ratio: 0.5 }))) },
        Pinned { rows: 1, ..pinned("unique-bool-always", unique(spec("b", GenKind::Bool { true_ratio: 1.0 }))) },
        pinned("unique-nulls-0.5-int", nulls(unique(spec("n", int(1, 2000))), 0.5)),
    ]);
    // Unique fake text past the point where draws repeat: the suffixes.
    for (name, kind, rows) in [
        ("first-name", GenKind::FirstName, 20_000),
        ("last-name", GenKind::LastName, 20_000),
        ("email", GenKind::Email, 20_000),
        ("word", GenKind::Word, 2_000),
        ("company", GenKind::CompanyName, 20_000),
        ("sentence", GenKind::Sentence, 2_000),
        ("full-name", GenKind::FullName, 20_000),
    ] {
        cases.push(Pinned {
            rows,
            shown: rows - 20..rows,
            ..pinned(Box::leak(format!("unique-suffix-{name}").into_boxed_str()), unique(spec(name, kind)))
        });
    }
    cases.extend([
        pinned("distinct-50-int", distinct(spec("n", int(0, 1_000_000)), 50, None)),
        pinned("distinct-10-uuid-skew-1.2", distinct(spec("u", GenKind::Uuid), 10, Some(1.2))),
        pinned("distinct-100-float-skew-0", distinct(spec("x", GenKind::Float { min: 0.0, max: 1.0 }), 100, Some(0.0))),
        pinned("distinct-5000-first-name", distinct(spec("f", GenKind::FirstName), 5000, None)),
        pinned(
            "distinct-20-timestamp-skew-2",
            distinct(
                spec("t", GenKind::Timestamp { start: ts("2024-01-01T00:00:00Z"), end: ts("2024-02-01T00:00:00Z") }),
                20,
                Some(2.0),
            ),
        ),
        pinned("distinct-3-token-2", distinct(spec("k", GenKind::Token { length: 2, prefix: String::new() }), 3, None)),
        pinned("distinct-8-nulls-0.25-word", nulls(distinct(spec("w", GenKind::Word), 8, Some(1.0)), 0.25)),
        pinned("distinct-1000-int-full-i64-skew", distinct(spec("n", int(0, i64::MAX)), 1000, Some(1.2))),
        Pinned { parents: parents_with_repeats(), ..pinned("ref-plain", reference()) },
        Pinned { parents: parents_with_repeats(), ..pinned("ref-skew-1.1", with(reference(), |s| s.skew = Some(1.1))) },
        Pinned { parents: parents_with_repeats(), ..pinned("ref-skew-0", with(reference(), |s| s.skew = Some(0.0))) },
        Pinned { rows: 119, parents: parents_with_repeats(), ..pinned("ref-unique", unique(reference())) },
        Pinned { parents: parents_with_repeats(), ..pinned("ref-distinct-10", distinct(reference(), 10, None)) },
        Pinned {
            parents: parents_with_repeats(),
            ..pinned("ref-distinct-10-skew-1.5", distinct(reference(), 10, Some(1.5)))
        },
        Pinned { parents: parents_with_repeats(), ..pinned("ref-nulls-0.4", nulls(reference(), 0.4)) },
        Pinned {
            rows: 400,
            parents: Some((0..50).map(|i| Value::Text(format!("key-{i}"))).collect()),
            ..pinned("ref-text-unique-nulls", nulls(unique(reference()), 0.9))
        },
        Pinned { rows: 5, parents: Some(Vec::new()), ..pinned("ref-all-null-empty-parent", nulls(reference(), 1.0)) },
    ]);
    let one_of = |values: Vec<Literal>, weights: Vec<u32>| GenKind::OneOf { values, weights };
    let mixed = || {
        vec![
            Literal::Text("ACTIVE".into()),
            Literal::Int(3),
            Literal::Float(0.5),
            Literal::Bool(true),
            Literal::Text("ACTIVE".into()),
        ]
    };
    cases.extend([
        pinned("one-of-weighted", spec("s", one_of(mixed(), vec![90, 5, 3, 1, 1]))),
        pinned("one-of-zero-weight", spec("s", one_of(mixed(), vec![1, 0, 1, 0, 1]))),
        pinned("one-of-single", spec("s", one_of(vec![Literal::Text("x".into())], vec![1]))),
        pinned("one-of-nulls-0.2", nulls(spec("s", one_of(mixed(), vec![1, 1, 1, 1, 1])), 0.2)),
        Pinned {
            rows: 4,
            ..pinned("one-of-unique-deduplicated", unique(spec("s", one_of(mixed(), vec![1, 1, 1, 1, 1]))))
        },
    ]);
    // Rows written after seeding (the load stage) continue every stream.
    cases.extend([
        Pinned {
            extra: 1_000,
            shown: 1_990..2_010,
            ..pinned("extend-sequence", spec("id", GenKind::Sequence { min: 1 }))
        },
        Pinned { extra: 1_000, shown: 1_990..2_010, ..pinned("extend-unique-int", unique(spec("n", int(0, 10_000)))) },
        Pinned {
            extra: 1_000,
            shown: 1_990..2_010,
            ..pinned("extend-nulls-0.5-word", nulls(spec("w", GenKind::Word), 0.5))
        },
        Pinned {
            extra: 1_000,
            shown: 1_990..2_010,
            parents: parents_with_repeats(),
            ..pinned("extend-ref-skew", with(reference(), |s| s.skew = Some(1.0)))
        },
        Pinned {
            extra: 500,
            shown: 1_990..2_010,
            ..pinned("extend-unique-suffix-word", unique(spec("w", GenKind::Word)))
        },
    ]);
    assert_pinned("pinned_modifiers", &cases);
}
