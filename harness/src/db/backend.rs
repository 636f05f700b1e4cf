//! The seam between the pipeline and wherever PostgreSQL runs: a backend hands out scratch
//! databases that nobody else uses, and takes them back.

use postgres::{Client, Config, NoTls};

use super::error::DbError;

/// A source of throwaway databases.
pub trait Backend {
    /// One line for the terminal and reports: kind, version, where.
    fn describe(&self) -> String;
    /// The server's version (`SHOW server_version`).
    fn server_version(&self) -> &str;
    /// A fresh, empty database for one scenario run, with the backend's default locale.
    fn create_database(&mut self, hint: &str) -> Result<ScratchDb, DbError> {
        self.create_database_with(hint, &super::DatabaseLocale::default())
    }
    /// A fresh, empty database for one scenario run, with `locale`.
    fn create_database_with(&mut self, hint: &str, locale: &super::DatabaseLocale) -> Result<ScratchDb, DbError>;
    /// Removes a database made by `create_database`.
    fn drop_database(&mut self, db: &ScratchDb) -> Result<(), DbError>;
    /// Keeps a database (and whatever it lives in) after the run, for a look after a failure;
    /// returns how to connect to it.
    fn keep(&mut self, db: &ScratchDb) -> String;
}

/// A database created for one run.
#[derive(Clone)]
pub struct ScratchDb {
    pub name: String,
    pub config: Config,
    /// A `psql` command line (or URL) that reaches it.
    pub connect_hint: String,
}

impl ScratchDb {
    pub fn connect(&self) -> Result<Client, DbError> {
        self.config
            .connect(NoTls)
            .map_err(|source| DbError::Connect { target: format!("database `{}`", self.name), source })
    }
}

/// A database name that shows where it came from and does not collide with another run's:
/// `planproof_<scenario>_<run tag>_<n>`. The run tag ([`run_tag`]) is what `clean` reads to
/// tell whose a database on a shared server is (`url.rs`).
pub(super) fn scratch_name(hint: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let clean: String =
        hint.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(30).collect();
    format!("planproof_{clean}_{}_{}", run_tag(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Eight hex digits that name this process's run, the same for its whole life, different
/// from any other run's (on any host) with all the certainty a shared server needs: a hash of
/// the host, the pid, the boot and the time it first asked.
pub(super) fn run_tag() -> &'static str {
    use sha2::Digest;
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let owner = super::record::Owner::this_process();
        let seed = format!("{}/{}/{:?}/{now}", owner.host, owner.pid, owner.boot);
        sha2::Sha256::digest(seed.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect()
    })
}

/// The run tag of a name [`scratch_name`] made, if it is one.
pub(super) fn tag_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("planproof_")?;
    let mut parts = rest.rsplitn(3, '_');
    let counter = parts.next()?;
    let tag = parts.next()?;
    parts.next()?;
    let is_tag = tag.len() == 8 && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (is_tag && !counter.is_empty() && counter.bytes().all(|b| b.is_ascii_digit())).then_some(tag)
}

/// Single-quotes a string for SQL (standard_conforming_strings, the default since 9.1).
pub(crate) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Prints `line` unless `said` is set, and sets it: once per process for each flag, since a
/// test binary or a suite opens a backend per test or per major.
pub(super) fn say_once(said: &std::sync::atomic::AtomicBool, line: &str) {
    if !said.swap(true, std::sync::atomic::Ordering::Relaxed) {
        eprintln!("{line}");
    }
}

/// Double-quotes an identifier for SQL.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_name_carries_the_run_tag_and_an_older_one_does_not() {
        let name = scratch_name("Brokkr PAK-hash");
        assert!(name.starts_with("planproof_brokkr_pak_hash_"), "{name}");
        assert_eq!(tag_of(&name), Some(run_tag()));
        assert!(name.len() <= 63, "{name}");
        // Names of planproof before run tags: `planproof_<scenario>_<pid>_<n>`.
        assert_eq!(tag_of("planproof_brokkr_pak_hash_12345_0"), None);
        assert_eq!(tag_of("planproof_x_0123abcd_"), None);
        assert_eq!(tag_of("app_0123abcd_1"), None);
    }
}
