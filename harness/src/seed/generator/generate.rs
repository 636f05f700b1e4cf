//! The trait every generator kind implements, and the shapes in which a kind says how it
//! supports the modifiers: [`Generate`] makes one fresh value from the column's random stream;
//! [`Uniqueness`] says how its values are kept apart for `unique` and `distinct` (a countable
//! [`Domain`] to shuffle, rejection with a fallback, or unique by construction); a [`Refusal`]
//! says why `distinct` and `skew` do not apply to it. Running the modifiers (the null schedule,
//! pools, references, the unique draws) is theirs; choosing a kind is `column`'s.

use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;

/// One kind of value: UUIDs, names, integers in a range, ...
pub(crate) trait Generate: Send {
    /// One fresh value drawn from `rng`. Values may repeat unless the kind is unique by
    /// construction. `row` is the row number (only sequences use it); `column` is
    /// `table.column`, for errors.
    fn generate(&mut self, rng: &mut ChaCha8Rng, row: u64, column: &str) -> Result<Value, SeedError>;

    /// How the kind's values are kept apart when the column is `unique` or draws a `distinct`
    /// pool.
    fn uniqueness(&self) -> Uniqueness;

    /// Why `distinct` and `skew` do not apply to this kind, if they do not.
    fn pool_refusal(&self) -> Option<Refusal> {
        None
    }
}

/// How a kind makes values that never repeat.
pub(crate) enum Uniqueness {
    /// Its values can be numbered `0..size`: they are drawn without replacement by a sparse
    /// Fisher–Yates shuffle, so every draw is new even when the rows use up the whole domain,
    /// and a domain smaller than the rows is an error up front.
    Countable(Box<dyn Domain>),
    /// Draw again until the value is new; once draws keep repeating, the fallback decides.
    Rejection(Fallback),
    /// Every value already differs from every other (a counter is part of it).
    ByConstruction,
}

/// What a rejection draw does once random draws keep repeating.
#[derive(Clone, Copy)]
pub(crate) enum Fallback {
    /// Add the draw number to the text (a list of 3000 first names cannot give 100k unique
    /// ones), in a form the kind never produces, so the value cannot equal any other.
    Suffix(fn(&mut String, u64)),
    /// Give up with an error: with a sensible range the first draw is new almost always.
    Fail,
}

/// A kind's values numbered `0..size`.
pub(crate) trait Domain: Send {
    /// How many values there are: more than `u64::MAX` for the full `i64` range.
    fn size(&self) -> u128;
    /// The domain in a message: ``int range `1..=10` ``.
    fn describe(&self) -> String;
    /// Value number `index`, for `index < size`.
    fn value(&self, index: u64, column: &str) -> Result<Value, SeedError>;
}

/// Why `distinct` and `skew` do not apply to a kind: what it is, and what to use instead.
pub(crate) struct Refusal {
    /// With its article: "a sequence".
    pub(crate) kind: &'static str,
    pub(crate) hint: &'static str,
}

/// A domain that is a list of values: a bool's, a one-of list's, a reference's parent keys.
pub(crate) struct Listed {
    values: Vec<Value>,
    description: String,
}

impl Listed {
    pub(crate) fn new(values: Vec<Value>, description: impl Into<String>) -> Self {
        Listed { values, description: description.into() }
    }
}

impl Domain for Listed {
    fn size(&self) -> u128 {
        self.values.len() as u128
    }

    fn describe(&self) -> String {
        self.description.clone()
    }

    fn value(&self, index: u64, column: &str) -> Result<Value, SeedError> {
        usize::try_from(index).ok().and_then(|i| self.values.get(i)).cloned().ok_or_else(|| {
            SeedError::UniqueExhausted { column: column.to_string(), attempts: self.values.len() as u64 }
        })
    }
}

/// `n` values of `generator`, for the kinds' tests.
#[cfg(test)]
pub(super) fn draws(generator: &mut dyn Generate, n: u64) -> Vec<Value> {
    let mut rng = super::super::rng::column_rng(1, "t", "c");
    (0..n).map(|row| generator.generate(&mut rng, row, "t.c").unwrap_or_else(|e| panic!("{e}"))).collect()
}
