//! The registry of the check stage: [`Check`], the one list of what a finding can be about
//! (every finding of every stage carries one of these codes, never a string), and
//! [`evaluate`], the one place that matches on [`Expect`] — what a scenario asks — to send each
//! expectation to the file that judges it. A code is its variant's kebab-case name, the word of
//! the scenario key it judges (`max-buffers` → `buffers`), and `scenarios/README.md` has a row
//! for each (a test fails when one is missing).
//!
//! Adding an expectation kind: its file under `check/` (declared in `mod.rs`) with its tests,
//! its `Check` code here when it raises a new one and its arm in [`evaluate`], its `Expect`
//! variant and key in `scenario/section/expectations.rs`, its rows in `scenarios/README.md`.

use serde::{Deserialize, Serialize};

use super::budget::{budget_findings, BudgetResult};
use super::evidence::Evidence;
use super::finding::Finding;
use crate::scenario::Expect;

/// A finding's code, as reports print it (`index-used`, `small-table`, …).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Check {
    // What a query's plan must contain or not (`plan`, `no`).
    /// A `plan = "index NAME"` pattern matches no node.
    IndexUsed,
    /// A `plan` pattern naming a node kind matches no node.
    NodePresent,
    /// After the migration, a `plan` pattern names an index that does not exist.
    IndexExists,
    /// A `no` pattern matches a node.
    NodeAbsent,
    // Clock-free budgets of a phase.
    /// Over `max-rows-removed`: rows read and then removed by a filter.
    RowsRemoved,
    /// Over `max-buffers`: shared buffers hit plus read.
    Buffers,
    /// Over `max-rows-examined`: rows every scan read.
    RowsExamined,
    /// Over `max-heap-fetches`: heap visits of index-only scans.
    HeapFetches,
    // Timing budgets of a phase.
    /// A `latency` budget (`p50`, `p95`, `max`).
    Latency,
    /// The `latency.planning` budget.
    Planning,
    /// A `speedup` budget.
    Speedup,
    /// A `claimed-speedup` the measurement contradicts (a warning, never a failure).
    ClaimedSpeedup,
    /// The plan changed between measured runs.
    StablePlan,
    /// An index assertion on a table too small (or never analyzed) to mean anything.
    SmallTable,
    // The migration under test (`[migration]`).
    /// Over `max-duration`.
    MigrationDuration,
    /// Over `max-wal`: bytes of WAL written while the migration ran.
    Wal,
    /// `expect-error`: the migration failed as expected, succeeded, or failed otherwise.
    MigrationError,
    /// An index is INVALID after the migration.
    ValidIndex,
    /// The migration builds an index without `CONCURRENTLY` on a big table.
    BlockingIndexBuild,
    /// The migration takes write-blocking locks and sets no `lock_timeout`.
    LockTimeout,
    /// An index the migration creates duplicates another or is a prefix of one.
    RedundantIndex,
    /// The tool could not print the migration's SQL, so its locking was not inspected.
    MigrationSql,
    // `[[indexes]]`.
    /// A catalog fact of an `[[indexes]]` entry does not hold.
    IndexCatalog,
    /// An index over its `max-size`.
    IndexSize,
    // Reversibility (`reversible = true`).
    /// Over `max-down-duration`.
    DownDuration,
    /// The down step failed, or left the catalog other than before up.
    Reversible,
    /// Up failed after down, or made another catalog than the first up.
    Reapply,
    /// After the down step a query's plan is not the one before the migration.
    PlanAfterRollback,
    // The workload around the migration (`[load]`).
    /// Over `max-write-stall`.
    WriteStall,
    /// Over `max-read-stall`.
    ReadStall,
    /// Over `max-write-slowdown`.
    WriteSlowdown,
    /// A worker stopped before the migration ended.
    LoadCoverage,
    /// Operations of the workload failed during the migration.
    LoadErrors,
    // The run itself.
    /// The server's major differs from the scenario's `postgres`.
    ServerVersion,
    /// A scratch database could not be dropped after the run.
    Cleanup,
    // The CI gate (`--changed-since`).
    /// A migration the change adds or edits is no scenario's migration under test.
    NoScenario,
}

impl Check {
    /// The code as reports print it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The findings and budget results of some expectations on one piece of evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Judged {
    /// Violations and warnings, in the order of the expectations, then those of the budgets.
    pub findings: Vec<Finding>,
    /// Every budget's result, whatever its verdict, for the reports.
    pub budgets: Vec<BudgetResult>,
}

/// Judges every expectation of `expects` that `evidence` is for: a query's on a capture, the
/// migration's on the migration, `max-down-duration` on the down step. Expectations about
/// other evidence are judged where that evidence is.
pub fn evaluate(expects: &[Expect], evidence: &Evidence) -> Judged {
    let mut judged = Judged::default();
    for expect in expects {
        judge(expect, evidence, &mut judged);
    }
    judged.findings.extend(budget_findings(&judged.budgets));
    judged
}

fn judge(expect: &Expect, evidence: &Evidence, out: &mut Judged) {
    use super::{
        buffers, heap_fetches, index_catalog, index_exists, latency, migration_duration, no, plan, rows_examined,
        rows_removed, small_table, speedup, stall, wal, write_slowdown,
    };
    let findings = &mut out.findings;
    match (expect, evidence) {
        (Expect::Plan(pattern), Evidence::Capture(c)) => {
            findings.extend(plan::plan(c.explain, pattern));
            findings.extend(small_table::small_table(c.explain, expect, c.tables));
            let missing = c.indexes.and_then(|existing| index_exists::index_exists(pattern, existing));
            findings.extend(missing.filter(|f| !findings.contains(f)));
        }
        (Expect::No(pattern), Evidence::Capture(c)) => {
            findings.extend(no::no(c.explain, pattern));
            findings.extend(small_table::small_table(c.explain, expect, c.tables));
        }
        (Expect::MaxRowsRemoved(max), Evidence::Capture(c)) => {
            findings.extend(rows_removed::rows_removed(c.explain, *max));
        }
        (Expect::MaxBuffers(max), Evidence::Capture(c)) => findings.extend(buffers::buffers(c.explain, *max)),
        (Expect::MaxHeapFetches(max), Evidence::Capture(c)) => {
            findings.extend(heap_fetches::heap_fetches(c.explain, *max));
        }
        (Expect::MaxRowsExamined(max), Evidence::Capture(c)) => {
            findings.extend(rows_examined::rows_examined(c.explain, *max));
        }
        (Expect::Latency { measure, stat, limit }, Evidence::Capture(c)) => {
            out.budgets.push(latency::latency(*measure, *stat, *limit, c));
        }
        (Expect::Planning(limit), Evidence::Capture(c)) => out.budgets.push(latency::planning(*limit, c.planning)),
        (Expect::Speedup { measure, min }, Evidence::Capture(c)) => {
            out.budgets.push(speedup::speedup(*measure, *min, true, c));
        }
        (Expect::ClaimedSpeedup { measure, claimed }, Evidence::Capture(c)) => {
            out.budgets.push(speedup::speedup(*measure, *claimed, false, c));
        }
        (Expect::MaxDuration(limit), Evidence::Migration(m)) => {
            out.budgets.extend(m.timing.map(|shot| migration_duration::migration_duration(*limit, &shot)));
        }
        (Expect::MaxWal(max), Evidence::Migration(m)) => out.budgets.extend(m.wal.map(|w| wal::wal(*max, &w))),
        (Expect::MaxDownDuration(limit), Evidence::Down(shot)) => {
            out.budgets.push(migration_duration::down_duration(*limit, shot));
        }
        (Expect::MaxWriteStall(limit), Evidence::Migration(m)) => {
            let window = m.load.and_then(|l| l.window.as_ref());
            out.budgets.extend(window.and_then(|w| stall::stall(*limit, "writer", w)));
        }
        (Expect::MaxReadStall(limit), Evidence::Migration(m)) => {
            let window = m.load.and_then(|l| l.window.as_ref());
            out.budgets.extend(window.and_then(|w| stall::stall(*limit, "reader", w)));
        }
        (Expect::MaxWriteSlowdown(budget), Evidence::Migration(m)) => {
            for s in m.load.map(|l| l.write_series.as_slice()).unwrap_or_default() {
                out.budgets.extend(write_slowdown::write_slowdown(*budget, s));
            }
        }
        (Expect::Index(spec), Evidence::Migration(m)) => findings.extend(index_catalog::index_catalog(spec, m.indexes)),
        // Judged on the evidence of another step.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use strum::IntoEnumIterator;

    use super::*;
    use crate::catalog::TableSize;
    use crate::check::{Capture, Migration, OneShot, Severity, Verdict, WalWritten};
    use crate::load::{Figures, OpKind, Stopped, WindowResult, WorkerResult, WriteSeries};
    use crate::plan::{fixture, Explain, Node};
    use crate::scenario::{IndexSpec, Measure, Statistic};
    use crate::stats::Series;

    fn pattern(text: &str) -> crate::scenario::PlanPattern {
        text.parse().expect("valid pattern")
    }

    /// Findings as a report's JSON shows them.
    fn to_json(findings: &[Finding]) -> String {
        serde_json::to_string_pretty(findings).expect("findings serialise")
    }

    fn agents_after_migration() -> Vec<Expect> {
        vec![
            Expect::Plan(pattern("index idx_agents_pak_hash")),
            Expect::No(pattern("seq-scan on agents")),
            Expect::No(pattern("sort")),
            Expect::MaxRowsRemoved(0.0),
            Expect::MaxBuffers(10.0),
        ]
    }

    fn big_agents() -> BTreeMap<String, TableSize> {
        BTreeMap::from([("agents".to_owned(), TableSize { rows: 20_000.0, pages: 200.0 })])
    }

    /// A capture of `explain` with these sizes and no timings.
    fn on_plan<'a>(explain: &'a Explain, tables: &'a BTreeMap<String, TableSize>, empty: &'a Series) -> Evidence<'a> {
        Evidence::Capture(Capture {
            explain,
            execution: empty,
            planning: empty,
            client: None,
            client_before: None,
            server_before: None,
            tables,
            indexes: None,
        })
    }

    /// The capture evidence inside `evidence`.
    fn on_capture<'a>(evidence: &Evidence<'a>) -> Capture<'a> {
        match evidence {
            Evidence::Capture(c) => *c,
            other => panic!("not a capture: {other:?}"),
        }
    }

    #[test]
    fn plan_as_expected_has_no_findings() {
        let (explain, tables, empty) = (fixture::pg15("partial_index_scan"), big_agents(), Series::default());
        assert_eq!(evaluate(&agents_after_migration(), &on_plan(&explain, &tables, &empty)), Judged::default());
    }

    #[test]
    fn plan_before_the_migration_breaks_every_expectation() {
        let (explain, tables, empty) = (fixture::pg15("seq_scan"), big_agents(), Series::default());
        let findings = evaluate(&agents_after_migration(), &on_plan(&explain, &tables, &empty)).findings;
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
    fn tiny_table_adds_a_warning_to_each_index_assertion() {
        let tables = BTreeMap::from([("agents".to_owned(), TableSize { rows: 50.0, pages: 1.0 })]);
        let (explain, empty) = (fixture::pg15("seq_scan_small_table"), Series::default());
        let findings = evaluate(&agents_after_migration(), &on_plan(&explain, &tables, &empty)).findings;
        // One warning for `index …` (after its violation) and one for `no seq-scan on agents`.
        let warnings: Vec<Check> =
            findings.iter().filter(|f| f.severity == Severity::Warning).map(|f| f.check).collect();
        assert_eq!(warnings, [Check::SmallTable, Check::SmallTable]);
        assert_eq!((findings[0].check, findings[1].check), (Check::IndexUsed, Check::SmallTable));
    }

    #[test]
    fn alert_routing_order_by_desc() {
        let expects = [Expect::Plan(pattern("index alertrule_eval_priority_idx")), Expect::No(pattern("sort"))];
        let (tables, empty) = (BTreeMap::new(), Series::default());
        let desc = fixture::pg15("order_desc_index_desc");
        assert_eq!(evaluate(&expects, &on_plan(&desc, &tables, &empty)), Judged::default());
        let nulls_last = fixture::pg15("order_desc_index_nulls_last");
        let findings = evaluate(&expects, &on_plan(&nulls_last, &tables, &empty)).findings;
        insta::assert_snapshot!("order_desc_against_nulls_last_index", to_json(&findings));
    }

    #[test]
    fn every_kind_is_judged_on_its_own_evidence_and_only_there() {
        let ms = Duration::from_millis;
        let (explain, tables) = (fixture::pg15("seq_scan"), big_agents());
        let (slow, fast) = (Series::new(vec![10.0; 20]), Series::new(vec![1.0; 20]));
        let capture = Evidence::Capture(Capture {
            explain: &explain,
            execution: &slow,
            planning: &slow,
            client: Some(&slow),
            client_before: Some(&fast),
            server_before: Some(&fast),
            tables: &tables,
            indexes: Some(&[]),
        });
        let load = crate::load::LoadResult {
            writers: 1,
            readers: 1,
            rate: 50,
            tables: vec!["t".into()],
            window: Some(WindowResult {
                baseline_ms: 1000.0,
                migration_ms: 3000.0,
                workers: ["writer", "reader"]
                    .map(|kind| WorkerResult {
                        name: format!("{kind} 1"),
                        kind: kind.into(),
                        during: Figures {
                            operations: 10,
                            errors: 0,
                            stall_ms: 2900.0,
                            longest_ms: 2900.0,
                            p99_ms: 2900.0,
                        },
                        baseline: Figures { operations: 50, errors: 0, stall_ms: 20.0, longest_ms: 2.0, p99_ms: 2.0 },
                        covered: true,
                        stopped: Stopped::Told,
                        first_error: None,
                    })
                    .into(),
                locks: Vec::new(),
                monitor_error: None,
                rows_written: 10,
                rows_left: 0,
            }),
            write_series: vec![WriteSeries {
                table: "t".into(),
                kind: OpKind::Insert,
                before: Series::new(vec![1.0; 30]),
                after: Some(Series::new(vec![3.0; 30])),
                control: None,
            }],
            notes: Vec::new(),
        };
        let shot = OneShot { server: ms(5000), wall: ms(5000), slowness: 1.0, again: None };
        let wal = Some(WalWritten { bytes: 8 << 20, again: None, beside_load: false });
        let migration = Evidence::Migration(Migration { timing: Some(shot), load: Some(&load), indexes: &[], wal });
        let mut fetching = Node::new("Index Only Scan");
        fetching.heap_fetches = Some(500.0);
        let fetching = Explain::from_plan(fetching);
        let stale = Evidence::Capture(Capture { explain: &fetching, ..on_capture(&capture) });
        let down = Evidence::Down(shot);
        let index = IndexSpec { name: "ix".into(), ..IndexSpec::default() };
        // (kind, the evidence it is judged on, what it raises there)
        let cases: Vec<(Expect, &Evidence, Check)> = vec![
            (Expect::Plan(pattern("index ix")), &capture, Check::IndexUsed),
            (Expect::Plan(pattern("index-scan")), &capture, Check::NodePresent),
            (Expect::No(pattern("seq-scan")), &capture, Check::NodeAbsent),
            (Expect::MaxRowsRemoved(0.0), &capture, Check::RowsRemoved),
            (Expect::MaxBuffers(1.0), &capture, Check::Buffers),
            (Expect::MaxRowsExamined(1.0), &capture, Check::RowsExamined),
            (Expect::MaxHeapFetches(0.0), &stale, Check::HeapFetches),
            (
                Expect::Latency { measure: Measure::Server, stat: Statistic::P50, limit: ms(1) },
                &capture,
                Check::Latency,
            ),
            (Expect::Planning(ms(1)), &capture, Check::Planning),
            (Expect::Speedup { measure: Measure::Client, min: 2.0 }, &capture, Check::Speedup),
            (Expect::ClaimedSpeedup { measure: Measure::Server, claimed: 2.0 }, &capture, Check::ClaimedSpeedup),
            (Expect::MaxDuration(ms(1000)), &migration, Check::MigrationDuration),
            (Expect::MaxWal(1 << 20), &migration, Check::Wal),
            (Expect::MaxDownDuration(ms(1000)), &down, Check::DownDuration),
            (Expect::MaxWriteStall(ms(250)), &migration, Check::WriteStall),
            (Expect::MaxReadStall(ms(250)), &migration, Check::ReadStall),
            (Expect::MaxWriteSlowdown(0.15), &migration, Check::WriteSlowdown),
            (Expect::Index(index), &migration, Check::IndexCatalog),
        ];
        for (expect, evidence, check) in &cases {
            let judged = evaluate(std::slice::from_ref(expect), evidence);
            let raised: Vec<Check> = judged.findings.iter().map(|f| f.check).collect();
            assert!(raised.contains(check), "{expect:?}: raised {raised:?}, expected {check:?}");
            let others = [&capture, &stale, &migration, &down];
            for other in others.into_iter().filter(|e| {
                !matches!((e, evidence), (Evidence::Capture(_), Evidence::Capture(_))) && !std::ptr::eq(*e, *evidence)
            }) {
                assert_eq!(evaluate(std::slice::from_ref(expect), other), Judged::default(), "{expect:?} on {other:?}");
            }
        }
        // A claim contradicted is a warning, a missed budget a violation.
        let claim = Expect::ClaimedSpeedup { measure: Measure::Server, claimed: 2.0 };
        let speedup = evaluate(&[claim], &capture);
        assert_eq!((speedup.budgets[0].verdict, speedup.findings[0].severity), (Verdict::Fail, Severity::Warning));
    }

    #[test]
    fn codes_are_kebab_case_and_round_trip() {
        for check in Check::iter() {
            let code = check.as_str();
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{code}");
            assert_eq!(code.parse::<Check>(), Ok(check));
            assert_eq!(serde_json::to_string(&check).unwrap(), format!("\"{code}\""));
        }
        assert_eq!(Check::RowsRemoved.as_str(), "rows-removed");
        assert_eq!(Check::BlockingIndexBuild.to_string(), "blocking-index-build");
    }

    /// The codes in the first column of the table under `## Findings and exit codes`.
    fn documented_codes(reference: &str) -> Vec<String> {
        let section =
            reference.split("\n## Findings and exit codes").nth(1).expect("the reference has a findings section");
        let table = section.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|'));
        let first_cells = table.skip(2).filter_map(|row| row.split('|').nth(1));
        first_cells
            .flat_map(|cell| cell.split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>())
            .collect()
    }

    #[test]
    fn every_code_has_a_row_in_the_reference_and_every_row_a_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/README.md");
        let reference = std::fs::read_to_string(path).unwrap();
        let documented = documented_codes(&reference);
        let missing: Vec<&str> =
            Check::iter().map(Check::as_str).filter(|c| !documented.iter().any(|d| d == c)).collect();
        assert!(missing.is_empty(), "{path}: the findings table has no row for {missing:?}");
        let unknown: Vec<&String> = documented.iter().filter(|d| d.parse::<Check>().is_err()).collect();
        assert!(unknown.is_empty(), "{path}: the findings table lists codes no check raises: {unknown:?}");
    }
}
