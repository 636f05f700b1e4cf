//! Why a plan pattern does not parse, said in a message that names the pattern, what is wrong
//! with it, and every accepted form (or, for a close typo, the kind it is close to).

use std::fmt;

use super::kind::NodeKind;

/// Every accepted form, quoted in each parse error.
pub(super) const ACCEPTED_FORMS: &str = "`index NAME` (any index scan using that index), or a node kind \
such as `seq-scan`, `index-scan`, `index-only-scan`, `bitmap-index-scan`, `bitmap-heap-scan`, \
`sort`, `hash-join` or `nested-loop` (kebab-case, or as PostgreSQL prints it: `Index Only Scan`), \
optionally followed by `using INDEX` (index scans), `on TABLE` (scans) and `backward` or \
`forward` (index scans and index-only scans)";

/// A plan pattern that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern as written, trimmed.
    pub input: String,
    pub reason: PatternErrorReason,
}

/// Why a plan pattern does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternErrorReason {
    Empty,
    /// The pattern starts with a keyword instead of a node kind.
    MissingKind {
        keyword: String,
    },
    UnknownKind {
        kind: String,
    },
    /// A keyword (or `index`) with no name after it.
    MissingName {
        keyword: String,
    },
    Repeated {
        keyword: String,
    },
    /// A keyword that does not apply to the kind: `sort using x`, `seq-scan backward`.
    NotApplicable {
        keyword: String,
        kind: NodeKind,
    },
    /// Something after `index NAME`, which takes nothing else.
    AfterIndexName {
        token: String,
    },
    Unexpected {
        token: String,
    },
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid plan pattern `{}`: ", self.input)?;
        match &self.reason {
            PatternErrorReason::Empty => f.write_str("the pattern is empty")?,
            PatternErrorReason::MissingKind { keyword } => write!(f, "`{keyword}` needs a node kind before it")?,
            PatternErrorReason::UnknownKind { kind } => {
                let wanted = kind.to_lowercase().replace(' ', "-");
                let closest = NodeKind::ALL
                    .iter()
                    .map(|k| (strsim::damerau_levenshtein(&wanted, k.as_str()), k.as_str()))
                    .min();
                match closest {
                    // A typo: name the kind it is close to rather than list them all.
                    Some((distance, k)) if distance <= 3 => {
                        return write!(f, "unknown node kind `{kind}` (did you mean `{k}`?)");
                    }
                    _ => {
                        let kinds: Vec<&str> = NodeKind::ALL.iter().map(|k| k.as_str()).collect();
                        write!(f, "unknown node kind `{kind}` (known kinds: {})", kinds.join(", "))?;
                    }
                }
            }
            PatternErrorReason::MissingName { keyword } if keyword == "index" => {
                f.write_str("`index` needs an index name")?;
            }
            PatternErrorReason::MissingName { keyword } if keyword == "using" => {
                f.write_str("`using` needs an index name")?;
            }
            PatternErrorReason::MissingName { keyword } => write!(f, "`{keyword}` needs a table name")?,
            PatternErrorReason::Repeated { keyword } => write!(f, "`{keyword}` is given twice")?,
            PatternErrorReason::NotApplicable { keyword, kind } => {
                let applies_to = match keyword.as_str() {
                    "using" => "index scans",
                    "on" => "scans",
                    _ => "index scans and index-only scans",
                };
                write!(f, "`{keyword}` applies only to {applies_to}, not to `{kind}`")?;
            }
            PatternErrorReason::AfterIndexName { token } => write!(
                f,
                "`index NAME` takes nothing after the name, found `{token}` (to name a table, write `index-scan using NAME on TABLE`)"
            )?,
            PatternErrorReason::Unexpected { token } => write!(f, "unexpected `{token}`")?,
        }
        write!(f, "; expected {ACCEPTED_FORMS}")
    }
}

impl std::error::Error for PatternError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::pattern::PlanPattern;

    #[test]
    fn rejects_bad_patterns_saying_why() {
        let cases = [
            ("empty", "", "the pattern is empty"),
            ("blank", "   ", "the pattern is empty"),
            ("unknown kind", "seqscan-on agents", "unknown node kind `seqscan-on agents` (known kinds: seq-scan, index-scan,"),
            ("typo in kind", "index-scna using x", "unknown node kind `index-scna` (did you mean `index-scan`?)"),
            ("index without name", "index", "`index` needs an index name"),
            ("index followed by keyword", "index using x", "`index` needs an index name"),
            ("index with table", "index idx on agents", "`index NAME` takes nothing after the name, found `on` (to name a table, write `index-scan using NAME on TABLE`)"),
            ("index with two names", "index a b", "unexpected `b`"),
            ("keyword first", "on agents", "`on` needs a node kind before it"),
            ("using without name", "index-scan using", "`using` needs an index name"),
            ("on without name", "seq-scan on", "`on` needs a table name"),
            ("on followed by keyword", "index-scan on using x", "`on` needs a table name"),
            ("using twice", "index-scan using a using b", "`using` is given twice"),
            ("two directions", "index-scan backward forward", "`backward/forward` is given twice"),
            ("using on a seq scan", "seq-scan using idx", "`using` applies only to index scans, not to `seq-scan`"),
            ("using on a sort", "sort using idx", "`using` applies only to index scans, not to `sort`"),
            ("on on a join", "hash-join on t", "`on` applies only to scans, not to `hash-join`"),
            ("direction on a seq scan", "seq-scan backward", "`backward` applies only to index scans and index-only scans, not to `seq-scan`"),
            ("direction on a bitmap scan", "bitmap-index-scan using i backward", "`backward` applies only to index scans and index-only scans, not to `bitmap-index-scan`"),
            ("word after table", "seq-scan on agents please", "unexpected `please`"),
        ];
        for (name, input, reason) in cases {
            let error = input.parse::<PlanPattern>().expect_err(name).to_string();
            let prefix = format!("invalid plan pattern `{}`: {reason}", input.trim());
            assert!(error.starts_with(&prefix), "{name}:\n  got      {error}\n  expected {prefix}…");
            // A close typo gets a suggestion instead of the list of every form.
            assert!(
                error.contains("did you mean") || error.ends_with(&format!("; expected {ACCEPTED_FORMS}")),
                "{name}: {error}"
            );
        }
    }
}
