//! The node kinds a plan pattern can name: each kind's kebab-case name, the label PostgreSQL's
//! TEXT format prints, the `Node Type` of EXPLAIN JSON, and which plan nodes it matches. The
//! pattern language that uses them is `parse`'s; walking a plan is `check`'s.

use std::fmt;

macro_rules! node_kinds {
    ($($variant:ident => $kebab:literal, $label:literal, $node_type:literal;)*) => {
        /// A kind of plan node, as scenario files name it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum NodeKind {
            $($variant,)*
        }

        impl NodeKind {
            /// Every kind, in the order the reference lists them.
            pub(crate) const ALL: &'static [NodeKind] = &[$(NodeKind::$variant,)*];

            /// The canonical, kebab-case name: `index-only-scan`.
            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $(NodeKind::$variant => $kebab,)*
                }
            }

            /// The name PostgreSQL's TEXT format prints: `Index Only Scan`, `HashAggregate`.
            pub(crate) fn label(self) -> &'static str {
                match self {
                    $(NodeKind::$variant => $label,)*
                }
            }

            /// The `Node Type` value in EXPLAIN JSON: `Aggregate` for `HashAggregate`.
            pub(crate) fn node_type(self) -> &'static str {
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
    pub(crate) fn matches(self, node_type: &str, strategy: Option<&str>) -> bool {
        match self {
            NodeKind::Sort => matches!(node_type, "Sort" | "Incremental Sort"),
            NodeKind::HashAggregate => node_type == "Aggregate" && strategy == Some("Hashed"),
            NodeKind::GroupAggregate => node_type == "Aggregate" && strategy == Some("Sorted"),
            kind => node_type == kind.node_type(),
        }
    }

    /// Index Scan, Index Only Scan and Bitmap Index Scan: the kinds that name an index.
    pub(crate) fn reads_index(self) -> bool {
        matches!(self, NodeKind::IndexScan | NodeKind::IndexOnlyScan | NodeKind::BitmapIndexScan)
    }

    /// Index Scan and Index Only Scan: the kinds that have a scan direction.
    pub(crate) fn has_direction(self) -> bool {
        matches!(self, NodeKind::IndexScan | NodeKind::IndexOnlyScan)
    }

    /// Kinds that read a table (a Bitmap Index Scan's table is its Bitmap Heap Scan's).
    pub(crate) fn is_scan(self) -> bool {
        self.label().ends_with("Scan")
    }

    /// Finds a kind from its name in any accepted spelling: `index-only-scan`,
    /// `Index Only Scan`, `HashAggregate`, `hash_aggregate`, case-insensitively.
    pub(super) fn from_words(words: &[&str]) -> Option<NodeKind> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
