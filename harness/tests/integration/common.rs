//! Shared set-up of the integration tests that need PostgreSQL.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use planproof::db::{find_binaries, DbError, LocalBackend};

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A temporary local cluster. Without PostgreSQL binaries the test fails when `CI` is set, and
/// otherwise says loudly that it did not run.
pub(crate) fn local_cluster(test: &str) -> Option<LocalBackend> {
    match find_binaries(None) {
        Ok(bin) => Some(LocalBackend::start(bin).expect("a local cluster starts")),
        Err(DbError::NothingAvailable) if std::env::var_os("CI").is_none() => {
            eprintln!("\n*** {test}: NOT RUN: no PostgreSQL binaries (set CI=1 to make this a failure) ***\n");
            None
        }
        Err(e) => panic!("{test}: no PostgreSQL to test with: {e}"),
    }
}

/// Whether PostgreSQL binaries are here for a test that starts its own `planproof run
/// --backend local`; without them the test fails when `CI` is set, and otherwise says loudly
/// that it did not run.
pub(crate) fn has_local_postgres(test: &str) -> bool {
    match find_binaries(None) {
        Ok(_) => true,
        Err(DbError::NothingAvailable) if std::env::var_os("CI").is_none() => {
            eprintln!("\n*** {test}: NOT RUN: no PostgreSQL binaries (set CI=1 to make this a failure) ***\n");
            false
        }
        Err(e) => panic!("{test}: no PostgreSQL to test with: {e}"),
    }
}

/// The arguments of a `planproof run` of `fixtures/cli/clock-free.toml` (a verdict that does not
/// depend on the clock) on a local cluster, into a fresh report folder kept alive by the
/// `TempDir`; `None` (said loudly, as [`has_local_postgres`] does) without PostgreSQL binaries.
pub(crate) fn clock_free_run(test: &str) -> Option<(tempfile::TempDir, Vec<String>)> {
    has_local_postgres(test).then_some(())?;
    let reports = tempfile::tempdir().expect("a temporary folder");
    let dir = reports.path().display().to_string();
    let args = ["run", "fixtures/cli/clock-free.toml", "--backend", "local", "--report-dir", &dir];
    Some((reports, args.map(str::to_string).to_vec()))
}

static ALONE: Mutex<()> = Mutex::new(());

/// Held by a test whose verdict rests on timing a workload (write stalls, a latency series):
/// the integration tests run in parallel, and another one seeding or starting a container at
/// that moment would be measured too. A test that panicked releases it for the others.
pub(crate) fn alone() -> MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads the stderr of a `planproof run` until a progress line says it is seeding (its
/// database exists and holds data), within `limit`; returns the rest of the stream and the
/// lines before that one.
pub(crate) fn read_until_seeding(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> (std::io::Lines<std::io::BufReader<std::process::ChildStderr>>, Vec<String>) {
    use std::io::BufRead;
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let started = std::time::Instant::now();
    let mut seen = Vec::new();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("seeding") => break,
            Some(Ok(line)) => seen.push(line),
            _ => panic!("the run ended before seeding:\n{}", seen.join("\n")),
        }
        assert!(started.elapsed() < limit, "no progress within {limit:?}");
    }
    (lines, seen)
}
