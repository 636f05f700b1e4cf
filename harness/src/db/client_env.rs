//! How another program reaches a scratch database: the environment variables that migration
//! tools and drivers read (`DATABASE_URL`, SQLAlchemy's URL, libpq's `PG*`), built from the
//! connection settings planproof itself uses.
//!
//! The local backend listens on a Unix socket only, so its "host" is a folder. libpq and
//! psycopg take that in a URL as a query parameter (`postgresql://user@/db?host=/tmp/x&port=N`,
//! <https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS>), and so
//! does SQLAlchemy's `postgresql+psycopg://` dialect, which passes the query on to psycopg.

use postgres::config::Host;
use postgres::Config;

use super::backend::ScratchDb;

/// The libpq variables a tool might inherit from planproof's own environment and that would
/// send it elsewhere than the scratch database; they are removed unless set here.
pub(crate) const PG_VARIABLES: [&str; 7] =
    ["PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"];

impl ScratchDb {
    /// `(name, value)` pairs that point a client program at this database: `DATABASE_URL`
    /// (`postgresql://…`), `SQLALCHEMY_URL` (`postgresql+psycopg://…`, psycopg 3), and
    /// `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD` (when there is one), `PGDATABASE`.
    pub fn client_env(&self) -> Vec<(String, String)> {
        client_env(&self.config)
    }
}

/// See [`ScratchDb::client_env`].
pub(crate) fn client_env(config: &Config) -> Vec<(String, String)> {
    let host = config.get_hosts().first();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("postgres");
    let password = config.get_password().map(|p| String::from_utf8_lossy(p).into_owned());
    let dbname = config.get_dbname().unwrap_or(user);

    let mut userinfo = encode(user);
    if let Some(p) = &password {
        userinfo.push(':');
        userinfo.push_str(&encode(p));
    }
    let (host_text, url_tail) = match host {
        Some(Host::Unix(dir)) => {
            let dir = dir.display().to_string();
            let tail = format!("{userinfo}@/{}?host={}&port={port}", encode(dbname), encode(&dir));
            (dir, tail)
        }
        Some(Host::Tcp(name)) => {
            // An IPv6 address goes in brackets in a URL.
            let shown = if name.contains(':') { format!("[{name}]") } else { name.clone() };
            (name.clone(), format!("{userinfo}@{shown}:{port}/{}", encode(dbname)))
        }
        None => ("localhost".to_string(), format!("{userinfo}@localhost:{port}/{}", encode(dbname))),
    };
    let mut env = vec![
        ("DATABASE_URL".to_string(), format!("postgresql://{url_tail}")),
        ("SQLALCHEMY_URL".to_string(), format!("postgresql+psycopg://{url_tail}")),
        ("PGHOST".to_string(), host_text),
        ("PGPORT".to_string(), port.to_string()),
        ("PGUSER".to_string(), user.to_string()),
        ("PGDATABASE".to_string(), dbname.to_string()),
    ];
    if let Some(p) = password {
        env.push(("PGPASSWORD".to_string(), p));
    }
    env
}

/// Percent-encodes everything but RFC 3986's unreserved characters, which is safe in every
/// part of a URL (user, password, path, query value).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_socket_folder_goes_in_the_query_of_both_urls() {
        let mut config = Config::new();
        config.host_path("/tmp/planproof-Ab1").port(5432).user("postgres").dbname("planproof_x_1_0");
        let env = client_env(&config);
        assert_eq!(
            value(&env, "DATABASE_URL"),
            Some("postgresql://postgres@/planproof_x_1_0?host=%2Ftmp%2Fplanproof-Ab1&port=5432")
        );
        assert_eq!(
            value(&env, "SQLALCHEMY_URL"),
            Some("postgresql+psycopg://postgres@/planproof_x_1_0?host=%2Ftmp%2Fplanproof-Ab1&port=5432")
        );
        assert_eq!(value(&env, "PGHOST"), Some("/tmp/planproof-Ab1"));
        assert_eq!(value(&env, "PGPORT"), Some("5432"));
        assert_eq!(value(&env, "PGDATABASE"), Some("planproof_x_1_0"));
        assert_eq!(value(&env, "PGPASSWORD"), None, "no password, no variable");
    }

    #[test]
    fn tcp_hosts_and_passwords_are_encoded() {
        let mut config = Config::new();
        config.host("127.0.0.1").port(49153).user("app user").password("p@ss/w:rd").dbname("db");
        let env = client_env(&config);
        assert_eq!(value(&env, "DATABASE_URL"), Some("postgresql://app%20user:p%40ss%2Fw%3Ard@127.0.0.1:49153/db"));
        assert_eq!(value(&env, "PGPASSWORD"), Some("p@ss/w:rd"));
        assert_eq!(value(&env, "PGUSER"), Some("app user"));

        let mut config = Config::new();
        config.host("::1").user("u").dbname("d");
        assert_eq!(value(&client_env(&config), "DATABASE_URL"), Some("postgresql://u@[::1]:5432/d"));
    }
}
