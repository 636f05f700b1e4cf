//! Pools: a fixed list of values a column draws from, with repeats. A `distinct = N` pool is N
//! values drawn without repeats up front (by `unique`'s drawers), in draw order; a reference's
//! pool is its parent's values. Each row picks an element uniformly, or Zipf-skewed towards the
//! first ones with `skew`, so that a few hot values make up most rows as in real hot-key
//! tables. Where the values come from is the kinds' and `reference`'s business.

use rand::distr::weighted::WeightedIndex;
use rand::distr::{Distribution, Uniform};
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::unique::UniqueDraw;

/// Largest `distinct` pool: the pool is generated and held in memory up front.
pub(super) const MAX_POOL: u64 = 10_000_000;

pub(super) struct Pool {
    values: Vec<Value>,
    pick: Pick,
}

/// Which element of a pool a row gets.
enum Pick {
    Uniform(Uniform<usize>),
    Zipf(WeightedIndex<f64>),
}

impl Pool {
    /// A pool over `values`, which must not be empty, skewed by `skew` when above zero.
    pub(super) fn new(values: Vec<Value>, skew: Option<f64>, column: &str) -> Result<Self, SeedError> {
        let pick = match skew {
            Some(s) if s > 0.0 => {
                // Element k is drawn with weight 1/(k+1)^s: with s around 1 a handful of values
                // make up most rows.
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
        Ok(Pool { values, pick })
    }

    /// Draws the `size` distinct values of a `distinct` pool from `unique`, in draw order: with
    /// skew, the first drawn is the hottest, so which value is hot is as random as the values.
    pub(super) fn fill(
        mut unique: UniqueDraw,
        size: u64,
        rng: &mut ChaCha8Rng,
        column: &str,
    ) -> Result<Vec<Value>, SeedError> {
        let mut pool = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        for _ in 0..size {
            // The row only matters to sequences, which take no pool.
            pool.push(unique.next(rng, column, 0)?);
        }
        Ok(pool)
    }

    /// One row's value.
    pub(super) fn pick(&self, rng: &mut ChaCha8Rng) -> Value {
        let index = match &self.pick {
            Pick::Uniform(uniform) => uniform.sample(rng),
            Pick::Zipf(weighted) => weighted.sample(rng),
        };
        self.values[index].clone()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{
        build_error, counts, distinct_count, generate, generate_with, parents, spec, ts, with,
    };
    use super::*;
    use crate::scenario::column::GenKind;

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
    fn an_empty_pool_is_a_named_error() {
        let s = with(spec("n", GenKind::Uuid), |s| s.distinct = Some(0));
        assert_eq!(
            build_error(&s, 10, None),
            "`t.n`: invalid `distinct = 0` (expected between 1 and 10000000 distinct values)"
        );
        assert_eq!(
            Pool::new(Vec::new(), None, "t.n").err().map(|e| e.to_string()),
            Some("`t.n`: invalid empty pool (expected at least one value)".to_string())
        );
    }
}
