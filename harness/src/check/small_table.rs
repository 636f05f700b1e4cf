//! Warns when an index assertion concerns a table too small for it to mean anything. On a few
//! pages a Seq Scan is cheaper than any index, and the planner rightly picks it: asserting index
//! use there fails for the right plan, or passes by accident. Sizes come from `pg_class`
//! (`reltuples`, `relpages`) after seeding and `VACUUM (ANALYZE)`.

use super::registry::Check;
use std::collections::BTreeMap;

use super::finding::{count, Finding};
use super::matching::{every_node, matching_nodes};
use crate::catalog::TableSize;
use crate::plan::Explain;
use crate::scenario::pattern::{NodeKind, PlanPattern};
use crate::scenario::Expect;

/// Below this many pages a table is too small for an index assertion.
pub(crate) const SMALL_TABLE_PAGES: f64 = 10.0;
/// Below this many rows a table is too small for an index assertion.
pub(crate) const SMALL_TABLE_ROWS: f64 = 1000.0;

const CHECK: Check = Check::SmallTable;

/// A warning for each table an index assertion (`plan` an index scan, `no` a Seq Scan)
/// concerns that is too small, or has no statistics, for the assertion to mean anything; none
/// for other expectations. Tables are looked up in `tables` by plain or schema-qualified name.
pub(super) fn small_table(explain: &Explain, expect: &Expect, tables: &BTreeMap<String, TableSize>) -> Vec<Finding> {
    let (expectation, pattern) = match expect {
        Expect::Plan(p) if p.is_about_index_use() || is_kind(p, NodeKind::BitmapHeapScan) => (format!("`{p}`"), p),
        Expect::No(p) if is_kind(p, NodeKind::SeqScan) => (format!("no `{p}`"), p),
        _ => return Vec::new(),
    };
    let mut findings = Vec::new();
    for table in concerned_tables(explain, pattern) {
        let Some((name, size)) = lookup(tables, &table) else {
            continue;
        };
        findings.extend(warning(name, size, &expectation));
    }
    findings
}

/// Whether a Seq Scan is the right plan on the table whatever its indexes.
fn is_small(size: &TableSize) -> bool {
    size.pages < SMALL_TABLE_PAGES || size.rows < SMALL_TABLE_ROWS
}

fn is_kind(pattern: &PlanPattern, wanted: NodeKind) -> bool {
    matches!(pattern, PlanPattern::Node { kind, .. } if *kind == wanted)
}

/// The table the pattern names; else the tables read by the nodes it matches; else, when it
/// matches nothing, the tables the plan reads with a Seq Scan instead.
fn concerned_tables(explain: &Explain, pattern: &PlanPattern) -> Vec<String> {
    if let Some(table) = pattern.table() {
        return vec![table.to_owned()];
    }
    let mut tables: Vec<String> =
        matching_nodes(explain, pattern).iter().filter_map(|m| m.table().map(str::to_owned)).collect();
    if tables.is_empty() {
        tables = every_node(explain)
            .iter()
            .filter(|m| m.node.is_seq_scan())
            .filter_map(|m| m.table().map(str::to_owned))
            .collect();
    }
    tables.dedup();
    tables
}

/// Finds `table` under its own name, or matching the last part of a schema-qualified name.
fn lookup<'a>(tables: &'a BTreeMap<String, TableSize>, table: &str) -> Option<(&'a str, &'a TableSize)> {
    if let Some((name, size)) = tables.get_key_value(table) {
        return Some((name, size));
    }
    let unqualified = |name: &str| name.rsplit('.').next().unwrap_or(name).to_owned();
    let wanted = unqualified(table);
    tables.iter().find(|(name, _)| unqualified(name) == wanted).map(|(name, size)| (name.as_str(), size))
}

fn warning(table: &str, size: &TableSize, expectation: &str) -> Option<Finding> {
    if !size.is_analyzed() {
        let message = format!("table `{table}` has never been analyzed, so the planner guesses its size and {expectation} says little about production");
        let hint = "run `VACUUM (ANALYZE)` after seeding and after the migration";
        return Some(Finding::warning(CHECK, message, Some(hint.to_owned())));
    }
    if !is_small(size) {
        return None;
    }
    let pages = count(size.pages);
    let page_word = if size.pages == 1.0 { "page" } else { "pages" };
    let message = format!(
        "table `{table}` has only {} rows in {pages} {page_word}: at that size a Seq Scan is the right plan and the planner will not prefer any index, so {expectation} says nothing about production",
        count(size.rows)
    );
    let hint = format!(
        "seed at least {} rows over {} pages (better: as many as production has) so the planner's choice means something",
        count(SMALL_TABLE_ROWS),
        count(SMALL_TABLE_PAGES)
    );
    Some(Finding::warning(CHECK, message, Some(hint)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;
    use crate::plan::fixture;

    /// `plan` patterns, then `no` patterns.
    fn expect(plan: &[&str], no: &[&str]) -> Vec<Expect> {
        let parse = |p: &&str| p.parse::<PlanPattern>().expect("valid pattern");
        plan.iter().map(|p| Expect::Plan(parse(p))).chain(no.iter().map(|p| Expect::No(parse(p)))).collect()
    }

    fn check_small_tables(explain: &Explain, expects: &[Expect], tables: &BTreeMap<String, TableSize>) -> Vec<Finding> {
        expects.iter().flat_map(|e| small_table(explain, e, tables)).collect()
    }

    fn sizes(entries: &[(&str, f64, f64)]) -> BTreeMap<String, TableSize> {
        entries
            .iter()
            .map(|(name, rows, pages)| ((*name).to_owned(), TableSize { rows: *rows, pages: *pages }))
            .collect()
    }

    #[test]
    fn index_assertion_on_a_tiny_table_warns() {
        let findings = check_small_tables(
            &fixture::pg15("seq_scan_small_table"),
            &expect(&["index idx_agents_pak_hash"], &[]),
            &sizes(&[("agents", 50.0, 1.0)]),
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Warning);
        assert_eq!(findings[0].check, Check::SmallTable);
        assert_eq!(
            findings[0].message,
            "table `agents` has only 50 rows in 1 page: at that size a Seq Scan is the right plan and the planner will not prefer any index, so `index idx_agents_pak_hash` says nothing about production"
        );
    }

    /// (name, fixture, expectation, table sizes, number of warnings).
    type Case = (&'static str, &'static str, Vec<Expect>, &'static [(&'static str, f64, f64)], usize);

    #[test]
    fn which_assertions_concern_which_tables() {
        let cases: &[Case] = &[
            (
                "big table",
                "partial_index_scan",
                expect(&["index idx_agents_pak_hash"], &[]),
                &[("agents", 20_000.0, 200.0)],
                0,
            ),
            (
                "few pages but many rows",
                "partial_index_scan",
                expect(&["index idx_agents_pak_hash"], &[]),
                &[("agents", 5_000.0, 9.0)],
                1,
            ),
            (
                "used index finds its table",
                "partial_index_scan",
                expect(&["index idx_agents_pak_hash"], &[]),
                &[("agents", 50.0, 1.0), ("other", 1.0, 1.0)],
                1,
            ),
            (
                "bitmap index scan finds its heap table",
                "bitmap_heap_scan",
                expect(&["index events_customer_id_idx"], &[]),
                &[("events", 500.0, 5.0)],
                1,
            ),
            (
                "table named by the pattern",
                "seq_scan",
                expect(&[], &["seq-scan on agents"]),
                &[("agents", 10.0, 1.0)],
                1,
            ),
            (
                "schema-qualified size key",
                "seq_scan",
                expect(&[], &["seq-scan on agents"]),
                &[("public.agents", 10.0, 1.0)],
                1,
            ),
            (
                "unknown table is skipped",
                "seq_scan",
                expect(&[], &["seq-scan on agents"]),
                &[("generators", 10.0, 1.0)],
                0,
            ),
            (
                "not an index assertion",
                "sort_seq_scan",
                expect(&["sort"], &["hash-join"]),
                &[("alertrule", 10.0, 1.0)],
                0,
            ),
            (
                "small outer table of a join is not the index's",
                "nested_loop_index",
                expect(&["index orders_customer_id_idx"], &[]),
                &[("customers", 1000.0, 6.0), ("orders", 19_980.0, 130.0)],
                0,
            ),
            ("never analyzed", "seq_scan", expect(&["index idx_agents_pak_hash"], &[]), &[("agents", -1.0, 0.0)], 1),
        ];
        for (name, fixture, expectation, tables, expected) in cases {
            let findings = check_small_tables(&fixture::pg15(fixture), expectation, &sizes(tables));
            assert_eq!(findings.len(), *expected, "{name}: {findings:?}");
        }
    }

    #[test]
    fn must_not_seq_scan_names_the_expectation() {
        let findings = check_small_tables(
            &fixture::pg15("seq_scan_small_table"),
            &expect(&[], &["seq-scan"]),
            &sizes(&[("agents", 50.0, 1.0)]),
        );
        assert!(findings[0].message.ends_with("so no `seq-scan` says nothing about production"), "{findings:?}");
    }

    #[test]
    fn never_analyzed_table_asks_for_vacuum_analyze() {
        let findings = check_small_tables(
            &fixture::pg15("seq_scan"),
            &expect(&["index idx_agents_pak_hash"], &[]),
            &sizes(&[("agents", -1.0, 0.0)]),
        );
        assert_eq!(
            findings[0].message,
            "table `agents` has never been analyzed, so the planner guesses its size and `index idx_agents_pak_hash` says little about production"
        );
    }

    #[test]
    fn thresholds() {
        for (rows, pages, small) in
            [(999.0, 100.0, true), (1000.0, 10.0, false), (100_000.0, 9.0, true), (0.0, 0.0, true)]
        {
            assert_eq!(is_small(&TableSize { rows, pages }), small, "{rows} rows, {pages} pages");
        }
    }
}
