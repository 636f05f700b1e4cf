//! One generated cell, and how it travels to and from PostgreSQL. Generators produce [`Value`]s
//! without knowing the column's SQL type; the binary encoding is chosen here, from the target
//! type the COPY writer hands over, so one generator serves `integer`, `bigint`, `numeric` and
//! `text` columns alike. Reading is the mirror image, used to fetch a parent table's keys for
//! foreign keys. Deciding which value goes in which row is the generators' job, not this file's.
//!
//! Binary formats follow the `*send`/`*recv` functions of PostgreSQL's `src/backend/utils/adt`,
//! see <https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-FORMAT-CODES>.

use std::error::Error as StdError;
use std::fmt::Write as _;

use bytes::BytesMut;
use chrono::{DateTime, SecondsFormat, Utc};
use postgres::types::{to_sql_checked, FromSql, IsNull, Kind, ToSql, Type};
use uuid::Uuid;

use super::error::SeedError;

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

/// Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01 00:00:00 UTC.
const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800_000_000;
const MICROS_PER_DAY: i64 = 86_400_000_000;

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
    fn kind_name(&self) -> &'static str {
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

    /// A 128-bit fingerprint used by uniqueness sets instead of storing every value twice. Two
    /// different values share one only by a 2^-128-scale accident, and then the generator just
    /// draws again: a fingerprint never lets a duplicate through.
    pub(crate) fn fingerprint(&self) -> u128 {
        match self {
            Value::Null => fingerprint_bytes(0, &[]),
            Value::Bool(b) => fingerprint_bytes(1, &[u8::from(*b)]),
            Value::Int(i) => fingerprint_bytes(2, &i.to_le_bytes()),
            Value::Float(f) => fingerprint_bytes(3, &f.to_bits().to_le_bytes()),
            Value::Text(s) => fingerprint_bytes(4, s.as_bytes()),
            Value::Uuid(u) => fingerprint_bytes(5, u.as_bytes()),
            Value::Timestamp(t) => fingerprint_bytes(6, &t.timestamp_micros().to_le_bytes()),
        }
    }
}

/// FNV-1a, 128-bit, over a type tag and the bytes. Stable across Rust releases, unlike std's
/// `DefaultHasher`, so which rows a generator retries never depends on the toolchain.
pub(crate) fn fingerprint_bytes(tag: u8, bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = (OFFSET ^ u128::from(tag)).wrapping_mul(PRIME);
    for &byte in bytes {
        hash = (hash ^ u128::from(byte)).wrapping_mul(PRIME);
    }
    hash
}

/// The type's name as a user writes it in SQL (`integer`, not `int4`).
fn sql_type_name(ty: &Type) -> String {
    let name = match *ty {
        Type::BOOL => "boolean",
        Type::INT2 => "smallint",
        Type::INT4 => "integer",
        Type::INT8 => "bigint",
        Type::FLOAT4 => "real",
        Type::FLOAT8 => "double precision",
        Type::VARCHAR => "character varying",
        Type::BPCHAR => "character",
        Type::TIMESTAMPTZ => "timestamp with time zone",
        Type::TIMESTAMP => "timestamp without time zone",
        _ => ty.name(),
    };
    name.to_string()
}

/// The binary format a column expects, with domains resolved to their base type.
enum Target<'a> {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    /// An enum's binary format is its label; the labels are known when the type was looked up.
    Enum(&'a [String]),
    Uuid,
    Timestamp,
    Date,
    Json,
    Jsonb,
    Other,
}

fn target(ty: &Type) -> Target<'_> {
    match ty.kind() {
        Kind::Domain(base) => return target(base),
        Kind::Enum(labels) => return Target::Enum(labels),
        _ => {}
    }
    match *ty {
        Type::BOOL => Target::Bool,
        Type::INT2 => Target::Int2,
        Type::INT4 => Target::Int4,
        Type::INT8 => Target::Int8,
        Type::FLOAT4 => Target::Float4,
        Type::FLOAT8 => Target::Float8,
        Type::NUMERIC => Target::Numeric,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => Target::Text,
        Type::UUID => Target::Uuid,
        Type::TIMESTAMPTZ | Type::TIMESTAMP => Target::Timestamp,
        Type::DATE => Target::Date,
        Type::JSON => Target::Json,
        Type::JSONB => Target::Jsonb,
        // citext is an extension type with no fixed OID; its binary format is text's.
        _ if ty.name() == "citext" => Target::Text,
        _ => Target::Other,
    }
}

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

        (Target::Numeric, Value::Int(i)) => {
            let numeric = parse_numeric(&i.to_string()).ok_or_else(|| out_of_range("a number"))?;
            write_numeric(&numeric, out);
        }
        (Target::Numeric, Value::Float(f)) => {
            // Display never uses an exponent and gives the shortest text that reads back to
            // the same float, so `0.1` is written as `0.1`, not `0.1000000000000000055...`.
            let numeric = parse_numeric(&f.to_string())
                .ok_or_else(|| out_of_range("a number within PostgreSQL's numeric limits"))?;
            write_numeric(&numeric, out);
        }
        (Target::Numeric, Value::Text(s)) => {
            let numeric =
                parse_numeric(s).ok_or_else(|| invalid_text(s, "a decimal number like `12.50`".to_string()))?;
            write_numeric(&numeric, out);
        }

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

/// A number in PostgreSQL's numeric layout: base-10000 digits, the weight (power of 10000) of
/// the first one, and the display scale.
#[derive(Debug, PartialEq)]
struct Numeric {
    sign: u16,
    weight: i16,
    dscale: u16,
    digits: Vec<i16>,
}

const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;
/// PostgreSQL's limits: 131072 digits before the point, 16383 after.
const NUMERIC_MAX_DSCALE: i64 = 16383;
const NUMERIC_MAX_EXPONENT: i64 = 131_072;

fn numeric_special(sign: u16) -> Numeric {
    Numeric { sign, weight: 0, dscale: 0, digits: Vec::new() }
}

/// Parses what `numeric_in` accepts: an optional sign, digits with an optional point, an
/// optional exponent, or `NaN` / `Infinity`; surrounding spaces are ignored.
fn parse_numeric(text: &str) -> Option<Numeric> {
    let s = text.trim();
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case("nan") {
        return (!negative && body.len() == s.len()).then(|| numeric_special(NUMERIC_NAN));
    }
    if body.eq_ignore_ascii_case("infinity") || body.eq_ignore_ascii_case("inf") {
        return Some(numeric_special(if negative { NUMERIC_NINF } else { NUMERIC_PINF }));
    }

    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => {
            let exponent: i64 = body[at + 1..].parse().ok()?;
            if exponent.abs() > NUMERIC_MAX_EXPONENT {
                return None;
            }
            (&body[..at], exponent)
        }
        None => (body, 0),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, ""),
    };
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty()) || !all_digits(int_part) || !all_digits(frac_part) {
        return None;
    }

    // The mantissa's digits, with the decimal point `point` digits from the left.
    let digits = || int_part.bytes().chain(frac_part.bytes()).map(|b| i64::from(b - b'0'));
    let count = (int_part.len() + frac_part.len()) as i64;
    let point = int_part.len() as i64 + exponent;
    let dscale = (count - point).max(0);
    if dscale > NUMERIC_MAX_DSCALE || point > NUMERIC_MAX_EXPONENT {
        return None;
    }

    // Digit k is worth 10^(point - 1 - k); it lands in base-10000 group floor(place / 4).
    let top = (point - 1).div_euclid(4);
    let bottom = (point - count).div_euclid(4);
    let mut groups = vec![0i64; (top - bottom + 1) as usize];
    for (k, digit) in digits().enumerate() {
        let place = point - 1 - k as i64;
        let group = place.div_euclid(4);
        groups[(top - group) as usize] += digit * 10i64.pow(place.rem_euclid(4) as u32);
    }

    let first = groups.iter().position(|&g| g != 0);
    let last = groups.iter().rposition(|&g| g != 0);
    let (Some(first), Some(last)) = (first, last) else {
        // Zero keeps its scale (`0.00`) but no digits and no sign.
        return Some(Numeric { sign: NUMERIC_POS, weight: 0, dscale: dscale as u16, digits: Vec::new() });
    };
    Some(Numeric {
        sign: if negative { NUMERIC_NEG } else { NUMERIC_POS },
        weight: i16::try_from(top - first as i64).ok()?,
        dscale: dscale as u16,
        digits: groups[first..=last].iter().map(|&g| g as i16).collect(),
    })
}

fn write_numeric(numeric: &Numeric, out: &mut BytesMut) {
    out.extend_from_slice(&(numeric.digits.len() as i16).to_be_bytes());
    out.extend_from_slice(&numeric.weight.to_be_bytes());
    out.extend_from_slice(&numeric.sign.to_be_bytes());
    out.extend_from_slice(&numeric.dscale.to_be_bytes());
    for digit in &numeric.digits {
        out.extend_from_slice(&digit.to_be_bytes());
    }
}

fn read_numeric(ty: &Type, raw: &[u8]) -> Result<Value, SeedError> {
    let malformed = |problem: &str| SeedError::MalformedBinary { ty: sql_type_name(ty), problem: problem.to_string() };
    let word = |at: usize| -> Result<[u8; 2], SeedError> {
        raw.get(at..at + 2).and_then(|b| b.try_into().ok()).ok_or_else(|| malformed("truncated numeric"))
    };
    let ndigits = i16::from_be_bytes(word(0)?);
    let weight = i16::from_be_bytes(word(2)?);
    let sign = u16::from_be_bytes(word(4)?);
    let dscale = u16::from_be_bytes(word(6)?);
    if ndigits < 0 || raw.len() != 8 + 2 * ndigits as usize {
        return Err(malformed("digit count does not match the length"));
    }
    let digits: Vec<i16> =
        (0..ndigits as usize).map(|i| word(8 + 2 * i).map(i16::from_be_bytes)).collect::<Result<_, _>>()?;
    if digits.iter().any(|&d| !(0..10000).contains(&d)) {
        return Err(malformed("digit outside `0..=9999`"));
    }
    let negative = match sign {
        NUMERIC_POS => false,
        NUMERIC_NEG => true,
        NUMERIC_NAN => return Ok(Value::Float(f64::NAN)),
        NUMERIC_PINF => return Ok(Value::Float(f64::INFINITY)),
        NUMERIC_NINF => return Ok(Value::Float(f64::NEG_INFINITY)),
        _ => return Err(malformed("unknown sign")),
    };

    // Whole numbers that fit become integers, so a numeric key can be referenced from an
    // integer column; anything else stays exact as decimal text.
    let digit_at = |w: i64| -> i64 {
        let index = i64::from(weight) - w;
        if (0..i64::from(ndigits)).contains(&index) {
            i64::from(digits[index as usize])
        } else {
            0
        }
    };
    // An i64 has at most 19 digits: five base-10000 groups, weights 4 down to 0.
    if dscale == 0 && weight <= 4 {
        let magnitude =
            (0..=i64::from(weight).max(0)).rev().fold(0i128, |acc, w| acc * 10000 + i128::from(digit_at(w)));
        let signed = if negative { -magnitude } else { magnitude };
        if let Ok(int) = i64::try_from(signed) {
            return Ok(Value::Int(int));
        }
    }

    let mut text = String::new();
    if negative && !digits.is_empty() {
        text.push('-');
    }
    if weight < 0 {
        text.push('0');
    } else {
        for w in (0..=i64::from(weight)).rev() {
            if w == i64::from(weight) {
                let _ = write!(text, "{}", digit_at(w));
            } else {
                let _ = write!(text, "{:04}", digit_at(w));
            }
        }
    }
    if dscale > 0 {
        text.push('.');
        let mut fraction = String::new();
        let mut w = -1;
        while fraction.len() < usize::from(dscale) {
            let _ = write!(fraction, "{:04}", digit_at(w));
            w -= 1;
        }
        fraction.truncate(usize::from(dscale));
        text.push_str(&fraction);
    }
    Ok(Value::Text(text))
}

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
        Target::Numeric => read_numeric(ty, raw)?,
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
    use super::*;
    use chrono::TimeZone;

    fn encoded(value: &Value, ty: &Type) -> Result<Vec<u8>, String> {
        let mut out = BytesMut::new();
        match value.to_sql(ty, &mut out) {
            Ok(IsNull::No) => Ok(out.to_vec()),
            Ok(IsNull::Yes) => Err("null".to_string()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex")).collect()
    }

    fn ts(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("test timestamp").with_timezone(&Utc)
    }

    fn enum_type(labels: &[&str]) -> Type {
        Type::new(
            "status".to_string(),
            0,
            Kind::Enum(labels.iter().map(std::string::ToString::to_string).collect()),
            "public".to_string(),
        )
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

    /// Expected bytes from `SELECT numeric_send(<text>::numeric)` on PostgreSQL 15.
    #[test]
    fn encodes_numeric_like_numeric_send() {
        let cases = [
            ("123.45", "0002000000000002007b1194"),
            ("0", "0000000000000000"),
            ("0.00", "0000000000000002"),
            ("-1", "00010000400000000001"),
            ("1", "00010000000000000001"),
            ("10000", "00010001000000000001"),
            ("12345678", "000200010000000004d2162e"),
            ("0.0001", "0001ffff000000040001"),
            ("0.00001", "0001fffe0000000503e8"),
            ("-0.5", "0001ffff400000011388"),
            ("1e20", "00010005000000000001"),
            ("123.450", "0002000000000003007b1194"),
            ("9999.9999", "0002000000000004270f270f"),
            ("1.5e-7", "0001fffe00000008000f"),
            ("3.14159265358979", "000500000000000e0003058724310e051edc"),
            ("-9223372036854775808", "0005000440000000039a0d2c0170156516b0"),
            ("100000000", "00010002000000000001"),
            ("NaN", "00000000c0000000"),
            ("0.1", "0001ffff0000000103e8"),
        ];
        for (text, expected) in cases {
            let from_text = encoded(&Value::Text(text.into()), &Type::NUMERIC);
            assert_eq!(from_text, Ok(hex(expected)), "text {text}");
        }
        let typed = [
            ("int 123", Value::Int(12_345_678), "000200010000000004d2162e"),
            ("int min", Value::Int(i64::MIN), "0005000440000000039a0d2c0170156516b0"),
            ("int zero", Value::Int(0), "0000000000000000"),
            ("float 0.1", Value::Float(0.1), "0001ffff0000000103e8"),
            ("float 123.45", Value::Float(123.45), "0002000000000002007b1194"),
            ("float -0.5", Value::Float(-0.5), "0001ffff400000011388"),
            ("float 1.5e-7", Value::Float(1.5e-7), "0001fffe00000008000f"),
            ("float 1e20", Value::Float(1e20), "00010005000000000001"),
            ("float nan", Value::Float(f64::NAN), "00000000c0000000"),
        ];
        for (name, value, expected) in typed {
            assert_eq!(encoded(&value, &Type::NUMERIC), Ok(hex(expected)), "{name}");
        }
    }

    #[test]
    fn reads_back_what_it_writes() {
        let cases: Vec<(&str, Value, Type)> = vec![
            ("bool", Value::Bool(false), Type::BOOL),
            ("int2", Value::Int(-300), Type::INT2),
            ("int4", Value::Int(70_000), Type::INT4),
            ("int8", Value::Int(i64::MAX), Type::INT8),
            ("float8", Value::Float(-2.25), Type::FLOAT8),
            ("numeric integer", Value::Int(-123_456_789), Type::NUMERIC),
            ("numeric decimal", Value::Text("-123.4500".into()), Type::NUMERIC),
            ("numeric small", Value::Text("0.00001".into()), Type::NUMERIC),
            ("numeric big", Value::Text("123456789012345678901234567890".into()), Type::NUMERIC),
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
                "bad numeric text",
                Value::Text("12,5".into()),
                Type::NUMERIC,
                "cannot write `12,5` into a column of type `numeric` (expected a decimal number like `12.50`)",
            ),
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
    fn domains_use_their_base_type() {
        let domain = Type::new("email".into(), 0, Kind::Domain(Type::TEXT), "public".into());
        assert_eq!(encoded(&Value::Text("a@b".into()), &domain), Ok(b"a@b".to_vec()));
        let citext = Type::new("citext".into(), 0, Kind::Simple, "public".into());
        assert_eq!(encoded(&Value::Text("A".into()), &citext), Ok(b"A".to_vec()));
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
            ("truncated numeric", Type::NUMERIC, vec![0, 1], "malformed binary value of type `numeric` (truncated numeric)"),
        ];
        for (name, ty, raw, expected) in cases {
            let got = Value::from_sql(&ty, &raw).map_err(|e| e.to_string());
            assert_eq!(got, Err(expected.to_string()), "{name}");
        }
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
}
