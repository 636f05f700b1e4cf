//! How long the SQL of a migration ran on the server, statement by statement, apart from
//! whatever else the migration's wall time holds (a tool's interpreter start-up and imports,
//! its connecting, its own bookkeeping in Python). For SQL files planproof runs itself, each
//! statement is timed on planproof's own connection (`apply.rs`). For a tool, another
//! connection samples `pg_stat_activity` while the tool runs and keeps, for each statement of
//! the session named `planproof-migration`, the server's own timestamps: `query_start`, and
//! `state_change` once the statement is over. A statement seen only while it ran ends at the
//! next statement's start on the same session (an upper bound: it holds the tool's pause
//! between the two), or, for the last one, at the last moment it was seen running (a lower
//! bound). A statement that starts and ends between two samples (a few milliseconds apart) is
//! not seen at all: the figure is the time of the statements that matter, not of every
//! catalog query the tool sends.
//! <https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW>

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::plan::MIGRATION_APP_NAME;
use crate::db::ScratchDb;

/// How often the sampler polls `pg_stat_activity`.
const SAMPLE_EVERY: Duration = Duration::from_millis(2);
/// How much of a statement's text the report keeps.
const SQL_SHOWN: usize = 120;

/// One statement of the migration and its server-side time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct StatementTime {
    /// The statement's first line, cut at 120 characters.
    pub sql: String,
    pub ms: f64,
}

impl StatementTime {
    pub(crate) fn new(sql: &str, ms: f64) -> StatementTime {
        let first = sql.trim().lines().next().unwrap_or_default();
        let mut shown: String = first.chars().take(SQL_SHOWN).collect();
        if shown.len() < first.len() || sql.trim().lines().nth(1).is_some() {
            shown.push('…');
        }
        StatementTime { sql: shown, ms }
    }
}

/// The server-side time of some statements: their sum.
pub fn total(statements: &[StatementTime]) -> Duration {
    Duration::from_secs_f64(statements.iter().map(|s| s.ms).sum::<f64>() / 1000.0)
}

/// A statement as the sampler saw it (times in seconds since the epoch, the server's clock).
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    pid: i32,
    start: f64,
    /// `state_change` once the statement was seen over.
    end: Option<f64>,
    /// The last sample that saw it running.
    last_active: f64,
    sql: String,
}

/// Samples the migration's session while it runs; [`Sampler::finish`] returns its statements.
pub(crate) struct Sampler {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Vec<Seen>>>,
}

impl Sampler {
    /// Starts sampling on a connection of its own. A sampler that cannot connect samples
    /// nothing: the migration still runs, and reports no server-side statements.
    pub(crate) fn start(db: &ScratchDb) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let client = db.connect().ok();
        let flag = Arc::clone(&stop);
        let thread = client.map(|mut client| {
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                loop {
                    // One more sample after the stop: the last statement's end.
                    let last = flag.load(Ordering::Relaxed);
                    if sample(&mut client, &mut seen).is_err() || last {
                        break;
                    }
                    std::thread::sleep(SAMPLE_EVERY);
                }
                seen
            })
        });
        Sampler { stop, thread }
    }

    /// Stops sampling and returns what the migration's session ran, in order.
    pub(crate) fn finish(mut self) -> Vec<StatementTime> {
        self.stop.store(true, Ordering::Relaxed);
        let seen = self.thread.take().and_then(|t| t.join().ok()).unwrap_or_default();
        statements(seen)
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn sample(client: &mut postgres::Client, seen: &mut Vec<Seen>) -> Result<(), postgres::Error> {
    let rows = client.query(
        "SELECT pid, state, extract(epoch FROM query_start)::float8, extract(epoch FROM state_change)::float8,
                extract(epoch FROM clock_timestamp())::float8, query
           FROM pg_stat_activity
          WHERE application_name = $1 AND pid <> pg_backend_pid() AND query_start IS NOT NULL",
        &[&MIGRATION_APP_NAME],
    )?;
    for row in rows {
        let (pid, state, start): (i32, Option<String>, f64) = (row.get(0), row.get(1), row.get(2));
        let (changed, now, sql): (Option<f64>, f64, Option<String>) = (row.get(3), row.get(4), row.get(5));
        let running = state.as_deref() == Some("active");
        let index = match seen.iter().position(|s| s.pid == pid && s.start == start) {
            Some(i) => i,
            None => {
                seen.push(Seen { pid, start, end: None, last_active: start, sql: sql.unwrap_or_default() });
                seen.len() - 1
            }
        };
        let s = &mut seen[index];
        if running {
            s.last_active = now;
        } else if s.end.is_none() {
            s.end = changed.filter(|&c| c >= start);
        }
    }
    Ok(())
}

/// Each statement's time: exact when it was seen over, else bounded as the module says.
fn statements(mut seen: Vec<Seen>) -> Vec<StatementTime> {
    seen.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut out = Vec::new();
    for (i, s) in seen.iter().enumerate() {
        let next_start = seen[i + 1..].iter().find(|n| n.pid == s.pid).map(|n| n.start);
        let end = s.end.or(next_start).unwrap_or(s.last_active);
        out.push(StatementTime::new(&s.sql, ((end - s.start) * 1000.0).max(0.0)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(pid: i32, start: f64, end: Option<f64>, last_active: f64, sql: &str) -> Seen {
        Seen { pid, start, end, last_active, sql: sql.into() }
    }

    #[test]
    fn statements_end_when_seen_over_else_at_the_next_start_else_when_last_seen_running() {
        let times = statements(vec![
            seen(7, 10.0, None, 10.2, "CREATE INDEX CONCURRENTLY a ON t (x)"),
            seen(7, 10.5, Some(10.6), 10.55, "INSERT INTO django_migrations …"),
            seen(7, 11.0, None, 11.3, "CREATE INDEX b\nON t (y)"),
        ]);
        let ms: Vec<i64> = times.iter().map(|t| t.ms.round() as i64).collect();
        assert_eq!(ms, [500, 100, 300]);
        assert_eq!(times[2].sql, "CREATE INDEX b…");
        assert_eq!(total(&times), Duration::from_millis(900));
    }

    #[test]
    fn another_session_does_not_end_a_statement() {
        let times = statements(vec![seen(1, 1.0, None, 1.25, "a"), seen(2, 1.1, Some(1.2), 1.1, "b")]);
        assert_eq!(times.iter().map(|t| t.ms.round() as i64).collect::<Vec<_>>(), [250, 100]);
    }

    #[test]
    fn a_long_statement_is_cut_for_the_report() {
        let long = "x".repeat(300);
        assert_eq!(StatementTime::new(&long, 1.0).sql.chars().count(), SQL_SHOWN + 1);
        assert_eq!(StatementTime::new("SELECT 1", 1.0).sql, "SELECT 1");
    }
}
