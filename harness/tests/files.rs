//! The tests that are files: every scenario under `scenarios/` runs as a test case of its own,
//! named after its file, on a real PostgreSQL (a `DATABASE_URL` server, else Docker, else a
//! temporary local cluster), and every file under `fixtures/invalid-scenarios/` must be
//! rejected where its header says. The files are found when the tests run
//! (`datatest-stable`), so a new one is a new test without a rebuild. A failing scenario keeps
//! its database, and the failure says how to connect to it.

use std::path::Path;
use std::sync::Mutex;

mod invalid_header;

/// Scenarios run one at a time: their timing budgets compare medians measured seconds apart,
/// and another scenario seeding 100k rows in between on a 2-core machine would skew them.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn scenario(path: &Path) -> datatest_stable::Result<()> {
    // A scenario that panicked poisons the lock; the others still run.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    planproof::assert_scenario(path);
    Ok(())
}

fn invalid_scenario(path: &Path) -> datatest_stable::Result<()> {
    let expected = invalid_header::expected(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let error = match planproof::validate(path) {
        Ok(scenario) => panic!(
            "{}: validated as scenario `{}`, expected the error `{}`",
            path.display(),
            scenario.name,
            expected.message
        ),
        Err(e) => e.to_string(),
    };
    let file = path.display().to_string();
    let at = format!(":{}:{}:", expected.line, expected.col);
    assert!(error.contains(&file), "the error does not name the file `{file}`:\n  {error}");
    assert!(
        error.contains(&format!("{file}{at}")),
        "the error does not point at {}:{}:\n  {error}",
        expected.line,
        expected.col
    );
    assert!(error.contains(&expected.message), "the error does not say `{}`:\n  {error}", expected.message);
    Ok(())
}

datatest_stable::harness! {
    { test = scenario, root = "../scenarios", pattern = r"^[^/]*\.toml$" },
    { test = invalid_scenario, root = "../fixtures/invalid-scenarios", pattern = r"^[^/]*\.toml$" },
}
