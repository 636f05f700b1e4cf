//! `[matrix]`: the PostgreSQL majors a scenario runs on when the command line names none. Plain
//! majors only, each once, and among them the scenario's own `[database] postgres`; ranges and
//! bounds belong in `[[queries.when]]`. Running on each major is the suite's business.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::Versions;

/// `[matrix]`: the majors to run on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Matrix")]
pub(crate) struct RawMatrix {
    pub(crate) postgres: Spanned<Versions>,
}

impl Validator<'_> {
    /// `[matrix] postgres = ["13", "15", "18"]`: plain majors, each once.
    pub(crate) fn matrix(&self, raw: RawMatrix, postgres: Option<&str>) -> Result<Vec<String>> {
        let span = raw.postgres.span();
        let items = raw.postgres.get_ref().items(span.clone());
        if items.is_empty() {
            return self
                .err(span, "matrix: empty `postgres` (expected majors to run on, like [\"13\", \"15\", \"18\"])");
        }
        let mut majors: Vec<String> = Vec::new();
        for (text, at) in items {
            match text.trim().parse::<u32>() {
                Ok(m) if (10..=99).contains(&m) && !majors.contains(&m.to_string()) => majors.push(m.to_string()),
                Ok(m) if (10..=99).contains(&m) => {
                    return self
                        .err(at, format!("matrix: PostgreSQL `{m}` is listed twice (expected each major once)"));
                }
                _ => {
                    return self.err(at, format!("matrix: invalid version `{text}` (expected a major version like \"16\"; ranges belong in `[[queries.when]]`)"));
                }
            }
        }
        if let Some(p) = postgres.filter(|p| !majors.iter().any(|m| m == p)) {
            return self.err(span, format!(
                "matrix: `postgres = \"{p}\"` in [database] is not in the matrix {majors:?} (expected the scenario's own major among those it runs on)"
            ));
        }
        Ok(majors)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::validate::testing::section;

    /// `[matrix] postgres = …` validated beside `[database] postgres`, if given.
    fn matrix(postgres: &str, own: Option<&str>) -> std::result::Result<Vec<String>, String> {
        let text = format!("[matrix]\npostgres = {postgres}");
        section(Path::new("s.toml"), &text, "matrix", |v, raw: Spanned<RawMatrix>| v.matrix(raw.into_inner(), own))
    }

    #[test]
    fn majors_are_kept_in_order_as_plain_numbers() {
        let cases: &[(&str, &str, Option<&str>, &[&str])] = &[
            ("a list", "[\"13\", \"15\", \"18\"]", None, &["13", "15", "18"]),
            ("integers and leading zeros", "[\"016\", 13]", None, &["16", "13"]),
            ("one string", "\"17\"", None, &["17"]),
            ("with the scenario's own major", "[\"15\", \"16\"]", Some("16"), &["15", "16"]),
        ];
        for (name, postgres, own, expected) in cases {
            assert_eq!(matrix(postgres, *own), Ok(expected.iter().map(ToString::to_string).collect()), "{name}");
        }
    }

    #[test]
    fn invalid_matrices_point_at_the_item_at_fault() {
        let cases = [
            (
                "empty",
                "[]",
                None,
                "2:12: matrix: empty `postgres` (expected majors to run on, like [\"13\", \"15\", \"18\"])",
            ),
            (
                "a major twice",
                "[\"16\", 16]",
                None,
                "2:19: matrix: PostgreSQL `16` is listed twice (expected each major once)",
            ),
            (
                "a range",
                "[\"16\", \"13-15\"]",
                None,
                "2:19: matrix: invalid version `13-15` (expected a major version like \"16\"; ranges belong in `[[queries.when]]`)",
            ),
            (
                "a word",
                "\"nine\"",
                None,
                "2:12: matrix: invalid version `nine` (expected a major version like \"16\"; ranges belong in `[[queries.when]]`)",
            ),
            (
                "below 10",
                "[9]",
                None,
                "2:13: matrix: invalid version `9` (expected a major version like \"16\"; ranges belong in `[[queries.when]]`)",
            ),
            (
                "without the scenario's own major",
                "[\"13\", \"15\"]",
                Some("16"),
                "2:12: matrix: `postgres = \"16\"` in [database] is not in the matrix [\"13\", \"15\"] (expected the scenario's own major among those it runs on)",
            ),
        ];
        for (name, postgres, own, expected) in cases {
            assert_eq!(matrix(postgres, own), Err(expected.to_string()), "{name}");
        }
    }
}
