//! GitHub workflow annotations: a `::error`, `::warning` or `::notice` command on stdout for
//! every finding, at the file and line it is about, so the pull request's diff shows it there
//! (<https://docs.github.com/actions/reference/workflow-commands-for-github-actions>).

use std::fmt::Write;

use crate::check::{Finding, Severity};
use crate::result::RunReport;
use crate::text::printable;

/// One workflow command per finding of `run`, and one per run that could not finish.
pub fn github_annotations(run: &RunReport) -> String {
    let printable = super::printable::Printable::new(run);
    let run = &printable.report();
    let mut out = String::new();
    for (major, r) in run.runs() {
        let on = if major == "?" { String::new() } else { format!(" on PostgreSQL {major}") };
        if let Some(e) = &r.error {
            let title = format!("planproof: {} could not run{on}", r.name);
            command(&mut out, "error", Some((r.file.as_str(), 1)), &title, e);
        }
        for (place, f) in r.all_findings() {
            let title = format!("planproof {}: {} {place}{on}", f.check, r.name);
            annotate(&mut out, f, &title);
        }
    }
    for f in run.findings() {
        annotate(&mut out, f, &format!("planproof {}", f.check));
    }
    out
}

/// One `::error` command for a run that could not start (a scenario file that is not valid),
/// at the line it is about when there is one.
pub fn github_error_annotation(at: Option<(&str, usize)>, message: &str) -> String {
    let mut out = String::new();
    let at = at.map(|(file, line)| (printable(file), line));
    command(
        &mut out,
        "error",
        at.as_ref().map(|(file, line)| (file.as_ref(), *line)),
        "planproof could not run",
        &printable(message),
    );
    out
}

fn annotate(out: &mut String, f: &Finding, title: &str) {
    let level = match f.severity {
        Severity::Violation => "error",
        Severity::Warning => "warning",
        Severity::Inconclusive => "notice",
    };
    let message = match &f.hint {
        Some(hint) => format!("{}\n{hint}", f.message),
        None => f.message.clone(),
    };
    command(out, level, f.at.as_ref().map(|a| (a.file.as_str(), a.line)), title, &message);
}

fn command(out: &mut String, level: &str, at: Option<(&str, usize)>, title: &str, message: &str) {
    let _ = write!(out, "::{level} ");
    if let Some((file, line)) = at {
        let _ = write!(out, "file={},line={line},", property(file));
    }
    let _ = writeln!(out, "title={}::{}", property(title), data(message));
}

/// The escaping of a command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The escaping of a command's property values, which also may not hold `:` or `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_github_reads_them() {
        assert_eq!(data("50% of rows\nhint"), "50%25 of rows%0Ahint");
        assert_eq!(property("a: b, c"), "a%3A b%2C c");
        assert_eq!(
            github_error_annotation(Some(("scenarios/a.toml", 3)), "scenarios/a.toml:3:1: unknown key"),
            "::error file=scenarios/a.toml,line=3,title=planproof could not run::scenarios/a.toml:3:1: unknown key\n"
        );
    }
}
