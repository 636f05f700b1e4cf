//! `timestamp`: uniform instants in `start..end`, at the microsecond precision PostgreSQL
//! stores. The window's microseconds are numbered from its first, so a unique column shuffles
//! them and a `distinct` pool is drawn from them without repeats. NULLs, pools and the unique
//! draws are the modifiers' business.

use chrono::{DateTime, Utc};
use rand::distr::{Distribution, Uniform};
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Domain, Generate, Uniqueness};

pub(super) struct Timestamp {
    window: Window,
    /// Microseconds since the Unix epoch.
    uniform: Uniform<i64>,
}

/// The whole microseconds `lo..hi` of the window `start..end`.
#[derive(Clone, Copy)]
struct Window {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    lo: i64,
    hi: i64,
}

impl Timestamp {
    pub(super) fn new(start: DateTime<Utc>, end: DateTime<Utc>, column: &str) -> Result<Self, SeedError> {
        let invalid = || SeedError::InvalidSpec {
            column: column.to_string(),
            found: format!("timestamp window `{start}..{end}`"),
            expected: "`start` at least a microsecond before `end`",
        };
        // PostgreSQL keeps microseconds, so a generated instant must be one it can store
        // exactly. `lo` rounds up and `hi` too, so every microsecond in `lo..hi` lies inside
        // `start..end`.
        let ceil_micros = |t: DateTime<Utc>| {
            let sub_micro = !t.timestamp_subsec_nanos().is_multiple_of(1000);
            t.timestamp_micros() + i64::from(sub_micro)
        };
        let (lo, hi) = (ceil_micros(start), ceil_micros(end));
        if lo >= hi {
            return Err(invalid());
        }
        let uniform = Uniform::new(lo, hi).map_err(|_| invalid())?;
        Ok(Timestamp { window: Window { start, end, lo, hi }, uniform })
    }
}

impl Generate for Timestamp {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, column: &str) -> Result<Value, SeedError> {
        instant(self.uniform.sample(rng), column)
    }

    fn uniqueness(&self) -> Uniqueness {
        Uniqueness::Countable(Box::new(self.window))
    }
}

impl Domain for Window {
    fn size(&self) -> u128 {
        (i128::from(self.hi) - i128::from(self.lo)) as u128
    }

    fn describe(&self) -> String {
        format!("timestamp window `{}..{}` at microsecond precision", self.start, self.end)
    }

    fn value(&self, index: u64, column: &str) -> Result<Value, SeedError> {
        instant(self.lo.wrapping_add(index as i64), column)
    }
}

fn instant(micros: i64, column: &str) -> Result<Value, SeedError> {
    DateTime::from_timestamp_micros(micros).map(Value::Timestamp).ok_or_else(|| SeedError::InvalidSpec {
        column: column.to_string(),
        found: format!("timestamp of `{micros}` microseconds since 1970"),
        expected: "an instant chrono can represent",
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::TimeZone;

    use super::super::fixture::{distinct_count, generate, spec, ts, with};
    use super::super::generate::draws;
    use super::*;
    use crate::scenario::column::GenKind;

    #[test]
    fn values_fall_in_the_window_at_microsecond_precision() {
        // Bounds with nanoseconds: the first storable instant is rounded up.
        let start = Utc.timestamp_opt(1_700_000_000, 500).single().expect("start");
        let end = Utc.timestamp_opt(1_700_000_000, 20_500).single().expect("end");
        let values = draws(&mut Timestamp::new(start, end, "t.created_at").unwrap(), 5000);
        let mut seen = HashSet::new();
        for v in &values {
            let Value::Timestamp(t) = v else { panic!("{v:?}") };
            assert!(start <= *t && *t < end, "{t}");
            assert_eq!(t.timestamp_subsec_nanos() % 1000, 0, "{t}");
            seen.insert(*t);
        }
        assert_eq!(seen.len(), 20, "every microsecond of the window is reachable");
    }

    #[test]
    fn a_unique_window_can_be_used_up() {
        let narrow = GenKind::Timestamp { start: ts("2024-01-01T00:00:00Z"), end: ts("2024-01-01T00:00:00.100000Z") };
        let s = with(spec("t", narrow), |s| s.unique = true);
        assert_eq!(distinct_count(&generate(&s, 11, 100_000)), 100_000);
    }

    #[test]
    fn a_window_shorter_than_a_microsecond_is_a_named_error() {
        let start = Utc.timestamp_opt(1_700_000_000, 100).single().expect("start");
        let end = Utc.timestamp_opt(1_700_000_000, 900).single().expect("end");
        assert_eq!(
            Timestamp::new(start, end, "t.t").err().map(|e| e.to_string()),
            Some(
                "`t.t`: invalid timestamp window `2023-11-14 22:13:20.000000100 UTC..2023-11-14 22:13:20.000000900 UTC` \
                 (expected `start` at least a microsecond before `end`)"
                    .to_string()
            )
        );
    }
}
