//! Runs every assertion of a [`PlanExpectation`] on one plan and collects the findings, in the
//! order the expectation lists them: `must`, `must_not`, budgets, then small-table warnings.

use std::collections::BTreeMap;

use super::Finding;
use super::{check_absent, check_contains, check_rows_removed_by_filter, check_shared_blocks, check_small_tables};
use crate::catalog::TableSize;
use crate::plan::Explain;
use crate::scenario::pattern::PlanExpectation;

/// Every violation and warning of `explain` against `expect`; empty when the plan is as
/// expected. `tables` holds the sizes of the seeded tables, for small-table warnings.
pub fn evaluate_plan(
    explain: &Explain,
    expect: &PlanExpectation,
    tables: &BTreeMap<String, TableSize>,
) -> Vec<Finding> {
    let must = expect.must.iter().filter_map(|pattern| check_contains(explain, pattern));
    let must_not = expect.must_not.iter().filter_map(|pattern| check_absent(explain, pattern));
    let rows_removed = expect.max_rows_removed_by_filter.and_then(|max| check_rows_removed_by_filter(explain, max));
    let buffers = expect.max_shared_blocks.and_then(|max| check_shared_blocks(explain, max));
    must.chain(must_not).chain(rows_removed).chain(buffers).chain(check_small_tables(explain, expect, tables)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Check;
    use crate::check::Severity;
    use crate::plan::fixture;
    use crate::scenario::pattern::PlanPattern;

    fn patterns(texts: &[&str]) -> Vec<PlanPattern> {
        texts.iter().map(|t| t.parse().expect("valid pattern")).collect()
    }

    /// Findings as a report's JSON shows them.
    fn to_json(findings: &[Finding]) -> String {
        serde_json::to_string_pretty(findings).expect("findings serialise")
    }

    fn agents_after_migration() -> PlanExpectation {
        PlanExpectation {
            must: patterns(&["index idx_agents_pak_hash"]),
            must_not: patterns(&["seq-scan on agents", "sort"]),
            max_rows_removed_by_filter: Some(0.0),
            max_shared_blocks: Some(10.0),
        }
    }

    fn big_agents() -> BTreeMap<String, TableSize> {
        BTreeMap::from([("agents".to_owned(), TableSize { rows: 20_000.0, pages: 200.0 })])
    }

    #[test]
    fn plan_as_expected_has_no_findings() {
        let findings = evaluate_plan(&fixture::pg15("partial_index_scan"), &agents_after_migration(), &big_agents());
        assert_eq!(findings, []);
    }

    #[test]
    fn plan_before_the_migration_breaks_every_expectation() {
        let findings = evaluate_plan(&fixture::pg15("seq_scan"), &agents_after_migration(), &big_agents());
        let checks: Vec<_> = findings.iter().map(|f| (f.severity, f.check)).collect();
        assert_eq!(
            checks,
            [
                (Severity::Violation, Check::IndexUsed),
                (Severity::Violation, Check::NodeAbsent),
                (Severity::Violation, Check::RowsRemoved),
                (Severity::Violation, Check::Buffers),
            ]
        );
        insta::assert_snapshot!("seq_scan_against_agents_after_migration", to_json(&findings));
    }

    #[test]
    fn tiny_table_adds_a_warning() {
        let tables = BTreeMap::from([("agents".to_owned(), TableSize { rows: 50.0, pages: 1.0 })]);
        let findings = evaluate_plan(&fixture::pg15("seq_scan_small_table"), &agents_after_migration(), &tables);
        let last = findings.last().expect("findings");
        assert_eq!((last.severity, last.check), (Severity::Warning, Check::SmallTable));
        // One warning for `index …` and one for `no seq-scan on agents`.
        assert_eq!(findings.iter().filter(|f| f.severity == Severity::Warning).count(), 2);
    }

    #[test]
    fn alert_routing_order_by_desc() {
        let expect = PlanExpectation {
            must: patterns(&["index alertrule_eval_priority_idx"]),
            must_not: patterns(&["sort"]),
            ..PlanExpectation::default()
        };
        let tables = BTreeMap::new();
        assert_eq!(evaluate_plan(&fixture::pg15("order_desc_index_desc"), &expect, &tables), []);
        let findings = evaluate_plan(&fixture::pg15("order_desc_index_nulls_last"), &expect, &tables);
        insta::assert_snapshot!("order_desc_against_nulls_last_index", to_json(&findings));
    }
}
