//! Reading a [`Value`] back from PostgreSQL's binary format: the seed stage reads a parent
//! table's keys to draw foreign keys from. The mirror of `encode`, for the same types; NUMERIC's
//! format is `numeric`'s business. A type it cannot read, or bytes that do not fit the type, is
//! an error that says what was expected.

use std::error::Error as StdError;

use chrono::DateTime;
use postgres::types::{FromSql, Type};
use uuid::Uuid;

use super::cell::Value;
use super::numeric;
use super::target::{sql_type_name, target, Target, MICROS_PER_DAY, PG_EPOCH_OFFSET_MICROS};
use crate::seed::error::SeedError;

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(decode(ty, raw)?)
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Value::Null)
    }

    /// As for writing: every type is accepted so that an unsupported one gets a clear message.
    fn accepts(_: &Type) -> bool {
        true
    }
}

fn decode(ty: &Type, raw: &[u8]) -> Result<Value, SeedError> {
    fn fixed<const N: usize>(ty: &Type, raw: &[u8]) -> Result<[u8; N], SeedError> {
        raw.try_into().map_err(|_| SeedError::MalformedBinary {
            ty: sql_type_name(ty),
            problem: format!("expected {N} bytes, got {}", raw.len()),
        })
    }
    let utf8 = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec())
            .map_err(|_| SeedError::MalformedBinary { ty: sql_type_name(ty), problem: "text is not UTF-8".to_string() })
    };
    let timestamp = |micros: Option<i64>| {
        micros.and_then(|m| m.checked_add(PG_EPOCH_OFFSET_MICROS)).and_then(DateTime::from_timestamp_micros).ok_or_else(
            || SeedError::MalformedBinary {
                ty: sql_type_name(ty),
                problem: "outside the supported timestamp range".to_string(),
            },
        )
    };
    Ok(match target(ty) {
        Target::Bool => Value::Bool(fixed::<1>(ty, raw)?[0] != 0),
        Target::Int2 => Value::Int(i16::from_be_bytes(fixed(ty, raw)?).into()),
        Target::Int4 => Value::Int(i32::from_be_bytes(fixed(ty, raw)?).into()),
        Target::Int8 => Value::Int(i64::from_be_bytes(fixed(ty, raw)?)),
        Target::Float4 => Value::Float(f32::from_be_bytes(fixed(ty, raw)?).into()),
        Target::Float8 => Value::Float(f64::from_be_bytes(fixed(ty, raw)?)),
        Target::Numeric => numeric::read(ty, raw)?,
        Target::Text | Target::Enum(_) | Target::Json => Value::Text(utf8(raw)?),
        Target::Jsonb => match raw.split_first() {
            Some((1, json)) => Value::Text(utf8(json)?),
            _ => {
                return Err(SeedError::MalformedBinary {
                    ty: sql_type_name(ty),
                    problem: "expected jsonb format version `1`".to_string(),
                })
            }
        },
        Target::Uuid => Value::Uuid(Uuid::from_bytes(fixed(ty, raw)?)),
        Target::Timestamp => Value::Timestamp(timestamp(Some(i64::from_be_bytes(fixed(ty, raw)?)))?),
        Target::Date => {
            let days = i64::from(i32::from_be_bytes(fixed(ty, raw)?));
            Value::Timestamp(timestamp(days.checked_mul(MICROS_PER_DAY))?)
        }
        Target::Other => {
            return Err(SeedError::UnsupportedRead {
                ty: sql_type_name(ty),
                expected: "a boolean, integer, float, numeric, text, enum, uuid, timestamp, \
                           date or json column",
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::super::encode::{encoded, enum_type};
    use super::*;

    #[test]
    fn reads_back_what_it_writes() {
        let ts = |s: &str| DateTime::parse_from_rfc3339(s).expect("test timestamp").with_timezone(&Utc);
        let cases: Vec<(&str, Value, Type)> = vec![
            ("bool", Value::Bool(false), Type::BOOL),
            ("int2", Value::Int(-300), Type::INT2),
            ("int4", Value::Int(70_000), Type::INT4),
            ("int8", Value::Int(i64::MAX), Type::INT8),
            ("float8", Value::Float(-2.25), Type::FLOAT8),
            ("text", Value::Text("Zoë".into()), Type::TEXT),
            ("enum", Value::Text("ACTIVE".into()), enum_type(&["ACTIVE", "INACTIVE"])),
            ("uuid", Value::Uuid(Uuid::from_u128(0x1234)), Type::UUID),
            ("timestamptz", Value::Timestamp(ts("1999-12-31T23:59:59.999999Z")), Type::TIMESTAMPTZ),
            ("date", Value::Timestamp(Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap()), Type::DATE),
            ("jsonb", Value::Text("[1,2]".into()), Type::JSONB),
        ];
        for (name, value, ty) in cases {
            let bytes = encoded(&value, &ty).expect(name);
            let back = Value::from_sql(&ty, &bytes).map_err(|e| e.to_string());
            assert_eq!(back, Ok(value), "{name}");
        }
        assert_eq!(Value::from_sql_null(&Type::INT4).ok(), Some(Value::Null));
    }

    #[test]
    fn unreadable_types_and_bytes_are_clear_errors() {
        let cases: Vec<(&str, Type, Vec<u8>, &str)> = vec![
            (
                "point",
                Type::POINT,
                vec![0; 16],
                "cannot read a value of type `point` (expected a boolean, integer, float, numeric, text, enum, uuid, timestamp, date or json column)",
            ),
            ("short int4", Type::INT4, vec![0; 3], "malformed binary value of type `integer` (expected 4 bytes, got 3)"),
            ("jsonb version", Type::JSONB, vec![2, b'1'], "malformed binary value of type `jsonb` (expected jsonb format version `1`)"),
        ];
        for (name, ty, raw, expected) in cases {
            let got = Value::from_sql(&ty, &raw).map_err(|e| e.to_string());
            assert_eq!(got, Err(expected.to_string()), "{name}");
        }
    }
}
