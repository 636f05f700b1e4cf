//! `int`: uniform integers in `min..=max`. Its values are numbered from `min`, so a unique
//! column shuffles the range and a `distinct` pool is drawn from it without repeats. NULLs,
//! pools and the unique draws are the modifiers' business.

use rand::distr::{Distribution, Uniform};
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Domain, Generate, Uniqueness};

pub(super) struct Int {
    range: IntRange,
    uniform: Uniform<i64>,
}

#[derive(Clone, Copy)]
struct IntRange {
    min: i64,
    max: i64,
}

impl Int {
    pub(super) fn new(min: i64, max: i64, column: &str) -> Result<Self, SeedError> {
        let uniform = Uniform::new_inclusive(min, max).map_err(|_| SeedError::InvalidSpec {
            column: column.to_string(),
            found: format!("int range `{min}..={max}`"),
            expected: "`min <= max`",
        })?;
        Ok(Int { range: IntRange { min, max }, uniform })
    }
}

impl Generate for Int {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        Ok(Value::Int(self.uniform.sample(rng)))
    }

    fn uniqueness(&self) -> Uniqueness {
        Uniqueness::Countable(Box::new(self.range))
    }
}

impl Domain for IntRange {
    fn size(&self) -> u128 {
        (i128::from(self.max) - i128::from(self.min) + 1) as u128
    }

    fn describe(&self) -> String {
        format!("int range `{}..={}`", self.min, self.max)
    }

    fn value(&self, index: u64, _column: &str) -> Result<Value, SeedError> {
        Ok(Value::Int(self.min.wrapping_add(index as i64)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{build_error, distinct_count, generate, spec, with};
    use super::super::generate::draws;
    use super::*;
    use crate::scenario::column::GenKind;

    #[test]
    fn values_stay_in_the_range_and_reach_both_ends() {
        let ints = draws(&mut Int::new(-5, 5, "t.n").unwrap(), 10_000);
        assert!(ints.iter().all(|v| matches!(v, Value::Int(-5..=5))));
        assert!(ints.contains(&Value::Int(-5)) && ints.contains(&Value::Int(5)), "both ends reachable");
    }

    #[test]
    fn a_unique_range_can_be_used_up() {
        let s = with(spec("n", GenKind::Int { min: 1, max: 100_000 }), |s| s.unique = true);
        assert_eq!(distinct_count(&generate(&s, 11, 100_000)), 100_000);
    }

    #[test]
    fn impossible_ranges_are_named_errors() {
        let cases = [
            (
                "reversed",
                spec("n", GenKind::Int { min: 5, max: 1 }),
                "`t.n`: invalid int range `5..=1` (expected `min <= max`)",
            ),
            (
                "unique range too small",
                with(spec("age", GenKind::Int { min: 1, max: 10 }), |s| s.unique = true),
                "`t.age`: `unique` needs 100 different values but int range `1..=10` has only 10",
            ),
            (
                "distinct larger than the range",
                with(spec("n", GenKind::Int { min: 0, max: 9 }), |s| s.distinct = Some(20)),
                "`t.n`: `distinct = 20` needs 20 different values but int range `0..=9` has only 10",
            ),
        ];
        for (name, s, expected) in cases {
            assert_eq!(build_error(&s, 100, None), expected, "{name}");
        }
    }
}
