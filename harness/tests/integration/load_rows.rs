//! The workload's rows: made by the scenario's own generators and numbered after the seeded
//! rows (messaging's tables have `sequence` ids under a primary key, so a row that did not
//! continue the numbering would fail with a duplicate key), written by two writers and two
//! write series without a single error, and deleted again — every one of them — before the
//! "after" plans, which still hold. The write series have one series per table and kind, with
//! every timed write in it.

use crate::common;

use planproof::load::OpKind;
use planproof::pipeline::{run_scenario, RunOptions};
use planproof::Outcome;

#[test]
fn workload_rows_continue_the_seed_and_are_deleted_again() {
    let Some(mut backend) = common::local_cluster("workload_rows_continue_the_seed") else { return };
    let scenario = planproof::validate(common::root().join("scenarios/messaging-ops-corrected.toml")).unwrap();
    let spec = scenario.load.clone().expect("the scenario has a workload");
    let writes = spec.overhead_writes.expect("and write series") as usize;
    let result = run_scenario(&scenario, &mut backend, &RunOptions::default());
    let text = planproof::report::scenario_text(&result);
    assert!(matches!(result.outcome, Outcome::Passed | Outcome::Inconclusive), "{text}");
    let load = &result.load.as_ref().expect("a load result").measured;
    assert!(load.notes.is_empty(), "every written row was found and deleted: {:?}", load.notes);
    let window = load.window.as_ref().expect("the workload ran");
    assert_eq!(window.workers.len(), spec.writers as usize);
    assert!(window.rows_written > 0 && window.rows_left == 0, "{text}");
    for w in &window.workers {
        assert_eq!(w.first_error, None, "{} wrote without an error (continued sequence ids, unique columns)", w.name);
        assert!(w.covered, "{text}");
    }
    assert_eq!(load.tables.len(), 6, "the six tables the migration indexes: {:?}", load.tables);
    assert_eq!(load.write_series.len(), 12, "an insert and an update series per table");
    for s in &load.write_series {
        let after = s.after.as_ref().expect("measured after the migration too");
        // Half of each table's writes are inserts, half updates of rows the series inserted.
        assert_eq!(s.before.samples.len(), writes / 2, "{} {:?}", s.table, s.kind);
        assert_eq!(after.samples.len(), s.before.samples.len());
        assert!(matches!(s.kind, OpKind::Insert | OpKind::Update));
    }
}
