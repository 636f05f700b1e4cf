//! Every scenario under `scenarios/` is a test case of its own, named after its file, run on
//! a real PostgreSQL (a `DATABASE_URL` server, else a temporary local cluster). A failing
//! scenario keeps its database and the panic message says how to connect to it.

use std::path::PathBuf;

use rstest::rstest;

#[rstest]
fn scenario(#[files("../scenarios/*.toml")] path: PathBuf) {
    planproof::assert_scenario(&path);
}
