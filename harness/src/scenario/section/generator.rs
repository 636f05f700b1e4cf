//! The registry of generators a column names with `gen`: each row is a name, the keys that
//! generator takes beyond the common modifiers, and how those keys validate into its
//! [`GenKind`]. The "expected one of …" texts and the "does not apply to" errors are built from
//! it, and so is the list the scenario reference is checked against; adding a generator is one
//! row here, one variant of [`GenKind`], its values in the seed stage and a line of the
//! reference. Which source a column has, and its modifiers, are `column`'s.

use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};
use toml::Spanned;

use super::column::{GenKind, Literal, RawColumn};
use crate::scenario::validate::{Result, Validator};

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
const GENERATORS: [Generator; 15] = [
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
        let at = raw.max.as_ref().or(raw.min.as_ref()).map_or(a.at.clone(), toml::Spanned::span);
        return v.err(at, format!("{who}: `min` {min} is above `max` {max} (expected min <= max)"));
    }
    Ok(GenKind::Int { min, max })
}

fn sequence(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    Ok(GenKind::Sequence { start: v.int_bound(a.who, a.raw.min.as_ref(), "min", 1)? })
}

fn float(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    let (who, raw) = (a.who, a.raw);
    let min = v.float_bound(who, raw.min.as_ref(), "min", 0.0)?;
    let max = v.float_bound(who, raw.max.as_ref(), "max", 1.0)?;
    if min >= max {
        let at = raw.max.as_ref().or(raw.min.as_ref()).map_or(a.at.clone(), toml::Spanned::span);
        return v.err(at, format!("{who}: `min` {min} is not below `max` {max} (expected min < max)"));
    }
    Ok(GenKind::Float { min, max })
}

fn timestamp(v: &Validator<'_>, a: &GenArgs<'_>) -> Result<GenKind> {
    let (who, raw) = (a.who, a.raw);
    let start = v.instant(who, raw.start.as_ref(), "2024-01-01")?;
    let end = v.instant(who, raw.end.as_ref(), "2026-01-01")?;
    if start >= end {
        let at = raw.end.as_ref().or(raw.start.as_ref()).map_or(a.at.clone(), toml::Spanned::span);
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
