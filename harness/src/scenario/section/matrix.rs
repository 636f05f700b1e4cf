//! `[matrix]`: the PostgreSQL majors a scenario runs on when the command line names none. Plain
//! majors only, each once, and among them the scenario's own `[database] postgres`; ranges and
//! bounds belong in `[[queries.when]]`. Running on each major is the suite's business.

use serde::Deserialize;
use toml::Spanned;

use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::Versions;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMatrix {
    pub postgres: Spanned<Versions>,
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
