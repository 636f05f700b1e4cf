//! The `url` backend: an existing server (a CI service container, docker-compose, a shared
//! dev server). planproof creates its own scratch database there and drops it afterwards; the
//! database named in the URL is only used to issue `CREATE DATABASE`/`DROP DATABASE`, never
//! written to.

use std::str::FromStr;

use std::time::Duration;

use postgres::{Client, Config, NoTls};

use super::backend::{quote_ident, scratch_name, Backend, ScratchDb};
use super::error::DbError;
use crate::interrupt::OnInterrupt;
use crate::text::redact;

pub struct UrlBackend {
    admin: Config,
    url_shown: String,
    version: String,
    /// The scratch databases made and not yet dropped or kept, each dropped if the run is
    /// interrupted.
    created: Vec<(String, OnInterrupt)>,
}

impl UrlBackend {
    pub fn connect(url: &str) -> Result<Self, DbError> {
        let mut admin = Config::from_str(url).map_err(|source| DbError::BadUrl { url: redact(url), source })?;
        if admin.get_connect_timeout().is_none() {
            admin.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        let url_shown = server_shown(&admin);
        let mut client = connect_bounded(&admin, &format!("`{url_shown}`"))?;
        warn_if_superuser(&mut client, &url_shown);
        let version = client
            .query_one("SHOW server_version", &[])
            .map_err(|source| DbError::Sql {
                what: "cannot read the server version".into(),
                target: url_shown.clone(),
                source,
            })?
            .get::<_, String>(0);
        Ok(UrlBackend { admin, url_shown, version, created: Vec::new() })
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

    fn create_database(&mut self, hint: &str) -> Result<ScratchDb, DbError> {
        let name = scratch_name(hint);
        // template0: a clean database, whatever the server's template1 has accumulated.
        Self::admin_sql(
            &self.admin,
            &self.url_shown,
            &format!("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'", quote_ident(&name)),
        )?;
        let admin = self.admin.clone();
        let (target, drop_name) = (self.url_shown.clone(), name.clone());
        let on_interrupt = OnInterrupt::arm(move || {
            let _ = Self::admin_sql(&admin, &target, &drop_sql(&drop_name));
        });
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
        format!("kept {}", db.connect_hint)
    }
}

impl UrlBackend {
    /// Stops tracking a database that was dropped or is kept: its interrupt action goes with it.
    fn forget(&mut self, name: &str) {
        self.created.retain(|(n, _)| n != name);
    }
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
