//! The `local` backend: a temporary cluster made with the machine's own `initdb` and `pg_ctl`
//! in a temporary folder, reachable only through a Unix socket in that folder, with throwaway
//! settings (no fsync, no autovacuum: planproof runs `VACUUM (ANALYZE)` itself, at the moments
//! that make plans repeatable). It is stopped and deleted when the backend is dropped, and on
//! Ctrl-C through the clean-up registry. A record of it (`record.rs`) lives as long as the
//! cluster does, so that `planproof clean` can stop and remove it after a `kill -9`.
//!
//! `initdb` refuses to run as root; when planproof runs as root (containers, CI), the cluster
//! is made and run as the `postgres` user if it exists, else `nobody`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use postgres::{Config, NoTls};

use super::backend::{quote_ident, scratch_name, Backend, ScratchDb};
use super::error::DbError;
use super::record::{Made, Record, RecordFile};
use crate::interrupt::OnInterrupt;
use std::sync::{Arc, Mutex};

/// The environment variable naming a PostgreSQL `bin` folder to use.
pub(crate) const PG_BIN_ENV: &str = "PLANPROOF_PG_BIN";

const PORT: u16 = 5432;

/// Settings of a cluster that only lives for one run: durability is worthless here, and
/// autovacuum would change statistics between the "before" and "after" captures. Commits stay
/// synchronous (cheap with `fsync = off`): a row whose commit is not yet flushed cannot get its
/// hint bit, and VACUUM then leaves its page not all-visible, so heap fetches (and plans)
/// depended on when the WAL writer last ran.
const THROWAWAY_SETTINGS: &str = "
listen_addresses = ''
fsync = off
full_page_writes = off
autovacuum = off
max_connections = 40
shared_buffers = 128MB
log_min_messages = warning
";

pub struct LocalBackend {
    bin: PathBuf,
    dir: PathBuf,
    run_as: Option<nix::unistd::User>,
    version: String,
    /// Stops and removes the cluster if the run is interrupted.
    _on_interrupt: OnInterrupt,
    /// The process group of the `initdb` or `pg_ctl` running now, which an interrupt kills
    /// before it removes the folder they write into.
    running: Arc<Mutex<Option<i32>>>,
    /// Says the cluster exists until it is removed (or kept).
    record: RecordFile,
    kept: bool,
}

/// Where PostgreSQL's server binaries are: `PLANPROOF_PG_BIN`, then `initdb` on PATH, then the
/// newest `/usr/lib/postgresql/*/bin`.
pub fn find_binaries(explicit: Option<&Path>) -> Result<PathBuf, DbError> {
    let has_all = |dir: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|b| dir.join(b).is_file());
    if let Some(dir) = explicit.map(Path::to_path_buf).or_else(|| std::env::var_os(PG_BIN_ENV).map(PathBuf::from)) {
        return if has_all(&dir) { Ok(dir) } else { Err(DbError::MissingBinaries(dir)) };
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let initdb = dir.join("initdb");
            if initdb.is_file() {
                // /usr/local/bin/initdb is often a symbolic link into the real bin folder.
                if let Some(real) = std::fs::canonicalize(&initdb).ok().and_then(|p| p.parent().map(Path::to_path_buf))
                {
                    if has_all(&real) {
                        return Ok(real);
                    }
                }
                if has_all(&dir) {
                    return Ok(dir);
                }
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(std::result::Result::ok)
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_all(&bin).then_some((major, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or(DbError::NothingAvailable)
}

/// The bin folder of Debian's/Ubuntu's PostgreSQL `major` (`/usr/lib/postgresql/15/bin`), if
/// it is installed.
pub(crate) fn binaries_for_major(major: &str) -> Option<PathBuf> {
    let dir = Path::new("/usr/lib/postgresql").join(major).join("bin");
    ["initdb", "pg_ctl", "postgres"].iter().all(|b| dir.join(b).is_file()).then_some(dir)
}

impl LocalBackend {
    /// Makes and starts a temporary cluster.
    pub fn start(bin: PathBuf) -> Result<Self, DbError> {
        let dir = tempfile::Builder::new().prefix("planproof-").tempdir().map_err(DbError::TempDir)?.keep();
        let run_as = if nix::unistd::geteuid().is_root() {
            let user = nix::unistd::User::from_name("postgres")
                .ok()
                .flatten()
                .or_else(|| nix::unistd::User::from_name("nobody").ok().flatten());
            match user {
                Some(user) => {
                    nix::unistd::chown(&dir, Some(user.uid), Some(user.gid)).map_err(|e| DbError::TempDir(e.into()))?;
                    Some(user)
                }
                None => None,
            }
        } else {
            None
        };
        let data = dir.join("data");
        // Recorded and registered before anything is started, so that a `kill -9` or an
        // interrupt at any point leaves nothing `clean` cannot find or the handler misses.
        let run_id = format!("local-{}", dir.file_name().and_then(|n| n.to_str()).unwrap_or("cluster"));
        let record = RecordFile::write(Record::new(&run_id, Made::Local { dir: dir.clone(), bin: bin.clone() }));
        let (stop_bin, stop_dir, stop_user) = (bin.clone(), dir.clone(), run_as.clone());
        let record_path = record.path().map(Path::to_path_buf);
        let running: Arc<Mutex<Option<i32>>> = Arc::default();
        let still_running = Arc::clone(&running);
        let on_interrupt = OnInterrupt::arm_removal(format!("the local cluster in `{}`", dir.display()), move || {
            // An `initdb` or `pg_ctl start` still writing into the folder would refill it as it
            // is removed: it goes first, with what it started.
            if let Some(group) = still_running.lock().ok().and_then(|mut g| g.take()) {
                let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), nix::sys::signal::Signal::SIGKILL);
            }
            remove_cluster_folder(&stop_bin, &stop_dir, stop_user.as_ref())?;
            if let Some(path) = record_path {
                let _ = std::fs::remove_file(path);
            }
            Ok(())
        });
        let mut backend = LocalBackend {
            bin,
            dir,
            run_as,
            version: String::new(),
            _on_interrupt: on_interrupt,
            running,
            record,
            kept: false,
        };
        backend.run(
            "initdb",
            &["-D", path_str(&data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
        )?;
        let conf =
            format!("{THROWAWAY_SETTINGS}unix_socket_directories = '{}'\nport = {PORT}\n", backend.dir.display());
        append(&data.join("postgresql.conf"), &conf).map_err(DbError::TempDir)?;
        let log = backend.dir.join("server.log");
        backend.run("pg_ctl", &["-D", path_str(&data), "-l", path_str(&log), "-w", "-t", "60", "start"]).map_err(
            |e| match e {
                DbError::Command { command, output } => DbError::Command {
                    command,
                    output: format!("{output}\n{}", std::fs::read_to_string(&log).unwrap_or_default()),
                },
                e => e,
            },
        )?;
        let mut client = backend.admin_config().connect(NoTls).map_err(|source| DbError::Connect {
            target: format!("the local cluster in `{}`", backend.dir.display()),
            source,
        })?;
        backend.version = client
            .query_one("SHOW server_version", &[])
            .map_err(|source| DbError::Sql {
                what: "cannot read the server version".into(),
                target: "the local cluster".into(),
                source,
            })?
            .get(0);
        Ok(backend)
    }

    /// A libpq-style connection string for database `dbname` of this cluster, as the `url`
    /// backend and `psql` accept it.
    pub fn connection_string(&self, dbname: &str) -> String {
        format!("host={} port={PORT} user=postgres dbname={dbname}", self.dir.display())
    }

    /// The folder holding the cluster's data, socket and log.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn admin_config(&self) -> Config {
        let mut config = Config::new();
        config.host_path(&self.dir).port(PORT).user("postgres").dbname("postgres");
        config
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), DbError> {
        let spawn = |source| DbError::Spawn { command: program.into(), source };
        // A process group of its own, which an interrupt kills whole (`initdb` runs the
        // bootstrap `postgres` as its child).
        let child = command(&self.bin, program, self.run_as.as_ref())
            .args(args)
            .process_group(0)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(spawn)?;
        if let Ok(mut running) = self.running.lock() {
            *running = i32::try_from(child.id()).ok();
        }
        let output = child.wait_with_output();
        if let Ok(mut running) = self.running.lock() {
            *running = None;
        }
        let output = output.map_err(spawn)?;
        if output.status.success() {
            Ok(())
        } else {
            Err(DbError::Command {
                command: format!("{program} {}", args.join(" ")),
                output: format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                )
                .trim()
                .to_string(),
            })
        }
    }

    fn admin_sql(&self, sql: &str) -> Result<(), DbError> {
        let target = format!("the local cluster in `{}`", self.dir.display());
        let mut client =
            self.admin_config().connect(NoTls).map_err(|source| DbError::Connect { target: target.clone(), source })?;
        client.batch_execute(sql).map_err(|source| DbError::Sql { what: format!("`{sql}` failed"), target, source })
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new().append(true).open(path)?.write_all(text.as_bytes())
}

fn command(bin: &Path, program: &str, run_as: Option<&nix::unistd::User>) -> Command {
    let mut cmd = Command::new(bin.join(program));
    if let Some(user) = run_as {
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        // A home the user can read avoids warnings from tools that look there.
        cmd.current_dir("/").env("HOME", &user.dir);
    }
    cmd
}

/// Stops the cluster's server (if it runs) and removes its folder, again for a few seconds
/// while something still writes into it (a server that was starting as the interrupt came).
fn remove_cluster_folder(bin: &Path, dir: &Path, run_as: Option<&nix::unistd::User>) -> Result<(), String> {
    let started = std::time::Instant::now();
    loop {
        stop_cluster(bin, dir, run_as, "immediate");
        match std::fs::remove_dir_all(dir) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) if started.elapsed() > std::time::Duration::from_secs(5) => return Err(e.to_string()),
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
}

fn stop_cluster(bin: &Path, dir: &Path, run_as: Option<&nix::unistd::User>, mode: &str) {
    let data = dir.join("data");
    if data.join("postmaster.pid").exists() {
        let _ = command(bin, "pg_ctl", run_as).args(["-D", path_str(&data), "-m", mode, "-w", "stop"]).output();
    }
}

impl Backend for LocalBackend {
    fn describe(&self) -> String {
        let version = self.version.split_whitespace().next().unwrap_or(&self.version);
        format!("local PostgreSQL {version} from {}", self.bin.display())
    }

    fn server_version(&self) -> &str {
        &self.version
    }

    fn create_database_with(&mut self, hint: &str, locale: &super::DatabaseLocale) -> Result<ScratchDb, DbError> {
        let name = scratch_name(hint);
        self.admin_sql(&format!("CREATE DATABASE {}{}", quote_ident(&name), super::locale::create_clauses(locale)))?;
        let mut config = self.admin_config();
        config.dbname(&name);
        Ok(ScratchDb {
            connect_hint: format!("psql -h {} -p {PORT} -U postgres -d {name}", self.dir.display()),
            name,
            config,
        })
    }

    fn drop_database(&mut self, db: &ScratchDb) -> Result<(), DbError> {
        self.admin_sql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&db.name)))
    }

    fn keep(&mut self, db: &ScratchDb) -> String {
        self.kept = true;
        self.record.keep();
        let sudo = match &self.run_as {
            Some(user) => format!("runuser -u {} -- ", user.name),
            None => String::new(),
        };
        format!(
            "kept the cluster in `{dir}`: start it with `{sudo}{bin}/pg_ctl -D {dir}/data -l {dir}/server.log start`, then `{}`",
            db.connect_hint,
            dir = self.dir.display(),
            bin = self.bin.display()
        )
    }
}

impl Drop for LocalBackend {
    fn drop(&mut self) {
        stop_cluster(&self.bin, &self.dir, self.run_as.as_ref(), "fast");
        if !self.kept && std::fs::remove_dir_all(&self.dir).is_err() && self.dir.exists() {
            self.record.leave();
        }
    }
}
