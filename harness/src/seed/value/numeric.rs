//! NUMERIC values, through `rust_decimal`: an integer, a float or decimal text (a `one-of`
//! value, say) becomes a [`Decimal`] that the crate writes in `numeric_send`'s format, and a
//! parent's numeric key is read back the same way. Choosing this format for a column is
//! `target`'s business; the other types are `encode`'s and `decode`'s.
//!
//! rust_decimal holds a 96-bit mantissa with at most 28 places after the point: 28 significant
//! digits always fit, 29 below `7.9e28`. PostgreSQL's numeric goes much further, so a value
//! outside that range is an error that says so, never a rounded value (the crate's own text
//! parser and reader round; this file uses its exact parser and checks what its reader would
//! round). NaN and ±Infinity, which numeric has and rust_decimal cannot express, keep the only
//! hand-written part: the 8-byte header `numeric_send` gives them, written and read here.
//! See <https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-NUMERIC-DECIMAL>.

use bytes::BytesMut;
use postgres::types::{FromSql, ToSql, Type};
use rust_decimal::Decimal;

use super::cell::Value;
use super::target::sql_type_name;
use crate::seed::error::SeedError;

/// What a numeric value must be for planproof to write (or read) it exactly.
const RANGE: &str = "at most 28 significant digits and 28 places after the point";

/// The sign word of `numeric_send`'s header (`src/backend/utils/adt/numeric.c`).
const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;
/// rust_decimal's largest scale: base-10000 digit groups of weight below `-7` lie past it.
const MAX_SCALE: u32 = 28;
const LAST_EXACT_WEIGHT: i32 = -7;
/// The weight of the highest digit group rust_decimal can hold (`10000^7`, its range being
/// below `7.9e28`).
const LAST_INTEGER_WEIGHT: i16 = 7;

/// A value a numeric column can hold.
#[derive(Debug, PartialEq)]
pub(super) enum Numeric {
    Finite(Decimal),
    NaN,
    Infinity,
    NegativeInfinity,
}

/// Why text is not a numeric planproof can write.
#[derive(Debug, PartialEq)]
pub(super) enum Problem {
    /// Not what `numeric_in` reads.
    NotANumber,
    /// A number, but outside [`RANGE`].
    OutOfRange,
}

impl Numeric {
    pub(super) fn from_int(i: i64) -> Self {
        Numeric::Finite(Decimal::from(i))
    }

    /// `None` when the float is outside [`RANGE`].
    pub(super) fn from_float(f: f64) -> Option<Self> {
        if f.is_nan() {
            Some(Numeric::NaN)
        } else if f.is_infinite() {
            Some(if f > 0.0 { Numeric::Infinity } else { Numeric::NegativeInfinity })
        } else {
            // Display never uses an exponent and gives the shortest text that reads back to
            // the same float, so `0.1` is written as `0.1`, not `0.1000000000000000055...`.
            Numeric::parse(&f.to_string()).ok()
        }
    }

    /// Reads what `numeric_in` accepts: an optional sign, digits with an optional point, an
    /// optional exponent, or `NaN` / `Infinity` / `inf`; surrounding spaces are ignored. The
    /// display scale is `numeric_in`'s too: `1.50` keeps two places, `1.5e3` has none.
    pub(super) fn parse(text: &str) -> Result<Self, Problem> {
        let s = text.trim();
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if body.eq_ignore_ascii_case("nan") {
            // PostgreSQL reads no sign before NaN.
            return if body.len() == s.len() { Ok(Numeric::NaN) } else { Err(Problem::NotANumber) };
        }
        if body.eq_ignore_ascii_case("infinity") || body.eq_ignore_ascii_case("inf") {
            return Ok(if negative { Numeric::NegativeInfinity } else { Numeric::Infinity });
        }
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], exponent(&body[at + 1..])?),
            None => (body, 0),
        };
        // rust_decimal's parser also reads `1_000`, which `numeric_in` before PostgreSQL 16 does
        // not: the syntax is checked here so that a value means the same on every version.
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty()) || !all_digits(int_part) || !all_digits(frac_part) {
            return Err(Problem::NotANumber);
        }
        let mut decimal = Decimal::from_str_exact(mantissa).map_err(|_| Problem::OutOfRange)?;
        // Zero has no sign in numeric.
        decimal.set_sign_negative(negative && !decimal.is_zero());
        // `1.5e3` is 15 with scale 1 - 3 = -2: scale 0 and the mantissa times 10^2.
        let scale = i64::from(decimal.scale()) - exponent;
        if scale >= 0 {
            let scale = u32::try_from(scale).map_err(|_| Problem::OutOfRange)?;
            decimal.set_scale(scale).map_err(|_| Problem::OutOfRange)?;
        } else {
            decimal.set_scale(0).map_err(|_| Problem::OutOfRange)?;
            if !decimal.is_zero() {
                for _ in scale..0 {
                    decimal = decimal.checked_mul(Decimal::TEN).ok_or(Problem::OutOfRange)?;
                }
            }
        }
        Ok(Numeric::Finite(decimal))
    }
}

/// The exponent after `e`: an optional sign and digits. One too large for an `i64` is a
/// number all the same, just out of range.
fn exponent(text: &str) -> Result<i64, Problem> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotANumber);
    }
    text.parse().map_err(|_| Problem::OutOfRange)
}

/// Appends the binary form of an integer, a float or decimal text. Kept out of line, so that
/// `encode`, inlined into every cell's `to_sql`, stays small for the other types.
#[inline(never)]
pub(super) fn encode(value: &Value, ty: &Type, out: &mut BytesMut) -> Result<(), SeedError> {
    let out_of_range = || SeedError::OutOfRange {
        value: value.to_text().unwrap_or_default(),
        ty: sql_type_name(ty),
        expected: RANGE.to_string(),
    };
    let numeric = match value {
        Value::Int(i) => Numeric::from_int(*i),
        Value::Float(f) => Numeric::from_float(*f).ok_or_else(out_of_range)?,
        Value::Text(s) => Numeric::parse(s).map_err(|problem| match problem {
            Problem::NotANumber => SeedError::InvalidText {
                value: s.clone(),
                ty: sql_type_name(ty),
                expected: "a decimal number like `12.50`".to_string(),
            },
            Problem::OutOfRange => out_of_range(),
        })?,
        other => return Err(SeedError::IncompatibleType { value: other.kind_name(), ty: sql_type_name(ty) }),
    };
    write(&numeric, out)
}

/// Appends `numeric`'s binary form.
fn write(numeric: &Numeric, out: &mut BytesMut) -> Result<(), SeedError> {
    let sign = match numeric {
        Numeric::Finite(decimal) => return write_decimal(decimal, out),
        Numeric::NaN => NUMERIC_NAN,
        Numeric::Infinity => NUMERIC_PINF,
        Numeric::NegativeInfinity => NUMERIC_NINF,
    };
    // No digits, weight 0, the sign word, display scale 0.
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    Ok(())
}

fn write_decimal(decimal: &Decimal, out: &mut BytesMut) -> Result<(), SeedError> {
    let start = out.len();
    decimal.to_sql(&Type::NUMERIC, out).map_err(|_| SeedError::OutOfRange {
        value: decimal.to_string(),
        ty: "numeric".to_string(),
        expected: RANGE.to_string(),
    })?;
    if decimal.is_zero() {
        // rust_decimal writes every zero with display scale 0, where `numeric_send` keeps the
        // zero's own (`0.00`), and so does the text PostgreSQL then shows and checksums.
        let scale = u16::try_from(decimal.scale()).unwrap_or(0);
        if let Some(dscale) = out.get_mut(start + 6..start + 8) {
            dscale.copy_from_slice(&scale.to_be_bytes());
        }
    }
    Ok(())
}

/// Reads `numeric_send`'s format: whole numbers that fit become integers, so a numeric key can
/// be referenced from an integer column; anything else stays exact as decimal text, and the
/// special values become floats.
pub(super) fn read(ty: &Type, raw: &[u8]) -> Result<Value, SeedError> {
    let malformed = |problem: &str| SeedError::MalformedBinary { ty: sql_type_name(ty), problem: problem.to_string() };
    let word = |at: usize| -> Result<[u8; 2], SeedError> {
        raw.get(at..at + 2).and_then(|b| b.try_into().ok()).ok_or_else(|| malformed("truncated numeric"))
    };
    let ndigits = u16::from_be_bytes(word(0)?);
    let weight = i16::from_be_bytes(word(2)?);
    let sign = u16::from_be_bytes(word(4)?);
    word(6)?;
    if raw.len() != 8 + 2 * usize::from(ndigits) {
        return Err(malformed("digit count does not match the length"));
    }
    match sign {
        NUMERIC_POS | NUMERIC_NEG => {}
        NUMERIC_NAN => return Ok(Value::Float(f64::NAN)),
        NUMERIC_PINF => return Ok(Value::Float(f64::INFINITY)),
        NUMERIC_NINF => return Ok(Value::Float(f64::NEG_INFINITY)),
        _ => return Err(malformed("unknown sign")),
    }
    let out_of_range = || SeedError::UnsupportedRead { ty: sql_type_name(ty), expected: RANGE };
    // A first group of weight 8 is at least 1e32, past rust_decimal's range, and its reader
    // panics on one instead of failing (so does it on a digitless zero of weight 7 or more).
    if weight > LAST_INTEGER_WEIGHT || i32::from(weight) - i32::from(ndigits) >= i32::from(LAST_INTEGER_WEIGHT) {
        return Err(out_of_range());
    }
    for (i, w) in (0..usize::from(ndigits)).zip((i32::MIN..=i32::from(weight)).rev()) {
        let digit = u16::from_be_bytes(word(8 + 2 * i)?);
        if digit > 9999 {
            return Err(malformed("digit outside `0..=9999`"));
        }
        // rust_decimal rounds a digit past the 28th place instead of failing.
        if w < LAST_EXACT_WEIGHT && digit != 0 {
            return Err(out_of_range());
        }
    }
    // A display scale past 28 whose extra places are all zero (checked above) comes back with
    // 28: the same number, with fewer trailing zeros.
    let decimal = Decimal::from_sql(&Type::NUMERIC, raw).map_err(|_| out_of_range())?;
    debug_assert!(decimal.scale() <= MAX_SCALE);
    if decimal.scale() == 0 {
        if let Ok(int) = i64::try_from(decimal) {
            return Ok(Value::Int(int));
        }
    }
    Ok(Value::Text(decimal.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::encode::{encoded, hex};
    use super::*;

    /// The bytes written for `value`, less trailing zero digit groups: rust_decimal writes
    /// `10000` as the groups `1, 0` where `numeric_send` gives `1`. Both mean the same number,
    /// and `numeric_recv` strips them, so what PostgreSQL stores is the same (the round trip
    /// against a real server below checks that).
    fn numeric(value: Value) -> Result<Vec<u8>, String> {
        let mut bytes = encoded(&value, &Type::NUMERIC)?;
        while bytes.len() > 8 && bytes[bytes.len() - 2..] == [0, 0] {
            bytes.truncate(bytes.len() - 2);
            let ndigits = u16::from_be_bytes([bytes[0], bytes[1]]) - 1;
            bytes[..2].copy_from_slice(&ndigits.to_be_bytes());
        }
        Ok(bytes)
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
            assert_eq!(numeric(Value::Text(text.into())), Ok(hex(expected)), "text {text}");
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
            assert_eq!(numeric(value), Ok(hex(expected)), "{name}");
        }
    }

    fn parsed(text: &str) -> Result<String, Problem> {
        Numeric::parse(text).map(|n| match n {
            Numeric::Finite(d) => format!("{d} (scale {})", d.scale()),
            special => format!("{special:?}"),
        })
    }

    #[test]
    fn reads_text_as_numeric_in_does() {
        let cases = [
            ("plain", "123.450", Ok("123.450 (scale 3)")),
            ("spaces around", "  -12.5 ", Ok("-12.5 (scale 1)")),
            ("plus sign", "+5", Ok("5 (scale 0)")),
            ("no integer part", ".5", Ok("0.5 (scale 1)")),
            ("no fraction digits", "5.", Ok("5 (scale 0)")),
            ("negative zero", "-0.00", Ok("0.00 (scale 2)")),
            ("exponent keeps the places left", "1.2345e2", Ok("123.45 (scale 2)")),
            ("exponent past the places", "1.50e3", Ok("1500 (scale 0)")),
            ("explicit plus exponent", "1E+5", Ok("100000 (scale 0)")),
            ("negative exponent", "1.000e-2", Ok("0.01000 (scale 5)")),
            ("zero with a large exponent", "0e40", Ok("0 (scale 0)")),
            ("28 places", "0.0000000000000000000000000001", Ok("0.0000000000000000000000000001 (scale 28)")),
            ("28 digits", "1234567890123456789012345678", Ok("1234567890123456789012345678 (scale 0)")),
            ("nan", "NaN", Ok("NaN")),
            ("nan in any case", "nan", Ok("NaN")),
            ("infinity", "Infinity", Ok("Infinity")),
            ("inf", "inf", Ok("Infinity")),
            ("minus infinity", "-Infinity", Ok("NegativeInfinity")),
            ("29 places", "0.00000000000000000000000000001", Err(Problem::OutOfRange)),
            ("30 digits", "123456789012345678901234567890", Err(Problem::OutOfRange)),
            ("30 significant digits", "12345678901234567890.1234567890", Err(Problem::OutOfRange)),
            ("exponent past the range", "1e29", Err(Problem::OutOfRange)),
            ("tiny exponent", "1e-29", Err(Problem::OutOfRange)),
            ("exponent beyond i64", "1e99999999999999999999", Err(Problem::OutOfRange)),
            ("comma", "12,5", Err(Problem::NotANumber)),
            ("underscores", "1_000", Err(Problem::NotANumber)),
            ("signed nan", "+NaN", Err(Problem::NotANumber)),
            ("empty", "", Err(Problem::NotANumber)),
            ("point alone", ".", Err(Problem::NotANumber)),
            ("exponent alone", "e5", Err(Problem::NotANumber)),
            ("exponent without digits", "1e", Err(Problem::NotANumber)),
            ("two points", "1.2.3", Err(Problem::NotANumber)),
        ];
        for (name, text, expected) in cases {
            assert_eq!(parsed(text), expected.map(str::to_string), "{name}");
        }
    }

    #[test]
    fn reads_back_what_it_writes() {
        let cases = [
            ("integer", Value::Int(-123_456_789), "-123456789"),
            ("decimal text", Value::Text("-123.4500".into()), "-123.4500"),
            ("small", Value::Text("0.00001".into()), "0.00001"),
            ("zero keeps its places", Value::Text("0.00".into()), "0.00"),
            ("28 digits", Value::Text("1234567890123456789012345678".into()), "1234567890123456789012345678"),
            ("float", Value::Float(0.1), "0.1"),
            ("nan", Value::Float(f64::NAN), "NaN"),
            ("infinity text", Value::Text("Infinity".into()), "inf"),
            ("minus infinity", Value::Float(f64::NEG_INFINITY), "-inf"),
        ];
        for (name, value, expected) in cases {
            let bytes = encoded(&value, &Type::NUMERIC).expect(name);
            let back = read(&Type::NUMERIC, &bytes).map_err(|e| e.to_string());
            assert_eq!(back.map(|v| v.to_text()), Ok(Some(expected.to_string())), "{name}");
        }
        // Whole numbers come back as integers, so an integer column can reference them.
        let bytes = encoded(&Value::Text("42".into()), &Type::NUMERIC).expect("42");
        assert_eq!(read(&Type::NUMERIC, &bytes).ok(), Some(Value::Int(42)));
    }

    #[test]
    fn values_out_of_range_are_errors_not_rounded() {
        let expected = "(expected at most 28 significant digits and 28 places after the point)";
        let cases = [
            ("30 digits", Value::Text("123456789012345678901234567890".into()), "123456789012345678901234567890"),
            ("29 places", Value::Text("0.00000000000000000000000000001".into()), "0.00000000000000000000000000001"),
            ("large float", Value::Float(1e30), "1000000000000000000000000000000"),
            ("tiny float", Value::Float(1e-30), "0.000000000000000000000000000001"),
        ];
        for (name, value, shown) in cases {
            let message = format!("value `{shown}` does not fit a column of type `numeric` {expected}");
            assert_eq!(encoded(&value, &Type::NUMERIC), Err(message), "{name}");
        }
        assert_eq!(
            encoded(&Value::Text("12,5".into()), &Type::NUMERIC),
            Err("cannot write `12,5` into a column of type `numeric` (expected a decimal number like `12.50`)".into())
        );
    }

    #[test]
    fn unreadable_numerics_are_clear_errors() {
        let range = "cannot read a value of type `numeric` (expected at most 28 significant digits and 28 places after the point)";
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("truncated", vec![0, 1], "malformed binary value of type `numeric` (truncated numeric)"),
            (
                "length",
                hex("000100000000000000010000"),
                "malformed binary value of type `numeric` (digit count does not match the length)",
            ),
            (
                "digit",
                hex("00010000000000002710"),
                "malformed binary value of type `numeric` (digit outside `0..=9999`)",
            ),
            ("sign", hex("0000000012340000"), "malformed binary value of type `numeric` (unknown sign)"),
            // 1e-32 (one group of weight -8), as `numeric_send('1e-32')` gives it.
            ("past 28 places", hex("0001fff800000020000a"), range),
            // 1e32 (one group of weight 8).
            ("past the mantissa", hex("00010008000000000001"), range),
        ];
        for (name, raw, expected) in cases {
            assert_eq!(read(&Type::NUMERIC, &raw).map_err(|e| e.to_string()), Err(expected.to_string()), "{name}");
        }
        // Places past the 28th that are all zero lose nothing: `numeric(40,30)`'s 1.5.
        assert_eq!(
            read(&Type::NUMERIC, &hex("000200000000001e00011388")).map(|v| v.to_text()).ok().flatten(),
            Some("1.5000000000000000000000000000".to_string())
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        // The reader sees what a server (or something posing as one) sends: any bytes give a
        // value or an error. Headers are drawn around the interesting weights and lengths.
        use rand::{Rng, RngExt};
        let mut rng = crate::seed::column_rng(1, "numeric", "fuzz");
        for _ in 0..200_000 {
            let ndigits: u16 = rng.random_range(0..12);
            let weight: i16 = rng.random_range(-40..40);
            let sign = [NUMERIC_POS, NUMERIC_NEG, NUMERIC_NAN, 0x1234][rng.random_range(0..4)];
            let dscale: u16 = rng.random_range(0..60);
            let mut raw = Vec::new();
            for word in [ndigits, weight as u16, sign, dscale] {
                raw.extend_from_slice(&word.to_be_bytes());
            }
            for _ in 0..ndigits {
                let digit: u16 =
                    if rng.random_range(0..8) == 0 { rng.next_u32() as u16 } else { rng.random_range(0..10_000) };
                raw.extend_from_slice(&digit.to_be_bytes());
            }
            if rng.random_range(0..16) == 0 {
                raw.pop();
            }
            let _ = read(&Type::NUMERIC, &raw);
        }
    }
}
