//! The whole-scenario time limit (`time-limit`, shortened by `--time-limit`): every bound of
//! its own (`[explain] statement-timeout`, `[migration] timeout`, `tool-timeout`) leaves work
//! unbounded — a schema file, an earlier migration or a seed statement that never ends, a run
//! that is slow everywhere. A [`Watchdog`] waits beside the run; once the limit has passed it
//! ends every session on the scenario's scratch database (`pg_terminate_backend`), again and
//! again until the run gives up, so whatever the pipeline was waiting on fails at once and the
//! suite goes on with the next scenario. A tool's command is killed at the same instant by its
//! own runner (`MigrationPlan::until`), since a tool need not be waiting on the server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use postgres::{Config, NoTls};

/// How often an expired watchdog ends the sessions again: the pipeline may open a connection
/// (a workload reader, a tool) before it notices.
const AGAIN: Duration = Duration::from_millis(250);
/// How long the watchdog waits for the server to accept its own connection.
const CONNECT: Duration = Duration::from_secs(5);
/// How much of a stopped statement the error quotes.
const QUOTED: usize = 200;

/// A scenario's time limit, as the error names it.
#[derive(Debug, Clone)]
pub(crate) struct TimeLimit {
    pub(crate) limit: Duration,
    /// `` `time-limit` `` or `` `--time-limit` ``: whichever set the shorter bound.
    pub(crate) set_by: &'static str,
}

impl TimeLimit {
    /// The shorter of the scenario's own limit and the command line's.
    pub(crate) fn of(scenario: Duration, command_line: Option<Duration>) -> TimeLimit {
        match command_line {
            Some(cap) if cap < scenario => TimeLimit { limit: cap, set_by: "`--time-limit`" },
            _ => TimeLimit { limit: scenario, set_by: "`time-limit`" },
        }
    }

    /// `` `time-limit` (30m) ``.
    pub(crate) fn bound(&self) -> String {
        format!("{} ({})", self.set_by, humantime::format_duration(self.limit))
    }
}

struct Shared {
    done: Mutex<bool>,
    wake: Condvar,
    expired: AtomicBool,
    /// What the sessions it ended were running (the statements of those not idle), first seen
    /// first.
    stopped: Mutex<Vec<String>>,
}

/// Ends the sessions of one scratch database once `deadline` passes, until finished.
pub(crate) struct Watchdog {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// What an expired watchdog stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expired {
    /// The statements that were running, shortened and on one line.
    pub(crate) statements: Vec<String>,
}

impl Watchdog {
    /// Watches the database `config` connects to until `deadline`.
    pub(crate) fn start(config: &Config, deadline: Instant) -> Watchdog {
        let shared = Arc::new(Shared {
            done: Mutex::new(false),
            wake: Condvar::new(),
            expired: AtomicBool::new(false),
            stopped: Mutex::new(Vec::new()),
        });
        let mut config = config.clone();
        config.connect_timeout(CONNECT);
        let watching = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("planproof-time-limit".into())
            .spawn(move || watch(&watching, &config, deadline))
            .ok();
        Watchdog { shared, thread }
    }

    /// Stops watching; `Some` when the limit passed first.
    pub(crate) fn finish(mut self) -> Option<Expired> {
        self.stop();
        self.shared
            .expired
            .load(Ordering::SeqCst)
            .then(|| Expired { statements: self.shared.stopped.lock().map(|s| s.clone()).unwrap_or_default() })
    }

    fn stop(&mut self) {
        if let Ok(mut done) = self.shared.done.lock() {
            *done = true;
        }
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits for `deadline` (or the end of the run), then ends the database's sessions every
/// [`AGAIN`] until the run ends.
fn watch(shared: &Shared, config: &Config, deadline: Instant) {
    if !wait(shared, deadline) {
        return;
    }
    shared.expired.store(true, Ordering::SeqCst);
    loop {
        if let Ok(statements) = end_sessions(config) {
            if let Ok(mut stopped) = shared.stopped.lock() {
                for statement in statements {
                    if !stopped.contains(&statement) {
                        stopped.push(statement);
                    }
                }
            }
        }
        if !wait(shared, Instant::now() + AGAIN) {
            return;
        }
    }
}

/// Sleeps until `until`; `false` when the run ended first.
fn wait(shared: &Shared, until: Instant) -> bool {
    let Ok(mut done) = shared.done.lock() else { return false };
    loop {
        if *done {
            return false;
        }
        let now = Instant::now();
        if now >= until {
            return true;
        }
        done = match shared.wake.wait_timeout(done, until - now) {
            Ok((done, _)) => done,
            Err(_) => return false,
        };
    }
}

/// Ends every other session on the database; returns what the busy ones were running.
fn end_sessions(config: &Config) -> Result<Vec<String>, postgres::Error> {
    let mut client = config.connect(NoTls)?;
    let rows = client.query(
        "SELECT coalesce(state, '') <> 'idle', coalesce(query, ''), pg_terminate_backend(pid) \
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY backend_start",
        &[],
    )?;
    Ok(rows.iter().filter(|r| r.get::<_, bool>(0)).map(|r| one_line(r.get(1))).filter(|s| !s.is_empty()).collect())
}

/// A statement on one line, its whitespace runs made one space and other control characters
/// escaped (it is the scenario's text, printed in CI logs), cut at [`QUOTED`] characters.
fn one_line(statement: &str) -> String {
    let joined: String = statement
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect();
    match joined.char_indices().nth(QUOTED) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shorter_limit_binds_and_says_who_set_it() {
        let (thirty, five) = (Duration::from_secs(1800), Duration::from_secs(300));
        assert_eq!(TimeLimit::of(thirty, None).bound(), "`time-limit` (30m)");
        assert_eq!(TimeLimit::of(thirty, Some(five)).bound(), "`--time-limit` (5m)");
        assert_eq!(TimeLimit::of(five, Some(thirty)).bound(), "`time-limit` (5m)");
    }

    #[test]
    fn a_stopped_statement_is_quoted_on_one_line_and_short() {
        assert_eq!(one_line("SELECT\n  pg_sleep(3600)\n"), "SELECT pg_sleep(3600)");
        assert_eq!(one_line("SELECT '\u{1b}[2J'"), "SELECT '\\u{1b}[2J'");
        let long = format!("SELECT {}", "x, ".repeat(100));
        let quoted = one_line(&long);
        assert_eq!(quoted.chars().count(), QUOTED + 1);
        assert!(quoted.ends_with('…'));
    }

    #[test]
    fn a_watchdog_finished_before_its_deadline_did_not_expire_and_stops_at_once() {
        // A server nobody listens on: the watchdog never connects before its deadline.
        let config: Config = "host=127.0.0.1 port=1 user=nobody dbname=none".parse().unwrap();
        let started = Instant::now();
        let watchdog = Watchdog::start(&config, started + Duration::from_secs(3600));
        assert_eq!(watchdog.finish(), None);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_watchdog_past_its_deadline_expires_even_when_the_server_cannot_be_reached() {
        let config: Config = "host=127.0.0.1 port=1 user=nobody dbname=none".parse().unwrap();
        let watchdog = Watchdog::start(&config, Instant::now());
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(watchdog.finish(), Some(Expired { statements: Vec::new() }));
    }
}
