//! What the `planproof` binary prints, snapshot-tested: the help of each command, `validate`
//! on good and bad files, errors before any work, and a whole `run` of a scenario whose
//! verdict does not depend on the clock (`fixtures/cli/clock-free.toml`). Figures that do
//! (milliseconds, the backend's version and paths, temporary folders) are masked, so the
//! snapshots hold on any machine. Review changes with `cargo insta review`.

use crate::common;

use std::process::Command;

use insta_cmd::assert_cmd_snapshot;

fn planproof() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planproof"));
    command.current_dir(common::root()).env_remove("DATABASE_URL").env("NO_COLOR", "1");
    command
}

/// Masks what differs between machines and runs.
macro_rules! masked {
    ($($body:tt)*) => {
        insta::with_settings!({ filters => vec![
            (r"\b\d+(\.\d+)?ms\b", "[ms]"),
            (r"±\d+%", "±[n]%"),
            (r"(local|docker) PostgreSQL [0-9][^,)\n]*", "$1 PostgreSQL [version]"),
            (r"(\s|^)/tmp/[^\s`']+", "$1[tmp]"),
            (r"\b[0-9a-f]{32}\b", "[md5]"),
        ]}, { $($body)* });
    };
}

#[test]
fn help() {
    assert_cmd_snapshot!("help", planproof().arg("--help"));
    assert_cmd_snapshot!("run_help", planproof().args(["run", "--help"]));
    assert_cmd_snapshot!("validate_help", planproof().args(["validate", "--help"]));
    assert_cmd_snapshot!("affected_help", planproof().args(["affected", "--help"]));
    assert_cmd_snapshot!("schema_help", planproof().args(["schema", "--help"]));
}

#[test]
fn schema_prints_the_checked_in_copy() {
    let output = planproof().arg("schema").output().expect("planproof runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let checked_in = std::fs::read_to_string(common::root().join("scenarios/planproof.schema.json")).unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout) == checked_in,
        "`planproof schema` differs from the checked-in copy"
    );
}

#[test]
fn validate_the_reference_scenarios() {
    assert_cmd_snapshot!(planproof().args(["validate", "scenarios"]));
}

#[test]
fn validate_an_invalid_file() {
    assert_cmd_snapshot!(planproof().args(["validate", "fixtures/invalid-scenarios/empty-name.toml"]));
}

#[test]
fn errors_before_any_work() {
    assert_cmd_snapshot!("no_such_file", planproof().args(["run", "no/such/scenario.toml"]));
    assert_cmd_snapshot!("bad_version", planproof().args(["run", "scenarios", "--pg", "fifteen"]));
    assert_cmd_snapshot!("bad_partition", planproof().args(["run", "scenarios", "--partition", "4/3"]));
}

#[test]
fn a_run_on_a_local_cluster() {
    if common::local_cluster("a_run_on_a_local_cluster").is_none() {
        return;
    }
    // Relative to the workspace, so that the command line in the snapshot is the same anywhere.
    let reports = "target/tmp/cli-output-reports";
    let mut command = planproof();
    command.args(["run", "fixtures/cli/clock-free.toml", "--backend", "local", "--report-dir", reports]);
    masked!(assert_cmd_snapshot!(command));
}
