//! `bool`: `true` with probability `true_ratio`. Its domain is the values that can occur at all
//! (two, or one at a ratio of 0 or 1); `distinct` and `skew` do not apply, the ratio already
//! favours one. NULLs and the unique draws are the modifiers' business.

use rand::distr::{Bernoulli, Distribution};
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Generate, Listed, Refusal, Uniqueness};

pub(super) struct Bool {
    true_ratio: f64,
    bernoulli: Bernoulli,
}

impl Bool {
    pub(super) fn new(true_ratio: f64, column: &str) -> Result<Self, SeedError> {
        let bernoulli = Bernoulli::new(true_ratio).map_err(|_| SeedError::InvalidSpec {
            column: column.to_string(),
            found: format!("true ratio `{true_ratio}`"),
            expected: "a number in `0..=1`",
        })?;
        Ok(Bool { true_ratio, bernoulli })
    }
}

impl Generate for Bool {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        Ok(Value::Bool(self.bernoulli.sample(rng)))
    }

    fn uniqueness(&self) -> Uniqueness {
        let values: Vec<Value> = [(false, self.true_ratio < 1.0), (true, self.true_ratio > 0.0)]
            .into_iter()
            .filter(|(_, possible)| *possible)
            .map(|(b, _)| Value::Bool(b))
            .collect();
        Uniqueness::Countable(Box::new(Listed::new(values, "a bool")))
    }

    fn pool_refusal(&self) -> Option<Refusal> {
        Some(Refusal { kind: "a bool", hint: "it has two values; use the true ratio to favour one" })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{build_error, generate, spec, with};
    use super::*;
    use crate::scenario::column::GenKind;

    #[test]
    fn the_true_ratio_is_honoured() {
        let rows = 100_000;
        let flags = generate(&spec("enabled", GenKind::Bool { true_ratio: 0.3 }), 6, rows);
        let trues = flags.iter().filter(|v| **v == Value::Bool(true)).count() as f64 / rows as f64;
        assert!((trues - 0.3).abs() < 0.01, "{trues}");
    }

    #[test]
    fn a_unique_bool_has_two_values() {
        let s = with(spec("flag", GenKind::Bool { true_ratio: 0.5 }), |s| s.unique = true);
        assert_eq!(build_error(&s, 3, None), "`t.flag`: `unique` needs 3 different values but a bool has only 2");
        let always = with(spec("flag", GenKind::Bool { true_ratio: 1.0 }), |s| s.unique = true);
        assert_eq!(build_error(&always, 2, None), "`t.flag`: `unique` needs 2 different values but a bool has only 1");
    }
}
