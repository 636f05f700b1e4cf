//! Two plans of one query compared node by node, for the HTML report's before/after view: each
//! node of either plan is matched to one of the other by its key — the family of its type (a
//! scan, a join, a sort, …), the relation it reads and the index it uses — in plan order, so
//! the third Seq Scan of `orders` before meets the third after. What is left over appeared or
//! disappeared; a scan that disappeared and one that appeared on the same relation are one
//! replaced access path (`Seq Scan on agents` → `Index Scan using idx on agents`). A matched
//! pair is cheaper, dearer or the same by its shared buffers (clock-free) when both plans have
//! them, else by its actual total time. Nodes are named by their pre-order position
//! ([`Node::walk`]), which the report uses as anchors. Deciding what is good is `check`'s job;
//! this only says what changed.

use super::node::{Explain, Node};

/// How much a figure must move, as a ratio, before a matched node counts as cheaper or dearer:
/// less is the noise of two runs of the same plan.
pub const CHANGE_RATIO: f64 = 1.2;

/// What happened to one node between two plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A scan of the relation gave way to another kind of scan (another index, or none).
    Replaced,
    /// Only in the second plan.
    Appeared,
    /// Only in the first plan.
    Disappeared,
    /// In both; fewer buffers (or less time) in the second.
    Cheaper,
    /// In both; more buffers (or more time) in the second.
    Dearer,
    /// In both, within [`CHANGE_RATIO`] or with nothing measured.
    Same,
}

impl Change {
    /// The word the report prints, also its CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Replaced => "replaced",
            Change::Appeared => "appeared",
            Change::Disappeared => "disappeared",
            Change::Cheaper => "cheaper",
            Change::Dearer => "dearer",
            Change::Same => "same",
        }
    }
}

/// A node of one side with its pre-order position in that plan.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub position: usize,
    pub node: &'a Node,
}

/// One line of a diff: a node of the first plan, of the second, or of both.
#[derive(Debug, Clone, Copy)]
pub struct DiffEntry<'a> {
    pub change: Change,
    pub before: Option<Side<'a>>,
    pub after: Option<Side<'a>>,
}

/// Every node of two plans, matched. Entries are ordered by what changed (replaced, appeared,
/// disappeared, cheaper, dearer, same), then by plan order.
pub fn diff<'a>(before: &'a Explain, after: &'a Explain) -> Vec<DiffEntry<'a>> {
    let sides = |explain: &'a Explain| -> Vec<Side<'a>> {
        explain.walk().enumerate().map(|(position, node)| Side { position, node }).collect()
    };
    let (left, right) = (sides(before), sides(after));
    let mut taken = vec![false; right.len()];
    let mut entries = Vec::new();
    let mut unmatched_before = Vec::new();
    for b in &left {
        let key = key(b.node);
        let found = right.iter().enumerate().find(|(i, a)| !taken[*i] && self::key(a.node) == key);
        match found {
            Some((i, a)) => {
                taken[i] = true;
                entries.push(DiffEntry { change: trend(b.node, a.node), before: Some(*b), after: Some(*a) });
            }
            None => unmatched_before.push(*b),
        }
    }
    let mut unmatched_after: Vec<Side<'a>> =
        right.iter().zip(&taken).filter(|(_, taken)| !**taken).map(|(a, _)| *a).collect();
    for b in unmatched_before {
        let replacement = match (family(b.node), &b.node.relation_name) {
            (Family::Scan, Some(relation)) => unmatched_after
                .iter()
                .position(|a| family(a.node) == Family::Scan && a.node.relation_name.as_ref() == Some(relation)),
            _ => None,
        };
        match replacement {
            Some(i) => {
                let a = unmatched_after.remove(i);
                entries.push(DiffEntry { change: Change::Replaced, before: Some(b), after: Some(a) });
            }
            None => entries.push(DiffEntry { change: Change::Disappeared, before: Some(b), after: None }),
        }
    }
    entries.extend(unmatched_after.into_iter().map(|a| DiffEntry {
        change: Change::Appeared,
        before: None,
        after: Some(a),
    }));
    entries.sort_by_key(|e| {
        (e.change, e.before.map_or(usize::MAX, |s| s.position), e.after.map_or(usize::MAX, |s| s.position))
    });
    entries
}

/// Kinds of node that do the same job, so that a Hash Join that became a Nested Loop, or an
/// Index Scan that became an Index Only Scan on the same index, is one node that changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Reads a relation's rows: Seq, Index, Index Only, Bitmap Heap, Tid, Sample scans.
    Scan,
    /// Reads an index for a bitmap.
    BitmapIndex,
    Join,
    Sort,
    Aggregate,
    /// Every other type is its own family.
    Other,
}

fn family(node: &Node) -> Family {
    match node.node_type.as_str() {
        "Seq Scan" | "Index Scan" | "Index Only Scan" | "Bitmap Heap Scan" | "Tid Scan" | "Tid Range Scan"
        | "Sample Scan" => Family::Scan,
        "Bitmap Index Scan" => Family::BitmapIndex,
        "Nested Loop" | "Hash Join" | "Merge Join" => Family::Join,
        "Sort" | "Incremental Sort" => Family::Sort,
        "Aggregate" | "Group" => Family::Aggregate,
        _ => Family::Other,
    }
}

/// What a node is matched by: its family (its own type when it has none), relation and index.
fn key(node: &Node) -> (Family, Option<&str>, Option<&str>, Option<&str>) {
    let family = family(node);
    let own_type = (family == Family::Other).then_some(node.node_type.as_str());
    (family, own_type, node.relation_name.as_deref(), node.index_name.as_deref())
}

/// Shared buffers hit plus read by the node and its children, `None` without `BUFFERS`.
pub fn node_buffers(node: &Node) -> Option<f64> {
    match (node.shared_hit_blocks, node.shared_read_blocks) {
        (None, None) => None,
        (hit, read) => Some(hit.unwrap_or(0.0) + read.unwrap_or(0.0)),
    }
}

/// Actual total time over all loops, in milliseconds, `None` without `ANALYZE` or timing.
pub fn node_time(node: &Node) -> Option<f64> {
    node.actual_total_time.map(|t| t * node.loops())
}

/// The factor by which the planner's row estimate missed the actual rows (both per loop),
/// 1 when exact, always at least 1 whichever way it missed; `None` without both figures.
/// Zero counts are taken as one row, as `EXPLAIN` itself rounds estimates up to one.
pub fn misestimate(node: &Node) -> Option<f64> {
    let (planned, actual) = (node.plan_rows?, node.actual_rows?);
    if node.loops() == 0.0 {
        return None;
    }
    let (planned, actual) = (planned.max(1.0), actual.max(1.0));
    Some(if planned > actual { planned / actual } else { actual / planned })
}

fn trend(before: &Node, after: &Node) -> Change {
    let figures = match (node_buffers(before), node_buffers(after)) {
        (Some(b), Some(a)) if b + a > 0.0 => Some((b, a)),
        _ => node_time(before).zip(node_time(after)),
    };
    match figures {
        Some((b, a)) if a * CHANGE_RATIO < b => Change::Cheaper,
        Some((b, a)) if a > b * CHANGE_RATIO => Change::Dearer,
        _ => Change::Same,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;

    fn summary(entries: &[DiffEntry]) -> Vec<String> {
        let label = |s: Option<Side>| s.map_or("-".to_string(), |s| format!("#{} {}", s.position, s.node.label()));
        entries.iter().map(|e| format!("{}: {} → {}", e.change.as_str(), label(e.before), label(e.after))).collect()
    }

    #[test]
    fn a_seq_scan_that_became_an_index_scan_is_a_replaced_access_path() {
        let (before, after) = (fixture::pg15("seq_scan"), fixture::pg15("partial_index_scan"));
        assert_eq!(
            summary(&diff(&before, &after)),
            ["replaced: #0 Seq Scan on agents → #0 Index Scan using idx_agents_pak_hash on agents"]
        );
    }

    #[test]
    fn the_same_plan_is_the_same_node_for_node() {
        let plan = fixture::pg15("nested_loop_index");
        let entries = diff(&plan, &plan);
        assert_eq!(entries.len(), plan.walk().count());
        assert!(entries.iter().all(|e| e.change == Change::Same), "{:?}", summary(&entries));
        assert!(entries.iter().all(|e| e.before.map(|s| s.position) == e.after.map(|s| s.position)));
    }

    #[test]
    fn a_sort_the_index_made_unneeded_disappeared() {
        let (before, after) = (fixture::pg15("sort_seq_scan"), fixture::pg15("index_scan_backward_limit"));
        let entries = summary(&diff(&before, &after));
        assert!(entries.iter().any(|e| e.starts_with("disappeared: ") && e.contains("Sort")), "{entries:?}");
        assert!(entries.iter().any(|e| e.starts_with("replaced: ") && e.contains("Seq Scan")), "{entries:?}");
    }

    #[test]
    fn nodes_on_other_relations_are_never_matched() {
        let (before, after) = (fixture::pg15("seq_scan"), fixture::pg15("nested_loop_index"));
        let entries = diff(&before, &after);
        let relations = |e: &DiffEntry| {
            (e.before.and_then(|s| s.node.relation_name.clone()), e.after.and_then(|s| s.node.relation_name.clone()))
        };
        for e in entries.iter().filter(|e| e.before.is_some() && e.after.is_some()) {
            let (b, a) = relations(e);
            assert_eq!(b, a, "{:?}", summary(&entries));
        }
        assert_eq!(entries.iter().filter(|e| e.after.is_some()).count(), after.walk().count());
        assert_eq!(entries.iter().filter(|e| e.before.is_some()).count(), before.walk().count());
    }

    /// Each node of each plan is on exactly one line, and the two nodes of a line share a key,
    /// or are scans of one relation when the line says `replaced`.
    fn assert_covers_both(before: &Explain, after: &Explain, what: &str) {
        let entries = diff(before, after);
        let mut left: Vec<usize> = entries.iter().filter_map(|e| e.before.map(|s| s.position)).collect();
        let mut right: Vec<usize> = entries.iter().filter_map(|e| e.after.map(|s| s.position)).collect();
        left.sort_unstable();
        right.sort_unstable();
        assert_eq!(left, (0..before.walk().count()).collect::<Vec<_>>(), "{what}: nodes before");
        assert_eq!(right, (0..after.walk().count()).collect::<Vec<_>>(), "{what}: nodes after");
        for e in &entries {
            if let (Some(b), Some(a)) = (e.before, e.after) {
                if e.change == Change::Replaced {
                    assert_eq!(
                        (family(b.node), &b.node.relation_name),
                        (family(a.node), &a.node.relation_name),
                        "{what}"
                    );
                } else {
                    assert_eq!(key(b.node), key(a.node), "{what}");
                }
            }
        }
    }

    #[test]
    fn every_node_of_third_party_plans_is_on_one_line() {
        let plans: Vec<(String, Explain)> = fixture::third_party_files()
            .into_iter()
            .filter_map(|(path, text)| Explain::from_json_str(&text).ok().map(|explain| (path, explain)))
            .collect();
        assert!(plans.len() > 20, "{} plans", plans.len());
        for (path, plan) in &plans {
            let same = diff(plan, plan);
            assert!(same.iter().all(|e| e.change == Change::Same), "{path}: {:?}", summary(&same));
            assert_covers_both(plan, plan, path);
        }
        // Every plan against the next: unrelated shapes still account for every node.
        for pair in plans.windows(2) {
            let ((a_path, a), (b_path, b)) = (&pair[0], &pair[1]);
            assert_covers_both(a, b, &format!("{a_path} → {b_path}"));
        }
    }

    #[test]
    fn a_missing_index_added_replaces_only_the_scans_it_serves() {
        // pev2's three joins: the same plan with its Seq Scan on one table turned into an
        // Index Scan by hand, as a migration adding the missing index would.
        let before = fixture::third_party("pev2/pev2_three_joins_missing_index.json");
        let mut after = before.clone();
        let seq = before.walk().position(Node::is_seq_scan).expect("a Seq Scan");
        let relation = before.walk().nth(seq).and_then(|n| n.relation_name.clone()).expect("on a table");
        fn turn(node: &mut Node, relation: &str) -> bool {
            if node.is_seq_scan() && node.relation_name.as_deref() == Some(relation) {
                node.node_type = "Index Scan".into();
                node.index_name = Some(format!("{relation}_idx"));
                return true;
            }
            node.children.iter_mut().any(|child| turn(child, relation))
        }
        assert!(turn(&mut after.plan, &relation));
        let entries = diff(&before, &after);
        let changed: Vec<_> = entries.iter().filter(|e| e.change != Change::Same).collect();
        assert_eq!(changed.len(), 1, "{:?}", summary(&entries));
        assert_eq!(changed[0].change, Change::Replaced);
        assert_eq!(changed[0].before.map(|s| s.position), Some(seq));
        assert_covers_both(&before, &after, "three joins");
    }

    #[test]
    fn matched_nodes_are_judged_by_buffers_then_by_time() {
        let scan = |hit: Option<f64>, time: f64| {
            let mut node = Node::new("Seq Scan");
            node.relation_name = Some("agents".into());
            node.shared_hit_blocks = hit;
            node.actual_total_time = Some(time);
            node.actual_loops = Some(1.0);
            Explain::from_plan(node)
        };
        let change = |b: &Explain, a: &Explain| diff(b, a)[0].change;
        // Buffers win over a clock that says otherwise.
        assert_eq!(change(&scan(Some(100.0), 1.0), &scan(Some(10.0), 5.0)), Change::Cheaper);
        assert_eq!(change(&scan(Some(10.0), 5.0), &scan(Some(100.0), 1.0)), Change::Dearer);
        assert_eq!(change(&scan(Some(100.0), 1.0), &scan(Some(110.0), 9.0)), Change::Same);
        // Without buffers, the time over all loops.
        assert_eq!(change(&scan(None, 10.0), &scan(None, 1.0)), Change::Cheaper);
        assert_eq!(change(&scan(None, 1.0), &scan(None, 1.1)), Change::Same);
        // Nothing measured: nothing to say.
        let bare = Explain::from_plan(Node::new("Result"));
        assert_eq!(change(&bare, &bare), Change::Same);
    }

    #[test]
    fn misestimates_are_a_factor_either_way() {
        let node = |planned: f64, actual: f64| {
            let mut node = Node::new("Seq Scan");
            node.plan_rows = Some(planned);
            node.actual_rows = Some(actual);
            node.actual_loops = Some(1.0);
            node
        };
        assert_eq!(misestimate(&node(10.0, 10.0)), Some(1.0));
        assert_eq!(misestimate(&node(1.0, 200.0)), Some(200.0));
        assert_eq!(misestimate(&node(500.0, 5.0)), Some(100.0));
        // No row found against an estimate of one is exact, as EXPLAIN rounds up to one.
        assert_eq!(misestimate(&node(1.0, 0.0)), Some(1.0));
        assert_eq!(misestimate(&Node::new("Seq Scan")), None);
        let mut never_run = node(10.0, 0.0);
        never_run.actual_loops = Some(0.0);
        assert_eq!(misestimate(&never_run), None);
    }

    #[test]
    fn node_figures_cover_every_loop() {
        let explain = fixture::hand_made("pg18_fractional_counts");
        for node in explain.walk() {
            if let (Some(t), Some(total)) = (node.actual_total_time, node_time(node)) {
                assert!((total - t * node.loops()).abs() < 1e-9);
            }
        }
        assert_eq!(node_buffers(&explain.plan), explain.buffers());
    }
}
