//! The verdict of each scenario on each PostgreSQL version of a `--pg` matrix run, as one
//! table: a scenario per line, a version per column.

use std::fmt::Write;

use super::Paint;
use crate::result::ScenarioResult;

/// `runs` are (the major version asked for, the result of the run on it): a version whose
/// server did not start still has its column.
pub fn matrix_text(runs: &[(&str, &ScenarioResult)], paint: Paint) -> String {
    let (versions, names) = axes(runs.iter().copied());
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0).max("scenario".len());
    let mut out = String::new();
    let _ = write!(out, "{:width$}", "scenario");
    for v in &versions {
        let _ = write!(out, "  {:>6}", format!("pg{v}"));
    }
    out.push('\n');
    for name in names {
        let _ = write!(out, "{name:width$}");
        for v in &versions {
            let cell = runs.iter().find(|(version, r)| r.name == name && version == v).map_or_else(
                || format!("{:>6}", "-"),
                |(_, r)| paint.outcome(r.outcome, &format!("{:>6}", super::terminal::badge(r.outcome))),
            );
            let _ = write!(out, "  {cell}");
        }
        out.push('\n');
    }
    out
}

/// The majors and the scenario names of `runs`, each once, in the order they first ran: the
/// columns and lines of a verdict table.
pub(super) fn axes<'a>(runs: impl Iterator<Item = (&'a str, &'a ScenarioResult)>) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut versions: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (v, r) in runs {
        if !versions.contains(&v) {
            versions.push(v);
        }
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    (versions, names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Outcome;

    fn result(name: &str, version: &str, outcome: Outcome) -> ScenarioResult {
        ScenarioResult { server_version: version.into(), outcome, ..ScenarioResult::placeholder(name) }
    }

    #[test]
    fn one_line_per_scenario_one_column_per_version() {
        let results = [
            result("brokkr", "13.23", Outcome::Passed),
            result("tenant", "13.23", Outcome::Failed),
            result("brokkr", "", Outcome::Error),
            result("tenant", "", Outcome::Error),
            result("brokkr", "18.4", Outcome::Passed),
            result("tenant", "18.4", Outcome::FailedAsExpected),
        ];
        let runs: Vec<(&str, &ScenarioResult)> =
            ["13", "13", "16", "16", "18", "18"].into_iter().zip(&results).collect();
        assert_eq!(
            matrix_text(&runs, Paint::Plain),
            "scenario    pg13    pg16    pg18\nbrokkr      PASS   ERROR    PASS\ntenant      FAIL   ERROR   XFAIL\n"
        );
    }
}
