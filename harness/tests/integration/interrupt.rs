//! Ctrl-C or SIGTERM in the middle of a run: the command exits 130 and leaves no temporary
//! cluster behind — neither its folder nor a running server.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .arg("run")
        .arg(common::root().join("scenarios/factory-api-keys-corrected.toml"))
        .arg("--report-dir")
        .arg(reports.path())
        .arg("--backend")
        .arg("local")
        .env("TMPDIR", tmp.path())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run is busy seeding: the cluster exists and holds data.
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let started = Instant::now();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("seeding") => break,
            Some(Ok(_)) => {}
            _ => panic!("the run ended before seeding"),
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no progress within a minute");
    }
    let cluster_dirs = || {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("planproof-"))
            .count()
    };
    assert_eq!(cluster_dirs(), 1, "the run's cluster lives under TMPDIR");
    kill(Pid::from_raw(child.id() as i32), signal).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "interrupted runs exit 130");
    assert_eq!(cluster_dirs(), 0, "the cluster folder is removed");
    let left = processes_mentioning(&tmp.path().display().to_string());
    assert!(left.is_empty(), "no server is left running: {left:?}");
    assert!(!reports.path().join("results.json").exists(), "no half-run report is written");
}
