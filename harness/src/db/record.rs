//! Records of what a run made outside itself and must not outlive it: a local cluster (its
//! folder) or a Docker container. A backend writes its record before it starts anything and
//! removes it once it has cleaned up; a record whose planproof process is gone is a leftover
//! (a `kill -9`, a crash, a runner that lost power), and `planproof clean` (`clean.rs`) removes
//! what it names. Records live in `$PLANPROOF_STATE_DIR/runs`, else
//! `$XDG_STATE_HOME/planproof/runs`, else `~/.local/state/planproof/runs`.
//!
//! Whether a record's process is gone must never be a guess that hits a live run: a pid is
//! reused, so the record also holds the process's start time (`/proc/<pid>/stat`), the boot it
//! started in and the host it ran on. A process on another host is never judged gone from here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The environment variable naming planproof's state folder (records go in `runs/` under it).
pub const STATE_DIR_ENV: &str = "PLANPROOF_STATE_DIR";

/// The planproof process a record or a container label names as its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Owner {
    pub(crate) host: String,
    pub(crate) pid: u32,
    /// The process's start time in clock ticks since boot (`/proc/<pid>/stat`, field 22).
    pub(crate) started: Option<u64>,
    /// `/proc/sys/kernel/random/boot_id` when the process ran.
    pub(crate) boot: Option<String>,
}

/// What can be said of an owner from this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Liveness {
    Alive,
    Gone,
    /// It ran on another host: neither alive nor gone as far as this one can tell.
    ElsewhereUnknown,
}

impl Owner {
    /// This process.
    pub(crate) fn this_process() -> Owner {
        let pid = std::process::id();
        Owner { host: host_name(), pid, started: start_time(pid), boot: boot_id() }
    }

    /// Whether the owner still runs: the same host, the same boot, a process with its pid that
    /// started when it did.
    pub(crate) fn liveness(&self) -> Liveness {
        if self.host != host_name() {
            return Liveness::ElsewhereUnknown;
        }
        if let (Some(then), Some(now)) = (&self.boot, boot_id()) {
            if *then != now {
                return Liveness::Gone;
            }
        }
        let Ok(raw) = i32::try_from(self.pid) else { return Liveness::Gone };
        // EPERM (a process of another user has that pid) is no answer: its start time tells.
        if let Err(nix::errno::Errno::ESRCH) = nix::sys::signal::kill(nix::unistd::Pid::from_raw(raw), None) {
            return Liveness::Gone;
        }
        match (self.started, start_time(self.pid)) {
            (Some(then), Some(now)) if then != now => Liveness::Gone,
            // Started then, or no /proc to tell: alive, the safe answer.
            _ => Liveness::Alive,
        }
    }
}

/// The host's name (`/proc/sys/kernel/hostname`, else `HOSTNAME`).
pub(crate) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok().map(|b| b.trim().to_string())
}

/// Field 22 of `/proc/<pid>/stat`: when the process started, in clock ticks since boot.
pub(crate) fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_start_time(&stat)
}

fn parse_start_time(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Field 3 (the state) is the first after the name: field 22 is the 20th.
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// What a record is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "backend", rename_all = "kebab-case")]
pub(crate) enum Made {
    /// A local cluster: its folder (data, socket, log) and the binaries that made it.
    Local { dir: PathBuf, bin: PathBuf },
    /// A Docker container, with the engine it runs on.
    Docker { container: String, engine: String },
}

/// One run's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Record {
    pub(crate) run_id: String,
    pub(crate) owner: Owner,
    pub(crate) created_at: String,
    #[serde(flatten)]
    pub(crate) made: Made,
    /// Kept on purpose (`--keep`): `clean` leaves it alone.
    #[serde(default)]
    pub(crate) kept: bool,
}

impl Record {
    pub(crate) fn new(run_id: &str, made: Made) -> Record {
        Record {
            run_id: run_id.to_string(),
            owner: Owner::this_process(),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            made,
            kept: false,
        }
    }
}

/// Where records are kept.
pub(crate) fn runs_dir() -> PathBuf {
    let state = std::env::var_os(STATE_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()).map(|d| PathBuf::from(d).join("planproof"))
        })
        .or_else(|| {
            std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|d| PathBuf::from(d).join(".local/state/planproof"))
        })
        .unwrap_or_else(|| std::env::temp_dir().join(format!("planproof-state-{}", nix::unistd::getuid())));
    state.join("runs")
}

/// A written record, removed when dropped (the run cleaned up) unless it is marked kept.
#[derive(Debug)]
pub(crate) struct RecordFile {
    path: Option<PathBuf>,
    record: Record,
}

impl RecordFile {
    /// Writes `record` into the runs folder. A folder that cannot be written is said once and
    /// is no reason not to run: only `clean` misses the run then.
    pub(crate) fn write(record: Record) -> RecordFile {
        let dir = runs_dir();
        let path = dir.join(format!("{}.json", file_stem(&record.run_id)));
        let written = write_atomically(&dir, &path, &record);
        if let Err(e) = &written {
            static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
            super::backend::say_once(&SAID, &format!(
                "planproof: warning: cannot write the run record `{}` ({e}); `planproof clean` will not find this run's leftovers if it is killed",
                path.display()
            ));
        }
        RecordFile { path: written.ok().map(|()| path), record }
    }

    /// The file, when it was written.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Marks the record kept (`clean` leaves what it names alone) and keeps the file.
    pub(crate) fn keep(&mut self) {
        self.record.kept = true;
        if let Some(path) = self.path.take() {
            if let Some(dir) = path.parent() {
                let _ = write_atomically(dir, &path, &self.record);
            }
        }
    }
}

impl RecordFile {
    /// Leaves the record in place: what it names could not be removed, and `clean` should
    /// find it.
    pub(crate) fn leave(&mut self) {
        self.path = None;
    }
}

impl Drop for RecordFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A run id as a file name: only `[A-Za-z0-9_-]`.
fn file_stem(run_id: &str) -> String {
    run_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

fn write_atomically(dir: &Path, path: &Path, record: &Record) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let text = serde_json::to_string_pretty(record).map_err(std::io::Error::other)?;
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temporary, text.as_bytes())?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A record read back, with the file it came from.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) path: PathBuf,
    pub(crate) record: Record,
}

/// Every record in the runs folder; files that are not records are skipped (a half-written
/// one cannot exist: records are renamed into place).
pub(crate) fn read_all() -> Vec<Found> {
    let mut found: Vec<Found> = std::fs::read_dir(runs_dir())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let record = serde_json::from_str(&text).ok()?;
            Some(Found { path, record })
        })
        .collect();
    found.sort_by(|a, b| a.record.created_at.cmp(&b.record.created_at));
    found
}

/// How many records name a cluster or container whose run is gone and that was not kept:
/// what `planproof clean` would remove (containers without a record aside).
pub fn leftover_count() -> usize {
    read_all().iter().filter(|f| !f.record.kept && f.record.owner.liveness() == Liveness::Gone).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_start_time_after_a_command_name_with_spaces_and_parentheses() {
        let stat = "4242 (pl an) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        assert_eq!(parse_start_time(stat), Some(987_654));
        assert_eq!(parse_start_time("4242 (short) S 1"), None);
    }

    #[test]
    fn this_process_is_alive_and_a_reused_pid_or_another_boot_is_not() {
        let me = Owner::this_process();
        assert_eq!(me.liveness(), Liveness::Alive);
        if me.started.is_some() {
            let reused = Owner { started: me.started.map(|s| s + 1), ..me.clone() };
            assert_eq!(reused.liveness(), Liveness::Gone, "same pid, another start time");
        }
        if me.boot.is_some() {
            let rebooted = Owner { boot: Some("another-boot".into()), ..me.clone() };
            assert_eq!(rebooted.liveness(), Liveness::Gone);
        }
        let elsewhere = Owner { host: format!("{}-elsewhere", me.host), ..me.clone() };
        assert_eq!(elsewhere.liveness(), Liveness::ElsewhereUnknown);
    }

    #[test]
    fn a_process_that_exited_is_gone() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let owner = Owner { pid, started: start_time(pid), ..Owner::this_process() };
        child.wait().unwrap();
        assert_eq!(owner.liveness(), Liveness::Gone);
    }

    #[test]
    fn records_round_trip_through_json() {
        let record = Record::new(
            "local-planproof-abc",
            Made::Local { dir: "/tmp/planproof-abc".into(), bin: "/usr/lib/postgresql/15/bin".into() },
        );
        let text = serde_json::to_string(&record).unwrap();
        assert!(text.contains("\"backend\":\"local\""), "{text}");
        assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), record);
    }

    #[test]
    fn run_ids_become_plain_file_names() {
        assert_eq!(file_stem("docker-1/../x"), "docker-1____x");
    }
}
