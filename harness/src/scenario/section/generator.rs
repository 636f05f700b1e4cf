//! The registry of generators: [`GenKind`], what kind of value a column holds, and the table of
//! generators a column names with `gen` — each row a name, the keys that generator takes
//! beyond the common modifiers, and how those keys validate into its `GenKind`. The "expected
//! one of …" texts and the "does not apply to" errors are built from it, and so is the list the
//! scenario reference is checked against. Adding a generator is one variant and one row here,
//! its values in the seed stage (`seed/generator/`) and a row of the reference. Which source a
//! column has (`gen`, `one-of`, `references`), and its modifiers, are `column`'s.

use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};

use super::column::{Literal, RawColumn};
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};

/// What kind of value a column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum GenKind {
    /// Random version-4 UUIDs.
    Uuid,
    /// 64 lowercase hex characters, the SHA-256 of a per-row secret (API key and PAK hashes).
    Sha256Hex,
    /// A random URL-safe token of `length` characters after `prefix`.
    Token { length: usize, prefix: String },
    /// A person's first name.
    FirstName,
    /// A person's last name.
    LastName,
    /// "First Last".
    FullName,
    /// A plausible e-mail address.
    Email,
    /// One lowercase word.
    Word,
    /// A short sentence of words.
    Sentence,
    /// A company name.
    CompanyName,
    /// Uniform integers in `min..=max`.
    Int { min: i64, max: i64 },
    /// Uniform floats in `min..max`.
    Float { min: f64, max: f64 },
    /// Consecutive integers `min, min+1, ...` by row number (surrogate keys), as `min` says.
    Sequence { min: i64 },
    /// Uniform instants in `start..end`.
    Timestamp { start: DateTime<Utc>, end: DateTime<Utc> },
    /// `true` with probability `true_ratio`.
    Bool { true_ratio: f64 },
    /// One of `values`, picked with the given relative `weights` (same length, all > 0).
    OneOf { values: Vec<Literal>, weights: Vec<u32> },
    /// A value of `column` from a row of `table`, which is seeded first.
    Ref { table: String, column: String },
}

/// What a generator's validation reads: who is asking (for messages), the column's keys, and
/// where `gen` is written (for errors about keys left at their defaults).
pub(crate) struct GenArgs<'a> {
    pub(crate) who: &'a str,
    pub(crate) raw: &'a RawColumn,
    pub(crate) at: Range<usize>,
}

/// One generator `gen` can name.
pub(crate) struct Generator {
    /// The name `gen` takes: `sha256-hex`.
    pub(crate) name: &'static str,
    /// The keys it takes beyond the common ones, in the order errors list them.
    pub(crate) keys: &'static [&'static str],
    /// Validates those keys into the kind of value the column holds.
    build: fn(&Validator<'_>, &GenArgs<'_>) -> Result<GenKind>,
}

impl Generator {
    /// The column's kind, from its keys (already known to be among [`Generator::keys`]).
    pub(crate) fn build(&self, v: &Validator<'_>, who: &str, raw: &RawColumn, at: Range<usize>) -> Result<GenKind> {
        (self.build)(v, &GenArgs { who, raw, at })
    }
}

/// Every generator, in the order the reference and the error messages list them.
static GENERATORS: [Generator; 15] = [
    Generator { name: "uuid", keys: &[], build: |_, _| Ok(GenKind::Uuid) },
    Generator { name: "sha256-hex", keys: &[], build: |_, _| Ok(GenKind::Sha256Hex) },
    Generator { name: "token", keys: &["length", "prefix"], build: token },
    Generator { name: "first-name", keys: &[], build: |_, _| Ok(GenKind::FirstName) },
    Generator { name: "last-name", keys: &[], build: |_, _| Ok(GenKind::LastName) },
    Generator { name: "name", keys: &[], build: |_, _| Ok(GenKind::FullName) },
    Generator { name: "email", keys: &[], build: |_, _| Ok(GenKind::Email) },
    Generator { name: "word", keys: &[], build: |_, _| Ok(GenKind::Word) },
    Generator { name: "sentence", keys: &[], build: |_, _| Ok(GenKind::Sentence) },
    Generator { name: "company", keys: &[], build: |_, _| Ok(GenKind::CompanyName) },
    Generator { name: "int", keys: &["min", "max"], build: int },
    Generator { name: "float", keys: &["min", "max"], build: float },
    Generator { name: "sequence", keys: &["min"], build: sequence },
    Generator { name: "timestamp", keys: &["start", "end"], build: timestamp },
    Generator { name: "bool", keys: &["true-ratio"], build: boolean },
];

/// The generator `gen = "name"` names, if there is one.
pub(crate) fn find(name: &str) -> Option<&'static Generator> {
    GENERATORS.iter().find(|g| g.name == name)
}

/// Every name `gen` takes, in the reference's order.
pub fn generator_names() -> impl Iterator<Item = &'static str> {
    GENERATORS.iter().map(|g| g.name)
}

/// The keys generator `name` takes beyond the common modifiers, if `name` is a generator.
pub fn generator_keys(name: &str) -> Option<&'static [&'static str]> {
    find(name).map(|g| g.keys)
}

/// The list messages quote where a generator is expected, with the other two sources.
pub(crate) fn generators_text() -> String {
    let names: Vec<String> = generator_names().map(|n| format!("`{n}`")).collect();
    format!("{} (or `one-of = [...]`, or `references = \"table.column\"`)", names.join(", "))
}

fn token(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    let length = match &a.raw.length {
        None => 32,
        Some(l) if (1..=1024).contains(l.get_ref()) => *l.get_ref() as usize,
        Some(l) => {
            return v.err(l.span(), format!("{}: invalid `length` `{}` (expected 1 to 1024)", a.who, l.get_ref()))
        }
    };
    Ok(GenKind::Token { length, prefix: a.raw.prefix.clone().unwrap_or_default() })
}

fn int(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    let (who, raw) = (a.who, a.raw);
    let min = v.int_bound(who, raw.min.as_ref(), "min", 0)?;
    let max = v.int_bound(who, raw.max.as_ref(), "max", 1_000_000)?;
    if min > max {
        // At the bound written last in the pair: `max` if given, else `min`.
        let at = raw.max.as_ref().or(raw.min.as_ref()).map_or(a.at.clone(), Spanned::span);
        return v.err(at, format!("{who}: `min` {min} is above `max` {max} (expected min <= max)"));
    }
    Ok(GenKind::Int { min, max })
}

fn sequence(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    Ok(GenKind::Sequence { min: v.int_bound(a.who, a.raw.min.as_ref(), "min", 1)? })
}

fn float(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    let (who, raw) = (a.who, a.raw);
    let min = v.float_bound(who, raw.min.as_ref(), "min", 0.0)?;
    let max = v.float_bound(who, raw.max.as_ref(), "max", 1.0)?;
    if min >= max {
        let at = raw.max.as_ref().or(raw.min.as_ref()).map_or(a.at.clone(), Spanned::span);
        return v.err(at, format!("{who}: `min` {min} is not below `max` {max} (expected min < max)"));
    }
    Ok(GenKind::Float { min, max })
}

fn timestamp(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    let (who, raw) = (a.who, a.raw);
    let start = v.instant(who, raw.start.as_ref(), "2024-01-01")?;
    let end = v.instant(who, raw.end.as_ref(), "2026-01-01")?;
    if start >= end {
        let at = raw.end.as_ref().or(raw.start.as_ref()).map_or(a.at.clone(), Spanned::span);
        return v.err(at, format!("{who}: `start` is not before `end` (expected a window start < end)"));
    }
    Ok(GenKind::Timestamp { start, end })
}

fn boolean(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    let true_ratio = match &a.raw.true_ratio {
        None => 0.5,
        Some(r) => v.fraction(a.who, r, "true-ratio")?,
    };
    Ok(GenKind::Bool { true_ratio })
}

impl Validator<'_> {
    fn int_bound(&self, who: &str, v: Option<&Spanned<Literal>>, key: &str, default: i64) -> Result<i64> {
        match v {
            None => Ok(default),
            Some(v) => match v.get_ref() {
                Literal::Int(i) => Ok(*i),
                other => self
                    .err(v.span(), format!("{who}: invalid `{key}` `{}` (expected an integer)", literal_text(other))),
            },
        }
    }

    fn float_bound(&self, who: &str, v: Option<&Spanned<Literal>>, key: &str, default: f64) -> Result<f64> {
        match v {
            None => Ok(default),
            Some(v) => match v.get_ref() {
                Literal::Int(i) => Ok(*i as f64),
                Literal::Float(f) if f.is_finite() => Ok(*f),
                other => {
                    self.err(v.span(), format!("{who}: invalid `{key}` `{}` (expected a number)", literal_text(other)))
                }
            },
        }
    }

    fn instant(&self, who: &str, v: Option<&Spanned<String>>, default: &str) -> Result<DateTime<Utc>> {
        let (text, span) = match v {
            None => (default, 0..0),
            Some(v) => (v.get_ref().as_str(), v.span()),
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(t.with_timezone(&Utc));
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if let Some(t) = d.and_hms_opt(0, 0, 0) {
                return Ok(t.and_utc());
            }
        }
        self.err(span, format!("{who}: invalid instant `{text}` (expected a date like `2025-01-31` or RFC 3339 like `2025-01-31T12:00:00Z`)"))
    }
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Text(s) => s.clone(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::scenario::section::column::tests::column;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("a valid instant")
    }

    #[test]
    fn every_generator_validates_its_keys_into_its_kind() {
        let cases = [
            ("uuid", "{ gen = \"uuid\" }", GenKind::Uuid),
            ("sha256-hex", "{ gen = \"sha256-hex\" }", GenKind::Sha256Hex),
            ("token by default", "{ gen = \"token\" }", GenKind::Token { length: 32, prefix: String::new() }),
            (
                "token with its keys",
                "{ gen = \"token\", length = 12, prefix = \"agent-\" }",
                GenKind::Token { length: 12, prefix: "agent-".into() },
            ),
            ("first-name", "{ gen = \"first-name\" }", GenKind::FirstName),
            ("last-name", "{ gen = \"last-name\" }", GenKind::LastName),
            ("name", "{ gen = \"name\" }", GenKind::FullName),
            ("email", "{ gen = \"email\" }", GenKind::Email),
            ("word", "{ gen = \"word\" }", GenKind::Word),
            ("sentence", "{ gen = \"sentence\" }", GenKind::Sentence),
            ("company", "{ gen = \"company\" }", GenKind::CompanyName),
            ("int by default", "{ gen = \"int\" }", GenKind::Int { min: 0, max: 1_000_000 }),
            ("int with bounds", "{ gen = \"int\", min = -5, max = -5 }", GenKind::Int { min: -5, max: -5 }),
            ("float by default", "{ gen = \"float\" }", GenKind::Float { min: 0.0, max: 1.0 }),
            ("float from an integer", "{ gen = \"float\", min = 1, max = 2.5 }", GenKind::Float { min: 1.0, max: 2.5 }),
            ("sequence by default", "{ gen = \"sequence\" }", GenKind::Sequence { min: 1 }),
            ("sequence from min", "{ gen = \"sequence\", min = 1000 }", GenKind::Sequence { min: 1000 }),
            (
                "timestamp by default",
                "{ gen = \"timestamp\" }",
                GenKind::Timestamp { start: at(2024, 1, 1, 0), end: at(2026, 1, 1, 0) },
            ),
            (
                "timestamp in RFC 3339 with an offset",
                "{ gen = \"timestamp\", start = \"2025-01-01T12:00:00+02:00\", end = \"2025-02-01\" }",
                GenKind::Timestamp { start: at(2025, 1, 1, 10), end: at(2025, 2, 1, 0) },
            ),
            ("bool by default", "{ gen = \"bool\" }", GenKind::Bool { true_ratio: 0.5 }),
            ("bool with a ratio", "{ gen = \"bool\", true-ratio = 1 }", GenKind::Bool { true_ratio: 1.0 }),
        ];
        for (name, spec, expected) in cases {
            assert_eq!(column(spec).map(|c| c.gen), Ok(expected), "{name}");
        }
    }

    #[test]
    fn invalid_generator_keys_say_what_was_expected() {
        let cases = [
            ("token length 0", "{ gen = \"token\", length = 0 }", "1:31: column `t.a`: invalid `length` `0` (expected 1 to 1024)"),
            (
                "token length over 1024",
                "{ gen = \"token\", length = 2000 }",
                "1:31: column `t.a`: invalid `length` `2000` (expected 1 to 1024)",
            ),
            (
                "int bounds the wrong way round, at max",
                "{ gen = \"int\", min = 5, max = 1 }",
                "1:35: column `t.a`: `min` 5 is above `max` 1 (expected min <= max)",
            ),
            (
                "int min above the default max, at min",
                "{ gen = \"int\", min = 2000000 }",
                "1:26: column `t.a`: `min` 2000000 is above `max` 1000000 (expected min <= max)",
            ),
            ("int min a float", "{ gen = \"int\", min = 1.5 }", "1:26: column `t.a`: invalid `min` `1.5` (expected an integer)"),
            ("int max a word", "{ gen = \"int\", max = \"ten\" }", "1:26: column `t.a`: invalid `max` `ten` (expected an integer)"),
            ("int max a boolean", "{ gen = \"int\", max = true }", "1:26: column `t.a`: invalid `max` `true` (expected an integer)"),
            ("sequence min a word", "{ gen = \"sequence\", min = \"a\" }", "1:31: column `t.a`: invalid `min` `a` (expected an integer)"),
            (
                "float bounds equal",
                "{ gen = \"float\", min = 1.0, max = 1 }",
                "1:39: column `t.a`: `min` 1 is not below `max` 1 (expected min < max)",
            ),
            (
                "float min above the default max",
                "{ gen = \"float\", min = 5 }",
                "1:28: column `t.a`: `min` 5 is not below `max` 1 (expected min < max)",
            ),
            ("float min a word", "{ gen = \"float\", min = \"a\" }", "1:28: column `t.a`: invalid `min` `a` (expected a number)"),
            ("float max nan", "{ gen = \"float\", max = nan }", "1:28: column `t.a`: invalid `max` `NaN` (expected a number)"),
            ("float max infinite", "{ gen = \"float\", max = inf }", "1:28: column `t.a`: invalid `max` `inf` (expected a number)"),
            (
                "timestamp start a word",
                "{ gen = \"timestamp\", start = \"yesterday\" }",
                "1:34: column `t.a`: invalid instant `yesterday` (expected a date like `2025-01-31` or RFC 3339 like `2025-01-31T12:00:00Z`)",
            ),
            (
                "timestamp end not a date",
                "{ gen = \"timestamp\", end = \"2024-13-01\" }",
                "1:32: column `t.a`: invalid instant `2024-13-01` (expected a date like `2025-01-31` or RFC 3339 like `2025-01-31T12:00:00Z`)",
            ),
            (
                "timestamp window the wrong way round, at end",
                "{ gen = \"timestamp\", start = \"2025-01-01\", end = \"2024-01-01\" }",
                "1:54: column `t.a`: `start` is not before `end` (expected a window start < end)",
            ),
            (
                "timestamp start past the default end, at start",
                "{ gen = \"timestamp\", start = \"2027-01-01\" }",
                "1:34: column `t.a`: `start` is not before `end` (expected a window start < end)",
            ),
            (
                "bool ratio above 1",
                "{ gen = \"bool\", true-ratio = 1.5 }",
                "1:34: column `t.a`: invalid `true-ratio` `1.5` (expected a fraction from 0.0 to 1.0)",
            ),
        ];
        for (name, spec, expected) in cases {
            assert_eq!(column(spec).map(|_| ()), Err(expected.to_string()), "{name}");
        }
    }

    #[test]
    fn a_key_of_another_generator_names_the_keys_this_one_takes() {
        let cases = [
            ("no keys of its own", "{ gen = \"uuid\", length = 3 }", "1:30: column `t.a`: `length` does not apply to `uuid` (expected only the common keys `null-fraction`, `unique`, `distinct`, `skew`)"),
            ("one key", "{ gen = \"bool\", min = 1 }", "1:27: column `t.a`: `min` does not apply to `bool` (expected only `true-ratio`)"),
            ("two keys", "{ gen = \"int\", start = \"2024-01-01\" }", "1:28: column `t.a`: `start` does not apply to `int` (expected only `min`, `max`)"),
            ("the first misplaced key is named", "{ gen = \"int\", start = \"x\", length = 3 }", "1:28: column `t.a`: `start` does not apply to `int` (expected only `min`, `max`)"),
            ("prefix points at the column", "{ gen = \"int\", prefix = \"x\" }", "1:5: column `t.a`: `prefix` does not apply to `int` (expected only `min`, `max`)"),
            ("sequence has min but no max", "{ gen = \"sequence\", max = 10 }", "1:31: column `t.a`: `max` does not apply to `sequence` (expected only `min`)"),
            ("token takes no bounds", "{ gen = \"token\", min = 1 }", "1:28: column `t.a`: `min` does not apply to `token` (expected only `length`, `prefix`)"),
            ("weights belong to one-of", "{ gen = \"uuid\", weights = [1] }", "1:31: column `t.a`: `weights` does not apply to `uuid` (expected only the common keys `null-fraction`, `unique`, `distinct`, `skew`)"),
        ];
        for (name, spec, expected) in cases {
            assert_eq!(column(spec).map(|_| ()), Err(expected.to_string()), "{name}");
        }
    }

    #[test]
    fn unknown_generators_list_the_registry() {
        // The list is the registry's (its wording is pinned by the invalid-scenario snapshot).
        let listed = generators_text();
        assert!(
            listed.starts_with("`uuid`, `sha256-hex`, `token`, ")
                && listed.ends_with(" (or `one-of = [...]`, or `references = \"table.column\"`)"),
            "{listed}"
        );
        let cases = [("a typo", "{ gen = \"uuid4\" }", "uuid4"), ("empty", "{ gen = \"\" }", "")];
        for (name, spec, written) in cases {
            let expected = format!("1:13: column `t.a`: unknown generator `{written}` (expected one of {listed})");
            assert_eq!(column(spec).map(|_| ()), Err(expected), "{name}");
        }
    }

    #[test]
    fn the_registry_names_each_generator_once_and_its_keys_are_column_keys() {
        let names: Vec<&str> = generator_names().collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for g in &GENERATORS {
            assert!(find(g.name).is_some_and(|found| std::ptr::eq(found, g)), "{}", g.name);
            for key in g.keys {
                let spec = format!("{{ gen = \"{}\", {key} = 1 }}", g.name);
                // Each key reads as a key of the column (whatever its value's type), so no
                // row names a key the raw struct does not have.
                let e = column(&spec).err().unwrap_or_default();
                assert!(!e.contains("unknown key") && !e.contains("does not apply"), "{}: {key}: {e}", g.name);
            }
        }
    }
}
