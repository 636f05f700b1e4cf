//! Seeding by SQL on a real cluster (`fixtures/sql-seed/`): a seed file, a table's own `sql`
//! and a generated table referencing the SQL-seeded one run in the scenario's order, the
//! results say which tables SQL filled with the database's checksum, two runs give the same
//! checksums, and a statement PostgreSQL refuses is an error naming where it is written.

use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::seed::SeedSource;
use planproof::Outcome;

use crate::common;

/// Runs a fixture, keeping its database when it does not end as `expected` (a fixture that
/// fails on purpose leaves nothing behind).
fn run(backend: &mut dyn planproof::db::Backend, file: &str, expected: Outcome) -> planproof::result::ScenarioResult {
    let scenario =
        planproof::validate(common::root().join("fixtures/sql-seed").join(file)).expect("the fixture is valid");
    let keep = if expected == Outcome::Passed { Keep::OnFailure } else { Keep::Never };
    run_scenario(&scenario, backend, &RunOptions { keep, ..RunOptions::default() })
}

#[test]
fn sql_seeded_tables_run_in_order_and_checksum_the_same_twice() {
    let Some(mut backend) = common::local_cluster("sql_seeded_tables_run_in_order_and_checksum_the_same_twice") else {
        return;
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let result = run(&mut backend, "scenario.toml", Outcome::Passed);
        let text = planproof::report::scenario_text(&result);
        assert_eq!(result.outcome, Outcome::Passed, "{text}");
        let seeded: Vec<(&str, u64, SeedSource)> =
            result.seeded.iter().map(|t| (t.table.as_str(), t.rows, t.source)).collect();
        assert_eq!(
            seeded,
            vec![
                ("regions", 20, SeedSource::Sql),
                ("accounts", 20_000, SeedSource::Sql),
                ("events", 30_000, SeedSource::Generated)
            ],
            "the seed file first, then the tables, parents first"
        );
        for t in result.seeded.iter().filter(|t| t.source == SeedSource::Sql) {
            assert!(
                t.checksum.ends_with(&format!("-{}", t.rows)),
                "{}: the database checksum, {}",
                t.table,
                t.checksum
            );
        }
        runs.push(result.seeded.iter().map(|t| (t.table.clone(), t.checksum.clone())).collect::<Vec<_>>());
    }
    assert_eq!(runs[0], runs[1], "seeding by SQL and generators is deterministic");
}

#[test]
fn a_failing_seed_statement_names_its_line_and_statement() {
    let Some(mut backend) = common::local_cluster("a_failing_seed_statement_names_its_line_and_statement") else {
        return;
    };
    let result = run(&mut backend, "failing.toml", Outcome::Error);
    assert_eq!(result.outcome, Outcome::Error);
    let error = result.error.as_deref().unwrap_or_default();
    // `sql` is at line 11 of the file; the refused INSERT, its second statement, at line 13.
    for part in [
        "failing.toml:11:7: `sql` of table `accounts` did not run",
        "failing.toml` line 13",
        "accounts_region_id_fkey",
        "INSERT INTO accounts (id, region_id, email) VALUES (1, 99, 'a@example.com')",
    ] {
        assert!(error.contains(part), "{part:?} in {error}");
    }
}
