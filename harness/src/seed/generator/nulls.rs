//! The null schedule: which rows of a column are NULL. Exactly `round(null_fraction * rows)` of
//! them, spread uniformly at random (selection sampling, Knuth's Algorithm S), so
//! `pg_stats.null_frac` matches the scenario instead of wandering with binomial noise. The
//! schedule draws from a side stream of its own, so the non-null values of a column do not move
//! when its null fraction changes. What the non-null rows hold is the other modifiers' and the
//! kinds' business.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::rng::stream_rng;

pub(super) struct NullSchedule {
    rng: ChaCha8Rng,
    nulls_left: u64,
    rows_left: u64,
}

impl NullSchedule {
    /// The schedule of column `name` of `table` over `rows` rows; `column` is `table.column`,
    /// for errors.
    pub(super) fn new(
        fraction: f64,
        column: &str,
        scenario_seed: u64,
        table: &str,
        name: &str,
        rows: u64,
    ) -> Result<Self, SeedError> {
        if !(0.0..=1.0).contains(&fraction) {
            return Err(SeedError::InvalidSpec {
                column: column.to_string(),
                found: format!("null fraction `{fraction}`"),
                expected: "a number in `0..=1`",
            });
        }
        Ok(NullSchedule {
            rng: stream_rng(scenario_seed, table, name, "nulls"),
            nulls_left: nulls_among(fraction, rows),
            rows_left: rows,
        })
    }

    /// How many of the rows still to come are not NULL.
    pub(super) fn non_null_left(&self) -> u64 {
        self.rows_left - self.nulls_left
    }

    /// Makes room for `extra` rows of the same fraction after the scheduled ones. Once the
    /// scheduled rows are done, the extra ones draw from a stream of their own, so that the
    /// scheduled rows' NULLs stay where they were whether or not rows are added.
    pub(super) fn extend(&mut self, extra: u64, fraction: f64, scenario_seed: u64, table: &str, name: &str) {
        self.nulls_left += nulls_among(fraction, extra);
        self.rows_left += extra;
        if self.rows_left == extra {
            self.rng = stream_rng(scenario_seed, table, name, "extra-nulls");
        }
    }

    /// Whether the next row is NULL.
    pub(super) fn next_is_null(&mut self) -> bool {
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

fn nulls_among(fraction: f64, rows: u64) -> u64 {
    ((fraction * rows as f64).round() as u64).min(rows)
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{build_error, generate, spec, with};
    use crate::scenario::column::GenKind;
    use crate::seed::Value;

    #[test]
    fn the_fraction_is_exact_and_spread_out() {
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
    fn the_fraction_does_not_shift_the_non_null_values() {
        let plain = generate(&spec("score", GenKind::Float { min: 0.0, max: 1.0 }), 5, 1000);
        let with_nulls =
            generate(&with(spec("score", GenKind::Float { min: 0.0, max: 1.0 }), |s| s.null_fraction = 0.3), 5, 1000);
        let non_null: Vec<&Value> = with_nulls.iter().filter(|v| **v != Value::Null).collect();
        assert_eq!(non_null.len(), 700);
        assert!(non_null.iter().zip(&plain).all(|(a, b)| *a == b));
    }

    #[test]
    fn a_fraction_above_one_is_a_named_error() {
        let s = with(spec("n", GenKind::Uuid), |s| s.null_fraction = 1.5);
        assert_eq!(build_error(&s, 10, None), "`t.n`: invalid null fraction `1.5` (expected a number in `0..=1`)");
    }
}
