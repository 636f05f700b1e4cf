//! `planproof init` from a migration the user has: on brokkr's Diesel migration and its schema
//! it writes a scenario (snapshot-tested: the catalog, not the clock, decides every line) that
//! validates and then runs and passes on a local cluster, with a query per new index; what it
//! cannot read is an error that says what it reads instead.

use std::process::Command;

use crate::common;

fn planproof() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planproof"));
    command.current_dir(common::root()).env_remove("DATABASE_URL").env("NO_COLOR", "1");
    command.env(planproof::db::STATE_DIR_ENV, "target/tmp/init-state");
    command
}

#[test]
fn init_writes_a_scenario_that_validates_and_runs() {
    if !common::has_local_postgres("init_writes_a_scenario_that_validates_and_runs") {
        return;
    }
    let dir = common::root().join("target/tmp/init");
    std::fs::create_dir_all(&dir).expect("a folder for the scenario");
    let out = "target/tmp/init/brokkr.toml";
    let init = planproof()
        .args(["init", "--migration", "fixtures/brokkr/migrations/15_pak_hash_indexes/up.sql"])
        .args(["--schema", "fixtures/brokkr/schema.sql", "--out", out, "--backend", "local"])
        .output()
        .expect("planproof runs");
    let said = String::from_utf8_lossy(&init.stderr);
    assert!(init.status.success(), "init failed:\n{said}");
    assert!(said.contains("(it validates)") && said.contains("check before relying on it"), "{said}");
    let scenario = std::fs::read_to_string(common::root().join(out)).expect("the scenario was written");
    insta::assert_snapshot!("brokkr_scenario", scenario);
    assert_eq!(scenario.matches("[[queries]]").count(), 2, "one query per new index");

    let run = planproof()
        .args(["run", out, "--backend", "local", "--report-dir", "target/tmp/init/reports"])
        .output()
        .expect("planproof runs");
    let printed = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the scenario init wrote does not pass:\n{printed}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for index in ["idx_agents_pak_hash", "idx_generators_pak_hash"] {
        assert!(printed.contains(&format!("Index Scan using {index}")), "{index} is not used:\n{printed}");
    }
}

#[test]
fn init_says_what_it_reads_when_it_cannot_read_the_migration() {
    let alembic = planproof()
        .args(["init", "--migration", "fixtures/factory/alembic/versions/0002_add_database_indexes.py"])
        .output()
        .expect("planproof runs");
    let said = String::from_utf8_lossy(&alembic.stderr);
    assert_eq!(alembic.status.code(), Some(2), "{said}");
    assert!(
        said.contains("is not a migration planproof can read") && said.contains("alembic upgrade REV --sql"),
        "{said}"
    );
    let missing = planproof().args(["init", "--migration", "no/such/up.sql"]).output().expect("planproof runs");
    let said = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{said}");
    assert!(said.contains("cannot read `no/such/up.sql`"), "{said}");
}
