//! `float`: uniform floats in `min..max`. Too many to count, so a unique column draws again on
//! a repeat (which a sensible range all but never gives). NULLs, pools and the unique draws are
//! the modifiers' business.

use rand::distr::{Distribution, Uniform};
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Fallback, Generate, Uniqueness};

pub(super) struct Float(Uniform<f64>);

impl Float {
    pub(super) fn new(min: f64, max: f64, column: &str) -> Result<Self, SeedError> {
        Uniform::new(min, max).map(Float).map_err(|_| SeedError::InvalidSpec {
            column: column.to_string(),
            found: format!("float range `{min}..{max}`"),
            expected: "finite bounds with `min < max`",
        })
    }
}

impl Generate for Float {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        Ok(Value::Float(self.0.sample(rng)))
    }

    fn uniqueness(&self) -> Uniqueness {
        Uniqueness::Rejection(Fallback::Fail)
    }
}

#[cfg(test)]
mod tests {
    use super::super::generate::draws;
    use super::*;

    #[test]
    fn values_stay_in_the_half_open_range() {
        let floats = draws(&mut Float::new(1.5, 2.5, "t.x").unwrap(), 10_000);
        assert!(floats.iter().all(|v| matches!(v, Value::Float(f) if (1.5..2.5).contains(f))));
    }

    #[test]
    fn an_empty_range_is_a_named_error() {
        assert_eq!(
            Float::new(1.0, 1.0, "t.x").err().map(|e| e.to_string()),
            Some("`t.x`: invalid float range `1..1` (expected finite bounds with `min < max`)".to_string())
        );
    }
}
