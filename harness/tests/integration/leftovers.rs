//! No leftovers: a `planproof run` killed with SIGKILL cannot clean up, and `planproof clean`
//! removes what it left — its local cluster (server, folder, record), its scratch database on a
//! URL server — while a concurrent live run's (stopped with SIGSTOP, so it is certainly in the
//! middle of its run) is left alone, and that run still finishes and cleans up itself. An
//! interrupt during the URL backend's `CREATE DATABASE` leaves no database, and ends with one
//! line saying what was cleaned up, without a verdict or an error.
//!
//! Each test has its own records folder (`PLANPROOF_STATE_DIR`), its own `TMPDIR` and a Docker
//! endpoint that does not exist, so `clean` looks at nothing of the machine's own.

use crate::common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use postgres::{Client, NoTls};

/// `planproof` with the test's own records folder and temporary folder, no Docker, no URL.
fn planproof(state: &Path, tmp: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planproof"));
    command
        .current_dir(common::root())
        .env(planproof::db::STATE_DIR_ENV, state)
        .env("TMPDIR", tmp)
        .env("DOCKER_HOST", "unix:///nonexistent/planproof-test/docker.sock")
        .env_remove("DATABASE_URL")
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1");
    command
}

/// A run in the middle of its work, with the stderr lines it printed so far.
struct Running {
    child: Child,
    lines: std::io::Lines<BufReader<std::process::ChildStderr>>,
    seen: Vec<String>,
}

impl Running {
    /// Starts `command` and reads its stderr until a line holds `needle`.
    fn until(mut command: Command, needle: &str) -> Running {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("planproof starts");
        let lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let mut running = Running { child, lines, seen: Vec::new() };
        running.read_until(needle);
        running
    }

    fn read_until(&mut self, needle: &str) {
        let started = Instant::now();
        loop {
            match self.lines.next() {
                Some(Ok(line)) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                _ => panic!("the run ended before `{needle}`: {:#?}", self.seen),
            }
            assert!(started.elapsed() < Duration::from_secs(120), "no `{needle}` within two minutes: {:#?}", self.seen);
        }
    }

    fn pid(&self) -> Pid {
        Pid::from_raw(i32::try_from(self.child.id()).expect("a pid fits an i32"))
    }

    fn signal(&self, signal: Signal) {
        kill(self.pid(), signal).expect("the run can be signalled");
    }

    /// Waits for the end; returns the exit code, the rest of stderr and stdout.
    fn finish(mut self) -> (Option<i32>, Vec<String>, String) {
        let mut rest: Vec<String> = self.lines.by_ref().map_while(Result::ok).collect();
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        let status = self.child.wait().expect("the run ends");
        self.seen.append(&mut rest);
        (status.code(), self.seen, stdout)
    }

    fn kill9(mut self) {
        self.signal(Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// The `planproof-*` cluster folders under `tmp`.
fn cluster_dirs(tmp: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(tmp)
        .expect("the temporary folder is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("planproof-")))
        .collect()
}

fn records(state: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(state.join("runs"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The postmaster pid in a cluster folder's `postmaster.pid`, when the server runs.
fn postmaster(dir: &Path) -> Option<Pid> {
    let text = std::fs::read_to_string(dir.join("data/postmaster.pid")).ok()?;
    let pid = Pid::from_raw(text.lines().next()?.trim().parse().ok()?);
    let alive = kill(pid, None).is_ok()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map_or(true, |s| s.rsplit_once(')').is_some_and(|(_, r)| !r.trim_start().starts_with('Z')));
    alive.then_some(pid)
}

fn run_local(state: &Path, tmp: &Path) -> Command {
    let mut command = planproof(state, tmp);
    command
        .args(["run", "fixtures/cli/clock-free.toml", "--backend", "local", "--report-dir"])
        .arg(tmp.join("reports"));
    command
}

#[test]
fn clean_removes_a_killed_local_runs_cluster_and_leaves_a_live_ones() {
    if !common::has_local_postgres("clean_removes_a_killed_local_runs_cluster_and_leaves_a_live_ones") {
        return;
    }
    let state = tempfile::tempdir().unwrap();
    let (killed_tmp, live_tmp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let killed = Running::until(run_local(state.path(), killed_tmp.path()), "seeding");
    let [killed_dir] = cluster_dirs(killed_tmp.path()).try_into().expect("one cluster under the killed run's TMPDIR");
    let killed_server = postmaster(&killed_dir).expect("the killed run's server runs");
    assert_eq!(records(state.path()).len(), 1, "the run recorded its cluster");
    killed.kill9();
    assert!(postmaster(&killed_dir).is_some(), "a SIGKILLed run leaves its server running");
    assert_eq!(records(state.path()).len(), 1, "and its record");

    let live = Running::until(run_local(state.path(), live_tmp.path()), "seeding");
    assert!(
        live.seen.iter().any(|l| l == "planproof: 1 leftover from earlier runs: run `planproof clean`"),
        "a run mentions the leftover: {:#?}",
        live.seen
    );
    live.signal(Signal::SIGSTOP);
    let [live_dir] = cluster_dirs(live_tmp.path()).try_into().expect("one cluster under the live run's TMPDIR");
    let live_server = postmaster(&live_dir).expect("the live run's server runs");
    assert_eq!(records(state.path()).len(), 2);

    let dry = planproof(state.path(), killed_tmp.path()).args(["clean", "--dry-run"]).output().unwrap();
    let dry_out = String::from_utf8_lossy(&dry.stdout);
    assert_eq!(dry.status.code(), Some(0), "{dry_out}{}", String::from_utf8_lossy(&dry.stderr));
    assert!(dry_out.contains(&format!("would remove the local cluster in `{}`", killed_dir.display())), "{dry_out}");
    assert!(dry_out.contains(&format!("left alone the local cluster in `{}`", live_dir.display())), "{dry_out}");
    assert!(dry_out.contains("1 leftover(s) would be removed"), "{dry_out}");
    assert!(killed_dir.exists() && postmaster(&killed_dir) == Some(killed_server), "--dry-run removes nothing");

    let clean = planproof(state.path(), killed_tmp.path()).arg("clean").output().unwrap();
    let out = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&clean.stderr));
    assert!(out.contains(&format!("removed the local cluster in `{}`", killed_dir.display())), "{out}");
    assert!(out.contains("removed 1 leftover(s)"), "{out}");
    assert!(!killed_dir.exists(), "the killed run's folder is removed");
    assert!(kill(killed_server, None).is_err() || postmaster(&killed_dir).is_none(), "its server is stopped");
    let left = records(state.path());
    assert_eq!(left.len(), 1, "the killed run's record is removed, the live run's stays: {left:?}");

    assert_eq!(postmaster(&live_dir), Some(live_server), "the live run's server is untouched");
    live.signal(Signal::SIGCONT);
    let (code, stderr, stdout) = live.finish();
    assert_eq!(code, Some(0), "the live run finishes as if nothing happened: {stderr:#?}\n{stdout}");
    assert!(!live_dir.exists(), "and removes its cluster itself");
    assert!(records(state.path()).is_empty(), "and its record");

    let again = planproof(state.path(), killed_tmp.path()).arg("clean").output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("no leftovers from earlier runs"));
}

/// A server for the URL backend's tests: a local cluster of the test process.
fn server(test: &str) -> Option<(planproof::db::LocalBackend, String)> {
    let server = common::local_cluster(test)?;
    let url = server.connection_string("postgres");
    Some((server, url))
}

fn scratch_databases(url: &str) -> Vec<String> {
    let mut client = Client::connect(url, NoTls).expect("the server answers");
    client
        .query("SELECT datname::text FROM pg_database WHERE datname LIKE 'planproof\\_%' ORDER BY 1", &[])
        .expect("pg_database is readable")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Waits until the server has seen a killed run's sessions end (the kernel closes its sockets
/// at once; the server notices within moments).
fn wait_for_no_run_sessions(url: &str) {
    let mut client = Client::connect(url, NoTls).expect("the server answers");
    let started = Instant::now();
    loop {
        let n: i64 = client
            .query_one("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'planproof run %'", &[])
            .expect("pg_stat_activity is readable")
            .get(0);
        if n == 0 {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the killed run's sessions did not end");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run_url(state: &Path, tmp: &Path, url: &str) -> Command {
    let mut command = planproof(state, tmp);
    command
        .args(["run", "fixtures/cli/clock-free.toml", "--backend", "url", "--report-dir"])
        .arg(tmp.join("reports"))
        .env("DATABASE_URL", url);
    command
}

#[test]
fn clean_drops_a_killed_url_runs_database_and_leaves_a_live_ones() {
    let Some((_server, url)) = server("clean_drops_a_killed_url_runs_database_and_leaves_a_live_ones") else {
        return;
    };
    let (state, tmp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    Running::until(run_url(state.path(), tmp.path(), &url), "seeding").kill9();
    wait_for_no_run_sessions(&url);
    let [killed_db] = scratch_databases(&url).try_into().expect("the killed run left its scratch database");

    let live = Running::until(run_url(state.path(), tmp.path(), &url), "seeding");
    assert!(
        live.seen.iter().any(|l| l.starts_with("planproof: 1 leftover from earlier runs on ")),
        "the run mentions the leftover on its server: {:#?}",
        live.seen
    );
    live.signal(Signal::SIGSTOP);
    let live_db = scratch_databases(&url).into_iter().find(|d| *d != killed_db).expect("the live run's database");

    let clean = planproof(state.path(), tmp.path()).args(["clean", "--database-url", &url]).output().unwrap();
    let out = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&clean.stderr));
    assert!(out.contains(&format!("removed database `{killed_db}`")), "{out}");
    assert!(out.contains(&format!("left alone database `{live_db}`")), "{out}");
    assert!(out.contains("still has a session on the server"), "{out}");
    assert_eq!(scratch_databases(&url), std::slice::from_ref(&live_db), "only the killed run's database is dropped");

    live.signal(Signal::SIGCONT);
    let (code, stderr, stdout) = live.finish();
    assert_eq!(code, Some(0), "the live run finishes: {stderr:#?}\n{stdout}");
    assert!(scratch_databases(&url).is_empty(), "and drops its database itself");
}

#[test]
fn an_interrupt_during_create_database_leaves_no_database_and_says_so_in_one_line() {
    let Some((_server, url)) = server("an_interrupt_during_create_database_leaves_no_database") else { return };
    let (state, tmp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // From at once (the statement is on its way) to after it (the database exists).
    for delay_ms in [0, 0, 5, 10, 20, 40, 80, 160] {
        let running = Running::until(run_url(state.path(), tmp.path(), &url), "creating a scratch database");
        std::thread::sleep(Duration::from_millis(delay_ms));
        running.signal(Signal::SIGINT);
        let (code, stderr, stdout) = running.finish();
        assert_eq!(code, Some(130), "{delay_ms}ms: {stderr:#?}");
        let last = stderr.last().cloned().unwrap_or_default();
        assert!(last.starts_with("planproof: interrupted, "), "{delay_ms}ms: the run ends with the line: {stderr:#?}");
        assert_eq!(
            stderr.iter().filter(|l| l.contains("interrupted")).count(),
            1,
            "{delay_ms}ms: one line: {stderr:#?}"
        );
        assert!(!stderr.iter().any(|l| l.starts_with("error:")), "{delay_ms}ms: no error line: {stderr:#?}");
        assert!(!stdout.contains("ERROR") && !stdout.contains("FAIL"), "{delay_ms}ms: no verdict: {stdout}");
        assert!(scratch_databases(&url).is_empty(), "{delay_ms}ms: no database is left: {stderr:#?}");
    }
}

#[test]
fn clean_leaves_a_database_kept_with_keep_alone() {
    use planproof::db::{Backend, UrlBackend};
    let Some((_server, url)) = server("clean_leaves_a_database_kept_with_keep_alone") else { return };
    let (state, tmp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut backend = UrlBackend::connect(&url).unwrap();
    let kept = backend.create_database("kept").unwrap();
    backend.keep(&kept);
    // The run ends: its session goes, and only the comment says the database is not a
    // leftover.
    drop(backend);
    wait_for_no_run_sessions(&url);
    let clean = planproof(state.path(), tmp.path()).args(["clean", "--database-url", &url]).output().unwrap();
    let out = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&clean.stderr));
    assert!(out.contains(&format!("left alone database `{}`", kept.name)), "{out}");
    assert!(out.contains("kept with `--keep`"), "{out}");
    assert_eq!(scratch_databases(&url), std::slice::from_ref(&kept.name), "{out}");
}
