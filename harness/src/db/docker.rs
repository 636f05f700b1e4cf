//! The `docker` backend: a throwaway PostgreSQL container started with testcontainers and
//! testcontainers-modules' Postgres image, `postgres:<major>` by default (the image name is
//! overridable for mirrors and local builds: `--image`, `PLANPROOF_IMAGE`). One container
//! serves every scenario of its version in a run, each in a database of its own.
//!
//! testcontainers has no reaper: a container goes only when its handle is dropped. So the
//! handle lives in the backend (never in a `static`), the backend removes it when dropped
//! (after success, failure or a panic that unwinds), and a clean-up action registered before
//! the container is even created removes it by label on Ctrl-C/SIGTERM. Every container
//! carries the labels `planproof=1`, `planproof.run=<run id>`, `planproof.pid=<pid>` and the
//! owner's host, start time and boot (`planproof.host`, `planproof.pid-start`,
//! `planproof.boot`), and a record (`record.rs`) names it while it lives, so a leftover (after
//! a SIGKILL) is found, and told from a live run's, by `planproof clean` (or by hand:
//! `docker ps -a --filter label=planproof`).
//!
//! The server runs with the same throwaway settings as the local backend (no fsync, no
//! autovacuum: planproof runs `VACUUM (ANALYZE)` itself). Clients connect to 127.0.0.1 and the
//! mapped IPv4 port, whatever `localhost` resolves to.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use postgres::{Config, NoTls};
use testcontainers::core::IntoContainerPort;
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, ImageExt};
use testcontainers_modules::postgres::Postgres;

use super::backend::{quote_ident, scratch_name, Backend, ScratchDb};
use super::engine::Endpoint;
use super::error::DbError;
use super::record::{Made, Owner, Record, RecordFile};
use crate::interrupt::OnInterrupt;

/// The environment variable naming the image (without tag) to start.
pub(crate) const IMAGE_ENV: &str = "PLANPROOF_IMAGE";
/// The image started when neither `--image` nor `PLANPROOF_IMAGE` names one.
pub(crate) const DEFAULT_IMAGE: &str = "postgres";
/// The major version used when neither the scenario nor `--pg` names one.
pub(crate) const DEFAULT_VERSION: &str = "17";
/// The label every planproof container carries.
pub const LABEL: &str = "planproof";
/// The label holding the id of the backend that started the container.
pub(crate) const RUN_LABEL: &str = "planproof.run";
/// The label holding the process id of the planproof that started the container.
pub const PID_LABEL: &str = "planproof.pid";
/// The labels holding the host, start time (clock ticks since boot) and boot id of that
/// process: with the pid, what tells a live owner from a reused pid (`record::Owner`).
pub(crate) const HOST_LABEL: &str = "planproof.host";
pub(crate) const PID_START_LABEL: &str = "planproof.pid-start";
pub(crate) const BOOT_LABEL: &str = "planproof.boot";

const PASSWORD: &str = "planproof";
/// How long an interrupt during `start` keeps removing containers that appear after its first
/// removal (a create request the engine was still answering).
const LATE_CREATE_WAIT: Duration = Duration::from_secs(10);
const PORT: u16 = 5432;

/// The server's command line: throwaway settings, as the local backend uses (see local.rs).
const SERVER_COMMAND: &[&str] = &[
    "postgres",
    "-c",
    "fsync=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "autovacuum=off",
    "-c",
    "max_connections=40",
    "-c",
    "shared_buffers=128MB",
];

pub struct DockerBackend {
    container: Option<Container<Postgres>>,
    engine: Endpoint,
    reference: String,
    name: String,
    id: String,
    port: u16,
    version: String,
    /// Removes the container if the run is interrupted.
    _on_interrupt: OnInterrupt,
    /// Says the container exists until it is removed (or kept).
    record: RecordFile,
    kept: bool,
}

impl DockerBackend {
    /// Starts a container from `image:tag` and waits until its server accepts connections.
    pub fn start(image: &str, tag: &str) -> Result<Self, DbError> {
        let engine = Endpoint::from_env().map_err(DbError::DockerUnavailable)?;
        // testcontainers' own errors for a missing or too old engine are long and opaque.
        engine.probe().map_err(DbError::DockerUnavailable)?;
        let reference = format!("{image}:{tag}");
        let present = engine.has_image(&reference);
        let run = run_id();
        let name = format!("planproof-pg{}-{run}", tag.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
        let label = format!("{RUN_LABEL}={run}");
        // Recorded and registered before the container exists: an interrupt (or a `kill -9`)
        // while it is being created or is starting up must not leave it behind either.
        let mut record = RecordFile::write(Record::new(
            &format!("docker-{run}"),
            Made::Docker { container: name.clone(), engine: engine.to_string() },
        ));
        let (cleanup_engine, cleanup_label) = (engine.clone(), label.clone());
        let record_path = record.path().map(std::path::Path::to_path_buf);
        let requested = Arc::new(AtomicBool::new(false));
        let answered = Arc::clone(&requested);
        let on_interrupt = OnInterrupt::arm_removal(format!("container `{name}`"), move || {
            cleanup_engine.remove_labelled(&cleanup_label).map_err(|e| e.to_string())?;
            // A create request still on its way makes the container after this removal: while
            // `start` has not returned, look again for a while and remove what appears.
            let since = Instant::now();
            while !answered.load(Ordering::SeqCst) && since.elapsed() < LATE_CREATE_WAIT {
                std::thread::sleep(Duration::from_millis(200));
                cleanup_engine.remove_labelled(&cleanup_label).map_err(|e| e.to_string())?;
            }
            if let Some(path) = record_path {
                let _ = std::fs::remove_file(path);
            }
            Ok(())
        });
        let owner = Owner::this_process();
        let request = Postgres::default()
            .with_password(PASSWORD)
            .with_name(image)
            .with_tag(tag)
            .with_label(LABEL, "1")
            .with_label(RUN_LABEL, run.clone())
            .with_label(PID_LABEL, owner.pid.to_string())
            .with_label(HOST_LABEL, owner.host.clone())
            .with_label(PID_START_LABEL, owner.started.map(|s| s.to_string()).unwrap_or_default())
            .with_label(BOOT_LABEL, owner.boot.clone().unwrap_or_default())
            .with_container_name(name.clone())
            .with_cmd(SERVER_COMMAND.iter().copied())
            .with_startup_timeout(Duration::from_secs(180));
        let started = request.start();
        requested.store(true, Ordering::SeqCst);
        let container = match started {
            Ok(container) => container,
            Err(source) => {
                // A container that was created but never became ready is not dropped by
                // testcontainers' handle (there is none): remove it here.
                if engine.remove_labelled(&label).is_err() {
                    record.leave();
                }
                let hint = if present {
                    String::new()
                } else {
                    let name_flag = if image == DEFAULT_IMAGE { String::new() } else { format!("--image {image} ") };
                    format!(
                        " (the image is not on this machine and could not be pulled: build it with \
                         `harness/docker/build-images.sh {name_flag}{tag}`, or name a mirror with `--image`/`{IMAGE_ENV}`)"
                    )
                };
                return Err(DbError::DockerStart {
                    image: reference,
                    hint,
                    missing: !present,
                    source: Box::new(source),
                });
            }
        };
        let id = container.id().to_string();
        let mut backend = DockerBackend {
            engine,
            reference,
            name,
            id: id.clone(),
            port: 0,
            version: String::new(),
            _on_interrupt: on_interrupt,
            record,
            kept: false,
            container: None,
        };
        backend.port = container
            .get_host_port_ipv4(PORT.tcp())
            .map_err(|source| DbError::DockerPort { id: id.clone(), source: Box::new(source) })?;
        backend.container = Some(container);
        let mut client = backend.connect_admin()?;
        backend.version = client
            .query_one("SHOW server_version", &[])
            .map_err(|source| DbError::Sql {
                what: "cannot read the server version".into(),
                target: backend.target(),
                source,
            })?
            .get(0);
        Ok(backend)
    }

    /// The container's id.
    pub fn container_id(&self) -> &str {
        &self.id
    }

    /// The host port that reaches the server's 5432.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn admin_config(&self) -> Config {
        let mut config = Config::new();
        config
            .host("127.0.0.1")
            .port(self.port)
            .user("postgres")
            .password(PASSWORD)
            .dbname("postgres")
            .connect_timeout(Duration::from_secs(10));
        config
    }

    fn target(&self) -> String {
        format!("container `{}` ({})", self.name, self.reference)
    }

    /// The server logged that it is ready, but the engine's port forwarding can lag behind
    /// by a moment: retry for a few seconds before giving up.
    fn connect_admin(&self) -> Result<postgres::Client, DbError> {
        let started = Instant::now();
        loop {
            match self.admin_config().connect(NoTls) {
                Ok(client) => return Ok(client),
                Err(source) if started.elapsed() > Duration::from_secs(15) => {
                    return Err(DbError::Connect { target: self.target(), source })
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    fn admin_sql(&self, sql: &str) -> Result<(), DbError> {
        let mut client = self.connect_admin()?;
        client.batch_execute(sql).map_err(|source| DbError::Sql {
            what: format!("`{sql}` failed"),
            target: self.target(),
            source,
        })
    }
}

/// An id no other backend of this or another planproof process shares.
fn run_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{}-{nanos:08x}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

impl Backend for DockerBackend {
    fn describe(&self) -> String {
        let version = self.version.split_whitespace().next().unwrap_or(&self.version);
        format!("docker PostgreSQL {version} from {}", self.reference)
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
            connect_hint: format!("psql postgresql://postgres:{PASSWORD}@127.0.0.1:{}/{name}", self.port),
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
        format!(
            "kept container `{}` ({}): `{}`; remove it with `docker rm -f {}`",
            self.name, self.reference, db.connect_hint, self.name
        )
    }
}

impl Drop for DockerBackend {
    fn drop(&mut self) {
        if let Some(container) = self.container.take() {
            if self.kept {
                // Dropping the handle would remove the container the user asked to keep.
                std::mem::forget(container);
            } else if container.rm().is_err() && self.engine.remove_container(&self.id).is_err() {
                // Left for `clean`, which finds it by its record as well as by its labels.
                self.record.leave();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_differ_within_a_process() {
        assert_ne!(run_id(), run_id());
        assert!(run_id().starts_with(&format!("{}-", std::process::id())));
    }

    #[test]
    fn the_server_runs_with_throwaway_settings() {
        let flags = SERVER_COMMAND.join(" ");
        for setting in ["fsync=off", "autovacuum=off"] {
            assert!(flags.contains(setting), "{flags}");
        }
        // Asynchronous commit left seeded pages not all-visible (see local.rs).
        assert!(!flags.contains("synchronous_commit"), "{flags}");
    }
}
