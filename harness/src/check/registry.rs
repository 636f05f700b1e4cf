//! The one list of what a finding can be about: every finding of every stage carries one of
//! these codes, never a string. The code is the variant's kebab-case name, the same word as the
//! scenario key it judges (`max-buffers` → `buffers`), and `scenarios/README.md` has a row for
//! each (a test fails when one is missing). Which code a check raises is decided in its own
//! file; this file only names them.

use serde::{Deserialize, Serialize};

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
}

impl Check {
    /// The code as reports print it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

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
