//! Writing a [`Value`] in PostgreSQL's binary format, for binary COPY. The format is chosen from
//! the column's type (see [`super::target`]), not from the value, so one generator serves
//! `integer`, `bigint`, `numeric` and `text` columns alike; a pairing that cannot work is an
//! error that names both sides. NUMERIC's format is `numeric`'s business, reading `decode`'s.
//!
//! Binary formats follow the `*send`/`*recv` functions of PostgreSQL's `src/backend/utils/adt`,
//! see <https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-FORMAT-CODES>.

use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use uuid::Uuid;

use super::cell::Value;
use super::numeric;
use super::target::{sql_type_name, target, Target, MICROS_PER_DAY, PG_EPOCH_OFFSET_MICROS};
use crate::seed::error::SeedError;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        if let Value::Null = self {
            return Ok(IsNull::Yes);
        }
        encode(self, ty, out)?;
        Ok(IsNull::No)
    }

    /// Every type is accepted here so that an impossible pairing gets this module's message,
    /// which names both sides, instead of the driver's generic one.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A value on its way into a column of a table: what it cannot be written as names the column
/// (`table.column`), which a bare [`Value`] does not know. The COPY writer sends these.
#[derive(Debug)]
pub(crate) struct ColumnValue<'a> {
    pub(crate) column: &'a str,
    pub(crate) value: &'a Value,
}

impl ToSql for ColumnValue<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        // Through `Value`'s own `to_sql`, so that `encode` keeps a single caller, inlined there.
        self.value.to_sql(ty, out).map_err(|error| match error.downcast::<SeedError>() {
            Ok(source) => Box::new(SeedError::InColumn { column: self.column.to_string(), source }),
            Err(other) => other,
        })
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// The header of a binary COPY stream: the signature, no flags, no header extension.
pub(crate) const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// The trailer: a field count of -1.
pub(crate) const COPY_TRAILER: &[u8] = &[0xff, 0xff];

/// Appends one row to a binary COPY stream: its field count, then each field's length (-1 for
/// NULL) and bytes, as COPY's binary format has them. `columns` are `table.column`, for errors.
pub(crate) fn encode_row(
    out: &mut BytesMut,
    values: &[Value],
    types: &[Type],
    columns: &[String],
) -> Result<(), SeedError> {
    use bytes::BufMut;
    out.put_i16(i16::try_from(values.len()).unwrap_or(i16::MAX));
    for ((value, ty), column) in values.iter().zip(types).zip(columns) {
        let at = out.len();
        out.put_i32(0);
        let written =
            ColumnValue { column, value }.to_sql(ty, out).map_err(|error| match error.downcast::<SeedError>() {
                Ok(e) => *e,
                Err(other) => SeedError::InColumn {
                    column: column.clone(),
                    source: Box::new(SeedError::InvalidText {
                        value: other.to_string(),
                        ty: sql_type_name(ty),
                        expected: "a value the column's type accepts".into(),
                    }),
                },
            })?;
        let len = match written {
            IsNull::Yes => -1,
            IsNull::No => i32::try_from(out.len() - at - 4).map_err(|_| SeedError::OutOfRange {
                value: format!("a value of {} bytes", out.len() - at - 4),
                ty: sql_type_name(ty),
                expected: "at most 1 GB".into(),
            })?,
        };
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

// Inlined into `to_sql`, its one caller. The compiler stopped doing so by itself once the
// NUMERIC arms called rust_decimal, and the call cost some 20 instructions a cell (13% more for
// the `copy-encode` benchmark, counted with cachegrind).
#[inline(always)]
fn encode(value: &Value, ty: &Type, out: &mut BytesMut) -> Result<(), SeedError> {
    let out_of_range = |expected: &str| SeedError::OutOfRange {
        value: value.to_text().unwrap_or_default(),
        ty: sql_type_name(ty),
        expected: expected.to_string(),
    };
    let invalid_text = |text: &str, expected: String| SeedError::InvalidText {
        value: text.to_string(),
        ty: sql_type_name(ty),
        expected,
    };
    match (target(ty), value) {
        (Target::Bool, Value::Bool(b)) => out.extend_from_slice(&[u8::from(*b)]),

        (Target::Int2, Value::Int(i)) => {
            let v = i16::try_from(*i).map_err(|_| out_of_range("`-32768..=32767`"))?;
            out.extend_from_slice(&v.to_be_bytes());
        }
        (Target::Int4, Value::Int(i)) => {
            let v = i32::try_from(*i).map_err(|_| out_of_range("`-2147483648..=2147483647`"))?;
            out.extend_from_slice(&v.to_be_bytes());
        }
        (Target::Int8, Value::Int(i)) => out.extend_from_slice(&i.to_be_bytes()),

        (Target::Float4, Value::Float(f)) => {
            if f.is_finite() && f.abs() > f64::from(f32::MAX) {
                return Err(out_of_range("a magnitude below `3.4e38`"));
            }
            out.extend_from_slice(&(*f as f32).to_be_bytes());
        }
        (Target::Float4, Value::Int(i)) => out.extend_from_slice(&(*i as f32).to_be_bytes()),
        (Target::Float8, Value::Float(f)) => out.extend_from_slice(&f.to_be_bytes()),
        (Target::Float8, Value::Int(i)) => out.extend_from_slice(&(*i as f64).to_be_bytes()),

        (Target::Numeric, Value::Int(_) | Value::Float(_) | Value::Text(_)) => numeric::encode(value, ty, out)?,

        (Target::Text, v) => write_text(v, ty, out)?,
        (Target::Enum(labels), Value::Text(s)) => {
            // An enum looked up without its labels has an empty list: let the server judge.
            if !labels.is_empty() && !labels.iter().any(|label| label == s) {
                let expected = labels.iter().map(|label| format!("`{label}`")).collect::<Vec<_>>().join(", ");
                return Err(invalid_text(s, format!("one of {expected}")));
            }
            out.extend_from_slice(s.as_bytes());
        }

        (Target::Uuid, Value::Uuid(u)) => out.extend_from_slice(u.as_bytes()),
        (Target::Uuid, Value::Text(s)) => {
            let u = Uuid::parse_str(s)
                .map_err(|_| invalid_text(s, "a uuid like `67e55044-10b1-426f-9247-bb680e5fe0c8`".to_string()))?;
            out.extend_from_slice(u.as_bytes());
        }

        (Target::Timestamp, Value::Timestamp(t)) => {
            let micros = t.timestamp_micros() - PG_EPOCH_OFFSET_MICROS;
            out.extend_from_slice(&micros.to_be_bytes());
        }
        (Target::Date, Value::Timestamp(t)) => {
            let micros = t.timestamp_micros() - PG_EPOCH_OFFSET_MICROS;
            let days = i32::try_from(micros.div_euclid(MICROS_PER_DAY))
                .map_err(|_| out_of_range("a date PostgreSQL can store"))?;
            out.extend_from_slice(&days.to_be_bytes());
        }

        (Target::Json | Target::Jsonb, v) => {
            if let Target::Jsonb = target(ty) {
                // jsonb's binary format is a version byte, then the JSON text.
                out.extend_from_slice(&[1]);
            }
            write_json(v, ty, out)?;
        }

        (_, v) => return Err(SeedError::IncompatibleType { value: v.kind_name(), ty: sql_type_name(ty) }),
    }
    Ok(())
}

fn write_text(value: &Value, ty: &Type, out: &mut BytesMut) -> Result<(), SeedError> {
    match value {
        Value::Text(s) => {
            // PostgreSQL text cannot hold NUL; say so here rather than as an encoding error.
            if s.as_bytes().contains(&0) {
                return Err(SeedError::InvalidText {
                    value: s.replace('\0', "\\0"),
                    ty: sql_type_name(ty),
                    expected: "text without NUL characters".to_string(),
                });
            }
            out.extend_from_slice(s.as_bytes());
        }
        // Integers, uuids and the rest go into text columns as their usual text form, so an
        // `int` generator can fill a `varchar` code column.
        other => {
            let text = other.to_text().unwrap_or_default();
            out.extend_from_slice(text.as_bytes());
        }
    }
    Ok(())
}

fn write_json(value: &Value, ty: &Type, out: &mut BytesMut) -> Result<(), SeedError> {
    match value {
        Value::Text(s) => {
            if serde_json::from_str::<serde_json::Value>(s).is_err() {
                return Err(SeedError::InvalidText {
                    value: s.clone(),
                    ty: sql_type_name(ty),
                    expected: "a JSON document".to_string(),
                });
            }
            out.extend_from_slice(s.as_bytes());
        }
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Float(f) if f.is_finite() => out.extend_from_slice(f.to_string().as_bytes()),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        other => return Err(SeedError::IncompatibleType { value: other.kind_name(), ty: sql_type_name(ty) }),
    }
    Ok(())
}

/// The bytes `value` is written as into a column of type `ty`, or the error's message.
#[cfg(test)]
pub(super) fn encoded(value: &Value, ty: &Type) -> Result<Vec<u8>, String> {
    let mut out = BytesMut::new();
    match value.to_sql(ty, &mut out) {
        Ok(IsNull::No) => Ok(out.to_vec()),
        Ok(IsNull::Yes) => Err("null".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Bytes from hex text, as `SELECT int4send(-2)` prints them (without the `\x`).
#[cfg(test)]
pub(super) fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex")).collect()
}

#[cfg(test)]
pub(super) fn enum_type(labels: &[&str]) -> Type {
    Type::new(
        "status".to_string(),
        0,
        postgres::types::Kind::Enum(labels.iter().map(std::string::ToString::to_string).collect()),
        "public".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use postgres::types::Kind;

    use super::*;

    fn ts(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("test timestamp").with_timezone(&Utc)
    }

    /// Expected bytes are the output of the matching `*send` function on PostgreSQL 15, e.g.
    /// `SELECT int4send(-2)`, `SELECT timestamptz_send('2024-01-02 03:04:05.678901+00')`.
    #[test]
    fn encodes_like_postgres_send_functions() {
        let uuid = Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").expect("test uuid");
        let cases: Vec<(&str, Value, Type, &str)> = vec![
            ("bool true", Value::Bool(true), Type::BOOL, "01"),
            ("int4 negative", Value::Int(-2), Type::INT4, "fffffffe"),
            ("int2", Value::Int(258), Type::INT2, "0102"),
            ("int8", Value::Int(1_234_567_890_123), Type::INT8, "0000011f71fb04cb"),
            ("float8", Value::Float(1.5), Type::FLOAT8, "3ff8000000000000"),
            ("float4", Value::Float(1.5), Type::FLOAT4, "3fc00000"),
            ("int into float8", Value::Int(2), Type::FLOAT8, "4000000000000000"),
            ("uuid", Value::Uuid(uuid), Type::UUID, "a0eebc999c0b4ef8bb6d6bb9bd380a11"),
            (
                "uuid from text",
                Value::Text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into()),
                Type::UUID,
                "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            ),
            ("utf-8 text", Value::Text("héllo".into()), Type::TEXT, "68c3a96c6c6f"),
            ("int into varchar", Value::Int(-42), Type::VARCHAR, "2d3432"),
            ("enum label", Value::Text("ACTIVE".into()), enum_type(&["ACTIVE"]), "414354495645"),
            ("timestamptz", Value::Timestamp(ts("2024-01-02T03:04:05.678901Z")), Type::TIMESTAMPTZ, "0002b0ec85204f35"),
            (
                "timestamp without time zone",
                Value::Timestamp(ts("2024-01-02T03:04:05.678901Z")),
                Type::TIMESTAMP,
                "0002b0ec85204f35",
            ),
            ("date", Value::Timestamp(ts("2024-01-02T23:59:59Z")), Type::DATE, "0000223f"),
            ("jsonb", Value::Text(r#"{"a": 1}"#.into()), Type::JSONB, "017b2261223a20317d"),
            ("json", Value::Text(r#"{"a": 1}"#.into()), Type::JSON, "7b2261223a20317d"),
            ("int into jsonb", Value::Int(7), Type::JSONB, "0137"),
        ];
        for (name, value, ty, expected) in cases {
            assert_eq!(encoded(&value, &ty), Ok(hex(expected)), "{name}");
        }
    }

    #[test]
    fn null_is_null_for_every_type() {
        let mut out = BytesMut::new();
        for ty in [Type::INT4, Type::UUID, Type::JSONB, Type::POINT] {
            assert!(matches!(Value::Null.to_sql(&ty, &mut out), Ok(IsNull::Yes)));
        }
        assert!(out.is_empty());
    }

    #[test]
    fn impossible_pairings_are_clear_errors() {
        let uuid = Value::Uuid(Uuid::nil());
        let cases: Vec<(&str, Value, Type, &str)> = vec![
            ("uuid into integer", uuid, Type::INT4, "cannot write a uuid into a column of type `integer`"),
            (
                "int4 overflow",
                Value::Int(3_000_000_000),
                Type::INT4,
                "value `3000000000` does not fit a column of type `integer` (expected `-2147483648..=2147483647`)",
            ),
            (
                "int2 overflow",
                Value::Int(-40_000),
                Type::INT2,
                "value `-40000` does not fit a column of type `smallint` (expected `-32768..=32767`)",
            ),
            ("text into bool", Value::Text("yes".into()), Type::BOOL, "cannot write text into a column of type `boolean`"),
            (
                "bad uuid text",
                Value::Text("nope".into()),
                Type::UUID,
                "cannot write `nope` into a column of type `uuid` (expected a uuid like `67e55044-10b1-426f-9247-bb680e5fe0c8`)",
            ),
            (
                "unknown enum label",
                Value::Text("GONE".into()),
                enum_type(&["ACTIVE", "INACTIVE"]),
                "cannot write `GONE` into a column of type `status` (expected one of `ACTIVE`, `INACTIVE`)",
            ),
            (
                "text that is not json",
                Value::Text("Alice".into()),
                Type::JSONB,
                "cannot write `Alice` into a column of type `jsonb` (expected a JSON document)",
            ),
            ("float into int", Value::Float(1.5), Type::INT8, "cannot write a float into a column of type `bigint`"),
            (
                "nul in text",
                Value::Text("a\0b".into()),
                Type::TEXT,
                "cannot write `a\\0b` into a column of type `text` (expected text without NUL characters)",
            ),
            ("timestamp into point", Value::Timestamp(ts("2024-01-01T00:00:00Z")), Type::POINT, "cannot write a timestamp into a column of type `point`"),
        ];
        for (name, value, ty, expected) in cases {
            assert_eq!(encoded(&value, &ty), Err(expected.to_string()), "{name}");
        }
    }

    #[test]
    fn errors_in_a_column_name_it() {
        let value = Value::Int(3_000_000_000);
        let mut out = BytesMut::new();
        let error = ColumnValue { column: "agents.size", value: &value }.to_sql(&Type::INT4, &mut out).err();
        let chain = error.map(|e| format!("{e}: {}", e.source().map(ToString::to_string).unwrap_or_default()));
        assert_eq!(
            chain.as_deref(),
            Some(
                "column `agents.size`: value `3000000000` does not fit a column of type `integer` \
                 (expected `-2147483648..=2147483647`)"
            )
        );
        let null = ColumnValue { column: "agents.size", value: &Value::Null }.to_sql(&Type::INT4, &mut out);
        assert!(matches!(null, Ok(IsNull::Yes)) && out.is_empty());
    }

    #[test]
    fn domains_use_their_base_type() {
        let domain = Type::new("email".into(), 0, Kind::Domain(Type::TEXT), "public".into());
        assert_eq!(encoded(&Value::Text("a@b".into()), &domain), Ok(b"a@b".to_vec()));
        let citext = Type::new("citext".into(), 0, Kind::Simple, "public".into());
        assert_eq!(encoded(&Value::Text("A".into()), &citext), Ok(b"A".to_vec()));
    }
}
