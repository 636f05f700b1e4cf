//! The colours of the terminal report: verdict badges, the `ok`/`FAIL` of a line, and finding
//! severities. The report is written once, with styles or without ([`Paint`]); whether a
//! terminal shows them is the binary's to decide (`--color`, `NO_COLOR`, whether stdout is a
//! terminal), and anstream strips them where it does not. Files, snapshots and tests read the
//! plain text.

use anstyle::{AnsiColor, Style};

use crate::check::Severity;
use crate::result::Outcome;

/// Whether a report carries styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Text only: files, snapshots, tests, `junit.xml`'s system-out.
    Plain,
    /// ANSI styles around verdicts and severities, for a stream that strips them when colour
    /// is off (anstream's).
    Styled,
}

const fn fg(colour: AnsiColor) -> Style {
    Style::new().fg_color(Some(anstyle::Color::Ansi(colour)))
}

const GOOD: Style = fg(AnsiColor::Green).bold();
const EXPECTED: Style = fg(AnsiColor::Cyan).bold();
const UNSURE: Style = fg(AnsiColor::Yellow).bold();
const BAD: Style = fg(AnsiColor::Red).bold();
/// Could not run: red too, and inverted, so that it does not read as one more failure.
const BROKEN: Style = fg(AnsiColor::Red).bold().invert();

impl Paint {
    /// `text` in `style`, or as it is.
    pub(crate) fn paint(self, style: Style, text: &str) -> String {
        match self {
            Paint::Plain => text.to_string(),
            Paint::Styled => format!("{style}{text}{style:#}"),
        }
    }

    /// A verdict's badge (`PASS`, `XFAIL`, …), already padded by the caller.
    pub(crate) fn outcome(self, outcome: Outcome, text: &str) -> String {
        let style = match outcome {
            Outcome::Passed => GOOD,
            Outcome::FailedAsExpected => EXPECTED,
            Outcome::Inconclusive => UNSURE,
            Outcome::Failed => BAD,
            Outcome::Error => BROKEN,
        };
        self.paint(style, text)
    }

    /// A finding's severity word.
    pub(crate) fn severity(self, severity: Severity, text: &str) -> String {
        let style = match severity {
            Severity::Violation => BAD,
            Severity::Warning | Severity::Inconclusive => UNSURE,
        };
        self.paint(style, text)
    }

    /// A line's or a budget's verdict: good (`ok`), unsure, or bad (`FAIL`).
    pub(crate) fn verdict(self, good: Option<bool>, text: &str) -> String {
        let style = match good {
            Some(true) => GOOD,
            None => UNSURE,
            Some(false) => BAD,
        };
        self.paint(style, text)
    }

    /// `error:` before a message on stderr.
    pub fn error_label(self) -> String {
        self.paint(BAD, "error:")
    }

    /// `warning:` before a message on stderr.
    pub fn warning_label(self) -> String {
        self.paint(UNSURE, "warning:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_the_text_and_styled_wraps_it_in_one_style_and_a_reset() {
        assert_eq!(Paint::Plain.outcome(Outcome::Failed, "FAIL"), "FAIL");
        assert_eq!(Paint::Styled.outcome(Outcome::Passed, "PASS"), "\x1b[1m\x1b[32mPASS\x1b[0m");
        assert_eq!(Paint::Styled.severity(Severity::Violation, "violation"), "\x1b[1m\x1b[31mviolation\x1b[0m");
        let badges: Vec<String> =
            [Outcome::Passed, Outcome::FailedAsExpected, Outcome::Inconclusive, Outcome::Failed, Outcome::Error]
                .into_iter()
                .map(|o| Paint::Styled.outcome(o, "x"))
                .collect();
        let distinct: std::collections::BTreeSet<&String> = badges.iter().collect();
        assert_eq!(distinct.len(), badges.len(), "each verdict has a style of its own: {badges:?}");
    }
}
