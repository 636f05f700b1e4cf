//! One column of `[tables.NAME]`: where its values come from (`gen`, `one-of` or `references`)
//! and the modifiers every column takes (`null-fraction`, `unique`, `distinct`, `skew`). The
//! generators `gen` names, and the keys each takes, are `generator`'s registry; turning a
//! [`ColumnSpec`] into values is the seed stage's business.

use std::ops::Range;

use schemars::JsonSchema;
use serde::Deserialize;

pub use super::generator::GenKind;
use super::generator::{find, generators_text};
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};
pub use crate::scenario::value::Literal;

/// `columns.NAME = { … }`: the source of the values (one of `gen`, `one-of`, `references`), the
/// keys of the generator, and the modifiers common to all.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Column")]
pub(crate) struct RawColumn {
    #[serde(default)]
    pub(crate) gen: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) one_of: Option<Spanned<Vec<Literal>>>,
    #[serde(default)]
    pub(crate) weights: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    pub(crate) references: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) min: Option<Spanned<Literal>>,
    #[serde(default)]
    pub(crate) max: Option<Spanned<Literal>>,
    #[serde(default)]
    pub(crate) start: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) end: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) length: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) prefix: Option<String>,
    #[serde(default)]
    pub(crate) true_ratio: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) null_fraction: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) unique: Option<bool>,
    #[serde(default)]
    pub(crate) distinct: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) skew: Option<Spanned<f64>>,
}

/// One column's generator, validated: ranges are ordered, fractions are in `0..=1`, weights
/// match their values.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    /// Column name as written in the schema.
    pub name: String,
    pub gen: GenKind,
    /// Share of rows that get NULL, `0.0..=1.0`.
    pub null_fraction: f64,
    /// Every non-null value differs from every other one in this column.
    pub unique: bool,
    /// Draw values from a pool of this many distinct values (generated once, up front).
    pub distinct: Option<u64>,
    /// Zipf exponent over the pool (or over a foreign key's parent rows): `0` is uniform, `1`
    /// and above gives a few hot keys most rows share.
    pub skew: Option<f64>,
}

/// The modifiers every column takes, named when a key does not apply to a source.
const COMMON_KEYS: &str = "the common keys `null-fraction`, `unique`, `distinct`, `skew`";

impl Validator<'_> {
    pub(crate) fn column(&self, table: &str, name: String, raw: Spanned<RawColumn>) -> Result<ColumnSpec> {
        let whole = raw.span();
        let raw = raw.into_inner();
        let who = format!("column `{table}.{name}`");
        let sources = [raw.gen.is_some(), raw.one_of.is_some(), raw.references.is_some()];
        if sources.iter().filter(|s| **s).count() != 1 {
            return self.err(
                whole,
                format!(
                    "{who}: expected exactly one of `gen`, `one-of` or `references` (generators: {})",
                    generators_text()
                ),
            );
        }
        let gen = if let Some(values) = &raw.one_of {
            self.only_keys(&who, &raw, &whole, &["weights"], "`one-of`")?;
            self.one_of(&who, values, raw.weights.as_ref())?
        } else if let Some(r) = &raw.references {
            self.only_keys(&who, &raw, &whole, &[], "`references`")?;
            match r.get_ref().split_once('.') {
                Some((t, c)) if !t.is_empty() && !c.is_empty() && !c.contains('.') => {
                    GenKind::Ref { table: t.to_string(), column: c.to_string() }
                }
                _ => {
                    return self.err(
                        r.span(),
                        format!("{who}: invalid `references` `{}` (expected `table.column`)", r.get_ref()),
                    )
                }
            }
        } else {
            let gen = raw.gen.as_ref().expect("checked above");
            let Some(generator) = find(gen.get_ref()) else {
                return self.err(
                    gen.span(),
                    format!("{who}: unknown generator `{}` (expected one of {})", gen.get_ref(), generators_text()),
                );
            };
            self.only_keys(&who, &raw, &whole, generator.keys, &format!("`{}`", generator.name))?;
            generator.build(self, &who, &raw, gen.span())?
        };
        self.modifiers(who, name, gen, &raw, whole)
    }

    /// Refuses the first generator key given that `source` does not take, in the order the
    /// reference lists them.
    fn only_keys(
        &self,
        who: &str,
        raw: &RawColumn,
        whole: &Range<usize>,
        allowed: &[&str],
        source: &str,
    ) -> Result<()> {
        for (key, span) in generator_keys(raw, whole) {
            if !allowed.contains(&key) {
                let expected = if allowed.is_empty() {
                    COMMON_KEYS.to_string()
                } else {
                    allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                };
                return self.err(span, format!("{who}: `{key}` does not apply to {source} (expected only {expected})"));
            }
        }
        Ok(())
    }

    /// `one-of = [...]` with its optional `weights`.
    fn one_of(
        &self,
        who: &str,
        values: &Spanned<Vec<Literal>>,
        weights: Option<&Spanned<Vec<i64>>>,
    ) -> Result<GenKind> {
        let values_list = values.get_ref().clone();
        if values_list.is_empty() {
            return self.err(values.span(), format!("{who}: empty `one-of` (expected at least one value)"));
        }
        let weights = match weights {
            None => vec![1; values_list.len()],
            Some(w) => {
                if w.get_ref().len() != values_list.len() {
                    return self.err(
                        w.span(),
                        format!(
                            "{who}: {} weights for {} values (expected one weight per `one-of` value)",
                            w.get_ref().len(),
                            values_list.len()
                        ),
                    );
                }
                let mut out = Vec::new();
                for x in w.get_ref() {
                    match u32::try_from(*x) {
                        Ok(x) if x > 0 => out.push(x),
                        _ => {
                            return self.err(
                                w.span(),
                                format!("{who}: invalid weight `{x}` (expected integers from 1 to 4294967295)"),
                            )
                        }
                    }
                }
                out
            }
        };
        Ok(GenKind::OneOf { values: values_list, weights })
    }

    /// The modifiers common to every source: `null-fraction`, `unique`, `distinct`, `skew`.
    fn modifiers(
        &self,
        who: String,
        name: String,
        gen: GenKind,
        raw: &RawColumn,
        whole: Range<usize>,
    ) -> Result<ColumnSpec> {
        let null_fraction = match &raw.null_fraction {
            None => 0.0,
            Some(f) => self.fraction(&who, f, "null-fraction")?,
        };
        let unique = raw.unique.unwrap_or(false);
        let distinct = match &raw.distinct {
            None => None,
            Some(d) if (1..=10_000_000).contains(d.get_ref()) => Some(*d.get_ref() as u64),
            Some(d) => {
                return self.err(
                    d.span(),
                    format!("{who}: invalid `distinct` `{}` (expected a count from 1 to 10000000)", d.get_ref()),
                )
            }
        };
        if distinct.is_some() && matches!(gen, GenKind::Sequence { .. } | GenKind::OneOf { .. } | GenKind::Bool { .. })
        {
            let span = raw.distinct.as_ref().map_or(whole.clone(), Spanned::span);
            return self.err(span, format!("{who}: `distinct` does not apply to this generator (expected it only on generators with an open range of values)"));
        }
        if unique && raw.skew.is_some() {
            return self.err(whole, format!("{who}: `unique` and `skew` contradict each other (expected one of them)"));
        }
        if unique && distinct.is_some() {
            return self
                .err(whole, format!("{who}: `unique` and `distinct` contradict each other (expected one of them)"));
        }
        let skew = match &raw.skew {
            None => None,
            Some(s) => {
                let v = *s.get_ref();
                if !(0.0..=10.0).contains(&v) {
                    return self.err(
                        s.span(),
                        format!("{who}: invalid `skew` `{v}` (expected a Zipf exponent from 0 to 10, e.g. 1.1)"),
                    );
                }
                if distinct.is_none() && !matches!(gen, GenKind::Ref { .. }) {
                    return self.err(
                        s.span(),
                        format!("{who}: `skew` needs a pool to skew over (expected `distinct = N` or `references`)"),
                    );
                }
                Some(v)
            }
        };
        Ok(ColumnSpec { name, gen, null_fraction, unique, distinct, skew })
    }

    /// A fraction from 0 to 1 (`null-fraction`, `true-ratio`).
    pub(crate) fn fraction(&self, who: &str, v: &Spanned<f64>, key: &str) -> Result<f64> {
        let f = *v.get_ref();
        if !(0.0..=1.0).contains(&f) {
            return self.err(v.span(), format!("{who}: invalid `{key}` `{f}` (expected a fraction from 0.0 to 1.0)"));
        }
        Ok(f)
    }
}

/// The generator keys given, with their positions, in the order they are checked. `prefix`
/// has no position of its own: an error about it points at the column.
fn generator_keys(raw: &RawColumn, whole: &Range<usize>) -> Vec<(&'static str, Range<usize>)> {
    [
        ("min", raw.min.as_ref().map(Spanned::span)),
        ("max", raw.max.as_ref().map(Spanned::span)),
        ("start", raw.start.as_ref().map(Spanned::span)),
        ("end", raw.end.as_ref().map(Spanned::span)),
        ("length", raw.length.as_ref().map(Spanned::span)),
        ("prefix", raw.prefix.as_ref().map(|_| whole.clone())),
        ("true-ratio", raw.true_ratio.as_ref().map(Spanned::span)),
        ("weights", raw.weights.as_ref().map(Spanned::span)),
    ]
    .into_iter()
    .filter_map(|(k, s)| s.map(|s| (k, s)))
    .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::validate::testing::section;

    /// Column `t.a` written as `spec` (an inline table), validated; errors are on line 1, the
    /// spec starting at column 5.
    pub(crate) fn column(spec: &str) -> std::result::Result<ColumnSpec, String> {
        section(Path::new("s.toml"), &format!("a = {spec}"), "a", |v, raw| v.column("t", "a".into(), raw))
    }

    #[test]
    fn sources_other_than_gen_validate_into_their_kind() {
        let cases = [
            (
                "one-of without weights weighs each value 1",
                "{ one-of = [\"a\", \"b\"] }",
                GenKind::OneOf {
                    values: vec![Literal::Text("a".into()), Literal::Text("b".into())],
                    weights: vec![1, 1],
                },
            ),
            (
                "one-of of mixed values with weights",
                "{ one-of = [\"a\", 1, 1.5, true], weights = [1, 2, 3, 4294967295] }",
                GenKind::OneOf {
                    values: vec![Literal::Text("a".into()), Literal::Int(1), Literal::Float(1.5), Literal::Bool(true)],
                    weights: vec![1, 2, 3, u32::MAX],
                },
            ),
            (
                "references",
                "{ references = \"users.id\" }",
                GenKind::Ref { table: "users".into(), column: "id".into() },
            ),
        ];
        for (name, spec, expected) in cases {
            assert_eq!(column(spec).map(|c| c.gen), Ok(expected), "{name}");
        }
    }

    #[test]
    fn modifiers_default_to_none_and_take_what_is_written() {
        type Modifiers = (f64, bool, Option<u64>, Option<f64>);
        let cases: &[(&str, &str, Modifiers)] = &[
            ("defaults", "{ gen = \"int\" }", (0.0, false, None, None)),
            (
                "null-fraction and unique",
                "{ gen = \"int\", unique = true, null-fraction = 1 }",
                (1.0, true, None, None),
            ),
            ("a skewed pool", "{ gen = \"word\", distinct = 40, skew = 1.1 }", (0.0, false, Some(40), Some(1.1))),
            ("the largest pool", "{ gen = \"word\", distinct = 10000000 }", (0.0, false, Some(10_000_000), None)),
            ("skew over a reference", "{ references = \"x.y\", skew = 0 }", (0.0, false, None, Some(0.0))),
            (
                "a pool of references",
                "{ references = \"x.y\", distinct = 3, skew = 10 }",
                (0.0, false, Some(3), Some(10.0)),
            ),
        ];
        for (name, spec, expected) in cases {
            let c = column(spec).unwrap_or_else(|m| panic!("{name}: {m}"));
            assert_eq!((c.null_fraction, c.unique, c.distinct, c.skew), *expected, "{name}");
            assert_eq!(c.name, "a", "{name}");
        }
    }

    #[test]
    fn invalid_columns_say_what_was_expected() {
        let sources = format!("(generators: {})", super::super::generator::generators_text());
        let cases = [
            ("no source", "{ null-fraction = 0.1 }", format!("1:5: column `t.a`: expected exactly one of `gen`, `one-of` or `references` {sources}")),
            ("two sources", "{ gen = \"int\", one-of = [1] }", format!("1:5: column `t.a`: expected exactly one of `gen`, `one-of` or `references` {sources}")),
            ("three sources", "{ gen = \"int\", one-of = [1], references = \"x.y\" }", format!("1:5: column `t.a`: expected exactly one of `gen`, `one-of` or `references` {sources}")),
            ("empty one-of", "{ one-of = [] }", "1:16: column `t.a`: empty `one-of` (expected at least one value)".into()),
            ("fewer weights than values", "{ one-of = [1, 2], weights = [1] }", "1:34: column `t.a`: 1 weights for 2 values (expected one weight per `one-of` value)".into()),
            ("a weight of 0", "{ one-of = [1, 2], weights = [1, 0] }", "1:34: column `t.a`: invalid weight `0` (expected integers from 1 to 4294967295)".into()),
            ("a negative weight", "{ one-of = [1, 2], weights = [1, -3] }", "1:34: column `t.a`: invalid weight `-3` (expected integers from 1 to 4294967295)".into()),
            ("a weight past u32", "{ one-of = [1, 2], weights = [1, 4294967296] }", "1:34: column `t.a`: invalid weight `4294967296` (expected integers from 1 to 4294967295)".into()),
            ("a generator key on one-of", "{ one-of = [1, 2], min = 1 }", "1:30: column `t.a`: `min` does not apply to `one-of` (expected only `weights`)".into()),
            ("references without a dot", "{ references = \"xy\" }", "1:20: column `t.a`: invalid `references` `xy` (expected `table.column`)".into()),
            ("references with two dots", "{ references = \"x.y.z\" }", "1:20: column `t.a`: invalid `references` `x.y.z` (expected `table.column`)".into()),
            ("references without a table", "{ references = \".y\" }", "1:20: column `t.a`: invalid `references` `.y` (expected `table.column`)".into()),
            ("a generator key on references", "{ references = \"x.y\", min = 1 }", "1:33: column `t.a`: `min` does not apply to `references` (expected only the common keys `null-fraction`, `unique`, `distinct`, `skew`)".into()),
            ("prefix on references points at the column", "{ references = \"x.y\", prefix = \"p\" }", "1:5: column `t.a`: `prefix` does not apply to `references` (expected only the common keys `null-fraction`, `unique`, `distinct`, `skew`)".into()),
            ("null-fraction above 1", "{ gen = \"int\", null-fraction = 2 }", "1:36: column `t.a`: invalid `null-fraction` `2` (expected a fraction from 0.0 to 1.0)".into()),
            ("null-fraction below 0", "{ gen = \"int\", null-fraction = -0.1 }", "1:36: column `t.a`: invalid `null-fraction` `-0.1` (expected a fraction from 0.0 to 1.0)".into()),
            ("a pool of 0", "{ gen = \"int\", distinct = 0 }", "1:31: column `t.a`: invalid `distinct` `0` (expected a count from 1 to 10000000)".into()),
            ("a pool too large", "{ gen = \"int\", distinct = 10000001 }", "1:31: column `t.a`: invalid `distinct` `10000001` (expected a count from 1 to 10000000)".into()),
            ("a pool of a sequence", "{ gen = \"sequence\", distinct = 5 }", "1:36: column `t.a`: `distinct` does not apply to this generator (expected it only on generators with an open range of values)".into()),
            ("a pool of one-of", "{ one-of = [1], distinct = 5 }", "1:32: column `t.a`: `distinct` does not apply to this generator (expected it only on generators with an open range of values)".into()),
            ("a pool of bool", "{ gen = \"bool\", distinct = 2 }", "1:32: column `t.a`: `distinct` does not apply to this generator (expected it only on generators with an open range of values)".into()),
            ("unique and skew", "{ gen = \"int\", unique = true, skew = 1.0 }", "1:5: column `t.a`: `unique` and `skew` contradict each other (expected one of them)".into()),
            ("unique and distinct", "{ gen = \"int\", unique = true, distinct = 4 }", "1:5: column `t.a`: `unique` and `distinct` contradict each other (expected one of them)".into()),
            ("skew above 10", "{ gen = \"int\", distinct = 4, skew = 11 }", "1:41: column `t.a`: invalid `skew` `11` (expected a Zipf exponent from 0 to 10, e.g. 1.1)".into()),
            ("skew below 0", "{ gen = \"int\", distinct = 4, skew = -1 }", "1:41: column `t.a`: invalid `skew` `-1` (expected a Zipf exponent from 0 to 10, e.g. 1.1)".into()),
            ("skew without a pool", "{ gen = \"int\", skew = 1 }", "1:27: column `t.a`: `skew` needs a pool to skew over (expected `distinct = N` or `references`)".into()),
        ];
        for (name, spec, expected) in cases {
            assert_eq!(column(spec).map(|_| ()), Err(expected), "{name}");
        }
    }
}
