//! The `url` backend: an existing server (a CI service container, docker-compose, a shared
//! dev server). planproof creates its own scratch database there and drops it afterwards; the
//! database named in the URL is only used to issue `CREATE DATABASE`/`DROP DATABASE`, never
//! written to.

use std::str::FromStr;

use postgres::{Config, NoTls};

use super::backend::{quote_ident, scratch_name, Backend, ScratchDb};
use super::error::DbError;
use crate::interrupt::OnInterrupt;

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
        let admin = Config::from_str(url).map_err(|source| DbError::BadUrl { url: redact(url), source })?;
        let url_shown = redact(url);
        let mut client =
            admin.connect(NoTls).map_err(|source| DbError::Connect { target: format!("`{url_shown}`"), source })?;
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

/// The URL without its password, for messages and reports.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
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
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/app"), "postgres://app:***@db:5432/app");
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(redact("host=/tmp user=x"), "host=/tmp user=x");
    }
}
