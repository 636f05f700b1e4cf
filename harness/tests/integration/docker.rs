//! The `docker` backend against a real engine: a reference scenario passes in a container of
//! the version it names, one container serves several scenarios, `--pg` runs a matrix with a
//! verdict per version, and no container outlives the run — after success, a panic, SIGINT or
//! SIGTERM; after a SIGKILL, `planproof clean` removes it, and leaves a live run's alone.
//!
//! Without a usable engine these tests fail when `CI` is set, and say loudly that they did not
//! run otherwise. They need the images `postgres:15`, `postgres:13` and `postgres:18` (or
//! `$PLANPROOF_IMAGE:NN`); `harness/docker/build-images.sh` builds them without a registry.

use planproof::check::Check;

use crate::common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use planproof::db::engine::Endpoint;
use planproof::db::{image_name, Backend, BackendOptions, DockerBackend, LABEL, PID_LABEL};
use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::Outcome;
use rstest::rstest;

/// The engine, when one answers that testcontainers can use.
fn engine(test: &str) -> Option<Endpoint> {
    let usable = Endpoint::from_env().and_then(|e| e.probe().map(|()| e));
    match usable {
        Ok(engine) => Some(engine),
        Err(why) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "\n*** {test}: NOT RUN: no usable Docker engine ({}: {}) (set CI=1 to make this a failure; \
                 harness/docker/start-engine.sh starts one) ***\n",
                why.endpoint, why.reason
            );
            None
        }
        Err(why) => panic!("{test}: CI needs a Docker engine: {}: {}", why.endpoint, why.reason),
    }
}

fn image() -> String {
    image_name(&BackendOptions::default()).expect("a valid image name")
}

fn scenario(file: &str) -> planproof::Scenario {
    planproof::validate(common::root().join("scenarios").join(file)).expect("the reference scenario is valid")
}

/// Containers of this engine that carry `label`.
fn labelled(engine: &Endpoint, label: &str) -> Vec<String> {
    engine.containers_labelled(label).expect("the engine lists containers")
}

/// Waits up to `limit` for no container to carry `label`.
fn gone_within(engine: &Endpoint, label: &str, limit: Duration) -> Vec<String> {
    let started = Instant::now();
    loop {
        let left = labelled(engine, label);
        if left.is_empty() || started.elapsed() > limit {
            return left;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn one_labelled_container_serves_several_scenarios_and_is_removed_when_dropped() {
    let Some(engine) = engine("one_labelled_container_serves_several_scenarios") else { return };
    let mut backend = DockerBackend::start(&image(), "15").expect("a postgres:15 container starts");
    let id = backend.container_id().to_string();
    assert!(backend.server_version().starts_with("15."), "{}", backend.server_version());
    assert!(backend.describe().starts_with("docker PostgreSQL 15."), "{}", backend.describe());
    assert!(labelled(&engine, LABEL).contains(&id), "the container carries `{LABEL}`");
    assert!(
        labelled(&engine, &format!("{PID_LABEL}={}", std::process::id())).contains(&id),
        "the container carries this process's id"
    );
    let listed = engine.labelled_containers(LABEL).expect("the engine lists containers");
    let this = listed.iter().find(|c| c.id == id).expect("the container is listed");
    for owner in ["planproof.host", "planproof.pid-start", "planproof.boot", "planproof.run"] {
        assert!(
            this.labels.get(owner).is_some_and(|v| !v.is_empty()),
            "the container carries `{owner}`: {:?}",
            this.labels
        );
    }

    let options = RunOptions { keep: Keep::OnFailure, ..RunOptions::default() };
    for file in ["brokkr-pak-hash.toml", "tenant-auth.toml"] {
        let result = run_scenario(&scenario(file), &mut backend, &options);
        assert_eq!(result.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(&result));
        assert!(result.server_version.starts_with("15."), "{}", result.server_version);
    }
    assert_eq!(backend.container_id(), id, "both scenarios ran in the same container");

    drop(backend);
    assert!(!labelled(&engine, LABEL).contains(&id), "the container `{id}` is removed when the backend is dropped");
}

#[test]
fn a_panic_removes_the_container() {
    let Some(engine) = engine("a_panic_removes_the_container") else { return };
    let (tx, rx) = std::sync::mpsc::channel();
    let outcome = std::panic::catch_unwind(move || {
        let backend = DockerBackend::start(&image(), "15").expect("a postgres:15 container starts");
        tx.send(backend.container_id().to_string()).expect("the test listens");
        panic!("a failing assertion in the middle of a test");
    });
    assert!(outcome.is_err());
    let id = rx.recv().expect("the container had started");
    assert!(!labelled(&engine, LABEL).contains(&id), "the container `{id}` is removed while the panic unwinds");
}

#[test]
fn a_version_matrix_reports_a_verdict_per_version() {
    let Some(engine) = engine("a_version_matrix_reports_a_verdict_per_version") else { return };
    let reports = tempfile::tempdir().expect("a temporary folder");
    let child = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .args(["run", "scenarios/brokkr-pak-hash.toml", "--backend", "docker", "--pg", "13,18", "--report-dir"])
        .arg(reports.path())
        .current_dir(common::root())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planproof starts");
    let pid = child.id();
    let output = child.wait_with_output().expect("planproof runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(stdout.contains("PASS brokkr-pak-hash (docker PostgreSQL 13."), "{stdout}");
    assert!(stdout.contains("PASS brokkr-pak-hash (docker PostgreSQL 18."), "{stdout}");
    let table: Vec<&str> = stdout.lines().skip_while(|l| !l.starts_with("scenario")).take(2).collect();
    assert_eq!(table.len(), 2, "no verdict table:\n{stdout}");
    assert_eq!(table[0].split_whitespace().collect::<Vec<_>>(), ["scenario", "pg13", "pg18"]);
    assert_eq!(table[1].split_whitespace().collect::<Vec<_>>(), ["brokkr-pak-hash", "PASS", "PASS"]);
    assert!(stdout.contains("2 scenarios: 2 passed, 0 failed, 0 could not run"), "{stdout}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.path().join("results.json")).expect("results.json"))
            .expect("results.json is JSON");
    let versions: Vec<&str> = json["scenarios"]
        .as_array()
        .expect("`scenarios` is a list")
        .iter()
        .map(|s| s["server-version"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(versions.len(), 2, "{json:#}");
    assert!(versions[0].starts_with("13.") && versions[1].starts_with("18."), "{versions:?}");
    assert!(labelled(&engine, &format!("{PID_LABEL}={pid}")).is_empty(), "no container is left after a normal run");
}

/// `[[queries.when]]`: PostgreSQL 18's B-tree skip scan uses a (status, created_at) index for a
/// lookup on created_at alone; 13–17 read the table. The fixture's `[matrix]` runs both, each
/// judged by the expectations written for its major, and without the `when` entry the 18-only
/// expectation fails on 15 — the override is what makes 15 pass, not a lax check.
#[test]
fn an_expectation_can_differ_by_version() {
    let Some(_engine) = engine("an_expectation_can_differ_by_version") else { return };
    let scenario =
        planproof::validate(common::root().join("fixtures/versions/skip-scan.toml")).expect("the fixture is valid");
    assert_eq!(scenario.matrix, ["15", "18"]);
    let options = RunOptions { keep: Keep::OnFailure, ..RunOptions::default() };
    let by_name = |r: &planproof::ScenarioResult, name: &str| {
        r.queries.iter().find(|q| q.name == name).cloned().expect("the query ran")
    };

    let mut pg18 = DockerBackend::start(&image(), "18").expect("a postgres:18 container starts");
    let on18 = run_scenario(&scenario, &mut pg18, &options);
    assert_eq!(on18.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(&on18));
    assert!(by_name(&on18, "orders-in-an-hour").when.is_empty(), "18 keeps the query's own expectations");
    drop(pg18);

    let mut pg15 = DockerBackend::start(&image(), "15").expect("a postgres:15 container starts");
    let on15 = run_scenario(&scenario, &mut pg15, &options);
    assert_eq!(on15.outcome, Outcome::Passed, "{}", planproof::report::scenario_text(&on15));
    let applied = by_name(&on15, "orders-in-an-hour").when;
    assert_eq!(applied.len(), 1, "15 applies the `<= 17` entry");
    assert_eq!(applied[0].postgres, "<= 17");
    assert!(planproof::report::scenario_text(&on15).contains("expectations for PostgreSQL <= 17"));
    assert!(on15.findings.iter().all(|f| f.check != Check::ServerVersion), "15 is in the matrix: no version warning");

    let mut strict = scenario.clone();
    strict.queries.iter_mut().for_each(|q| q.when.clear());
    // Fails on purpose: its container is not kept.
    let without = run_scenario(&strict, &mut pg15, &RunOptions { keep: Keep::Never, ..RunOptions::default() });
    assert_eq!(without.outcome, Outcome::Failed, "{}", planproof::report::scenario_text(&without));
    let q = by_name(&without, "orders-in-an-hour");
    let after = q.captures.iter().find(|c| c.phase == planproof::scenario::Phase::After).expect("an after capture");
    assert!(after.findings.iter().any(|f| f.check == Check::IndexUsed), "{:?}", after.findings);
}

#[rstest]
#[case::sigint(Signal::SIGINT)]
#[case::sigterm(Signal::SIGTERM)]
fn an_interrupted_docker_run_removes_its_container(#[case] signal: Signal) {
    let Some(engine) = engine("an_interrupted_docker_run_removes_its_container") else { return };
    let reports = tempfile::tempdir().expect("a temporary folder");
    let mut child = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .args(["run", "scenarios/factory-api-keys-corrected.toml", "--backend", "docker", "--pg", "15", "--report-dir"])
        .arg(reports.path())
        .current_dir(common::root())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planproof starts");
    let label = format!("{PID_LABEL}={}", child.id());
    // Wait until the run is busy seeding: the container exists and holds data.
    // Held to the end: the run keeps writing to its stderr.
    let (_lines, _) = common::read_until_seeding(&mut child, Duration::from_secs(120));
    assert_eq!(labelled(&engine, &label).len(), 1, "the run has one container");
    kill(Pid::from_raw(child.id() as i32), signal).expect("the signal is sent");
    let status = child.wait().expect("planproof exits");
    assert_eq!(status.code(), Some(130), "interrupted runs exit 130");
    let left = gone_within(&engine, &label, Duration::from_secs(5));
    assert!(left.is_empty(), "containers left behind: {left:?}");
    assert!(!reports.path().join("results.json").exists(), "no half-run report is written");
}

#[test]
fn without_docker_auto_says_so_in_one_line_and_runs_locally() {
    match planproof::db::find_binaries(None) {
        Ok(_) => {}
        Err(planproof::db::DbError::NothingAvailable) if std::env::var_os("CI").is_none() => {
            eprintln!("\n*** without_docker_auto_says_so: NOT RUN: no PostgreSQL binaries (set CI=1 to make this a failure) ***\n");
            return;
        }
        Err(e) => panic!("without_docker_auto_says_so: no PostgreSQL binaries to fall back to: {e}"),
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let socket = dir.path().join("no-engine.sock");
    let output = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .args(["run", "scenarios/brokkr-pak-hash.toml", "--report-dir"])
        .arg(dir.path().join("reports"))
        .current_dir(common::root())
        .env_remove("DATABASE_URL")
        .env_remove("PLANPROOF_PG_BIN")
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .output()
        .expect("planproof runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "--- stdout\n{stdout}\n--- stderr\n{stderr}");
    let said: Vec<&str> = stderr.lines().filter(|l| l.contains("no Docker")).collect();
    assert_eq!(said.len(), 1, "one line says Docker is missing:\n{stderr}");
    assert!(said[0].contains("no-engine.sock") && said[0].contains("using the local backend with /"), "{}", said[0]);
    assert!(stdout.contains("PASS brokkr-pak-hash (local PostgreSQL"), "{stdout}");
}

/// A scenario with a `[matrix]` behaves the same from the binary (`planproof run`) as from the
/// library (`Suite`, which `assert_scenario` runs): the same majors, in the same order, with the
/// same verdicts, in a table from both.
#[test]
fn a_matrix_runs_the_same_from_the_binary_and_the_library() {
    let Some(_engine) = engine("a_matrix_runs_the_same_from_the_binary_and_the_library") else { return };
    let fixture = common::root().join("fixtures/versions/matrix.toml");
    let reports = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .args(["run", "--backend", "docker", "--quiet", "--report-dir"])
        .arg(reports.path())
        .arg(&fixture)
        .current_dir(common::root())
        .env_remove("DATABASE_URL")
        .output()
        .expect("planproof runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.path().join("results.json")).expect("results.json"))
            .expect("results.json is JSON");
    let from_binary: Vec<(String, String)> = json["scenarios"]
        .as_array()
        .expect("`scenarios` is a list")
        .iter()
        .map(|s| {
            let version = s["server-version"].as_str().unwrap_or_default();
            (planproof::db::major_of(version).to_string(), s["outcome"].as_str().unwrap_or_default().to_string())
        })
        .collect();

    let options = BackendOptions { kind: planproof::db::BackendKind::Docker, ..BackendOptions::default() };
    let suite = planproof::Suite::new([&fixture]).expect("the fixture is found").backend(options);
    let done = suite.run(|_| {}).expect("the suite runs");
    let from_library: Vec<(String, String)> = done
        .results
        .iter()
        .map(|r| (planproof::db::major_of(&r.server_version).to_string(), r.outcome.as_str().to_string()))
        .collect();
    assert_eq!(from_binary, [("13".to_string(), "passed".to_string()), ("18".to_string(), "passed".to_string())]);
    assert_eq!(from_library, from_binary);
    assert_eq!(done.majors, ["13", "18"]);
    let table = done.matrix_text(planproof::report::Paint::Plain).expect("a matrix scenario gets the verdict table");
    assert!(stdout.contains(&table), "the binary prints the library's table:\n{table}\n--- stdout\n{stdout}");
}

/// A `planproof run --backend docker` with its own records folder, read until it seeds.
fn docker_run_until_seeding(state: &std::path::Path) -> (std::process::Child, Vec<String>) {
    let reports = state.join("reports");
    let mut child = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .args(["run", "fixtures/cli/clock-free.toml", "--backend", "docker", "--pg", "15", "--report-dir"])
        .arg(&reports)
        .current_dir(common::root())
        .env(planproof::db::STATE_DIR_ENV, state)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planproof starts");
    let (lines, seen) = common::read_until_seeding(&mut child, Duration::from_secs(180));
    // The rest of stderr is drained, so that the run never blocks on a full pipe.
    std::thread::spawn(move || lines.map_while(Result::ok).count());
    (child, seen)
}

#[test]
fn clean_removes_a_killed_docker_runs_container_and_leaves_a_live_ones() {
    let Some(engine) = engine("clean_removes_a_killed_docker_runs_container") else { return };
    let state = tempfile::tempdir().expect("a temporary folder");
    let (mut killed, _) = docker_run_until_seeding(state.path());
    let killed_label = format!("{PID_LABEL}={}", killed.id());
    let [killed_container] = labelled(&engine, &killed_label).try_into().expect("the killed run has one container");
    kill(Pid::from_raw(killed.id() as i32), Signal::SIGKILL).expect("the signal is sent");
    let _ = killed.wait();
    assert_eq!(
        labelled(&engine, &killed_label),
        std::slice::from_ref(&killed_container),
        "a SIGKILLed run leaves its container"
    );

    let (mut live, _) = docker_run_until_seeding(state.path());
    let live_pid = Pid::from_raw(live.id() as i32);
    kill(live_pid, Signal::SIGSTOP).expect("the live run stops");
    let live_label = format!("{PID_LABEL}={}", live.id());
    let [live_container] = labelled(&engine, &live_label).try_into().expect("the live run has one container");

    let clean = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .arg("clean")
        .current_dir(common::root())
        .env(planproof::db::STATE_DIR_ENV, state.path())
        .env_remove("DATABASE_URL")
        .output()
        .expect("planproof clean runs");
    let out = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&clean.stderr));
    assert!(out.contains("removed container `"), "{out}");
    assert!(labelled(&engine, &killed_label).is_empty(), "the killed run's container is removed: {out}");
    assert_eq!(labelled(&engine, &live_label), [live_container], "the live run's container is untouched: {out}");

    kill(live_pid, Signal::SIGCONT).expect("the live run goes on");
    let status = live.wait().expect("the live run ends");
    assert_eq!(status.code(), Some(0), "the live run finishes");
    assert!(gone_within(&engine, &live_label, Duration::from_secs(5)).is_empty(), "and removes its container");
    let records = std::fs::read_dir(state.path().join("runs")).map_or(0, Iterator::count);
    assert_eq!(records, 0, "no record is left");
}
