//! Column generators: turn one validated [`ColumnSpec`] into a deterministic stream of
//! [`Value`]s, one per row, that carries the statistics the planner reads from `pg_stats`:
//! the share of NULLs, the number of distinct values, how skewed they are, and uniqueness.
//! Writing the values (COPY, threads) and ordering tables so parents come first are the seed
//! pipeline's job; this file only decides what each row holds.
//!
//! Each column draws from its own random stream (see [`super::rng`]), and which rows are NULL is
//! decided on a second stream, so the non-null values of a column do not move when its null
//! fraction changes. The same seed gives the same values, byte for byte.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use fake::faker::company::en::CompanyName;
use fake::faker::internet::en::FreeEmail;
use fake::faker::lorem::en::Word;
use fake::faker::name::en::{FirstName, LastName};
use fake::Fake;
use rand::distr::weighted::WeightedIndex;
use rand::distr::{Bernoulli, Distribution, Uniform};
use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use super::error::SeedError;
use super::rng::{column_rng, stream_rng};
use super::value::Value;
use crate::scenario::column::{ColumnSpec, GenKind, Literal};

/// Draws of a fake text value tried before a unique column falls back to adding a suffix.
const TEXT_RETRIES: u32 = 8;
/// Draws tried for a unique value whose domain is too large to enumerate (floats, uuids, long
/// tokens) before giving up: with a sensible range the first draw is new almost always.
const MAX_ATTEMPTS: u32 = 1000;
/// Largest `distinct` pool: the pool is generated and held in memory up front.
const MAX_POOL: u64 = 10_000_000;
/// URL-safe base64 alphabet (RFC 4648 §5), 64 symbols so one symbol is six random bits.
const TOKEN_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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
        let nulls = NullSchedule::new(spec, &column, scenario_seed, table, rows)?;
        let non_null = rows - nulls.nulls_left;
        let mut rng = column_rng(scenario_seed, table, &spec.name);
        check_modifiers(spec, &column)?;

        let draw = match (&spec.gen, parent_values) {
            (GenKind::Ref { table: t, column: c }, parents) => {
                let parent = format!("{t}.{c}");
                let Some(parents) = parents else {
                    return Err(SeedError::MissingParentValues { column, parent });
                };
                reference_draw(spec, &column, &parent, parents, non_null, &mut rng)?
            }
            (_, Some(_)) => return Err(SeedError::UnexpectedParentValues { column }),
            (kind, None) if spec.unique => {
                let requirement = "`unique`".to_string();
                Draw::Unique(unique_draw(kind, &column, requirement, non_null)?)
            }
            (kind, None) => match spec.distinct {
                Some(size) => {
                    let requirement = format!("`distinct = {size}`");
                    let unique = unique_draw(kind, &column, requirement, size)?;
                    let pool = fill_pool(unique, size, &mut rng, &column)?;
                    pool_draw(pool, spec.skew, &column)?
                }
                None => Draw::Fresh(Source::new(kind, &column)?),
            },
        };
        Ok(ColumnGenerator { column, rows, next_row: 0, nulls, rng, draw })
    }

    /// Makes room for `extra` rows after the ones it was made for, continuing every stream
    /// where it stands: unique values stay unique, sequences go on counting, references keep
    /// drawing from the same parent values. The extra rows get their own null schedule of the
    /// same fraction. Used to write more rows of the same kind after seeding (the load stage).
    pub fn extend(&mut self, extra: u64, spec: &ColumnSpec, table: &str, scenario_seed: u64) {
        let nulls = ((spec.null_fraction * extra as f64).round() as u64).min(extra);
        self.nulls.nulls_left += nulls;
        self.nulls.rows_left += extra;
        if self.nulls.rows_left == extra {
            // The seeded rows are done: the extra ones draw their NULLs from a stream of their
            // own, so that the seeded rows' NULLs stay where seeding put them.
            self.nulls.rng = stream_rng(scenario_seed, table, &spec.name, "extra-nulls");
        }
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
            Draw::Fresh(source) => source.generate(rng, &self.column, row),
            Draw::Unique(unique) => unique.next(rng, &self.column, row),
            Draw::Pool { values, pick } => Ok(values[pick.sample(rng)].clone()),
            // Only built when every row is NULL, so never reached.
            Draw::Nothing => Ok(Value::Null),
        }
    }
}

/// Which rows are NULL: exactly `round(null_fraction * rows)` of them, spread uniformly at
/// random (selection sampling, Knuth's Algorithm S), so `pg_stats.null_frac` matches the
/// scenario instead of wandering with binomial noise.
struct NullSchedule {
    rng: ChaCha8Rng,
    nulls_left: u64,
    rows_left: u64,
}

impl NullSchedule {
    fn new(spec: &ColumnSpec, column: &str, scenario_seed: u64, table: &str, rows: u64) -> Result<Self, SeedError> {
        let fraction = spec.null_fraction;
        if !(0.0..=1.0).contains(&fraction) {
            return Err(SeedError::InvalidSpec {
                column: column.to_string(),
                found: format!("null fraction `{fraction}`"),
                expected: "a number in `0..=1`",
            });
        }
        let nulls = ((fraction * rows as f64).round() as u64).min(rows);
        Ok(NullSchedule {
            rng: stream_rng(scenario_seed, table, &spec.name, "nulls"),
            nulls_left: nulls,
            rows_left: rows,
        })
    }

    fn next_is_null(&mut self) -> bool {
        let null = match self.nulls_left {
            0 => false,
            n if n >= self.rows_left => true,
            n => self.rng.random_range(0..self.rows_left) < n,
        };
        self.rows_left = self.rows_left.saturating_sub(1);
        if null {
            self.nulls_left -= 1;
        }
        null
    }
}

/// Rejects modifier combinations that cannot mean anything, rather than ignoring half of them.
fn check_modifiers(spec: &ColumnSpec, column: &str) -> Result<(), SeedError> {
    let conflict =
        |first, second, reason| SeedError::ModifierConflict { column: column.to_string(), first, second, reason };
    let not_applicable =
        |modifier, kind, hint| SeedError::ModifierNotApplicable { column: column.to_string(), modifier, kind, hint };
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
    let modifier = match (spec.distinct, spec.skew) {
        (Some(_), _) => "distinct",
        (None, Some(_)) => "skew",
        (None, None) => return Ok(()),
    };
    match &spec.gen {
        GenKind::Sequence { .. } => Err(not_applicable(
            modifier,
            "a sequence",
            "its values follow the row number; use an int range for repeated values",
        )),
        GenKind::OneOf { .. } => Err(not_applicable(
            modifier,
            "a one-of list",
            "its values already are the distinct set; use weights for hot values",
        )),
        GenKind::Bool { .. } => {
            Err(not_applicable(modifier, "a bool", "it has two values; use the true ratio to favour one"))
        }
        GenKind::Ref { .. } => Ok(()),
        _ if spec.distinct.is_none() => Err(not_applicable(
            "skew",
            "a column without `distinct`",
            "skew favours values of a pool: set `distinct` too",
        )),
        _ => Ok(()),
    }
}

/// How a row's value is chosen.
enum Draw {
    /// A fresh value every row; repeats are allowed (or impossible by construction).
    Fresh(Source),
    /// Values never repeat.
    Unique(UniqueDraw),
    /// Values drawn from a fixed list: a `distinct` pool or a reference's parent values.
    Pool { values: Vec<Value>, pick: Pick },
    /// Every row is NULL (or there are no rows): nothing to draw from, and no need.
    Nothing,
}

/// Which element of a pool a row gets: uniform, or Zipf-skewed towards the first ones.
enum Pick {
    Uniform(Uniform<usize>),
    Zipf(WeightedIndex<f64>),
}

impl Pick {
    fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        match self {
            Pick::Uniform(uniform) => uniform.sample(rng),
            Pick::Zipf(weighted) => weighted.sample(rng),
        }
    }
}

fn pool_draw(values: Vec<Value>, skew: Option<f64>, column: &str) -> Result<Draw, SeedError> {
    if values.is_empty() {
        return Ok(Draw::Nothing);
    }
    let pick = match skew {
        Some(s) if s > 0.0 => {
            // Element k is drawn with weight 1/(k+1)^s: with s around 1 a handful of values
            // make up most rows, as in real hot-key tables.
            let weights = (0..values.len()).map(|k| ((k + 1) as f64).powf(-s));
            Pick::Zipf(WeightedIndex::new(weights).map_err(|_| SeedError::InvalidSpec {
                column: column.to_string(),
                found: format!("skew `{s}` over {} values", values.len()),
                expected: "a skew small enough that every weight stays positive",
            })?)
        }
        _ => Pick::Uniform(Uniform::new(0, values.len()).map_err(|_| SeedError::InvalidSpec {
            column: column.to_string(),
            found: "empty pool".to_string(),
            expected: "at least one value",
        })?),
    };
    Ok(Draw::Pool { values, pick })
}

/// A reference: uniform or skewed over the parent's values, a `distinct` subset of them, or a
/// one-to-one draw without replacement when `unique`.
fn reference_draw(
    spec: &ColumnSpec,
    column: &str,
    parent: &str,
    parents: Vec<Value>,
    non_null: u64,
    rng: &mut ChaCha8Rng,
) -> Result<Draw, SeedError> {
    // A NULL parent key cannot be referenced.
    let parents: Vec<Value> = parents.into_iter().filter(|v| *v != Value::Null).collect();
    if parents.is_empty() {
        return if non_null == 0 {
            Ok(Draw::Nothing)
        } else {
            Err(SeedError::EmptyParent { column: column.to_string(), parent: parent.to_string() })
        };
    }
    if !spec.unique && spec.distinct.is_none() {
        // Every parent row counts once, so a parent value stored twice is drawn twice as often.
        return pool_draw(parents, spec.skew, column);
    }

    let mut seen = HashSet::with_capacity(parents.len());
    let distinct_parents: Vec<Value> = parents.into_iter().filter(|v| seen.insert(v.fingerprint())).collect();
    let (requirement, needed) = match spec.distinct {
        Some(size) => (format!("`distinct = {size}`"), size),
        None => ("`unique`".to_string(), non_null),
    };
    let size = distinct_parents.len() as u128;
    check_domain(column, &requirement, needed, size, || format!("parent column `{parent}`"))?;
    let unique = UniqueDraw::shuffle(size, IndexDomain::Values(distinct_parents));
    match spec.distinct {
        None => Ok(Draw::Unique(unique)),
        Some(size) => pool_draw(fill_pool(unique, size, rng, column)?, spec.skew, column),
    }
}

/// Draws the `size` distinct values of a `distinct` pool, in draw order: with skew, the first
/// drawn is the hottest, so which value is hot is as random as the values themselves.
fn fill_pool(mut unique: UniqueDraw, size: u64, rng: &mut ChaCha8Rng, column: &str) -> Result<Vec<Value>, SeedError> {
    let mut pool = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    for _ in 0..size {
        // The row only matters to sequences, which take no pool.
        pool.push(unique.next(rng, column, 0)?);
    }
    Ok(pool)
}

fn check_domain(
    column: &str,
    requirement: &str,
    needed: u64,
    size: u128,
    domain: impl FnOnce() -> String,
) -> Result<(), SeedError> {
    if u128::from(needed) > size {
        return Err(SeedError::DomainTooSmall {
            column: column.to_string(),
            requirement: requirement.to_string(),
            needed,
            domain: domain(),
            size,
        });
    }
    Ok(())
}

/// A drawer of `needed` values that never repeat, chosen by the shape of the kind's domain.
fn unique_draw(kind: &GenKind, column: &str, requirement: String, needed: u64) -> Result<UniqueDraw, SeedError> {
    let check = |size: u128, domain: &dyn Fn() -> String| check_domain(column, &requirement, needed, size, domain);
    Ok(match kind {
        // 122 random bits: a repeat is astronomically unlikely, but a set makes it impossible.
        GenKind::Uuid | GenKind::Float { .. } => UniqueDraw::reject(Source::new(kind, column)?, Fallback::Fail),
        // Unique by construction: every secret includes its draw number.
        GenKind::Sha256Hex | GenKind::Sequence { .. } => UniqueDraw::ByConstruction(Source::new(kind, column)?),
        GenKind::Token { length, prefix } => {
            let size = u32::try_from(*length).ok().and_then(|len| 64u128.checked_pow(len)).unwrap_or(u128::MAX);
            check(size, &|| format!("a token of `{length}` characters"))?;
            if size <= u128::from(u64::MAX) {
                let domain = IndexDomain::Token { prefix: prefix.clone(), length: *length };
                UniqueDraw::shuffle(size, domain)
            } else {
                UniqueDraw::reject(Source::new(kind, column)?, Fallback::Fail)
            }
        }
        GenKind::FirstName
        | GenKind::LastName
        | GenKind::FullName
        | GenKind::Email
        | GenKind::Word
        | GenKind::Sentence
        | GenKind::CompanyName => UniqueDraw::reject(Source::new(kind, column)?, Fallback::Suffix),
        GenKind::Int { min, max } => {
            int_range(*min, *max, column)?;
            let size = (i128::from(*max) - i128::from(*min) + 1) as u128;
            check(size, &|| format!("int range `{min}..={max}`"))?;
            UniqueDraw::shuffle(size, IndexDomain::Int { min: *min })
        }
        GenKind::Timestamp { start, end } => {
            let (lo, hi) = micros_window(*start, *end, column)?;
            let size = (i128::from(hi) - i128::from(lo)) as u128;
            check(size, &|| format!("timestamp window `{start}..{end}` at microsecond precision"))?;
            UniqueDraw::shuffle(size, IndexDomain::Timestamp { start_micros: lo })
        }
        GenKind::Bool { true_ratio } => {
            bernoulli(*true_ratio, column)?;
            // Only the values that can occur at all.
            let values: Vec<Value> = [(false, *true_ratio < 1.0), (true, *true_ratio > 0.0)]
                .into_iter()
                .filter(|(_, possible)| *possible)
                .map(|(b, _)| Value::Bool(b))
                .collect();
            let size = values.len() as u128;
            check(size, &|| "a bool".to_string())?;
            UniqueDraw::shuffle(size, IndexDomain::Values(values))
        }
        GenKind::OneOf { values, .. } => {
            let mut seen = HashSet::new();
            let values: Vec<Value> =
                values.iter().map(literal_value).filter(|v| seen.insert(v.fingerprint())).collect();
            let size = values.len() as u128;
            check(size, &|| "the one-of list".to_string())?;
            UniqueDraw::shuffle(size, IndexDomain::Values(values))
        }
        GenKind::Ref { .. } => {
            // References are built by `reference_draw`, which has the parent values.
            return Err(SeedError::UnexpectedParentValues { column: column.to_string() });
        }
    })
}

/// What a unique text draw does once random draws keep repeating (a list of 3000 first names
/// cannot give 100k unique ones): append the draw number, which is unique, in a form the fake
/// data never produces, so the suffixed value cannot equal any other.
#[derive(Clone, Copy, PartialEq)]
enum Fallback {
    Suffix,
    Fail,
}

/// Maps an index of a countable domain to its value.
enum IndexDomain {
    Int { min: i64 },
    Timestamp { start_micros: i64 },
    Token { prefix: String, length: usize },
    Values(Vec<Value>),
}

enum UniqueDraw {
    /// Sampling without replacement from `0..size` by a sparse Fisher–Yates shuffle: position
    /// `taken` swaps with a random later one, and only moved positions are remembered. Every
    /// draw is O(1) and new, even when the rows use up the whole domain.
    Shuffle {
        size: u64,
        taken: u64,
        moved: HashMap<u64, u64>,
        domain: IndexDomain,
    },
    /// Draw afresh until the value's fingerprint has not been seen.
    Reject {
        source: Source,
        seen: HashSet<u128>,
        fallback: Fallback,
        drawn: u64,
    },
    ByConstruction(Source),
}

impl UniqueDraw {
    fn shuffle(size: u128, domain: IndexDomain) -> Self {
        UniqueDraw::Shuffle {
            // A domain of more than 2^64 values (the full i64 range) loses its last value,
            // which no realistic row count can miss.
            size: u64::try_from(size).unwrap_or(u64::MAX),
            taken: 0,
            moved: HashMap::new(),
            domain,
        }
    }

    fn reject(source: Source, fallback: Fallback) -> Self {
        UniqueDraw::Reject { source, seen: HashSet::new(), fallback, drawn: 0 }
    }

    fn next(&mut self, rng: &mut ChaCha8Rng, column: &str, row: u64) -> Result<Value, SeedError> {
        match self {
            UniqueDraw::Shuffle { size, taken, moved, domain } => {
                if *taken >= *size {
                    return Err(SeedError::UniqueExhausted { column: column.to_string(), attempts: *taken });
                }
                let j = rng.random_range(*taken..*size);
                let index = moved.get(&j).copied().unwrap_or(j);
                let replacement = moved.remove(taken).unwrap_or(*taken);
                if j != *taken {
                    moved.insert(j, replacement);
                }
                *taken += 1;
                domain.value(index, column)
            }
            UniqueDraw::Reject { source, seen, fallback, drawn } => {
                let serial = *drawn;
                for attempt in 0..MAX_ATTEMPTS {
                    let mut value = source.generate(rng, column, row)?;
                    if *fallback == Fallback::Suffix && attempt >= TEXT_RETRIES {
                        if let Value::Text(text) = &mut value {
                            add_suffix(text, source, serial);
                        }
                    }
                    if seen.insert(value.fingerprint()) {
                        *drawn += 1;
                        return Ok(value);
                    }
                }
                Err(SeedError::UniqueExhausted { column: column.to_string(), attempts: u64::from(MAX_ATTEMPTS) })
            }
            UniqueDraw::ByConstruction(source) => source.generate(rng, column, row),
        }
    }
}

impl IndexDomain {
    fn value(&self, index: u64, column: &str) -> Result<Value, SeedError> {
        Ok(match self {
            IndexDomain::Int { min } => Value::Int(min.wrapping_add(index as i64)),
            IndexDomain::Timestamp { start_micros } => timestamp(start_micros.wrapping_add(index as i64), column)?,
            IndexDomain::Token { prefix, length } => {
                let mut token = String::with_capacity(prefix.len() + length);
                token.push_str(prefix);
                for place in (0..*length).rev() {
                    let symbol = (index >> (6 * place as u32)) & 63;
                    token.push(char::from(TOKEN_ALPHABET[symbol as usize]));
                }
                Value::Text(token)
            }
            IndexDomain::Values(values) => values[index as usize].clone(),
        })
    }
}

/// The kinds of fake text, all English.
#[derive(Clone, Copy)]
enum TextKind {
    FirstName,
    LastName,
    FullName,
    Email,
    Word,
    Sentence,
    CompanyName,
}

/// Makes one fresh value of a kind.
enum Source {
    Uuid,
    Sha256Hex {
        drawn: u64,
    },
    Token {
        prefix: String,
        length: usize,
    },
    Text(TextKind),
    Int(Uniform<i64>),
    Float(Uniform<f64>),
    Sequence {
        start: i64,
    },
    /// Microseconds since the Unix epoch.
    Timestamp(Uniform<i64>),
    Bool(Bernoulli),
    OneOf {
        values: Vec<Value>,
        index: WeightedIndex<u32>,
    },
}

impl Source {
    fn new(kind: &GenKind, column: &str) -> Result<Self, SeedError> {
        let invalid = |found: String, expected| SeedError::InvalidSpec { column: column.to_string(), found, expected };
        Ok(match kind {
            GenKind::Uuid => Source::Uuid,
            GenKind::Sha256Hex => Source::Sha256Hex { drawn: 0 },
            GenKind::Token { length, prefix } => Source::Token { prefix: prefix.clone(), length: *length },
            GenKind::FirstName => Source::Text(TextKind::FirstName),
            GenKind::LastName => Source::Text(TextKind::LastName),
            GenKind::FullName => Source::Text(TextKind::FullName),
            GenKind::Email => Source::Text(TextKind::Email),
            GenKind::Word => Source::Text(TextKind::Word),
            GenKind::Sentence => Source::Text(TextKind::Sentence),
            GenKind::CompanyName => Source::Text(TextKind::CompanyName),
            GenKind::Int { min, max } => Source::Int(int_range(*min, *max, column)?),
            GenKind::Float { min, max } => Source::Float(
                Uniform::new(*min, *max)
                    .map_err(|_| invalid(format!("float range `{min}..{max}`"), "finite bounds with `min < max`"))?,
            ),
            GenKind::Sequence { start } => Source::Sequence { start: *start },
            GenKind::Timestamp { start, end } => {
                let (lo, hi) = micros_window(*start, *end, column)?;
                Source::Timestamp(
                    Uniform::new(lo, hi)
                        .map_err(|_| invalid(format!("timestamp window `{start}..{end}`"), "`start` before `end`"))?,
                )
            }
            GenKind::Bool { true_ratio } => Source::Bool(bernoulli(*true_ratio, column)?),
            GenKind::OneOf { values, weights } => {
                if values.len() != weights.len() {
                    return Err(invalid(
                        format!("one-of with {} values and {} weights", values.len(), weights.len()),
                        "one weight per value",
                    ));
                }
                let index = WeightedIndex::new(weights.iter().copied()).map_err(|_| {
                    invalid(
                        format!("one-of weights `{weights:?}`"),
                        "at least one value and weights that are not all zero",
                    )
                })?;
                Source::OneOf { values: values.iter().map(literal_value).collect(), index }
            }
            GenKind::Ref { .. } => return Err(SeedError::UnexpectedParentValues { column: column.to_string() }),
        })
    }

    fn generate(&mut self, rng: &mut ChaCha8Rng, column: &str, row: u64) -> Result<Value, SeedError> {
        Ok(match self {
            Source::Uuid => {
                let mut bytes = [0u8; 16];
                rng.fill_bytes(&mut bytes);
                Value::Uuid(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }
            Source::Sha256Hex { drawn } => {
                // The secret is 32 random bytes and the draw number: distinct inputs, so the
                // hashes are distinct without remembering any of them.
                let mut secret = [0u8; 40];
                rng.fill_bytes(&mut secret[..32]);
                secret[32..].copy_from_slice(&drawn.to_le_bytes());
                *drawn += 1;
                let digest = Sha256::digest(secret);
                let mut hex = String::with_capacity(64);
                for byte in &digest {
                    hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
                    hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
                }
                Value::Text(hex)
            }
            Source::Token { prefix, length } => {
                let mut token = String::with_capacity(prefix.len() + *length);
                token.push_str(prefix);
                let mut bits = 0u64;
                for i in 0..*length {
                    // Ten six-bit symbols per 64-bit word.
                    if i % 10 == 0 {
                        bits = rng.next_u64();
                    }
                    token.push(char::from(TOKEN_ALPHABET[(bits & 63) as usize]));
                    bits >>= 6;
                }
                Value::Text(token)
            }
            Source::Text(kind) => Value::Text(fake_text(*kind, rng)),
            Source::Int(uniform) => Value::Int(uniform.sample(rng)),
            Source::Float(uniform) => Value::Float(uniform.sample(rng)),
            Source::Sequence { start } => Value::Int(
                i64::try_from(row)
                    .ok()
                    .and_then(|r| start.checked_add(r))
                    .ok_or_else(|| SeedError::SequenceOverflow { column: column.to_string(), start: *start, row })?,
            ),
            Source::Timestamp(uniform) => timestamp(uniform.sample(rng), column)?,
            Source::Bool(bernoulli) => Value::Bool(bernoulli.sample(rng)),
            Source::OneOf { values, index } => values[index.sample(rng)].clone(),
        })
    }
}

fn fake_text(kind: TextKind, rng: &mut ChaCha8Rng) -> String {
    match kind {
        TextKind::FirstName => FirstName().fake_with_rng::<&str, _>(rng).to_string(),
        TextKind::LastName => LastName().fake_with_rng::<&str, _>(rng).to_string(),
        TextKind::FullName => {
            let first: &str = FirstName().fake_with_rng(rng);
            let last: &str = LastName().fake_with_rng(rng);
            let mut name = String::with_capacity(first.len() + 1 + last.len());
            name.push_str(first);
            name.push(' ');
            name.push_str(last);
            name
        }
        TextKind::Email => FreeEmail().fake_with_rng(rng),
        TextKind::Word => Word().fake_with_rng::<&str, _>(rng).to_string(),
        TextKind::Sentence => {
            // Four to nine words, capitalised, with a full stop; built in one allocation.
            let words = rng.random_range(4..10);
            let mut sentence = String::with_capacity(words * 10);
            for i in 0..words {
                let word: &str = Word().fake_with_rng(rng);
                if i == 0 {
                    let mut chars = word.chars();
                    if let Some(first) = chars.next() {
                        sentence.extend(first.to_uppercase());
                        sentence.push_str(chars.as_str());
                    }
                } else {
                    sentence.push(' ');
                    sentence.push_str(word);
                }
            }
            sentence.push('.');
            sentence
        }
        TextKind::CompanyName => CompanyName().fake_with_rng(rng),
    }
}

/// Makes a repeated fake value unique with `serial`. Fake words, names and companies never end
/// in a digit and fake e-mail users never contain `+`, so a suffixed value differs from every
/// unsuffixed one, and from every other suffixed one because serials differ.
fn add_suffix(text: &mut String, source: &Source, serial: u64) {
    let kind = match source {
        Source::Text(kind) => *kind,
        _ => TextKind::FirstName,
    };
    match kind {
        TextKind::Email => {
            let at = text.find('@').unwrap_or(text.len());
            text.insert_str(at, &format!("+{serial}"));
        }
        TextKind::Word => text.push_str(&serial.to_string()),
        TextKind::Sentence => {
            if text.ends_with('.') {
                text.pop();
            }
            text.push_str(&format!(" {serial}."));
        }
        TextKind::FirstName | TextKind::LastName | TextKind::FullName | TextKind::CompanyName => {
            text.push_str(&format!(" {serial}"));
        }
    }
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Text(s) => Value::Text(s.clone()),
        Literal::Int(i) => Value::Int(*i),
        Literal::Float(f) => Value::Float(*f),
        Literal::Bool(b) => Value::Bool(*b),
    }
}

fn int_range(min: i64, max: i64, column: &str) -> Result<Uniform<i64>, SeedError> {
    Uniform::new_inclusive(min, max).map_err(|_| SeedError::InvalidSpec {
        column: column.to_string(),
        found: format!("int range `{min}..={max}`"),
        expected: "`min <= max`",
    })
}

fn bernoulli(true_ratio: f64, column: &str) -> Result<Bernoulli, SeedError> {
    Bernoulli::new(true_ratio).map_err(|_| SeedError::InvalidSpec {
        column: column.to_string(),
        found: format!("true ratio `{true_ratio}`"),
        expected: "a number in `0..=1`",
    })
}

/// The window `start..end` as whole microseconds `lo..hi`: PostgreSQL keeps microseconds, so a
/// generated instant must be one it can store exactly. `lo` rounds up and `hi` too, so every
/// microsecond in `lo..hi` lies inside `start..end`.
fn micros_window(start: DateTime<Utc>, end: DateTime<Utc>, column: &str) -> Result<(i64, i64), SeedError> {
    let ceil_micros = |t: DateTime<Utc>| {
        let sub_micro = !t.timestamp_subsec_nanos().is_multiple_of(1000);
        t.timestamp_micros() + i64::from(sub_micro)
    };
    let (lo, hi) = (ceil_micros(start), ceil_micros(end));
    if lo >= hi {
        return Err(SeedError::InvalidSpec {
            column: column.to_string(),
            found: format!("timestamp window `{start}..{end}`"),
            expected: "`start` at least a microsecond before `end`",
        });
    }
    Ok((lo, hi))
}

fn timestamp(micros: i64, column: &str) -> Result<Value, SeedError> {
    DateTime::from_timestamp_micros(micros).map(Value::Timestamp).ok_or_else(|| SeedError::InvalidSpec {
        column: column.to_string(),
        found: format!("timestamp of `{micros}` microseconds since 1970"),
        expected: "an instant chrono can represent",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::HashMap;

    fn spec(name: &str, gen: GenKind) -> ColumnSpec {
        ColumnSpec { name: name.to_string(), gen, null_fraction: 0.0, unique: false, distinct: None, skew: None }
    }

    fn with(mut spec: ColumnSpec, edit: impl FnOnce(&mut ColumnSpec)) -> ColumnSpec {
        edit(&mut spec);
        spec
    }

    fn generate_with(spec: &ColumnSpec, seed: u64, rows: u64, parents: Option<Vec<Value>>) -> Vec<Value> {
        let mut generator =
            ColumnGenerator::new(spec, "t", seed, rows, parents).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        (0..rows).map(|row| generator.next_value(row).unwrap_or_else(|e| panic!("{e}"))).collect()
    }

    fn generate(spec: &ColumnSpec, seed: u64, rows: u64) -> Vec<Value> {
        generate_with(spec, seed, rows, None)
    }

    fn build_error(spec: &ColumnSpec, rows: u64, parents: Option<Vec<Value>>) -> String {
        match ColumnGenerator::new(spec, "t", 42, rows, parents) {
            Ok(_) => panic!("{}: expected an error", spec.name),
            Err(e) => e.to_string(),
        }
    }

    fn distinct_count(values: &[Value]) -> usize {
        values.iter().filter(|v| **v != Value::Null).map(Value::fingerprint).collect::<HashSet<_>>().len()
    }

    fn counts(values: &[Value]) -> HashMap<u128, usize> {
        let mut counts = HashMap::new();
        for v in values {
            *counts.entry(v.fingerprint()).or_insert(0) += 1;
        }
        counts
    }

    fn ts(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("test timestamp").with_timezone(&Utc)
    }

    fn text(v: &Value) -> &str {
        match v {
            Value::Text(s) => s,
            other => panic!("expected text, got {other:?}"),
        }
    }

    fn parents(n: i64) -> Vec<Value> {
        (1..=n).map(Value::Int).collect()
    }

    fn every_kind() -> Vec<(&'static str, GenKind)> {
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
            ("sequence", GenKind::Sequence { start: 1 }),
            ("timestamp", GenKind::Timestamp { start: ts("2024-01-01T00:00:00Z"), end: ts("2025-01-01T00:00:00Z") }),
            ("bool", GenKind::Bool { true_ratio: 0.5 }),
            (
                "status",
                GenKind::OneOf {
                    values: vec![Literal::Text("A".into()), Literal::Text("B".into())],
                    weights: vec![1, 1],
                },
            ),
        ]
    }

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
        // Reports name their seed; if these change, old reports no longer reproduce.
        let first = |kind: GenKind| generate(&spec("c", kind), 42, 1).remove(0);
        let pinned = [
            ("int", first(GenKind::Int { min: 0, max: 1_000_000 }).to_text()),
            ("first name", first(GenKind::FirstName).to_text()),
            ("uuid", first(GenKind::Uuid).to_text()),
            ("sha256", first(GenKind::Sha256Hex).to_text()),
        ];
        let expected: [(&str, Option<&str>); 4] = PINNED;
        for ((name, got), (_, want)) in pinned.iter().zip(expected) {
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }

    const PINNED: [(&str, Option<&str>); 4] = [
        ("int", Some("892326")),
        ("first name", Some("Leatha")),
        ("uuid", Some("0f433b9a-346e-4fe4-bab0-031de4c53601")),
        ("sha256", Some("1ca13ae6f65ab63d08db5f72a41dce2b07367073e7a40d73b6f0f722763b1d4b")),
    ];

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
        let mut cases: Vec<Pinned> =
            every_kind().into_iter().map(|(name, kind)| pinned(name, spec(name, kind))).collect();
        cases.extend([
            pinned("int-negative-range", spec("n", GenKind::Int { min: -3, max: 3 })),
            pinned("int-full-range", spec("n", GenKind::Int { min: i64::MIN, max: i64::MAX })),
            pinned("float-wide", spec("x", GenKind::Float { min: -1e9, max: 1e9 })),
            pinned("sequence-negative-start", spec("id", GenKind::Sequence { start: -5 })),
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
            pinned(
                "distinct-100-float-skew-0",
                distinct(spec("x", GenKind::Float { min: 0.0, max: 1.0 }), 100, Some(0.0)),
            ),
            pinned("distinct-5000-first-name", distinct(spec("f", GenKind::FirstName), 5000, None)),
            pinned(
                "distinct-20-timestamp-skew-2",
                distinct(
                    spec(
                        "t",
                        GenKind::Timestamp { start: ts("2024-01-01T00:00:00Z"), end: ts("2024-02-01T00:00:00Z") },
                    ),
                    20,
                    Some(2.0),
                ),
            ),
            pinned(
                "distinct-3-token-2",
                distinct(spec("k", GenKind::Token { length: 2, prefix: String::new() }), 3, None),
            ),
            pinned("distinct-8-nulls-0.25-word", nulls(distinct(spec("w", GenKind::Word), 8, Some(1.0)), 0.25)),
            pinned("distinct-1000-int-full-i64-skew", distinct(spec("n", int(0, i64::MAX)), 1000, Some(1.2))),
            Pinned { parents: parents_with_repeats(), ..pinned("ref-plain", reference()) },
            Pinned {
                parents: parents_with_repeats(),
                ..pinned("ref-skew-1.1", with(reference(), |s| s.skew = Some(1.1)))
            },
            Pinned {
                parents: parents_with_repeats(),
                ..pinned("ref-skew-0", with(reference(), |s| s.skew = Some(0.0)))
            },
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
            Pinned {
                rows: 5,
                parents: Some(Vec::new()),
                ..pinned("ref-all-null-empty-parent", nulls(reference(), 1.0))
            },
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
                ..pinned("extend-sequence", spec("id", GenKind::Sequence { start: 1 }))
            },
            Pinned {
                extra: 1_000,
                shown: 1_990..2_010,
                ..pinned("extend-unique-int", unique(spec("n", int(0, 10_000))))
            },
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

    #[test]
    fn suffixes_are_pinned_for_every_text_kind() {
        // Fake e-mails, sentences and companies repeat only after millions of rows, so the
        // snapshots above cannot reach their suffixes: these are the forms they take.
        let cases = [
            (TextKind::FirstName, "Leatha", "Leatha 17"),
            (TextKind::LastName, "Yost", "Yost 17"),
            (TextKind::FullName, "Amir Halvorson", "Amir Halvorson 17"),
            (TextKind::Email, "lacy_et@hotmail.com", "lacy_et+17@hotmail.com"),
            (TextKind::Word, "quas", "quas17"),
            (TextKind::Sentence, "Autem et at dolor.", "Autem et at dolor 17."),
            (TextKind::CompanyName, "Orn and Ferry and Sons", "Orn and Ferry and Sons 17"),
        ];
        for (kind, drawn, suffixed) in cases {
            let mut text = drawn.to_string();
            add_suffix(&mut text, &Source::Text(kind), 17);
            assert_eq!(text, suffixed);
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
    fn null_fraction_is_exact_and_spread_out() {
        let rows = 10_000;
        for fraction in [0.0, 0.001, 0.1, 0.5, 0.9, 1.0] {
            let s = with(spec("deleted_at", GenKind::Int { min: 0, max: 9 }), |s| s.null_fraction = fraction);
            let values = generate(&s, 1, rows);
            let nulls: Vec<usize> =
                values.iter().enumerate().filter(|(_, v)| **v == Value::Null).map(|(i, _)| i).collect();
            assert_eq!(nulls.len() as f64, (fraction * rows as f64).round(), "fraction {fraction}");
            if (0.1..1.0).contains(&fraction) {
                // Not bunched at one end: each half holds about half of the NULLs.
                let first_half = nulls.iter().filter(|&&i| i < 5000).count() as f64;
                let share = first_half / nulls.len() as f64;
                assert!((0.45..0.55).contains(&share), "fraction {fraction}: {share} in the first half");
            }
        }
    }

    #[test]
    fn null_fraction_does_not_shift_the_non_null_values() {
        let plain = generate(&spec("score", GenKind::Float { min: 0.0, max: 1.0 }), 5, 1000);
        let with_nulls =
            generate(&with(spec("score", GenKind::Float { min: 0.0, max: 1.0 }), |s| s.null_fraction = 0.3), 5, 1000);
        let non_null: Vec<&Value> = with_nulls.iter().filter(|v| **v != Value::Null).collect();
        assert_eq!(non_null.len(), 700);
        assert!(non_null.iter().zip(&plain).all(|(a, b)| *a == b));
    }

    #[test]
    fn unique_is_unique_for_every_kind_at_100k_rows() {
        let rows = 100_000;
        let mut kinds = every_kind();
        kinds.retain(|(name, _)| !matches!(*name, "bool" | "status" | "int" | "timestamp"));
        kinds.push(("short_token", GenKind::Token { length: 3, prefix: "k_".into() }));
        kinds.push(("whole_int_range", GenKind::Int { min: 1, max: 100_000 }));
        kinds.push((
            "narrow_timestamps",
            GenKind::Timestamp { start: ts("2024-01-01T00:00:00Z"), end: ts("2024-01-01T00:00:00.100000Z") },
        ));
        for (name, kind) in kinds {
            let s = with(spec(name, kind), |s| s.unique = true);
            let values = generate(&s, 11, rows);
            assert_eq!(distinct_count(&values), rows as usize, "{name}");
        }
    }

    #[test]
    fn unique_suffixes_keep_the_kind_readable() {
        let emails = generate(&with(spec("email", GenKind::Email), |s| s.unique = true), 2, 20_000);
        for email in &emails {
            let email = text(email);
            assert_eq!(email.matches('@').count(), 1, "{email}");
        }
        let words = generate(&with(spec("tag", GenKind::Word), |s| s.unique = true), 2, 2_000);
        assert!(words.iter().all(|w| !text(w).contains(' ')));
    }

    #[test]
    fn unique_with_nulls_needs_only_the_non_null_rows() {
        let s = with(spec("code", GenKind::Int { min: 1, max: 10 }), |s| {
            s.unique = true;
            s.null_fraction = 0.9;
        });
        let values = generate(&s, 1, 100);
        assert_eq!(distinct_count(&values), 10);
    }

    #[test]
    fn distinct_draws_from_a_pool_of_that_size() {
        let cases = [
            ("int", GenKind::Int { min: 0, max: 1_000_000 }, 50),
            ("first names beyond the list", GenKind::FirstName, 5000),
            ("uuid", GenKind::Uuid, 300),
            (
                "timestamp",
                GenKind::Timestamp { start: ts("2024-01-01T00:00:00Z"), end: ts("2024-02-01T00:00:00Z") },
                1000,
            ),
        ];
        for (name, kind, distinct) in cases {
            let s = with(spec("c", kind), |s| s.distinct = Some(distinct));
            let values = generate(&s, 4, 100_000);
            assert_eq!(distinct_count(&values), distinct as usize, "{name}");
        }
    }

    #[test]
    fn skew_makes_hot_keys() {
        let rows = 100_000;
        let reference = GenKind::Ref { table: "users".into(), column: "id".into() };
        let skewed = with(spec("user_id", reference.clone()), |s| s.skew = Some(1.2));
        let values = generate_with(&skewed, 9, rows, Some(parents(1000)));
        let top = values.iter().filter(|v| **v == Value::Int(1)).count();
        // Zipf(1.2) over 1000 keys gives the first about a quarter of the rows.
        assert!(top > 20_000, "top key has {top} rows");
        assert!(values.iter().all(|v| matches!(v, Value::Int(1..=1000))));

        let uniform = with(spec("user_id", reference), |s| s.skew = Some(0.0));
        let values = generate_with(&uniform, 9, rows, Some(parents(1000)));
        let per_key = counts(&values);
        assert_eq!(per_key.len(), 1000);
        assert!(per_key.values().all(|&n| (50..160).contains(&n)), "uniform spread {:?}", per_key.values().max());

        let pool = with(spec("tenant", GenKind::Int { min: 0, max: i64::MAX }), |s| {
            s.distinct = Some(1000);
            s.skew = Some(1.2);
        });
        let values = generate(&pool, 9, rows);
        let hottest = counts(&values).into_values().max().unwrap_or(0);
        assert!(hottest > 20_000, "hottest pool value has {hottest} rows");
    }

    #[test]
    fn weights_and_ratios_are_honoured() {
        let rows = 100_000;
        let status = GenKind::OneOf {
            values: vec![Literal::Text("ACTIVE".into()), Literal::Text("INACTIVE".into()), Literal::Int(3)],
            weights: vec![90, 9, 1],
        };
        let values = generate(&spec("status", status), 6, rows);
        let share = |v: Value| values.iter().filter(|x| **x == v).count() as f64 / rows as f64;
        assert!((share(Value::Text("ACTIVE".into())) - 0.90).abs() < 0.01);
        assert!((share(Value::Text("INACTIVE".into())) - 0.09).abs() < 0.01);
        assert!((share(Value::Int(3)) - 0.01).abs() < 0.003);

        let flags = generate(&spec("enabled", GenKind::Bool { true_ratio: 0.3 }), 6, rows);
        let trues = flags.iter().filter(|v| **v == Value::Bool(true)).count() as f64 / rows as f64;
        assert!((trues - 0.3).abs() < 0.01, "{trues}");
    }

    #[test]
    fn numbers_stay_in_their_ranges() {
        let ints = generate(&spec("n", GenKind::Int { min: -5, max: 5 }), 1, 10_000);
        assert!(ints.iter().all(|v| matches!(v, Value::Int(-5..=5))));
        assert!(ints.contains(&Value::Int(-5)) && ints.contains(&Value::Int(5)), "both ends reachable");

        let floats = generate(&spec("x", GenKind::Float { min: 1.5, max: 2.5 }), 1, 10_000);
        assert!(floats.iter().all(|v| matches!(v, Value::Float(f) if (1.5..2.5).contains(f))));

        let ids = generate(&with(spec("id", GenKind::Sequence { start: 100 }), |s| s.null_fraction = 0.5), 1, 10);
        for (row, v) in ids.iter().enumerate() {
            assert!(*v == Value::Null || *v == Value::Int(100 + row as i64), "{v:?}");
        }
    }

    #[test]
    fn text_kinds_have_their_shape() {
        let hashes = generate(&spec("pak_hash", GenKind::Sha256Hex), 1, 1000);
        assert!(hashes.iter().all(|h| {
            let h = text(h);
            h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }));

        let tokens = generate(&spec("key", GenKind::Token { length: 32, prefix: "sk_live_".into() }), 1, 1000);
        assert!(tokens.iter().all(|t| {
            let t = text(t);
            t.len() == 40 && t.starts_with("sk_live_") && t[8..].bytes().all(|b| TOKEN_ALPHABET.contains(&b))
        }));

        let uuids = generate(&spec("id", GenKind::Uuid), 1, 100);
        assert!(uuids.iter().all(|u| matches!(u, Value::Uuid(u) if u.get_version_num() == 4)));

        let emails = generate(&spec("email", GenKind::Email), 1, 100);
        assert!(emails.iter().all(|e| text(e).contains('@')));
        let words = generate(&spec("w", GenKind::Word), 1, 100);
        assert!(words.iter().all(|w| text(w).chars().all(char::is_lowercase)));
        let sentences = generate(&spec("s", GenKind::Sentence), 1, 100);
        assert!(sentences.iter().all(|s| text(s).ends_with('.') && text(s).split(' ').count() >= 4));
        let names = generate(&spec("n", GenKind::FullName), 1, 100);
        assert!(names.iter().all(|n| text(n).split(' ').count() >= 2));
    }

    #[test]
    fn timestamps_fall_in_the_window_at_microsecond_precision() {
        // Bounds with nanoseconds: the first storable instant is rounded up.
        let start = Utc.timestamp_opt(1_700_000_000, 500).single().expect("start");
        let end = Utc.timestamp_opt(1_700_000_000, 20_500).single().expect("end");
        let s = spec("created_at", GenKind::Timestamp { start, end });
        let values = generate(&s, 1, 5000);
        let mut seen = HashSet::new();
        for v in &values {
            let Value::Timestamp(t) = v else { panic!("{v:?}") };
            assert!(start <= *t && *t < end, "{t}");
            assert_eq!(t.timestamp_subsec_nanos() % 1000, 0, "{t}");
            seen.insert(*t);
        }
        assert_eq!(seen.len(), 20, "every microsecond of the window is reachable");
    }

    #[test]
    fn references_draw_only_parent_values() {
        let reference = GenKind::Ref { table: "users".into(), column: "id".into() };
        let keys: Vec<Value> =
            vec![Value::Text("a".into()), Value::Null, Value::Text("b".into()), Value::Text("c".into())];
        let values = generate_with(&spec("user_id", reference.clone()), 1, 1000, Some(keys.clone()));
        assert!(values.iter().all(|v| matches!(v, Value::Text(t) if ["a", "b", "c"].contains(&t.as_str()))));
        assert_eq!(distinct_count(&values), 3);

        let one_to_one = with(spec("user_id", reference.clone()), |s| s.unique = true);
        let values = generate_with(&one_to_one, 1, 500, Some(parents(500)));
        assert_eq!(distinct_count(&values), 500, "a unique reference uses every parent once");

        let subset = with(spec("user_id", reference), |s| s.distinct = Some(10));
        let values = generate_with(&subset, 1, 5000, Some(parents(500)));
        assert_eq!(distinct_count(&values), 10);
        assert!(values.iter().all(|v| matches!(v, Value::Int(1..=500))));
    }

    #[test]
    fn impossible_specs_are_named_errors() {
        let reference = || GenKind::Ref { table: "users".into(), column: "id".into() };
        let two =
            GenKind::OneOf { values: vec![Literal::Int(1), Literal::Int(2), Literal::Int(2)], weights: vec![1, 1, 1] };
        // (case, column, rows, parent values, error)
        type Case = (&'static str, ColumnSpec, u64, Option<Vec<Value>>, &'static str);
        let cases: Vec<Case> = vec![
            (
                "unique int range too small",
                with(spec("age", GenKind::Int { min: 1, max: 10 }), |s| s.unique = true),
                100,
                None,
                "`t.age`: `unique` needs 100 different values but int range `1..=10` has only 10",
            ),
            (
                "unique one-of counts distinct values",
                with(spec("status", two), |s| s.unique = true),
                3,
                None,
                "`t.status`: `unique` needs 3 different values but the one-of list has only 2",
            ),
            (
                "unique bool",
                with(spec("flag", GenKind::Bool { true_ratio: 0.5 }), |s| s.unique = true),
                3,
                None,
                "`t.flag`: `unique` needs 3 different values but a bool has only 2",
            ),
            (
                "unique short token",
                with(spec("code", GenKind::Token { length: 1, prefix: "x".into() }), |s| s.unique = true),
                100,
                None,
                "`t.code`: `unique` needs 100 different values but a token of `1` characters has only 64",
            ),
            (
                "distinct larger than the range",
                with(spec("n", GenKind::Int { min: 0, max: 9 }), |s| s.distinct = Some(20)),
                100,
                None,
                "`t.n`: `distinct = 20` needs 20 different values but int range `0..=9` has only 10",
            ),
            (
                "unique reference with too few parents",
                with(spec("user_id", reference()), |s| s.unique = true),
                10,
                Some(parents(5)),
                "`t.user_id`: `unique` needs 10 different values but parent column `users.id` has only 5",
            ),
            (
                "missing parent values",
                spec("user_id", reference()),
                10,
                None,
                "`t.user_id`: references `users.id` but its values were not given (expected the parent table to be seeded first)",
            ),
            (
                "parent with only nulls",
                spec("user_id", reference()),
                10,
                Some(vec![Value::Null]),
                "`t.user_id`: references `users.id`, which has no non-null values (expected at least one parent row)",
            ),
            (
                "parent values for a non-reference",
                spec("n", GenKind::Int { min: 0, max: 9 }),
                10,
                Some(parents(3)),
                "`t.n`: parent values were given but the column is not a reference",
            ),
            (
                "unique and distinct",
                with(spec("n", GenKind::Uuid), |s| {
                    s.unique = true;
                    s.distinct = Some(10);
                }),
                10,
                None,
                "`t.n`: `unique` cannot be combined with `distinct` (a unique column has one distinct value per row)",
            ),
            (
                "skew without a pool",
                with(spec("n", GenKind::Int { min: 0, max: 9 }), |s| s.skew = Some(1.0)),
                10,
                None,
                "`t.n`: `skew` does not apply to a column without `distinct` (skew favours values of a pool: set `distinct` too)",
            ),
            (
                "distinct on a sequence",
                with(spec("id", GenKind::Sequence { start: 1 }), |s| s.distinct = Some(3)),
                10,
                None,
                "`t.id`: `distinct` does not apply to a sequence (its values follow the row number; use an int range for repeated values)",
            ),
            (
                "empty pool",
                with(spec("n", GenKind::Uuid), |s| s.distinct = Some(0)),
                10,
                None,
                "`t.n`: invalid `distinct = 0` (expected between 1 and 10000000 distinct values)",
            ),
            (
                "null fraction above one",
                with(spec("n", GenKind::Uuid), |s| s.null_fraction = 1.5),
                10,
                None,
                "`t.n`: invalid null fraction `1.5` (expected a number in `0..=1`)",
            ),
            (
                "reversed int range",
                spec("n", GenKind::Int { min: 5, max: 1 }),
                10,
                None,
                "`t.n`: invalid int range `5..=1` (expected `min <= max`)",
            ),
            (
                "empty float range",
                spec("x", GenKind::Float { min: 1.0, max: 1.0 }),
                10,
                None,
                "`t.x`: invalid float range `1..1` (expected finite bounds with `min < max`)",
            ),
            (
                "negative skew",
                with(spec("user_id", reference()), |s| s.skew = Some(-1.0)),
                10,
                Some(parents(3)),
                "`t.user_id`: invalid skew `-1` (expected a finite number `>= 0`)",
            ),
        ];
        for (name, s, rows, parent_values, expected) in cases {
            assert_eq!(build_error(&s, rows, parent_values), expected, "{name}");
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
    fn sequence_overflow_is_an_error_not_a_wrap() {
        let mut generator = ColumnGenerator::new(&spec("id", GenKind::Sequence { start: i64::MAX }), "t", 1, 2, None)
            .expect("generator");
        assert_eq!(generator.next_value(0).ok(), Some(Value::Int(i64::MAX)));
        assert_eq!(
            generator.next_value(1).map_err(|e| e.to_string()),
            Err(format!("`t.id`: sequence starting at `{}` overflows a 64-bit integer at row 1", i64::MAX))
        );
    }

    #[test]
    fn generators_can_move_to_other_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<ColumnGenerator>();
    }

    #[test]
    fn all_null_columns_need_no_domain() {
        let s = with(spec("user_id", GenKind::Ref { table: "users".into(), column: "id".into() }), |s| {
            s.null_fraction = 1.0;
        });
        assert_eq!(generate_with(&s, 1, 5, Some(Vec::new())), vec![Value::Null; 5]);
    }

    #[test]
    fn extended_rows_continue_the_seeded_streams() {
        // The first rows are exactly the seeded ones; the extra rows continue the sequence,
        // never repeat a unique value, and keep the null fraction.
        let cases = [
            spec("id", GenKind::Sequence { start: 1 }),
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
