//! The pattern language: `index NAME`, or a node kind narrowed by `using INDEX`, `on TABLE` and
//! `backward`/`forward`, parsed from any spelling scenario files use and printed back in its
//! canonical form. The kinds are `kind`'s, the errors `error`'s.

use std::fmt;
use std::str::FromStr;

use super::error::{PatternError, PatternErrorReason};
use super::kind::NodeKind;

/// What a plan node must (or must not) be.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PlanPattern {
    /// `index NAME`: an Index Scan, Index Only Scan (either direction) or Bitmap Index Scan
    /// whose index is NAME.
    Index(String),
    /// A node kind, narrowed by index, table and direction where given.
    Node { kind: NodeKind, index: Option<String>, table: Option<String>, direction: Option<ScanDirection> },
}

impl PlanPattern {
    /// The index the pattern names, if any.
    pub(crate) fn index_name(&self) -> Option<&str> {
        match self {
            PlanPattern::Index(name) => Some(name),
            PlanPattern::Node { index, .. } => index.as_deref(),
        }
    }

    /// The table the pattern names, if any.
    pub(crate) fn table(&self) -> Option<&str> {
        match self {
            PlanPattern::Index(_) => None,
            PlanPattern::Node { table, .. } => table.as_deref(),
        }
    }

    /// Whether the pattern asks for an index to be read: `index NAME` or an index-scan kind.
    pub(crate) fn is_about_index_use(&self) -> bool {
        match self {
            PlanPattern::Index(_) => true,
            PlanPattern::Node { kind, .. } => kind.reads_index(),
        }
    }
}

/// The scan direction of an Index Scan or Index Only Scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScanDirection {
    Forward,
    Backward,
}

impl ScanDirection {
    /// The word scenario files use, which is also PostgreSQL's `Scan Direction` lowercased.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ScanDirection::Forward => "forward",
            ScanDirection::Backward => "backward",
        }
    }

    /// Whether PostgreSQL's `Scan Direction` value (`Forward`, `Backward`) is this direction.
    pub(crate) fn matches(self, scan_direction: &str) -> bool {
        scan_direction.eq_ignore_ascii_case(self.as_str())
    }
}

/// Everything that can follow a node kind.
const KEYWORDS: [&str; 4] = ["using", "on", "backward", "forward"];

fn is_keyword(token: &str) -> bool {
    KEYWORDS.iter().any(|keyword| token.eq_ignore_ascii_case(keyword))
}

/// A name as written, without the double quotes SQL would put around it.
fn unquote(name: &str) -> String {
    name.strip_prefix('"').and_then(|n| n.strip_suffix('"')).filter(|n| !n.is_empty()).unwrap_or(name).to_owned()
}

impl FromStr for PlanPattern {
    type Err = PatternError;

    fn from_str(input: &str) -> Result<PlanPattern, PatternError> {
        let error = |reason| PatternError { input: input.trim().to_owned(), reason };
        let tokens: Vec<&str> = input.split_whitespace().collect();
        if tokens.is_empty() {
            return Err(error(PatternErrorReason::Empty));
        }
        let kind_end = tokens.iter().position(|t| is_keyword(t)).unwrap_or(tokens.len());
        let (kind_words, clauses) = tokens.split_at(kind_end);
        if kind_words.is_empty() {
            return Err(error(PatternErrorReason::MissingKind { keyword: tokens[0].to_ascii_lowercase() }));
        }
        let Some(kind) = NodeKind::from_words(kind_words) else {
            return parse_index(kind_words, clauses).map_err(error);
        };
        let mut index = None;
        let mut table = None;
        let mut direction = None;
        let mut rest = clauses.iter();
        while let Some(token) = rest.next() {
            let keyword = token.to_ascii_lowercase();
            let (slot, applies) = match keyword.as_str() {
                "using" => (&mut index, kind.reads_index()),
                "on" => (&mut table, kind.is_scan()),
                "backward" | "forward" => {
                    if !kind.has_direction() {
                        return Err(error(PatternErrorReason::NotApplicable { keyword, kind }));
                    }
                    if direction.is_some() {
                        return Err(error(PatternErrorReason::Repeated { keyword: "backward/forward".into() }));
                    }
                    direction =
                        Some(if keyword == "backward" { ScanDirection::Backward } else { ScanDirection::Forward });
                    continue;
                }
                _ => return Err(error(PatternErrorReason::Unexpected { token: (*token).to_owned() })),
            };
            if !applies {
                return Err(error(PatternErrorReason::NotApplicable { keyword, kind }));
            }
            if slot.is_some() {
                return Err(error(PatternErrorReason::Repeated { keyword }));
            }
            match rest.next() {
                Some(name) if !is_keyword(name) => *slot = Some(unquote(name)),
                _ => return Err(error(PatternErrorReason::MissingName { keyword })),
            }
        }
        Ok(PlanPattern::Node { kind, index, table, direction })
    }
}

/// `index NAME`, once the words before the first keyword are known not to be a node kind.
fn parse_index(kind_words: &[&str], clauses: &[&str]) -> Result<PlanPattern, PatternErrorReason> {
    match (kind_words, clauses.first()) {
        ([first, name], None) if first.eq_ignore_ascii_case("index") => Ok(PlanPattern::Index(unquote(name))),
        ([first], _) if first.eq_ignore_ascii_case("index") => {
            Err(PatternErrorReason::MissingName { keyword: "index".into() })
        }
        ([first, _], Some(clause)) if first.eq_ignore_ascii_case("index") => {
            Err(PatternErrorReason::AfterIndexName { token: (*clause).to_owned() })
        }
        ([first, _, extra, ..], _) if first.eq_ignore_ascii_case("index") => {
            Err(PatternErrorReason::Unexpected { token: (*extra).to_owned() })
        }
        _ => Err(PatternErrorReason::UnknownKind { kind: kind_words.join(" ") }),
    }
}

impl fmt::Display for PlanPattern {
    /// The canonical form, which parses back to the same pattern: `index NAME`, or
    /// `kind [using INDEX] [on TABLE] [backward|forward]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanPattern::Index(name) => write!(f, "index {name}"),
            PlanPattern::Node { kind, index, table, direction } => {
                write!(f, "{kind}")?;
                if let Some(index) = index {
                    write!(f, " using {index}")?;
                }
                if let Some(table) = table {
                    write!(f, " on {table}")?;
                }
                if let Some(direction) = direction {
                    write!(f, " {}", direction.as_str())?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(kind: NodeKind, index: Option<&str>, table: Option<&str>, direction: Option<ScanDirection>) -> PlanPattern {
        PlanPattern::Node { kind, index: index.map(str::to_owned), table: table.map(str::to_owned), direction }
    }

    #[test]
    fn parses_every_accepted_form() {
        use NodeKind::*;
        use ScanDirection::*;
        let cases: &[(&str, &str, PlanPattern)] = &[
            ("index by name", "index idx_agents_pak_hash", PlanPattern::Index("idx_agents_pak_hash".into())),
            ("index keyword in capitals", "INDEX idx_a", PlanPattern::Index("idx_a".into())),
            ("quoted index name", "index \"MixedCase\"", PlanPattern::Index("MixedCase".into())),
            ("any seq scan", "seq-scan", node(SeqScan, None, None, None)),
            ("seq scan on a table", "seq-scan on agents", node(SeqScan, None, Some("agents"), None)),
            ("schema-qualified table", "seq-scan on public.agents", node(SeqScan, None, Some("public.agents"), None)),
            ("sort", "sort", node(Sort, None, None, None)),
            ("incremental sort", "incremental-sort", node(IncrementalSort, None, None, None)),
            ("hash join", "hash-join", node(HashJoin, None, None, None)),
            ("nested loop", "nested-loop", node(NestedLoop, None, None, None)),
            (
                "index-only scan using",
                "index-only-scan using up_customer_role_idx",
                node(IndexOnlyScan, Some("up_customer_role_idx"), None, None),
            ),
            ("index scan using on", "index-scan using idx on t", node(IndexScan, Some("idx"), Some("t"), None)),
            ("on before using", "index-scan on t using idx", node(IndexScan, Some("idx"), Some("t"), None)),
            ("trailing backward", "index-scan using idx backward", node(IndexScan, Some("idx"), None, Some(Backward))),
            ("trailing forward", "index-only-scan forward", node(IndexOnlyScan, None, None, Some(Forward))),
            ("bitmap index scan using", "bitmap-index-scan using idx", node(BitmapIndexScan, Some("idx"), None, None)),
            ("bitmap heap scan on", "bitmap-heap-scan on events", node(BitmapHeapScan, None, Some("events"), None)),
            ("postgresql wording", "Index Only Scan using x on t", node(IndexOnlyScan, Some("x"), Some("t"), None)),
            (
                "postgresql backward wording",
                "Index Scan Backward using x on t",
                node(IndexScan, Some("x"), Some("t"), Some(Backward)),
            ),
            ("postgresql wording lowercase", "seq scan on agents", node(SeqScan, None, Some("agents"), None)),
            ("postgresql one-word kind", "HashAggregate", node(HashAggregate, None, None, None)),
            ("kebab one-word kind", "hash-aggregate", node(HashAggregate, None, None, None)),
            ("keywords in capitals", "Seq Scan ON agents", node(SeqScan, None, Some("agents"), None)),
            ("extra whitespace", "  seq-scan   on\tagents ", node(SeqScan, None, Some("agents"), None)),
            ("plain index scan is a kind, not an index named scan", "Index Scan", node(IndexScan, None, None, None)),
        ];
        for (name, input, expected) in cases {
            let parsed: PlanPattern = input.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&parsed, expected, "{name}");
        }
    }

    #[test]
    fn prints_the_canonical_form() {
        let cases = [
            ("index", "index idx_a", "index idx_a"),
            ("postgresql wording to kebab-case", "Index Only Scan using x on t", "index-only-scan using x on t"),
            ("direction goes last", "Index Scan Backward using x on t", "index-scan using x on t backward"),
            ("clauses reordered", "index-scan on t using x", "index-scan using x on t"),
            ("one-word kind", "HashAggregate", "hash-aggregate"),
            ("keywords lowercased", "Seq Scan ON agents", "seq-scan on agents"),
        ];
        for (name, input, expected) in cases {
            let parsed: PlanPattern = input.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(parsed.to_string(), expected, "{name}");
            assert_eq!(expected.parse::<PlanPattern>().as_ref(), Ok(&parsed), "{name}: round trip");
        }
    }

    #[test]
    fn every_kind_round_trips_in_both_spellings() {
        for kind in NodeKind::ALL {
            let kebab: PlanPattern = kind.as_str().parse().unwrap_or_else(|e| panic!("{e}"));
            let label: PlanPattern = kind.label().parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(kebab, node(*kind, None, None, None));
            assert_eq!(label, kebab);
            assert_eq!(kebab.to_string(), kind.as_str());
        }
    }
}
