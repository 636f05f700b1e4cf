//! Ctrl-C or SIGTERM in the middle of a run: the command exits 130, leaves no temporary
//! cluster behind — neither its folder, nor a running server, nor its record — and ends with
//! one line saying what it cleaned up, without a verdict or an error about the run it stopped.

use crate::common;

use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use rstest::rstest;

/// Processes whose command line mentions `needle`.
fn processes_mentioning(needle: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(std::result::Result::ok)
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(needle))
        .collect()
}

#[rstest]
#[case::sigint(Signal::SIGINT)]
#[case::sigterm(Signal::SIGTERM)]
fn an_interrupted_run_removes_its_cluster(#[case] signal: Signal) {
    if common::local_cluster("an_interrupted_run_removes_its_cluster").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reports = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .arg("run")
        .arg(common::root().join("scenarios/factory-api-keys-corrected.toml"))
        .arg("--report-dir")
        .arg(reports.path())
        .arg("--backend")
        .arg("local")
        .env("TMPDIR", tmp.path())
        .env(planproof::db::STATE_DIR_ENV, state.path())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run is busy seeding: the cluster exists and holds data.
    let (lines, _) = common::read_until_seeding(&mut child, Duration::from_secs(60));
    let cluster_dirs = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("planproof-"))
            .map(|e| e.path())
            .collect()
    };
    let [dir] = cluster_dirs().try_into().expect("the run's cluster lives under TMPDIR");
    let records = || std::fs::read_dir(state.path().join("runs")).map_or(0, Iterator::count);
    assert_eq!(records(), 1, "the run recorded its cluster");
    kill(Pid::from_raw(child.id() as i32), signal).unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "interrupted runs exit 130");
    assert_eq!(
        rest.last().map(String::as_str),
        Some(format!("planproof: interrupted, cleaned up the local cluster in `{}`", dir.display()).as_str()),
        "{rest:#?}"
    );
    assert_eq!(rest.iter().filter(|l| l.contains("interrupted")).count(), 1, "one line: {rest:#?}");
    assert!(!rest.iter().any(|l| l.starts_with("error:")), "no error about the stopped run: {rest:#?}");
    assert!(!stdout.contains("ERROR") && !stdout.contains("FAIL"), "no verdict of the stopped run: {stdout}");
    assert!(cluster_dirs().is_empty(), "the cluster folder is removed");
    assert_eq!(records(), 0, "and its record");
    let left = processes_mentioning(&tmp.path().display().to_string());
    assert!(left.is_empty(), "no server is left running: {left:?}");
    assert!(!reports.path().join("results.json").exists(), "no half-run report is written");
}
