//! `sequence`: consecutive integers `min, min+1, ...` by row number (surrogate keys). Unique
//! by construction; `distinct` and `skew` do not apply, since the values follow the row
//! number. Overflowing 64 bits is an error, not a wrap. NULLs and the rest are the modifiers'
//! business.

use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Generate, Refusal, Uniqueness};

pub(super) struct Sequence {
    /// The first value (`min`).
    min: i64,
}

impl Sequence {
    pub(super) fn new(min: i64) -> Self {
        Sequence { min }
    }
}

impl Generate for Sequence {
    fn generate(&mut self, _rng: &mut ChaCha8Rng, row: u64, column: &str) -> Result<Value, SeedError> {
        i64::try_from(row)
            .ok()
            .and_then(|r| self.min.checked_add(r))
            .map(Value::Int)
            .ok_or_else(|| SeedError::SequenceOverflow { column: column.to_string(), start: self.min, row })
    }

    fn uniqueness(&self) -> Uniqueness {
        Uniqueness::ByConstruction
    }

    fn pool_refusal(&self) -> Option<Refusal> {
        Some(Refusal {
            kind: "a sequence",
            hint: "its values follow the row number; use an int range for repeated values",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{build_error, generate, spec, with};
    use super::super::ColumnGenerator;
    use super::*;
    use crate::scenario::column::GenKind;

    #[test]
    fn values_follow_the_row_number_around_nulls() {
        let ids = generate(&with(spec("id", GenKind::Sequence { min: 100 }), |s| s.null_fraction = 0.5), 1, 10);
        for (row, v) in ids.iter().enumerate() {
            assert!(*v == Value::Null || *v == Value::Int(100 + row as i64), "{v:?}");
        }
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let mut generator =
            ColumnGenerator::new(&spec("id", GenKind::Sequence { min: i64::MAX }), "t", 1, 2, None).expect("generator");
        assert_eq!(generator.next_value(0).ok(), Some(Value::Int(i64::MAX)));
        assert_eq!(
            generator.next_value(1).map_err(|e| e.to_string()),
            Err(format!("`t.id`: sequence starting at `{}` overflows a 64-bit integer at row 1", i64::MAX))
        );
    }

    #[test]
    fn distinct_does_not_apply() {
        let s = with(spec("id", GenKind::Sequence { min: 1 }), |s| s.distinct = Some(3));
        assert_eq!(
            build_error(&s, 10, None),
            "`t.id`: `distinct` does not apply to a sequence (its values follow the row number; use an int range for repeated values)"
        );
    }
}
