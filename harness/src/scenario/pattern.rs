//! The small language scenario files use to say what a plan must or must not contain:
//! `index idx_agents_pak_hash`, `seq-scan on agents`, `sort`, `index-only-scan using x`,
//! `Index Scan Backward using x on t`. This file parses and prints patterns; matching them
//! against a plan is `check`'s job, so it knows nothing of the plan model (std only).

use std::fmt;
use std::str::FromStr;

pub use super::section::expectations::PlanExpectation;

/// Every accepted form, quoted in each parse error.
const ACCEPTED_FORMS: &str = "`index NAME` (any index scan using that index), or a node kind \
such as `seq-scan`, `index-scan`, `index-only-scan`, `bitmap-index-scan`, `bitmap-heap-scan`, \
`sort`, `hash-join` or `nested-loop` (kebab-case, or as PostgreSQL prints it: `Index Only Scan`), \
optionally followed by `using INDEX` (index scans), `on TABLE` (scans) and `backward` or \
`forward` (index scans and index-only scans)";

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
    pub fn index_name(&self) -> Option<&str> {
        match self {
            PlanPattern::Index(name) => Some(name),
            PlanPattern::Node { index, .. } => index.as_deref(),
        }
    }

    /// The table the pattern names, if any.
    pub fn table(&self) -> Option<&str> {
        match self {
            PlanPattern::Index(_) => None,
            PlanPattern::Node { table, .. } => table.as_deref(),
        }
    }

    /// Whether the pattern asks for an index to be read: `index NAME` or an index-scan kind.
    pub fn is_about_index_use(&self) -> bool {
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
    pub fn as_str(self) -> &'static str {
        match self {
            ScanDirection::Forward => "forward",
            ScanDirection::Backward => "backward",
        }
    }

    /// Whether PostgreSQL's `Scan Direction` value (`Forward`, `Backward`) is this direction.
    pub fn matches(self, scan_direction: &str) -> bool {
        scan_direction.eq_ignore_ascii_case(self.as_str())
    }
}

macro_rules! node_kinds {
    ($($variant:ident => $kebab:literal, $label:literal, $node_type:literal;)*) => {
        /// A kind of plan node, as scenario files name it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum NodeKind {
            $($variant,)*
        }

        impl NodeKind {
            /// Every kind, in the order the reference lists them.
            pub const ALL: &'static [NodeKind] = &[$(NodeKind::$variant,)*];

            /// The canonical, kebab-case name: `index-only-scan`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(NodeKind::$variant => $kebab,)*
                }
            }

            /// The name PostgreSQL's TEXT format prints: `Index Only Scan`, `HashAggregate`.
            pub fn label(self) -> &'static str {
                match self {
                    $(NodeKind::$variant => $label,)*
                }
            }

            /// The `Node Type` value in EXPLAIN JSON: `Aggregate` for `HashAggregate`.
            pub fn node_type(self) -> &'static str {
                match self {
                    $(NodeKind::$variant => $node_type,)*
                }
            }
        }
    };
}

node_kinds! {
    SeqScan => "seq-scan", "Seq Scan", "Seq Scan";
    IndexScan => "index-scan", "Index Scan", "Index Scan";
    IndexOnlyScan => "index-only-scan", "Index Only Scan", "Index Only Scan";
    BitmapIndexScan => "bitmap-index-scan", "Bitmap Index Scan", "Bitmap Index Scan";
    BitmapHeapScan => "bitmap-heap-scan", "Bitmap Heap Scan", "Bitmap Heap Scan";
    TidScan => "tid-scan", "Tid Scan", "Tid Scan";
    TidRangeScan => "tid-range-scan", "Tid Range Scan", "Tid Range Scan";
    SampleScan => "sample-scan", "Sample Scan", "Sample Scan";
    SubqueryScan => "subquery-scan", "Subquery Scan", "Subquery Scan";
    FunctionScan => "function-scan", "Function Scan", "Function Scan";
    TableFunctionScan => "table-function-scan", "Table Function Scan", "Table Function Scan";
    ValuesScan => "values-scan", "Values Scan", "Values Scan";
    CteScan => "cte-scan", "CTE Scan", "CTE Scan";
    NamedTuplestoreScan => "named-tuplestore-scan", "Named Tuplestore Scan", "Named Tuplestore Scan";
    WorkTableScan => "work-table-scan", "WorkTable Scan", "WorkTable Scan";
    ForeignScan => "foreign-scan", "Foreign Scan", "Foreign Scan";
    CustomScan => "custom-scan", "Custom Scan", "Custom Scan";
    Sort => "sort", "Sort", "Sort";
    IncrementalSort => "incremental-sort", "Incremental Sort", "Incremental Sort";
    NestedLoop => "nested-loop", "Nested Loop", "Nested Loop";
    HashJoin => "hash-join", "Hash Join", "Hash Join";
    MergeJoin => "merge-join", "Merge Join", "Merge Join";
    Hash => "hash", "Hash", "Hash";
    Materialize => "materialize", "Materialize", "Materialize";
    Memoize => "memoize", "Memoize", "Memoize";
    Aggregate => "aggregate", "Aggregate", "Aggregate";
    HashAggregate => "hash-aggregate", "HashAggregate", "Aggregate";
    GroupAggregate => "group-aggregate", "GroupAggregate", "Aggregate";
    Group => "group", "Group", "Group";
    WindowAgg => "window-agg", "WindowAgg", "WindowAgg";
    Unique => "unique", "Unique", "Unique";
    SetOp => "set-op", "SetOp", "SetOp";
    LockRows => "lock-rows", "LockRows", "LockRows";
    Limit => "limit", "Limit", "Limit";
    Result => "result", "Result", "Result";
    ProjectSet => "project-set", "ProjectSet", "ProjectSet";
    ModifyTable => "modify-table", "ModifyTable", "ModifyTable";
    Append => "append", "Append", "Append";
    MergeAppend => "merge-append", "Merge Append", "Merge Append";
    RecursiveUnion => "recursive-union", "Recursive Union", "Recursive Union";
    BitmapAnd => "bitmap-and", "BitmapAnd", "BitmapAnd";
    BitmapOr => "bitmap-or", "BitmapOr", "BitmapOr";
    Gather => "gather", "Gather", "Gather";
    GatherMerge => "gather-merge", "Gather Merge", "Gather Merge";
}

impl NodeKind {
    /// Whether a node with this `Node Type` (and Aggregate `Strategy`) is of this kind.
    /// `sort` also matches Incremental Sort: both are a sort the query pays for.
    pub fn matches(self, node_type: &str, strategy: Option<&str>) -> bool {
        match self {
            NodeKind::Sort => matches!(node_type, "Sort" | "Incremental Sort"),
            NodeKind::HashAggregate => node_type == "Aggregate" && strategy == Some("Hashed"),
            NodeKind::GroupAggregate => node_type == "Aggregate" && strategy == Some("Sorted"),
            kind => node_type == kind.node_type(),
        }
    }

    /// Index Scan, Index Only Scan and Bitmap Index Scan: the kinds that name an index.
    pub fn reads_index(self) -> bool {
        matches!(self, NodeKind::IndexScan | NodeKind::IndexOnlyScan | NodeKind::BitmapIndexScan)
    }

    /// Index Scan and Index Only Scan: the kinds that have a scan direction.
    pub fn has_direction(self) -> bool {
        matches!(self, NodeKind::IndexScan | NodeKind::IndexOnlyScan)
    }

    /// Kinds that read a table (a Bitmap Index Scan's table is its Bitmap Heap Scan's).
    pub fn is_scan(self) -> bool {
        self.label().ends_with("Scan")
    }

    /// Finds a kind from its name in any accepted spelling: `index-only-scan`,
    /// `Index Only Scan`, `HashAggregate`, `hash_aggregate`, case-insensitively.
    fn from_words(words: &[&str]) -> Option<NodeKind> {
        let key = squash(&words.concat());
        NodeKind::ALL.iter().copied().find(|kind| squash(kind.as_str()) == key || squash(kind.label()) == key)
    }
}

/// Lowercase without separators, so every spelling of a kind compares equal.
fn squash(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).map(|c| c.to_ascii_lowercase()).collect()
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

    #[test]
    fn sort_matches_both_sort_nodes() {
        assert!(NodeKind::Sort.matches("Sort", None));
        assert!(NodeKind::Sort.matches("Incremental Sort", None));
        assert!(!NodeKind::IncrementalSort.matches("Sort", None));
        assert!(NodeKind::IncrementalSort.matches("Incremental Sort", None));
    }

    #[test]
    fn aggregate_kinds_match_by_strategy() {
        assert!(NodeKind::Aggregate.matches("Aggregate", Some("Hashed")));
        assert!(NodeKind::HashAggregate.matches("Aggregate", Some("Hashed")));
        assert!(!NodeKind::HashAggregate.matches("Aggregate", Some("Sorted")));
        assert!(NodeKind::GroupAggregate.matches("Aggregate", Some("Sorted")));
    }

    #[test]
    fn index_scan_does_not_match_index_only_scan() {
        assert!(!NodeKind::IndexScan.matches("Index Only Scan", None));
        assert!(NodeKind::IndexOnlyScan.matches("Index Only Scan", None));
    }
}
