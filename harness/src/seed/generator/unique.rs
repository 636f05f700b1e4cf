//! Values that never repeat, for `unique` columns and for filling `distinct` pools, by the
//! strategy the kind names (see [`Uniqueness`]): a sparse Fisher–Yates shuffle of a countable
//! domain, rejection of repeats with a suffix or a failure as fallback, or nothing at all for
//! kinds unique by construction. A domain smaller than what is asked of it is an error up
//! front, not halfway through a COPY. What the values are is the kinds' business; the pool
//! built from them is `pool`'s.

use std::collections::{HashMap, HashSet};

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Domain, Fallback, Generate, Uniqueness};

/// Draws of a fake text value tried before a unique column falls back to adding a suffix.
const TEXT_RETRIES: u32 = 8;
/// Draws tried for a unique value whose domain is too large to enumerate (floats, uuids, long
/// tokens) before giving up: with a sensible range the first draw is new almost always.
const MAX_ATTEMPTS: u32 = 1000;

/// A drawer of values that never repeat.
pub(super) enum UniqueDraw {
    /// Sampling without replacement from `0..size` by a sparse Fisher–Yates shuffle: position
    /// `taken` swaps with a random later one, and only moved positions are remembered. Every
    /// draw is O(1) and new, even when the rows use up the whole domain.
    Shuffle {
        size: u64,
        taken: u64,
        moved: HashMap<u64, u64>,
        domain: Box<dyn Domain>,
    },
    /// Draw afresh until the value's fingerprint has not been seen.
    Reject {
        generator: Box<dyn Generate>,
        seen: HashSet<u128>,
        fallback: Fallback,
        drawn: u64,
    },
    ByConstruction(Box<dyn Generate>),
}

impl UniqueDraw {
    /// The drawer of `needed` values of `generator`, by the strategy its kind names.
    /// `requirement` says what asked for them (``"`unique`"``), for the error.
    pub(super) fn new(
        generator: Box<dyn Generate>,
        column: &str,
        requirement: &str,
        needed: u64,
    ) -> Result<Self, SeedError> {
        Ok(match generator.uniqueness() {
            Uniqueness::Countable(domain) => UniqueDraw::shuffle(domain, column, requirement, needed)?,
            Uniqueness::Rejection(fallback) => {
                UniqueDraw::Reject { generator, seen: HashSet::new(), fallback, drawn: 0 }
            }
            Uniqueness::ByConstruction => UniqueDraw::ByConstruction(generator),
        })
    }

    /// The drawer of `needed` values of `domain`, shuffled.
    pub(super) fn shuffle(
        domain: Box<dyn Domain>,
        column: &str,
        requirement: &str,
        needed: u64,
    ) -> Result<Self, SeedError> {
        let size = domain.size();
        if u128::from(needed) > size {
            return Err(SeedError::DomainTooSmall {
                column: column.to_string(),
                requirement: requirement.to_string(),
                needed,
                domain: domain.describe(),
                size,
            });
        }
        Ok(UniqueDraw::Shuffle {
            // A domain of more than 2^64 values (the full i64 range) loses its last value,
            // which no realistic row count can miss.
            size: u64::try_from(size).unwrap_or(u64::MAX),
            taken: 0,
            moved: HashMap::new(),
            domain,
        })
    }

    /// The next value, new to this drawer. `row` goes to the kind (sequences use it).
    pub(super) fn next(&mut self, rng: &mut ChaCha8Rng, column: &str, row: u64) -> Result<Value, SeedError> {
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
            UniqueDraw::Reject { generator, seen, fallback, drawn } => {
                let serial = *drawn;
                for attempt in 0..MAX_ATTEMPTS {
                    let mut value = generator.generate(rng, row, column)?;
                    if let (Fallback::Suffix(add_suffix), Value::Text(text)) = (*fallback, &mut value) {
                        if attempt >= TEXT_RETRIES {
                            add_suffix(text, serial);
                        }
                    }
                    if seen.insert(value.fingerprint()) {
                        *drawn += 1;
                        return Ok(value);
                    }
                }
                Err(SeedError::UniqueExhausted { column: column.to_string(), attempts: u64::from(MAX_ATTEMPTS) })
            }
            UniqueDraw::ByConstruction(generator) => generator.generate(rng, row, column),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{distinct_count, every_kind, generate, spec, with};
    use super::super::generate::Listed;
    use super::*;
    use crate::scenario::column::GenKind;
    use crate::seed::column_rng;

    #[test]
    fn unique_is_unique_for_every_kind_at_100k_rows() {
        let rows = 100_000;
        let mut kinds = every_kind();
        kinds.retain(|(name, _)| !matches!(*name, "bool" | "status" | "int" | "timestamp"));
        kinds.push(("short_token", GenKind::Token { length: 3, prefix: "k_".into() }));
        for (name, kind) in kinds {
            let s = with(spec(name, kind), |s| s.unique = true);
            let values = generate(&s, 11, rows);
            assert_eq!(distinct_count(&values), rows as usize, "{name}");
        }
    }

    #[test]
    fn unique_with_nulls_needs_only_the_non_null_rows() {
        let s = with(spec("code", GenKind::Int { min: 1, max: 10 }), |s| {
            s.unique = true;
            s.null_fraction = 0.9;
        });
        assert_eq!(distinct_count(&generate(&s, 1, 100)), 10);
    }

    #[test]
    fn a_shuffle_uses_up_its_domain_then_fails() {
        let values: Vec<Value> = (0..5).map(Value::Int).collect();
        let domain = Box::new(Listed::new(values, "five values"));
        let mut draw = UniqueDraw::shuffle(domain, "t.n", "`unique`", 5).unwrap();
        let mut rng = column_rng(1, "t", "n");
        let mut drawn: Vec<Value> = (0..5).map(|row| draw.next(&mut rng, "t.n", row).unwrap()).collect();
        drawn.sort_by_key(Value::to_text);
        assert_eq!(drawn, (0..5).map(Value::Int).collect::<Vec<_>>());
        assert_eq!(
            draw.next(&mut rng, "t.n", 5).map_err(|e| e.to_string()),
            Err("`t.n`: no new value after 5 draws (expected a range much wider than the number of unique values asked for)"
                .to_string())
        );
    }
}
