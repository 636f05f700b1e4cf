//! Progress of long work, shown to whoever waits for it: each stage as it starts, how far a
//! table's COPY got (rows, rows/s, time left), the index builds after it, the write series and
//! the workload around the migration, and the runs of a suite. On a terminal that is drawn as
//! bars on stderr (indicatif); anywhere else — a CI log, a file, a pipe — as the plain lines
//! planproof always printed: a line per stage, and a line every 5 s while a COPY runs. Which
//! of the two is decided once, by [`Show::of_stderr`] when the suite is given its progress;
//! the stages only say what they do and how far they got, never which way it is shown.
//!
//! A bar is cleared when its work ends (or fails: dropping it clears it), lines printed while
//! bars are up go above them, and the suite clears the bars before the caller prints a
//! scenario's report on stdout, so the report is never drawn over. On Ctrl-C the bars are
//! cleared and hidden before the interrupt's closing line.
//!
//! After `interrupt`, whose guard clears the bars; it imports no stage.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use crate::interrupt::OnInterrupt;

/// How often a COPY still running says how far it got, in plain lines.
const PACE_EVERY: Duration = Duration::from_secs(5);

/// How often a bar whose work gives no news (an index build, the migration) is redrawn, so
/// its clock and spinner move.
const TICK: Duration = Duration::from_millis(200);

/// The width of a bar, the figures beside it included in the line.
const BAR_WIDTH: u16 = 24;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Plain lines on stderr.
    Lines,
    /// Bars on stderr, in colour or not.
    Bars { colour: bool },
}

impl Show {
    /// Bars only for someone watching a terminal that can redraw a line: stderr is a terminal,
    /// `CI` is unset (a runner may give its job a pseudo-terminal, and its log would keep every
    /// frame) and `TERM` is not `dumb`. `colour` is whether stderr gets colour at all
    /// (`--color`, `NO_COLOR`).
    pub fn choose(stderr_is_terminal: bool, ci: bool, term: Option<&str>, colour: bool) -> Show {
        if stderr_is_terminal && !ci && term != Some("dumb") {
            Show::Bars { colour }
        } else {
            Show::Lines
        }
    }

    /// [`Show::choose`] for this process's stderr and environment; the colour is anstream's
    /// choice for stderr, which the binary's `--color` sets and `NO_COLOR` turns off.
    pub fn of_stderr() -> Show {
        let stderr = std::io::stderr();
        let colour = anstream::AutoStream::choice(&stderr) != anstream::ColorChoice::Never;
        let term = std::env::var("TERM").ok();
        Show::choose(stderr.is_terminal(), std::env::var_os("CI").is_some(), term.as_deref(), colour)
    }
}

/// Where the stages tell what they do. Cheap to clone; [`Progress::off`] (the default) shows
/// nothing, as `cargo test` through `assert_scenario` wants.
#[derive(Clone, Default)]
pub struct Progress {
    to: To,
    /// Put before every line and bar, `brokkr-pak-hash: ` for a scenario's steps.
    scope: String,
}

#[derive(Clone, Default)]
enum To {
    #[default]
    Off,
    Lines,
    Bars(Arc<Bars>),
}

struct Bars {
    multi: MultiProgress,
    colour: bool,
    /// Clears the bars if the run is interrupted, before the closing line is printed.
    _on_interrupt: OnInterrupt,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = match &self.to {
            To::Off => "off".to_string(),
            To::Lines => "lines".to_string(),
            To::Bars(bars) => format!("bars (colour: {})", bars.colour),
        };
        f.debug_struct("Progress").field("show", &show).field("scope", &self.scope).finish()
    }
}

impl Progress {
    /// Nothing shown.
    pub fn off() -> Progress {
        Progress::default()
    }

    /// Progress shown on stderr as `show` says.
    pub fn new(show: Show) -> Progress {
        match show {
            Show::Lines => Progress { to: To::Lines, scope: String::new() },
            Show::Bars { colour } => Progress::drawn_on(ProgressDrawTarget::stderr(), colour),
        }
    }

    /// Bars drawn on `target` (stderr, or a terminal in memory for tests).
    fn drawn_on(target: ProgressDrawTarget, colour: bool) -> Progress {
        let multi = MultiProgress::with_draw_target(target);
        let hide = multi.clone();
        let on_interrupt = OnInterrupt::arm(move || {
            let _ = hide.clear();
            hide.set_draw_target(ProgressDrawTarget::hidden());
        });
        Progress { to: To::Bars(Arc::new(Bars { multi, colour, _on_interrupt: on_interrupt })), scope: String::new() }
    }

    /// The same, with `scope: ` before every line and bar.
    pub fn scoped(&self, scope: &str) -> Progress {
        Progress { to: self.to.clone(), scope: format!("{}{scope}: ", self.scope) }
    }

    /// Says what is about to happen: `planproof: brokkr-pak-hash: capturing plans before the
    /// migration` (above the bars, when there are bars).
    pub fn line(&self, text: &str) {
        let line = format!("planproof: {}{text}", self.scope);
        match &self.to {
            To::Off => {}
            To::Lines => eprintln!("{line}"),
            To::Bars(bars) => {
                let _ = bars.multi.println(line);
            }
        }
    }

    /// Takes the bars off the screen, before something else prints (the next update draws them
    /// again, below it).
    pub fn clear(&self) {
        if let To::Bars(bars) = &self.to {
            let _ = bars.multi.clear();
        }
    }

    /// The progress of `what` (`` seeding `agents` ``) over `total` rows: a bar with the rows
    /// sent, the rate and the time left, or those figures in a plain line every 5 s.
    pub fn rows(&self, what: &str, total: u64) -> Bar {
        let label = format!("{}{what}", self.scope);
        match &self.to {
            To::Off => Bar::off(),
            To::Lines => Bar::new(Shown::Paced(Arc::new(Mutex::new(Instant::now()))), label, total),
            To::Bars(bars) => {
                let template = format!("{{prefix}} {} {{msg}}", bars.bar());
                bars.add(label, Some(total), &template, false)
            }
        }
    }

    /// `total` steps of `what`, counted in `unit`s (`building 2 indexes`: `1 of 2 built`): a
    /// bar with its clock, and nothing in plain lines (the stage's line said it).
    pub fn steps(&self, what: &str, total: u64, unit: &str) -> Bar {
        match &self.to {
            To::Bars(bars) => {
                let template = format!("{{prefix}} {} {{pos}} of {{len}} {unit}, {{elapsed}}", bars.bar());
                bars.add(format!("{}{what}", self.scope), Some(total), &template, true)
            }
            _ => Bar::off(),
        }
    }

    /// Work of no known length, counted in `unit`s (the workload's operations): a spinner with
    /// the count and its clock, and nothing in plain lines.
    pub fn activity(&self, what: &str, unit: &str) -> Bar {
        match &self.to {
            To::Bars(bars) => {
                let spinner = if bars.colour { "{spinner:.cyan}" } else { "{spinner}" };
                let template = format!("{spinner} {{prefix}}: {{pos}} {unit}, {{elapsed}}");
                bars.add(format!("{}{what}", self.scope), None, &template, true)
            }
            _ => Bar::off(),
        }
    }
}

impl Bars {
    fn bar(&self) -> String {
        if self.colour {
            format!("{{bar:{BAR_WIDTH}.cyan/blue}}")
        } else {
            format!("{{bar:{BAR_WIDTH}}}")
        }
    }

    fn add(&self, label: String, total: Option<u64>, template: &str, tick: bool) -> Bar {
        // A template of planproof's own: it parses, or it is a bug the tests catch.
        let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        // Made on stderr and styled there before it joins the others, so its colours follow
        // stderr's; dropped unfinished (an error on the way), it clears itself.
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(label.clone())
            .with_finish(ProgressFinish::AndClear);
        let bar = self.multi.add(bar);
        if tick {
            bar.enable_steady_tick(TICK);
        }
        bar.tick();
        Bar::new(Shown::Drawn(bar), label, total.unwrap_or(0))
    }
}

/// How far one piece of work got. Clones count the same work (an index builder each, a worker
/// each); the bar is cleared once every clone is dropped, or by [`Bar::finish`].
#[derive(Clone)]
pub struct Bar {
    shown: Shown,
    label: String,
    total: u64,
    started: Instant,
}

#[derive(Clone)]
enum Shown {
    Off,
    /// In plain lines: when the last one was printed.
    Paced(Arc<Mutex<Instant>>),
    Drawn(ProgressBar),
}

impl Bar {
    fn new(shown: Shown, label: String, total: u64) -> Bar {
        Bar { shown, label, total, started: Instant::now() }
    }

    /// Counts nothing and shows nothing.
    pub fn off() -> Bar {
        Bar::new(Shown::Off, String::new(), 0)
    }

    /// `done` of the total are done, now.
    pub fn set(&self, done: u64) {
        if let Some(line) = self.set_at(done, Instant::now()) {
            eprintln!("planproof: {line}");
        }
    }

    /// [`Bar::set`] at `now`; the plain line to print, when one is due: every [`PACE_EVERY`],
    /// so that seeding millions of rows is not a silent minute in a CI log.
    fn set_at(&self, done: u64, now: Instant) -> Option<String> {
        let figures = || figures(done, self.total, now.duration_since(self.started));
        match &self.shown {
            Shown::Off => None,
            Shown::Paced(last) => {
                let mut last = last.lock().ok()?;
                if now.duration_since(*last) < PACE_EVERY || done >= self.total {
                    return None;
                }
                *last = now;
                Some(format!("{}: {}", self.label, figures()))
            }
            Shown::Drawn(bar) => {
                bar.set_position(done);
                bar.set_message(figures());
                None
            }
        }
    }

    /// One more done.
    pub fn inc(&self) {
        if let Shown::Drawn(bar) = &self.shown {
            bar.inc(1);
        }
    }

    /// Says `label` in place of the one it was made with (`runs on PostgreSQL 18`).
    pub fn relabel(&mut self, label: String) {
        if let Shown::Drawn(bar) = &self.shown {
            bar.set_prefix(label.clone());
        }
        self.label = label;
    }

    /// The work is done: the bar goes.
    pub fn finish(self) {
        if let Shown::Drawn(bar) = &self.shown {
            bar.finish_and_clear();
        }
    }
}

/// `250000 of 1000000 rows (25%), 50000 rows/s, about 15s left` after `elapsed`; in the first
/// second, when a rate would say little, only the rows.
fn figures(done: u64, total: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let share = format!("{done} of {total} rows ({:.0}%)", done as f64 * 100.0 / total.max(1) as f64);
    if seconds < 1.0 {
        return share;
    }
    let rate = done as f64 / seconds;
    let left = if rate > 0.0 { total.saturating_sub(done) as f64 / rate } else { f64::INFINITY };
    format!("{share}, {rate:.0} rows/s, about {:.0}s left", left.min(1e9))
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::InMemoryTerm;

    #[test]
    fn bars_only_on_a_terminal_outside_ci_that_can_redraw() {
        let cases = [
            ("a terminal", true, false, Some("xterm-256color"), Show::Bars { colour: true }),
            ("a terminal with no TERM", true, false, None, Show::Bars { colour: true }),
            ("stderr piped or in a file", false, false, Some("xterm-256color"), Show::Lines),
            ("a CI job, even on a pseudo-terminal", true, true, Some("xterm"), Show::Lines),
            ("a dumb terminal", true, false, Some("dumb"), Show::Lines),
        ];
        for (case, terminal, ci, term, expected) in cases {
            assert_eq!(Show::choose(terminal, ci, term, true), expected, "{case}");
        }
        assert_eq!(Show::choose(true, false, Some("xterm"), false), Show::Bars { colour: false }, "--color never");
    }

    #[test]
    fn a_long_copy_says_how_far_it_got_every_few_seconds() {
        let bar = Progress::new(Show::Lines).rows("seeding `agents`", 1_000_000);
        let start = bar.started;
        let at = |s: u64| start + Duration::from_secs(s);
        assert_eq!(bar.set_at(100_000, at(1)), None, "not due yet");
        assert_eq!(
            bar.set_at(250_000, at(5)).as_deref(),
            Some("seeding `agents`: 250000 of 1000000 rows (25%), 50000 rows/s, about 15s left")
        );
        assert_eq!(bar.set_at(300_000, at(7)), None, "5s after the last line");
        assert!(bar.set_at(600_000, at(10)).is_some());
        assert_eq!(bar.set_at(1_000_000, at(20)), None, "done: nothing to say");
    }

    #[test]
    fn nothing_is_shown_when_progress_is_off() {
        let progress = Progress::off().scoped("s");
        let bar = progress.rows("seeding `agents`", 10);
        assert_eq!(bar.set_at(5, Instant::now() + Duration::from_secs(60)), None);
        assert!(matches!(progress.steps("building", 2, "built").shown, Shown::Off));
        assert!(matches!(progress.activity("workload", "operations").shown, Shown::Off));
    }

    fn term() -> (InMemoryTerm, Progress) {
        let term = InMemoryTerm::new(10, 120);
        let progress = Progress::drawn_on(ProgressDrawTarget::term_like(Box::new(term.clone())), false);
        (term, progress)
    }

    /// The screen once `bars` are drawn as they stand (drawing is rate-limited: an update may
    /// not show at once), its trailing blank lines and spaces gone.
    fn screen(term: &InMemoryTerm, bars: &[&Bar]) -> String {
        for bar in bars {
            if let Shown::Drawn(bar) = &bar.shown {
                bar.force_draw();
            }
        }
        term.contents().lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim_end().to_string()
    }

    #[test]
    fn a_rows_bar_shows_what_the_plain_line_says() {
        let (term, progress) = term();
        let progress = progress.scoped("brokkr-pak-hash");
        progress.line("seeding 1000000 rows");
        let bar = progress.rows("seeding `agents`", 1_000_000);
        bar.set_at(580_608, bar.started + Duration::from_millis(5011));
        insta::assert_snapshot!(screen(&term, &[&bar]), @r"
        planproof: brokkr-pak-hash: seeding 1000000 rows
        brokkr-pak-hash: seeding `agents` █████████████░░░░░░░░░░░ 580608 of 1000000 rows (58%), 115867 rows/s, about 4s left
        ");
        bar.finish();
        assert_eq!(screen(&term, &[]), "planproof: brokkr-pak-hash: seeding 1000000 rows", "the bar is cleared");
    }

    #[test]
    fn a_dropped_bar_is_cleared_and_lines_go_above_the_bars() {
        let (term, progress) = term();
        let runs = progress.steps("runs on PostgreSQL 15", 3, "runs");
        runs.inc();
        {
            let steps = progress.scoped("brokkr-pak-hash").steps("building 2 indexes of the seeded tables", 2, "built");
            steps.inc();
            progress.scoped("brokkr-pak-hash").line("capturing plans before the migration");
            insta::assert_snapshot!(screen(&term, &[&runs, &steps]), @r"
            planproof: brokkr-pak-hash: capturing plans before the migration
            runs on PostgreSQL 15 ████████░░░░░░░░░░░░░░░░ 1 of 3 runs, 0s
            brokkr-pak-hash: building 2 indexes of the seeded tables ████████████░░░░░░░░░░░░ 1 of 2 built, 0s
            ");
        }
        runs.finish();
        assert_eq!(screen(&term, &[]), "planproof: brokkr-pak-hash: capturing plans before the migration");
    }

    #[test]
    fn an_activity_counts_with_a_spinner() {
        let (term, progress) = term();
        let ops = progress.scoped("s").activity("workload around the migration", "operations");
        for _ in 0..42 {
            ops.clone().inc();
        }
        let shown = screen(&term, &[&ops]);
        assert!(shown.ends_with("s: workload around the migration: 42 operations, 0s"), "{shown}");
    }
}
