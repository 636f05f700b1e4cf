//! Every scenario under `scenarios/` is a test case of its own, named after its file, run on
//! a real PostgreSQL (a `DATABASE_URL` server, else a temporary local cluster). A failing
//! scenario keeps its database and the panic message says how to connect to it.

use std::path::PathBuf;
use std::sync::Mutex;

use rstest::rstest;

/// Scenarios run one at a time: their timing budgets compare medians measured seconds apart,
/// and another scenario seeding 100k rows in between on a 2-core machine would skew them.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[rstest]
fn scenario(#[files("../scenarios/*.toml")] path: PathBuf) {
    // A scenario that panicked poisons the lock; the others still run.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    planproof::assert_scenario(&path);
}
