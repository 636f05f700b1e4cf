//! `[[indexes]]`: what the catalog must say of an index after the migration. A key column is
//! written as in `CREATE INDEX` — `created_at DESC NULLS LAST` — and kept in the form
//! PostgreSQL prints it, where a direction's default NULLS placement is left out.

use std::fmt;
use std::str::FromStr;

use super::error::Location;

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

    fn from_str(text: &str) -> Result<IndexColumn, String> {
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
pub const METHODS: [&str; 6] = ["btree", "hash", "gist", "gin", "spgist", "brin"];

#[cfg(test)]
mod tests {
    use super::*;

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
