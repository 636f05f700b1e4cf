//! One generated (or read) cell: the [`Value`] the generators make and the COPY writer sends,
//! with its text form for reports and the fingerprint that uniqueness sets keep. A value knows
//! nothing of the column's SQL type: how it is written to one is `encode`'s business, how it is
//! read back `decode`'s.

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

/// A generated (or read) cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Uuid(Uuid),
    /// Microsecond precision, as PostgreSQL stores timestamps.
    Timestamp(DateTime<Utc>),
}

impl Value {
    /// The value as text for reports, `None` for NULL.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Text(s) => Some(s.clone()),
            Value::Uuid(u) => Some(u.hyphenated().to_string()),
            Value::Timestamp(t) => Some(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }

    /// What the value is, with its article, for error messages: "cannot write a uuid ...".
    pub(super) fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Text(_) => "text",
            Value::Uuid(_) => "a uuid",
            Value::Timestamp(_) => "a timestamp",
        }
    }

    /// The value as a type tag and bytes: what checksums and fingerprints are taken of, so no
    /// two different values (NULL and empty text, `1` and `1.0`) give the same pair.
    fn tagged<R>(&self, f: impl FnOnce(u8, &[u8]) -> R) -> R {
        match self {
            Value::Null => f(0, &[]),
            Value::Bool(b) => f(1, &[u8::from(*b)]),
            Value::Int(i) => f(2, &i.to_le_bytes()),
            Value::Float(x) => f(3, &x.to_bits().to_le_bytes()),
            Value::Text(s) => f(4, s.as_bytes()),
            Value::Uuid(u) => f(5, u.as_bytes()),
            Value::Timestamp(t) => f(6, &t.timestamp_micros().to_le_bytes()),
        }
    }

    /// Feeds the value to a row checksum: its tag, then its bytes, length-prefixed.
    pub(crate) fn digest_into(&self, hasher: &mut sha2::Sha256) {
        use sha2::Digest;
        self.tagged(|tag, bytes| {
            hasher.update([tag]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        });
    }

    /// A 128-bit fingerprint used by uniqueness sets instead of storing every value twice. Two
    /// different values share one only by a 2^-128-scale accident, and then the generator just
    /// draws again: a fingerprint never lets a duplicate through.
    pub(crate) fn fingerprint(&self) -> u128 {
        self.tagged(fingerprint_bytes)
    }
}

/// FNV-1a, 128-bit, over a type tag and the bytes. Stable across Rust releases, unlike std's
/// `DefaultHasher`, so which rows a generator retries never depends on the toolchain.
fn fingerprint_bytes(tag: u8, bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = (OFFSET ^ u128::from(tag)).wrapping_mul(PRIME);
    for &byte in bytes {
        hash = (hash ^ u128::from(byte)).wrapping_mul(PRIME);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("test timestamp").with_timezone(&Utc)
    }

    #[test]
    fn to_text_for_reports() {
        let cases = [
            ("null", Value::Null, None),
            ("int", Value::Int(-5), Some("-5")),
            ("float", Value::Float(0.25), Some("0.25")),
            ("bool", Value::Bool(true), Some("true")),
            ("uuid", Value::Uuid(Uuid::from_u128(1)), Some("00000000-0000-0000-0000-000000000001")),
            ("timestamp", Value::Timestamp(ts("2024-01-02T03:04:05.678901Z")), Some("2024-01-02T03:04:05.678901Z")),
            ("text", Value::Text("x".into()), Some("x")),
        ];
        for (name, value, expected) in cases {
            assert_eq!(value.to_text().as_deref(), expected, "{name}");
        }
    }

    #[test]
    fn fingerprints_are_pinned() {
        // Unique columns retry on a fingerprint they have seen: a changed fingerprint changes
        // which rows retry, and so the generated values.
        let cases = [
            // Checked against an independent FNV-1a 128 implementation.
            ("null", Value::Null, 0xd228_cb69_101a_8caf_7891_2b70_4e4a_147f_u128),
            ("int", Value::Int(7), 0x0ca0_b5e7_e003_c0f0_f9db_3669_36bb_e0b2),
            ("text", Value::Text("abc".into()), 0x6691_18d5_7275_7277_b806_e894_b3e9_9855),
            ("bool", Value::Bool(true), 0x0880_9458_daab_1be9_5aa0_7330_5525_b5e7),
        ];
        for (name, value, expected) in cases {
            assert_eq!(value.fingerprint(), expected, "{name}");
        }
    }
}
