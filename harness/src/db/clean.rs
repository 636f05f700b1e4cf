//! `planproof clean`: finds what earlier runs that were killed left behind and removes it —
//! local clusters named by records (`record.rs`), planproof's containers (by their labels,
//! with or without a record), and, on a server given by URL, `planproof_*` scratch databases
//! whose run is gone (`url.rs` tells). Only what belongs to a planproof process that is gone:
//! a concurrent run's cluster, container or database is listed as left alone, never touched.
//!
//! It decides and removes; the binary prints what it says.

use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use super::docker::{BOOT_LABEL, HOST_LABEL, LABEL, PID_LABEL, PID_START_LABEL, RUN_LABEL};
use super::engine::{Endpoint, Labelled};
use super::error::DbError;
use super::record::{self, Found, Liveness, Made, Owner};

/// What `clean` is asked to look at.
#[derive(Debug, Clone, Default)]
pub struct CleanOptions {
    /// A server whose `planproof_*` databases are looked at too.
    pub database_url: Option<String>,
    /// List only; remove nothing.
    pub dry_run: bool,
    /// Remove what a run kept on purpose, too (`--keep`, the database of a failed
    /// `assert_scenario`), once that run is gone.
    pub kept: bool,
}

/// What became of one thing `clean` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    Removed,
    /// `--dry-run`: it would have been removed.
    WouldRemove,
    /// Not a leftover (its run still runs, it was kept) or not one this host can judge.
    LeftAlone,
    /// A leftover that could not be removed, and why.
    Failed(String),
}

/// One thing `clean` found: what it is, whose it is, what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// `the local cluster in `/tmp/planproof-x``, `container `…``, `database `…` on …`.
    pub what: String,
    /// Whose it is and why that makes it a leftover or not.
    pub why: String,
    pub fate: Fate,
}

/// Everything `clean` found, and what it could not look at.
#[derive(Debug, Default)]
pub struct CleanReport {
    pub found: Vec<Leftover>,
    /// Places not looked at, and why (no Docker engine, say).
    pub notes: Vec<String>,
}

impl CleanReport {
    /// How many leftovers were removed (or, with `--dry-run`, would be).
    pub fn removed(&self) -> usize {
        self.found.iter().filter(|l| matches!(l.fate, Fate::Removed | Fate::WouldRemove)).count()
    }

    /// Whether a leftover could not be removed.
    pub fn failed(&self) -> bool {
        self.found.iter().any(|l| matches!(l.fate, Fate::Failed(_)))
    }
}

/// Finds and removes (or lists) what earlier runs left.
pub fn clean(options: &CleanOptions) -> Result<CleanReport, DbError> {
    let mut report = CleanReport::default();
    let records = record::read_all();
    for found in &records {
        if let Made::Local { dir, .. } = &found.record.made {
            report.found.push(local(found, dir, options));
        }
    }
    docker(&records, options, &mut report);
    if let Some(url) = &options.database_url {
        report.found.extend(super::url::clean_server(url, options.dry_run, options.kept)?);
    }
    Ok(report)
}

/// What a record's owner is, in words.
fn whose(owner: &Owner, run: &str) -> String {
    format!("run `{run}` of planproof pid {} on {}", owner.pid, owner.host)
}

/// Whether what `owner`'s run made is left alone (and why), and whose it is.
fn judged(owner: &Owner, run: &str, kept: bool, options: &CleanOptions) -> (Option<String>, String) {
    let whose = whose(owner, run);
    if kept && !options.kept {
        return (Some(format!("{whose}, kept with `--keep` (`planproof clean --kept` removes it)")), whose);
    }
    match owner.liveness() {
        Liveness::Gone => (None, format!("{whose}, which is gone")),
        Liveness::Alive => (Some(format!("{whose}, which still runs")), whose),
        Liveness::ElsewhereUnknown => {
            (Some(format!("{whose}: another host, whose processes this one cannot see")), whose)
        }
    }
}

/// One local cluster's record: stop its server, remove its folder, then the record.
fn local(found: &Found, dir: &Path, options: &CleanOptions) -> Leftover {
    let what = format!("the local cluster in `{}`", dir.display());
    let (alone, why) = judged(&found.record.owner, &found.record.run_id, found.record.kept, options);
    if let Some(why) = alone {
        return Leftover { what, why, fate: Fate::LeftAlone };
    }
    if !is_cluster_folder(dir) {
        return Leftover {
            what,
            why,
            fate: Fate::Failed(
                "the record names a folder that is not a planproof cluster's (expected an absolute `planproof-*` folder): remove the record by hand".into(),
            ),
        };
    }
    if options.dry_run {
        return Leftover { what, why, fate: Fate::WouldRemove };
    }
    let fate = match remove_cluster(dir) {
        Ok(()) => {
            let _ = std::fs::remove_file(&found.path);
            Fate::Removed
        }
        Err(e) => Fate::Failed(e),
    };
    Leftover { what, why, fate }
}

/// An absolute folder named `planproof-*` (what `LocalBackend::start` makes), not a link.
fn is_cluster_folder(dir: &Path) -> bool {
    dir.is_absolute()
        && dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("planproof-"))
        && std::fs::symlink_metadata(dir).map_or(true, |m| !m.file_type().is_symlink())
}

/// Stops the cluster's server by the postmaster pid in its data folder (when that process is
/// the postmaster of this folder) and removes the folder. A folder already gone is done.
fn remove_cluster(dir: &Path) -> Result<(), String> {
    let data = dir.join("data");
    if let Some(pid) = postmaster_of(&data) {
        stop_postmaster(pid)?;
    }
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove `{}`: {e}", dir.display())),
    }
}

/// The pid in `postmaster.pid`, when a process with it runs and is the postmaster of `data`:
/// the file's second line names its data folder, and the process's command line is
/// PostgreSQL's.
fn postmaster_of(data: &Path) -> Option<Pid> {
    let text = std::fs::read_to_string(data.join("postmaster.pid")).ok()?;
    let mut lines = text.lines();
    let pid: i32 = lines.next()?.trim().parse().ok().filter(|p| *p > 0)?;
    let named = Path::new(lines.next()?.trim());
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if !same(named, data) {
        return None;
    }
    let pid = Pid::from_raw(pid);
    if !running(pid) {
        return None;
    }
    // Without /proc there is nothing more to check; with it, the pid must be a postgres.
    match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(cmdline) => String::from_utf8_lossy(&cmdline).contains("postgres").then_some(pid),
        Err(_) => Some(pid),
    }
}

/// Whether `pid` is a process that has not exited: an exited one nobody has reaped yet (its
/// parent, the killed planproof's `pg_ctl`, is gone) is a zombie, which signals still reach.
fn running(pid: Pid) -> bool {
    if matches!(kill(pid, None), Err(nix::errno::Errno::ESRCH)) {
        return false;
    }
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|stat| {
        stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next().map(str::to_string))
    });
    state.as_deref() != Some("Z")
}

/// Immediate shutdown (SIGQUIT: the server and its children stop at once; nothing in a
/// throwaway cluster is worth a checkpoint), then SIGKILL if it is still there after a while.
fn stop_postmaster(pid: Pid) -> Result<(), String> {
    for (signal, patience) in [(Signal::SIGQUIT, Duration::from_secs(15)), (Signal::SIGKILL, Duration::from_secs(5))] {
        match kill(pid, signal) {
            Err(nix::errno::Errno::ESRCH) => return Ok(()),
            Err(e) => return Err(format!("cannot stop its server (pid {pid}): {e}")),
            Ok(()) => {}
        }
        let started = Instant::now();
        while started.elapsed() < patience {
            if !running(pid) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Err(format!("its server (pid {pid}) did not stop"))
}

/// planproof's containers, found by label, judged by their owner labels (or their record),
/// and the records of Docker runs whose container is gone.
fn docker(records: &[Found], options: &CleanOptions, report: &mut CleanReport) {
    let docker_records: Vec<&Found> = records.iter().filter(|f| matches!(f.record.made, Made::Docker { .. })).collect();
    let engine = match Endpoint::from_env() {
        Ok(engine) => engine,
        Err(unusable) => {
            if !docker_records.is_empty() {
                report.notes.push(format!("containers not checked: {}: {}", unusable.endpoint, unusable.reason));
            }
            return;
        }
    };
    let containers = match engine
        .probe()
        .map_err(|u| u.reason)
        .and_then(|()| engine.labelled_containers(LABEL).map_err(|e| e.to_string()))
    {
        Ok(containers) => containers,
        Err(reason) => {
            if !docker_records.is_empty() {
                report.notes.push(format!("containers not checked: no usable Docker engine at {engine}: {reason}"));
            }
            return;
        }
    };
    for container in &containers {
        let run = container.labels.get(RUN_LABEL).cloned().unwrap_or_default();
        let record = docker_records.iter().find(|f| f.record.run_id == format!("docker-{run}"));
        report.found.push(one_container(&engine, container, record.copied(), options));
    }
    // A record whose container is gone (removed by hand, or never created) is itself the
    // leftover once its run is gone.
    for found in docker_records {
        let Made::Docker { container, .. } = &found.record.made else { continue };
        let listed = containers.iter().any(|c| &c.name == container || &c.id == container);
        let judged_kept = found.record.kept && !options.kept;
        if !listed && !judged_kept && found.record.owner.liveness() == Liveness::Gone && !options.dry_run {
            let _ = std::fs::remove_file(&found.path);
        }
    }
}

/// The owner a container's labels name, when they name one.
fn owner_of(container: &Labelled, engine: &Endpoint) -> Option<Owner> {
    let pid = container.labels.get(PID_LABEL)?.parse().ok()?;
    match container.labels.get(HOST_LABEL) {
        Some(host) => Some(Owner {
            host: host.clone(),
            pid,
            started: container.labels.get(PID_START_LABEL).and_then(|s| s.parse().ok()),
            boot: container.labels.get(BOOT_LABEL).filter(|b| !b.is_empty()).cloned(),
        }),
        // An older planproof labelled the pid only: on an engine of this machine, that pid is
        // on this host, and alive as long as any process has it (the safe answer).
        None => matches!(engine, Endpoint::Unix(_)).then(|| Owner {
            host: record::host_name(),
            pid,
            started: None,
            boot: None,
        }),
    }
}

fn one_container(engine: &Endpoint, container: &Labelled, record: Option<&Found>, options: &CleanOptions) -> Leftover {
    let what = format!("container `{}` ({})", container.name, container.state);
    let run = container.labels.get(RUN_LABEL).cloned().unwrap_or_else(|| "?".into());
    let Some(owner) = record.map(|f| f.record.owner.clone()).or_else(|| owner_of(container, engine)) else {
        return Leftover {
            what,
            why: "no owner labels: remove it with `docker rm -f` if no planproof uses it".into(),
            fate: Fate::LeftAlone,
        };
    };
    let (alone, why) = judged(&owner, &run, record.is_some_and(|f| f.record.kept), options);
    if let Some(why) = alone {
        return Leftover { what, why, fate: Fate::LeftAlone };
    }
    if options.dry_run {
        return Leftover { what, why, fate: Fate::WouldRemove };
    }
    let fate = match engine.remove_container(&container.id) {
        Ok(()) => {
            if let Some(found) = record {
                let _ = std::fs::remove_file(&found.path);
            }
            Fate::Removed
        }
        Err(e) => Fate::Failed(e.to_string()),
    };
    Leftover { what, why, fate }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_planproof_folders_are_clusters() {
        assert!(is_cluster_folder(Path::new("/tmp/planproof-abc")));
        assert!(!is_cluster_folder(Path::new("planproof-abc")));
        assert!(!is_cluster_folder(Path::new("/home/me")));
        assert!(!is_cluster_folder(Path::new("/")));
    }

    #[test]
    fn a_postmaster_pid_file_of_another_folder_or_a_dead_pid_names_no_server() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        // This process is alive, but it is not a postmaster of this folder.
        std::fs::write(data.join("postmaster.pid"), format!("{}\n/elsewhere/data\n", std::process::id())).unwrap();
        assert_eq!(postmaster_of(&data), None);
        std::fs::write(data.join("postmaster.pid"), format!("{}\n{}\n", std::process::id(), data.display())).unwrap();
        assert_eq!(postmaster_of(&data), None, "the test binary is no postgres");
        std::fs::write(data.join("postmaster.pid"), "not a pid\n").unwrap();
        assert_eq!(postmaster_of(&data), None);
    }

    fn labelled(labels: &[(&str, &str)]) -> Labelled {
        Labelled {
            id: "abc".into(),
            name: "planproof-pg17-x".into(),
            state: "created".into(),
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn a_container_of_a_gone_owner_is_a_leftover_and_a_live_ones_is_not() {
        let engine = Endpoint::Unix("/nonexistent/docker.sock".into());
        let me = Owner::this_process();
        let started = me.started.map(|s| s.to_string()).unwrap_or_default();
        let pid = me.pid.to_string();
        let live = labelled(&[
            (PID_LABEL, pid.as_str()),
            (HOST_LABEL, me.host.as_str()),
            (PID_START_LABEL, started.as_str()),
            (RUN_LABEL, "r1"),
        ]);
        let dry = CleanOptions { dry_run: true, ..CleanOptions::default() };
        let left = one_container(&engine, &live, None, &dry);
        assert_eq!(left.fate, Fate::LeftAlone, "{left:?}");
        assert!(left.why.contains("still runs"), "{}", left.why);
        if me.started.is_some() {
            let other_start = (me.started.unwrap_or_default() + 1).to_string();
            let reused = labelled(&[
                (PID_LABEL, pid.as_str()),
                (HOST_LABEL, me.host.as_str()),
                (PID_START_LABEL, other_start.as_str()),
            ]);
            assert_eq!(one_container(&engine, &reused, None, &dry).fate, Fate::WouldRemove);
        }
        let elsewhere = labelled(&[(PID_LABEL, "1"), (HOST_LABEL, "another-host")]);
        assert_eq!(one_container(&engine, &elsewhere, None, &dry).fate, Fate::LeftAlone);
        let unlabelled = labelled(&[]);
        assert_eq!(one_container(&engine, &unlabelled, None, &dry).fate, Fate::LeftAlone);
    }

    #[test]
    fn what_a_gone_run_kept_is_left_alone_unless_kept_is_asked_for() {
        let me = Owner::this_process();
        let gone = Owner { started: Some(me.started.unwrap_or_default() + 1), ..me.clone() };
        let (only, with_kept) = (CleanOptions::default(), CleanOptions { kept: true, ..CleanOptions::default() });
        let (alone, _) = judged(&gone, "r1", true, &only);
        assert!(alone.is_some_and(|why| why.ends_with("kept with `--keep` (`planproof clean --kept` removes it)")));
        assert_eq!(judged(&gone, "r1", true, &with_kept).0, None);
        // Never what a run that still runs kept.
        assert!(judged(&me, "r1", true, &with_kept).0.is_some_and(|why| why.ends_with("which still runs")));
    }
}
