//! `one-of`: one of a list of literal values, picked with relative weights. The list is the
//! domain (its distinct values, in order), so a unique column shuffles it; `distinct` and
//! `skew` do not apply, the list already is the distinct set and the weights make hot values.
//! NULLs and the unique draws are the modifiers' business.

use std::collections::HashSet;

use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Generate, Listed, Refusal, Uniqueness};
use crate::scenario::column::Literal;

pub(super) struct OneOf {
    values: Vec<Value>,
    index: WeightedIndex<u32>,
}

impl OneOf {
    pub(super) fn new(values: &[Literal], weights: &[u32], column: &str) -> Result<Self, SeedError> {
        let invalid = |found: String, expected| SeedError::InvalidSpec { column: column.to_string(), found, expected };
        if values.len() != weights.len() {
            return Err(invalid(
                format!("one-of with {} values and {} weights", values.len(), weights.len()),
                "one weight per value",
            ));
        }
        let index = WeightedIndex::new(weights.iter().copied()).map_err(|_| {
            invalid(format!("one-of weights `{weights:?}`"), "at least one value and weights that are not all zero")
        })?;
        Ok(OneOf { values: values.iter().map(literal_value).collect(), index })
    }
}

impl Generate for OneOf {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        Ok(self.values[self.index.sample(rng)].clone())
    }

    fn uniqueness(&self) -> Uniqueness {
        let mut seen = HashSet::new();
        let values: Vec<Value> = self.values.iter().filter(|v| seen.insert(v.fingerprint())).cloned().collect();
        Uniqueness::Countable(Box::new(Listed::new(values, "the one-of list")))
    }

    fn pool_refusal(&self) -> Option<Refusal> {
        Some(Refusal {
            kind: "a one-of list",
            hint: "its values already are the distinct set; use weights for hot values",
        })
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

#[cfg(test)]
mod tests {
    use super::super::fixture::{build_error, generate, spec, with};
    use super::*;
    use crate::scenario::column::GenKind;

    #[test]
    fn weights_are_honoured() {
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
    }

    #[test]
    fn a_unique_list_counts_its_distinct_values() {
        let two =
            GenKind::OneOf { values: vec![Literal::Int(1), Literal::Int(2), Literal::Int(2)], weights: vec![1, 1, 1] };
        let s = with(spec("status", two), |s| s.unique = true);
        assert_eq!(
            build_error(&s, 3, None),
            "`t.status`: `unique` needs 3 different values but the one-of list has only 2"
        );
    }

    #[test]
    fn weights_must_match_the_values() {
        let cases = [
            (
                "one weight short",
                OneOf::new(&[Literal::Int(1), Literal::Int(2)], &[1], "t.s"),
                "`t.s`: invalid one-of with 2 values and 1 weights (expected one weight per value)",
            ),
            (
                "all zero",
                OneOf::new(&[Literal::Int(1)], &[0], "t.s"),
                "`t.s`: invalid one-of weights `[0]` (expected at least one value and weights that are not all zero)",
            ),
        ];
        for (name, built, expected) in cases {
            assert_eq!(built.err().map(|e| e.to_string()).as_deref(), Some(expected), "{name}");
        }
    }
}
