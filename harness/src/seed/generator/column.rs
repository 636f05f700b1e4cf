//! [`ColumnGenerator`]: one validated [`ColumnSpec`] turned into a deterministic stream of
//! values, one per row. It composes the pieces: the kind's generator (the one match on
//! [`GenKind`] is here), the null schedule, and `unique`, `distinct`/`skew` or a reference on
//! top; it checks up front every modifier combination that cannot mean anything. The pieces
//! themselves live in their own files.

use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::rng::column_rng;
use super::super::value::Value;
use super::boolean::Bool;
use super::float::Float;
use super::generate::{Generate, Refusal};
use super::int::Int;
use super::nulls::NullSchedule;
use super::one_of::OneOf;
use super::pool::{Pool, MAX_POOL};
use super::reference::{reference_draw, ReferenceDraw};
use super::sequence::Sequence;
use super::sha256_hex::Sha256Hex;
use super::text::{FakeText, TextKind};
use super::timestamp::Timestamp;
use super::token::Token;
use super::unique::UniqueDraw;
use super::uuid::Uuid;
use crate::scenario::column::{ColumnSpec, GenKind};

/// Generates the values of one column, row by row.
pub struct ColumnGenerator {
    /// `table.column`, for error messages.
    column: String,
    rows: u64,
    next_row: u64,
    nulls: NullSchedule,
    rng: ChaCha8Rng,
    draw: Draw,
}

impl std::fmt::Debug for ColumnGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnGenerator")
            .field("column", &self.column)
            .field("rows", &self.rows)
            .field("next_row", &self.next_row)
            .finish_non_exhaustive()
    }
}

/// How a row's value is chosen.
enum Draw {
    /// A fresh value every row; repeats are allowed (or impossible by construction).
    Fresh(Box<dyn Generate>),
    /// Values never repeat.
    Unique(UniqueDraw),
    /// Values drawn from a fixed list: a `distinct` pool or a reference's parent values.
    Pool(Pool),
    /// Every row is NULL (or there are no rows): nothing to draw from, and no need.
    Nothing,
}

/// What a column's values come from.
enum Source {
    Kind(Box<dyn Generate>),
    /// A reference to `table.column`.
    Reference {
        parent: String,
    },
}

/// The kind's generator, or the parent a reference reads: the one match on [`GenKind`].
/// Adding a kind adds its file and one arm here.
fn source(kind: &GenKind, column: &str) -> Result<Source, SeedError> {
    let generator: Box<dyn Generate> = match kind {
        GenKind::Uuid => Box::new(Uuid),
        GenKind::Sha256Hex => Box::new(Sha256Hex::new()),
        GenKind::Token { length, prefix } => Box::new(Token::new(*length, prefix)),
        GenKind::FirstName => Box::new(FakeText(TextKind::FirstName)),
        GenKind::LastName => Box::new(FakeText(TextKind::LastName)),
        GenKind::FullName => Box::new(FakeText(TextKind::FullName)),
        GenKind::Email => Box::new(FakeText(TextKind::Email)),
        GenKind::Word => Box::new(FakeText(TextKind::Word)),
        GenKind::Sentence => Box::new(FakeText(TextKind::Sentence)),
        GenKind::CompanyName => Box::new(FakeText(TextKind::CompanyName)),
        GenKind::Int { min, max } => Box::new(Int::new(*min, *max, column)?),
        GenKind::Float { min, max } => Box::new(Float::new(*min, *max, column)?),
        GenKind::Sequence { min } => Box::new(Sequence::new(*min)),
        GenKind::Timestamp { start, end } => Box::new(Timestamp::new(*start, *end, column)?),
        GenKind::Bool { true_ratio } => Box::new(Bool::new(*true_ratio, column)?),
        GenKind::OneOf { values, weights } => Box::new(OneOf::new(values, weights, column)?),
        GenKind::Ref { table, column } => return Ok(Source::Reference { parent: format!("{table}.{column}") }),
    };
    Ok(Source::Kind(generator))
}

impl ColumnGenerator {
    /// Prepares the generator of `spec` in `table` for `rows` rows. `parent_values` are the
    /// referenced column's values, in a deterministic order, and are required exactly when the
    /// column is a reference. Everything that can be checked up front is: a unique column whose
    /// domain is smaller than its non-null row count fails here, not halfway through a COPY.
    pub fn new(
        spec: &ColumnSpec,
        table: &str,
        scenario_seed: u64,
        rows: u64,
        parent_values: Option<Vec<Value>>,
    ) -> Result<Self, SeedError> {
        let column = format!("{table}.{}", spec.name);
        let nulls = NullSchedule::new(spec.null_fraction, &column, scenario_seed, table, &spec.name, rows)?;
        let non_null = nulls.non_null_left();
        let mut rng = column_rng(scenario_seed, table, &spec.name);
        check_modifiers(spec, &column)?;

        let draw = match (source(&spec.gen, &column)?, parent_values) {
            (Source::Reference { parent }, None) => return Err(SeedError::MissingParentValues { column, parent }),
            (Source::Reference { parent }, Some(parents)) => {
                match reference_draw(spec, &column, &parent, parents, non_null, &mut rng)? {
                    ReferenceDraw::Pool(pool) => Draw::Pool(pool),
                    ReferenceDraw::Unique(unique) => Draw::Unique(unique),
                    ReferenceDraw::Nothing => Draw::Nothing,
                }
            }
            (Source::Kind(_), Some(_)) => return Err(SeedError::UnexpectedParentValues { column }),
            (Source::Kind(generator), None) => {
                check_pool_applies(spec, generator.as_ref(), &column)?;
                if spec.unique {
                    Draw::Unique(UniqueDraw::new(generator, &column, "`unique`", non_null)?)
                } else if let Some(size) = spec.distinct {
                    let unique = UniqueDraw::new(generator, &column, &format!("`distinct = {size}`"), size)?;
                    Draw::Pool(Pool::new(Pool::fill(unique, size, &mut rng, &column)?, spec.skew, &column)?)
                } else {
                    Draw::Fresh(generator)
                }
            }
        };
        Ok(ColumnGenerator { column, rows, next_row: 0, nulls, rng, draw })
    }

    /// Makes room for `extra` rows after the ones it was made for, continuing every stream
    /// where it stands: unique values stay unique, sequences go on counting, references keep
    /// drawing from the same parent values. The extra rows get their own null schedule of the
    /// same fraction. Used to write more rows of the same kind after seeding (the load stage).
    pub fn extend(&mut self, extra: u64, spec: &ColumnSpec, table: &str, scenario_seed: u64) {
        self.nulls.extend(extra, spec.null_fraction, scenario_seed, table, &spec.name);
        self.rows += extra;
    }

    /// `table.column` this generator fills.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The value of `row`. Rows are generated once each, in order `0..rows`: the null schedule
    /// and uniqueness bookkeeping depend on it.
    pub fn next_value(&mut self, row: u64) -> Result<Value, SeedError> {
        if row >= self.rows {
            return Err(SeedError::RowOutOfRange { column: self.column.clone(), row, rows: self.rows });
        }
        if row != self.next_row {
            return Err(SeedError::RowOutOfOrder { column: self.column.clone(), expected: self.next_row, found: row });
        }
        self.next_row += 1;
        if self.nulls.next_is_null() {
            return Ok(Value::Null);
        }
        let rng = &mut self.rng;
        match &mut self.draw {
            Draw::Fresh(generator) => generator.generate(rng, row, &self.column),
            Draw::Unique(unique) => unique.next(rng, &self.column, row),
            Draw::Pool(pool) => Ok(pool.pick(rng)),
            // Only built when every row is NULL, so never reached.
            Draw::Nothing => Ok(Value::Null),
        }
    }
}

/// Rejects modifier combinations that cannot mean anything, rather than ignoring half of them.
fn check_modifiers(spec: &ColumnSpec, column: &str) -> Result<(), SeedError> {
    let conflict =
        |first, second, reason| SeedError::ModifierConflict { column: column.to_string(), first, second, reason };
    if spec.unique && spec.distinct.is_some() {
        return Err(conflict("unique", "distinct", "a unique column has one distinct value per row"));
    }
    if spec.unique && spec.skew.is_some() {
        return Err(conflict("unique", "skew", "a unique column has no hot values"));
    }
    if let Some(size) = spec.distinct {
        if !(1..=MAX_POOL).contains(&size) {
            return Err(SeedError::InvalidSpec {
                column: column.to_string(),
                found: format!("`distinct = {size}`"),
                expected: "between 1 and 10000000 distinct values",
            });
        }
    }
    if let Some(skew) = spec.skew {
        if !(skew.is_finite() && skew >= 0.0) {
            return Err(SeedError::InvalidSpec {
                column: column.to_string(),
                found: format!("skew `{skew}`"),
                expected: "a finite number `>= 0`",
            });
        }
    }
    Ok(())
}

/// `distinct` and `skew` need a kind that takes a pool, and `skew` (outside references) needs
/// `distinct` to have a pool to favour values of.
fn check_pool_applies(spec: &ColumnSpec, generator: &dyn Generate, column: &str) -> Result<(), SeedError> {
    let not_applicable =
        |modifier, kind, hint| SeedError::ModifierNotApplicable { column: column.to_string(), modifier, kind, hint };
    let modifier = match (spec.distinct, spec.skew) {
        (Some(_), _) => "distinct",
        (None, Some(_)) => "skew",
        (None, None) => return Ok(()),
    };
    if let Some(Refusal { kind, hint }) = generator.pool_refusal() {
        return Err(not_applicable(modifier, kind, hint));
    }
    if spec.distinct.is_none() {
        return Err(not_applicable(
            "skew",
            "a column without `distinct`",
            "skew favours values of a pool: set `distinct` too",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::fixture::{build_error, every_kind, generate, generate_with, parents, spec, with};
    use super::*;

    #[test]
    fn same_seed_gives_the_same_values_for_every_kind() {
        for (name, kind) in every_kind() {
            let spec = with(spec(name, kind), |s| s.null_fraction = 0.2);
            assert_eq!(generate(&spec, 7, 300), generate(&spec, 7, 300), "{name}");
        }
        let reference = spec("user_id", GenKind::Ref { table: "users".into(), column: "id".into() });
        assert_eq!(
            generate_with(&reference, 7, 300, Some(parents(50))),
            generate_with(&reference, 7, 300, Some(parents(50)))
        );
    }

    #[test]
    fn another_seed_gives_other_values() {
        for (name, kind) in every_kind() {
            if name == "sequence" {
                continue; // follows the row number by definition
            }
            assert_ne!(generate(&spec(name, kind.clone()), 7, 300), generate(&spec(name, kind), 8, 300), "{name}");
        }
    }

    #[test]
    fn values_are_pinned_for_a_given_seed() {
        // Reports name their seed; if these change, old reports no longer reproduce. (The
        // snapshots in `pinned` hold many more.)
        let first = |kind: GenKind| generate(&spec("c", kind), 42, 1).remove(0);
        let pinned = [
            ("int", first(GenKind::Int { min: 0, max: 1_000_000 }).to_text()),
            ("first name", first(GenKind::FirstName).to_text()),
            ("uuid", first(GenKind::Uuid).to_text()),
            ("sha256", first(GenKind::Sha256Hex).to_text()),
        ];
        let expected: [(&str, Option<&str>); 4] = [
            ("int", Some("892326")),
            ("first name", Some("Leatha")),
            ("uuid", Some("0f433b9a-346e-4fe4-bab0-031de4c53601")),
            ("sha256", Some("1ca13ae6f65ab63d08db5f72a41dce2b07367073e7a40d73b6f0f722763b1d4b")),
        ];
        for ((name, got), (_, want)) in pinned.iter().zip(expected) {
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }

    #[test]
    fn adding_a_column_leaves_other_columns_unchanged() {
        let email = spec("email", GenKind::Email);
        let alone = generate(&email, 3, 500);
        // The same column next to a new one, generated interleaved row by row.
        let mut with_email = ColumnGenerator::new(&email, "t", 3, 500, None).expect("email");
        let mut added =
            ColumnGenerator::new(&spec("age", GenKind::Int { min: 0, max: 99 }), "t", 3, 500, None).expect("age");
        let mut interleaved = Vec::new();
        for row in 0..500 {
            added.next_value(row).expect("age value");
            interleaved.push(with_email.next_value(row).expect("email value"));
        }
        assert_eq!(interleaved, alone);
        // Same name in another table is another stream.
        let other_table =
            ColumnGenerator::new(&email, "u", 3, 1, None).and_then(|mut g| g.next_value(0)).expect("other table");
        assert_ne!(other_table, alone[0]);
    }

    #[test]
    fn meaningless_modifier_combinations_are_named_errors() {
        let cases = [
            (
                "unique and distinct",
                with(spec("n", GenKind::Uuid), |s| {
                    s.unique = true;
                    s.distinct = Some(10);
                }),
                "`t.n`: `unique` cannot be combined with `distinct` (a unique column has one distinct value per row)",
            ),
            (
                "unique and skew",
                with(spec("n", GenKind::Uuid), |s| {
                    s.unique = true;
                    s.skew = Some(1.0);
                }),
                "`t.n`: `unique` cannot be combined with `skew` (a unique column has no hot values)",
            ),
            (
                "skew without a pool",
                with(spec("n", GenKind::Int { min: 0, max: 9 }), |s| s.skew = Some(1.0)),
                "`t.n`: `skew` does not apply to a column without `distinct` (skew favours values of a pool: set `distinct` too)",
            ),
            (
                "skew on a one-of list",
                with(
                    spec(
                        "n",
                        GenKind::OneOf { values: vec![crate::scenario::column::Literal::Int(1)], weights: vec![1] },
                    ),
                    |s| s.skew = Some(1.0),
                ),
                "`t.n`: `skew` does not apply to a one-of list (its values already are the distinct set; use weights for hot values)",
            ),
            (
                "distinct on a bool",
                with(spec("n", GenKind::Bool { true_ratio: 0.5 }), |s| s.distinct = Some(2)),
                "`t.n`: `distinct` does not apply to a bool (it has two values; use the true ratio to favour one)",
            ),
        ];
        for (name, s, expected) in cases {
            assert_eq!(build_error(&s, 10, None), expected, "{name}");
        }
    }

    #[test]
    fn rows_must_come_once_each_in_order() {
        let mut generator = ColumnGenerator::new(&spec("id", GenKind::Uuid), "t", 1, 2, None).expect("generator");
        assert_eq!(
            generator.next_value(1).map_err(|e| e.to_string()),
            Err("`t.id`: asked for row 1 (expected row 0: rows are generated once each, in order)".to_string())
        );
        assert!(generator.next_value(0).is_ok() && generator.next_value(1).is_ok());
        assert_eq!(
            generator.next_value(2).map_err(|e| e.to_string()),
            Err("`t.id`: asked for row 2 of a generator made for 2 rows".to_string())
        );
    }

    #[test]
    fn generators_can_move_to_other_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<ColumnGenerator>();
    }

    #[test]
    fn extended_rows_continue_the_seeded_streams() {
        // The first rows are exactly the seeded ones; the extra rows continue the sequence,
        // never repeat a unique value, and keep the null fraction.
        let cases = [
            spec("id", GenKind::Sequence { min: 1 }),
            with(spec("code", GenKind::Int { min: 0, max: 2_000 }), |s| s.unique = true),
            with(spec("note", GenKind::Word), |s| s.null_fraction = 0.5),
        ];
        for spec in cases {
            let seeded = generate_with(&spec, 7, 1_000, None);
            let mut generator = ColumnGenerator::new(&spec, "t", 7, 1_000, None).unwrap();
            let again: Vec<Value> = (0..1_000).map(|r| generator.next_value(r).unwrap()).collect();
            assert_eq!(again, seeded, "{}: the replay is the seed", spec.name);
            generator.extend(1_000, &spec, "t", 7);
            let extra: Vec<Value> = (1_000..2_000).map(|r| generator.next_value(r).unwrap()).collect();
            match spec.name.as_str() {
                "id" => assert_eq!((extra[0].clone(), extra[999].clone()), (Value::Int(1_001), Value::Int(2_000))),
                "code" => {
                    let all: HashSet<u128> = seeded.iter().chain(&extra).map(Value::fingerprint).collect();
                    assert_eq!(all.len(), 2_000, "unique across seeded and extra rows");
                }
                _ => assert_eq!(extra.iter().filter(|v| **v == Value::Null).count(), 500),
            }
            assert!(generator.next_value(2_000).is_err(), "no more rows than made room for");
        }
    }
}
