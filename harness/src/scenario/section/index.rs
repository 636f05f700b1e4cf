//! `[[indexes]]`: what the catalog must say of an index after the migration. A key column is
//! written as in `CREATE INDEX` — `created_at DESC NULLS LAST` — and kept in the form
//! PostgreSQL prints it, where a direction's default NULLS placement is left out.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::error::Location;
use crate::scenario::size::parse_size;
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};

/// `[[indexes]]`: what the catalog must say of an index after the migration.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Index")]
pub(crate) struct RawIndex {
    pub(crate) name: Spanned<String>,
    #[serde(default)]
    pub(crate) table: Option<String>,
    #[serde(default)]
    pub(crate) columns: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(crate) include: Option<Vec<String>>,
    #[serde(default, rename = "where")]
    pub(crate) predicate: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) unique: Option<bool>,
    #[serde(default)]
    pub(crate) method: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_size: Option<Spanned<String>>,
}

/// One `[[indexes]]` entry; every fact but the name is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexSpec {
    pub name: String,
    pub at: Location,
    pub table: Option<String>,
    pub columns: Option<Vec<IndexColumn>>,
    pub include: Option<Vec<String>>,
    /// The partial index's `WHERE`, as written.
    pub predicate: Option<String>,
    pub unique: Option<bool>,
    pub method: Option<String>,
    /// `pg_relation_size` budget, in bytes.
    pub max_size: Option<u64>,
}

/// A key column or expression and its ordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexColumn {
    pub expr: String,
    /// ``, `DESC`, `NULLS FIRST` or `DESC NULLS LAST`, as the catalog check prints them.
    pub order: String,
}

impl FromStr for IndexColumn {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<IndexColumn, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let mut end = words.len();
        let mut nulls = None;
        if end >= 2 && upper[end - 2] == "NULLS" && (upper[end - 1] == "FIRST" || upper[end - 1] == "LAST") {
            nulls = Some(upper[end - 1] == "FIRST");
            end -= 2;
        }
        let mut desc = false;
        if end >= 1 && (upper[end - 1] == "ASC" || upper[end - 1] == "DESC") {
            desc = upper[end - 1] == "DESC";
            end -= 1;
        }
        if end == 0 {
            return Err(format!("invalid index column `{text}` (expected a column or expression, then optionally `ASC`/`DESC` and `NULLS FIRST`/`NULLS LAST`)"));
        }
        let order = match (desc, nulls.unwrap_or(desc)) {
            (false, false) => "",
            (false, true) => "NULLS FIRST",
            (true, true) => "DESC",
            (true, false) => "DESC NULLS LAST",
        };
        Ok(IndexColumn { expr: words[..end].join(" "), order: order.to_string() })
    }
}

impl fmt::Display for IndexColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.order.is_empty() {
            f.write_str(&self.expr)
        } else {
            write!(f, "{} {}", self.expr, self.order)
        }
    }
}

/// Index access methods PostgreSQL ships.
pub(crate) const METHODS: [&str; 6] = ["btree", "hash", "gist", "gin", "spgist", "brin"];

impl Validator<'_> {
    pub(crate) fn index(&self, raw: Spanned<RawIndex>) -> Result<IndexSpec> {
        let raw = raw.into_inner();
        let at = self.at(raw.name.span());
        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            return self
                .err(raw.name.span(), "empty index `name` (expected the index's name, as `CREATE INDEX` gives it)");
        }
        let who = format!("index `{name}`");
        let columns = match raw.columns {
            None => None,
            Some(list) if list.get_ref().is_empty() => {
                return self.err(list.span(), format!("{who}: empty `columns` (expected the key columns in order, like [\"customer_id\", \"created_at DESC\"])"));
            }
            Some(list) => {
                let mut columns = Vec::new();
                for text in list.get_ref() {
                    columns.push(
                        text.get_ref()
                            .parse::<IndexColumn>()
                            .or_else(|m| self.err(text.span(), format!("{who}: {m}")))?,
                    );
                }
                Some(columns)
            }
        };
        let predicate = match raw.predicate {
            Some(p) if p.get_ref().trim().is_empty() => {
                return self.err(
                    p.span(),
                    format!(
                        "{who}: empty `where` (expected the partial index's predicate, like \"deleted_at IS NULL\")"
                    ),
                );
            }
            p => p.map(Spanned::into_inner),
        };
        let method = match raw.method {
            None => None,
            Some(m) => {
                let lower = m.get_ref().to_ascii_lowercase();
                if !METHODS.contains(&lower.as_str()) {
                    return self.err(
                        m.span(),
                        format!("{who}: unknown `method` `{}` (expected one of {})", m.get_ref(), METHODS.join(", ")),
                    );
                }
                Some(lower)
            }
        };
        let max_size = match raw.max_size {
            None => None,
            Some(s) => {
                Some(parse_size(s.get_ref()).or_else(|m| self.err(s.span(), format!("{who}: `max-size`: {m}")))?)
            }
        };
        Ok(IndexSpec {
            name,
            at,
            table: raw.table,
            columns,
            include: raw.include,
            predicate,
            unique: raw.unique,
            method,
            max_size,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::validate::testing::section;

    /// One `[[indexes]]` entry of `keys`, validated.
    fn index(keys: &str) -> std::result::Result<IndexSpec, String> {
        let text = format!("[[indexes]]\n{keys}");
        section(Path::new("s.toml"), &text, "indexes", |v, raw: Spanned<Vec<Spanned<RawIndex>>>| {
            v.index(raw.into_inner().remove(0))
        })
    }

    #[test]
    fn every_fact_but_the_name_is_optional() {
        let only_name = index("name = \" idx_a \"").expect("a name is enough");
        assert_eq!(only_name, IndexSpec { name: "idx_a".into(), at: only_name.at, ..IndexSpec::default() });
        assert_eq!(only_name.at, Location { line: 2, col: 8 });

        let all = index(
            "name = \"i\"\ntable = \"t\"\ncolumns = [\"a\", \"b desc nulls last\"]\ninclude = [\"c\"]\nwhere = \"a > 0\"\nunique = true\nmethod = \"BTREE\"\nmax-size = \"2MB\"",
        )
        .expect("every fact");
        let columns: Vec<String> = all.columns.iter().flatten().map(ToString::to_string).collect();
        assert_eq!(columns, ["a", "b DESC NULLS LAST"]);
        assert_eq!(
            (
                all.table.as_deref(),
                all.include,
                all.predicate.as_deref(),
                all.unique,
                all.method.as_deref(),
                all.max_size
            ),
            (Some("t"), Some(vec!["c".to_string()]), Some("a > 0"), Some(true), Some("btree"), Some(2 << 20))
        );
    }

    #[test]
    fn invalid_entries_say_what_was_expected() {
        let cases = [
            (
                "an empty name",
                "name = \"  \"",
                "2:8: empty index `name` (expected the index's name, as `CREATE INDEX` gives it)",
            ),
            (
                "empty columns",
                "name = \"i\"\ncolumns = []",
                "3:11: index `i`: empty `columns` (expected the key columns in order, like [\"customer_id\", \"created_at DESC\"])",
            ),
            (
                "a column that is only an ordering",
                "name = \"i\"\ncolumns = [\"a\", \"DESC\"]",
                "3:17: index `i`: invalid index column `DESC` (expected a column or expression, then optionally `ASC`/`DESC` and `NULLS FIRST`/`NULLS LAST`)",
            ),
            (
                "an empty where",
                "name = \"i\"\nwhere = \" \"",
                "3:9: index `i`: empty `where` (expected the partial index's predicate, like \"deleted_at IS NULL\")",
            ),
            (
                "an unknown method",
                "name = \"i\"\nmethod = \"bree\"",
                "3:10: index `i`: unknown `method` `bree` (expected one of btree, hash, gist, gin, spgist, brin)",
            ),
            (
                "a size without a unit",
                "name = \"i\"\nmax-size = \"big\"",
                "3:12: index `i`: `max-size`: invalid size `big` (expected a size like `512kB`, `10MB` or `1GB`, in PostgreSQL's 1024-based units)",
            ),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(index(keys).map(|_| ()), Err(expected.to_string()), "{name}");
        }
    }

    fn column(text: &str) -> String {
        text.parse::<IndexColumn>().map_or_else(|e| e, |c| c.to_string())
    }

    #[test]
    fn orderings_are_kept_as_postgres_prints_them() {
        assert_eq!(column("created_at"), "created_at");
        assert_eq!(column("created_at ASC"), "created_at");
        assert_eq!(column("created_at asc nulls last"), "created_at");
        assert_eq!(column("created_at DESC"), "created_at DESC");
        assert_eq!(column("created_at DESC NULLS FIRST"), "created_at DESC");
        assert_eq!(column("created_at desc nulls last"), "created_at DESC NULLS LAST");
        assert_eq!(column("created_at NULLS FIRST"), "created_at NULLS FIRST");
        assert_eq!(column("lower(email) DESC"), "lower(email) DESC");
    }

    #[test]
    fn an_ordering_without_a_column_is_an_error() {
        assert!(column("DESC NULLS LAST").starts_with("invalid index column `DESC NULLS LAST` (expected a column"));
    }
}
