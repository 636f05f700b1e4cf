//! The validated description of how one column is generated. The scenario stage builds these
//! from the file; the seed stage turns them into values. Nothing here touches a database.

use chrono::{DateTime, Utc};

pub use super::value::Literal;

/// One column's generator, validated: ranges are ordered, fractions are in `0..=1`, weights
/// match their values.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    /// Column name as written in the schema.
    pub name: String,
    pub gen: GenKind,
    /// Share of rows that get NULL, `0.0..=1.0`.
    pub null_fraction: f64,
    /// Every non-null value differs from every other one in this column.
    pub unique: bool,
    /// Draw values from a pool of this many distinct values (generated once, up front).
    pub distinct: Option<u64>,
    /// Zipf exponent over the pool (or over a foreign key's parent rows): `0` is uniform, `1`
    /// and above gives a few hot keys most rows share.
    pub skew: Option<f64>,
}

/// What kind of value a column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum GenKind {
    /// Random version-4 UUIDs.
    Uuid,
    /// 64 lowercase hex characters, the SHA-256 of a per-row secret (API key and PAK hashes).
    Sha256Hex,
    /// A random URL-safe token of `length` characters after `prefix`.
    Token { length: usize, prefix: String },
    /// A person's first name.
    FirstName,
    /// A person's last name.
    LastName,
    /// "First Last".
    FullName,
    /// A plausible e-mail address.
    Email,
    /// One lowercase word.
    Word,
    /// A short sentence of words.
    Sentence,
    /// A company name.
    CompanyName,
    /// Uniform integers in `min..=max`.
    Int { min: i64, max: i64 },
    /// Uniform floats in `min..max`.
    Float { min: f64, max: f64 },
    /// Consecutive integers `start, start+1, ...` by row number (surrogate keys).
    Sequence { start: i64 },
    /// Uniform instants in `start..end`.
    Timestamp { start: DateTime<Utc>, end: DateTime<Utc> },
    /// `true` with probability `true_ratio`.
    Bool { true_ratio: f64 },
    /// One of `values`, picked with the given relative `weights` (same length, all > 0).
    OneOf { values: Vec<Literal>, weights: Vec<u32> },
    /// A value of `column` from a row of `table`, which is seeded first.
    Ref { table: String, column: String },
}
