//! The `url` backend: an existing server (a CI service container, docker-compose, a shared
//! dev server). planproof creates its own scratch database there and drops it afterwards; the
//! database named in the URL is only used to issue `CREATE DATABASE`/`DROP DATABASE`, never
//! written to.
//!
//! Nothing may stay on a shared server. A scratch database's drop is armed before its
//! `CREATE DATABASE` is sent: an interrupt during the statement cancels it, waits for it to
//! end either way, and drops what it made. Against a `kill -9`, whose run cannot clean up,
//! every database is named with the run's tag (`planproof_<scenario>_<tag>_<n>`), and the run
//! holds a session named `planproof run <tag>` (its `application_name`, which
//! `pg_stat_activity` shows to every user) from before its first database to after its last:
//! a `planproof_*` database whose tag has no session and to which no one is connected belongs
//! to a run that is gone, on whichever host it ran, and `planproof clean --database-url`
//! drops it.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use postgres::{Client, Config, NoTls};

use super::backend::{quote_ident, quote_literal, run_tag, scratch_name, tag_of, Backend, ScratchDb};
use super::clean::{Fate, Leftover};
use super::error::DbError;
use crate::interrupt::OnInterrupt;
use crate::text::{error_chain, redact};

/// The `application_name` of a run's sessions: what tells `clean` the run is alive.
fn session_name(tag: &str) -> String {
    format!("planproof run {tag}")
}

/// The end of the comment of a database kept with `--keep`, which `clean` leaves alone.
const KEPT_MARK: &str = ": kept with `--keep`";

/// How long an interrupt waits for a cancelled `CREATE DATABASE` to end before dropping.
const CREATE_WAIT: Duration = Duration::from_secs(30);

pub struct UrlBackend {
    admin: Config,
    url_shown: String,
    version: String,
    /// The session that says this run is alive (see the module's documentation), open from
    /// before the first scratch database to after the last is dropped.
    _holder: Client,
    /// The scratch databases made and not yet dropped or kept, each dropped if the run is
    /// interrupted.
    created: Vec<(String, OnInterrupt)>,
}

/// The server a URL names, as libpq would reach it: `PGPASSWORD` when the URL has no password
/// (the client does not read the environment itself), and a connect timeout unless it sets one.
fn admin_config(url: &str) -> Result<Config, DbError> {
    let mut admin = Config::from_str(url).map_err(|source| DbError::BadUrl { url: redact(url), source })?;
    if admin.get_password().is_none() {
        if let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
            admin.password(password.as_encoded_bytes());
        }
    }
    if admin.get_connect_timeout().is_none() {
        admin.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    Ok(admin)
}

impl UrlBackend {
    pub fn connect(url: &str) -> Result<Self, DbError> {
        let mut admin = admin_config(url)?;
        admin.application_name(&session_name(run_tag()));
        let url_shown = server_shown(&admin);
        let mut client = connect_bounded(&admin, &format!("`{url_shown}`"))?;
        warn_if_superuser(&mut client, &url_shown);
        if let Ok(found) = scratch_databases(&mut client) {
            let gone = found.iter().filter(|d| d.owner_gone()).count();
            if gone > 0 {
                let s = if gone == 1 { "" } else { "s" };
                static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
                super::backend::say_once(&SAID, &format!(
                    "planproof: {gone} leftover{s} from earlier runs on {url_shown}: run `planproof clean --database-url …`"
                ));
            }
        }
        let version = client
            .query_one("SHOW server_version", &[])
            .map_err(|source| DbError::Sql {
                what: "cannot read the server version".into(),
                target: url_shown.clone(),
                source,
            })?
            .get::<_, String>(0);
        Ok(UrlBackend { admin, url_shown, version, _holder: client, created: Vec::new() })
    }

    fn admin_sql(admin: &Config, target: &str, sql: &str) -> Result<(), DbError> {
        let mut client =
            admin.connect(NoTls).map_err(|source| DbError::Connect { target: target.to_string(), source })?;
        client.batch_execute(sql).map_err(|source| DbError::Sql {
            what: format!("`{sql}` failed"),
            target: target.to_string(),
            source,
        })
    }
}

/// The bound on reaching the server when the URL sets none (`connect_timeout`).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects within the config's `connect_timeout` for the whole handshake, not only the socket
/// (which is all libpq's bound covers): a server that accepts the connection and never answers
/// is an error, not a hung run. The connecting thread of such a server is left behind.
fn connect_bounded(config: &Config, target: &str) -> Result<Client, DbError> {
    let timeout = config.get_connect_timeout().copied().unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    let (send, receive) = std::sync::mpsc::channel();
    let attempt = config.clone();
    std::thread::spawn(move || {
        let _ = send.send(attempt.connect(NoTls));
    });
    // The socket's own bound, then as long again for the startup and authentication.
    match receive.recv_timeout(timeout * 2) {
        Ok(connected) => connected.map_err(|source| DbError::Connect { target: target.to_string(), source }),
        Err(_) => Err(DbError::NoAnswer { target: target.to_string(), seconds: (timeout * 2).as_secs() }),
    }
}

/// Says, once, that the scenarios' SQL runs with a superuser's rights on this server.
fn warn_if_superuser(client: &mut Client, shown: &str) {
    let superuser = client
        .query_opt("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", &[])
        .ok()
        .flatten()
        .is_some_and(|row| row.get::<_, bool>(0));
    if superuser {
        eprintln!(
            "planproof: warning: the URL's user on {shown} is a superuser, and the scenarios' SQL runs with its rights; a role with CREATEDB and no superuser is enough"
        );
    }
}

/// The server as messages and reports name it: host, port and database only, whatever form
/// the connection string had and whatever it carried (user, password, options).
fn server_shown(config: &Config) -> String {
    use postgres::config::Host;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let host = if hosts.is_empty() { "localhost".to_string() } else { hosts.join(",") };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().or(config.get_user()).unwrap_or("postgres");
    format!("{host}:{port}/{db}")
}

impl Backend for UrlBackend {
    fn describe(&self) -> String {
        let version = self.version.split_whitespace().next().unwrap_or(&self.version);
        format!("PostgreSQL {version} at {}", self.url_shown)
    }

    fn server_version(&self) -> &str {
        &self.version
    }

    fn create_database_with(&mut self, hint: &str, locale: &super::DatabaseLocale) -> Result<ScratchDb, DbError> {
        let name = scratch_name(hint);
        let target = self.url_shown.clone();
        // Armed before the statement is sent: an interrupt while the server copies the
        // template must not leave the database behind when the statement completes after all.
        let create = Arc::new(CreateState::default());
        let (admin, drop_name, watched) = (self.admin.clone(), name.clone(), Arc::clone(&create));
        let drop_target = target.clone();
        let on_interrupt = OnInterrupt::arm_removal(format!("database `{name}` on {target}"), move || {
            watched.cancel_and_wait();
            Self::admin_sql(&admin, &drop_target, &drop_sql(&drop_name)).map_err(|e| error_chain(&e))
        });
        let ended = create.ended_on_drop();
        let mut client =
            self.admin.connect(NoTls).map_err(|source| DbError::Connect { target: target.clone(), source })?;
        create.running(client.cancel_token());
        // template0: a clean database, whatever the server's template1 has accumulated.
        let clauses = if locale.is_default() {
            " TEMPLATE template0 ENCODING 'UTF8'".to_string()
        } else {
            super::locale::create_clauses(locale)
        };
        let sql = format!("CREATE DATABASE {}{clauses}", quote_ident(&name));
        let created = client.batch_execute(&sql);
        drop(ended);
        created.map_err(|source| DbError::Sql { what: format!("`{sql}` failed"), target: target.clone(), source })?;
        // For whoever looks at the server; `clean` goes by the name's tag and the sessions.
        let owner = super::record::Owner::this_process();
        let comment = format!(
            "planproof run {}: pid {} on {} since {}",
            run_tag(),
            owner.pid,
            owner.host,
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let _ =
            client.batch_execute(&format!("COMMENT ON DATABASE {} IS {}", quote_ident(&name), quote_literal(&comment)));
        drop(client);
        self.created.push((name.clone(), on_interrupt));
        let mut config = self.admin.clone();
        config.dbname(&name);
        Ok(ScratchDb { connect_hint: format!("database `{name}` on {}", self.url_shown), name, config })
    }

    fn drop_database(&mut self, db: &ScratchDb) -> Result<(), DbError> {
        Self::admin_sql(&self.admin, &self.url_shown, &drop_sql(&db.name))?;
        self.forget(&db.name);
        Ok(())
    }

    fn keep(&mut self, db: &ScratchDb) -> String {
        self.forget(&db.name);
        // Its run's session ends with the run: the comment tells `clean` to leave it alone.
        let comment = format!("planproof run {}{KEPT_MARK}", run_tag());
        let _ = Self::admin_sql(
            &self.admin,
            &self.url_shown,
            &format!("COMMENT ON DATABASE {} IS {}", quote_ident(&db.name), quote_literal(&comment)),
        );
        format!("kept {}", db.connect_hint)
    }
}

impl UrlBackend {
    /// Stops tracking a database that was dropped or is kept: its interrupt action goes with it.
    fn forget(&mut self, name: &str) {
        self.created.retain(|(n, _)| n != name);
    }
}

/// Where a `CREATE DATABASE` is, for the interrupt that must drop what it makes.
#[derive(Default)]
struct CreateState {
    stage: Mutex<Stage>,
    changed: Condvar,
}

#[derive(Default)]
enum Stage {
    /// Armed; the statement is not sent yet.
    #[default]
    Armed,
    /// Sent on the connection this cancels.
    Running(postgres::CancelToken),
    /// Completed, failed, or never sent: nothing more can come of it.
    Ended,
}

/// Marks the statement ended when dropped, on every way out of `create_database`.
struct EndedOnDrop<'a>(&'a CreateState);

impl Drop for EndedOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(Stage::Ended);
    }
}

impl CreateState {
    fn set(&self, stage: Stage) {
        if let Ok(mut now) = self.stage.lock() {
            *now = stage;
        }
        self.changed.notify_all();
    }

    fn running(&self, cancel: postgres::CancelToken) {
        self.set(Stage::Running(cancel));
    }

    fn ended_on_drop(&self) -> EndedOnDrop<'_> {
        EndedOnDrop(self)
    }

    /// Cancels the statement if it runs, and waits (bounded) until it has ended either way:
    /// a `DROP DATABASE IF EXISTS` before then would find nothing, and the database would
    /// appear after it.
    fn cancel_and_wait(&self) {
        let deadline = std::time::Instant::now() + CREATE_WAIT;
        let mut cancelled = false;
        let Ok(mut stage) = self.stage.lock() else { return };
        loop {
            match &*stage {
                Stage::Ended => return,
                Stage::Running(token) if !cancelled => {
                    let token = token.clone();
                    drop(stage);
                    let _ = token.cancel_query(NoTls);
                    cancelled = true;
                    let Ok(again) = self.stage.lock() else { return };
                    stage = again;
                    continue;
                }
                _ => {}
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return;
            }
            stage = match self.changed.wait_timeout(stage, (deadline - now).min(Duration::from_millis(100))) {
                Ok((stage, _)) => stage,
                Err(_) => return,
            };
        }
    }
}

/// A `planproof_*` database on the server, and what tells whose it is.
struct Scratch {
    name: String,
    /// The run tag its name carries (`None`: not named as this planproof names them).
    tag: Option<String>,
    /// A session with the tag's `application_name` is open.
    run_alive: bool,
    /// Someone is connected to it.
    in_use: bool,
    comment: Option<String>,
}

impl Scratch {
    fn owner_gone(&self) -> bool {
        self.tag.is_some() && !self.run_alive && !self.in_use && !self.kept()
    }

    fn kept(&self) -> bool {
        self.comment.as_deref().is_some_and(|c| c.ends_with(KEPT_MARK))
    }
}

/// The server's `planproof_*` databases and the sessions that say whose they are.
fn scratch_databases(client: &mut Client) -> Result<Vec<Scratch>, postgres::Error> {
    let rows = client.query(
        "SELECT d.datname::text, shobj_description(d.oid, 'pg_database')
           FROM pg_database d WHERE d.datname LIKE 'planproof\\_%' ORDER BY 1",
        &[],
    )?;
    let sessions = client.query(
        "SELECT coalesce(datname::text, ''), coalesce(application_name, '') FROM pg_stat_activity WHERE pid <> pg_backend_pid()",
        &[],
    )?;
    let connected: BTreeSet<String> = sessions.iter().map(|r| r.get::<_, String>(0)).collect();
    let names: BTreeSet<String> = sessions.iter().map(|r| r.get::<_, String>(1)).collect();
    Ok(rows
        .iter()
        .map(|row| {
            let name: String = row.get(0);
            let tag = tag_of(&name).map(str::to_string);
            Scratch {
                run_alive: tag.as_deref().is_some_and(|t| names.contains(&session_name(t))),
                in_use: connected.contains(&name),
                comment: row.get(1),
                tag,
                name,
            }
        })
        .collect())
}

/// `clean --database-url`: drops (or lists) the `planproof_*` databases whose run is gone.
pub(super) fn clean_server(url: &str, dry_run: bool, remove_kept: bool) -> Result<Vec<Leftover>, DbError> {
    let mut admin = admin_config(url)?;
    admin.application_name("planproof clean");
    let shown = server_shown(&admin);
    let mut client = connect_bounded(&admin, &format!("`{shown}`"))?;
    let found = scratch_databases(&mut client).map_err(|source| DbError::Sql {
        what: "cannot list the `planproof_*` databases".into(),
        target: shown.clone(),
        source,
    })?;
    Ok(found
        .into_iter()
        .map(|db| {
            let what = format!("database `{}` on {shown}", db.name);
            let about = db.comment.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            let (why, fate) = match &db.tag {
                None => (
                    "not named as planproof names its databases now (an older planproof's?): drop it by hand if no run uses it".to_string(),
                    Fate::LeftAlone,
                ),
                Some(_) if db.kept() && !remove_kept => (
                    format!("{} (`planproof clean --kept` removes it)", db.comment.clone().unwrap_or_default()),
                    Fate::LeftAlone,
                ),
                Some(tag) if db.run_alive => (format!("run `{tag}`{about} still has a session on the server"), Fate::LeftAlone),
                Some(tag) if db.in_use => (format!("run `{tag}`{about} is gone, but a session is connected to it"), Fate::LeftAlone),
                Some(tag) => {
                    let why = format!("run `{tag}`{about} is gone");
                    if dry_run {
                        (why, Fate::WouldRemove)
                    } else {
                        match client.batch_execute(&drop_sql(&db.name)) {
                            Ok(()) => (why, Fate::Removed),
                            Err(e) => (why, Fate::Failed(super::db_message(&e))),
                        }
                    }
                }
            };
            Leftover { what, why, fate }
        })
        .collect())
}

fn drop_sql(name: &str) -> String {
    // WITH (FORCE) (PostgreSQL 13+) ends sessions a crashed run may have left behind.
    format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name))
}

impl Drop for UrlBackend {
    fn drop(&mut self) {
        for (name, _on_interrupt) in std::mem::take(&mut self.created) {
            let _ = Self::admin_sql(&self.admin, &self.url_shown, &drop_sql(&name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_is_shown_as_host_port_and_database_only() {
        for (url, expected) in [
            ("postgres://app:s3cret@db:5433/app", "db:5433/app"),
            ("postgres://db/app?user=app&password=s3cret", "db:5432/app"),
            ("host=db user=app password=s3cret dbname=app", "db:5432/app"),
            ("host=/var/run/postgresql user=app password='a b'", "/var/run/postgresql:5432/app"),
        ] {
            let config = Config::from_str(url).expect("a valid connection string");
            assert_eq!(server_shown(&config), expected, "{url}");
        }
    }
}
