//! JUnit XML (`junit.xml`), the format CI systems turn into a test tab: one test suite per
//! scenario run, one test case per query and captured phase, and one for the migration and
//! whatever else the scenario as a whole was checked for. A violation is a failure, a run that
//! could not finish an error, and a timing budget too close to call is "skipped" with the
//! reason — neither passed nor failed, as the exit code 3 has it. A migration that failed as
//! the scenario expects is "skipped" too, of type `xfail` (as pytest writes an expected
//! failure): it did not pass, and it is not a failure of the run.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::check::{Finding, Severity};
use crate::result::{mode_suffix, Outcome, ScenarioResult};

/// The whole run as JUnit XML.
pub(crate) fn junit_xml(results: &[ScenarioResult]) -> String {
    let mut report = Report::new("planproof");
    report.set_time(Duration::from_secs_f64(results.iter().map(|r| r.duration_ms).sum::<f64>() / 1000.0));
    for r in results {
        report.add_test_suite(suite(r));
    }
    // Serialising strings we built cannot fail short of a bug in the writer; say so in the
    // file rather than losing the other reports.
    report.to_string().unwrap_or_else(|e| format!("<!-- planproof could not write JUnit XML: {e} -->\n"))
}

fn suite(r: &ScenarioResult) -> TestSuite {
    let major = crate::db::major_of(&r.server_version);
    let name = if major.is_empty() { r.name.clone() } else { format!("{} (PostgreSQL {major})", r.name) };
    let mut suite = TestSuite::new(name.clone());
    suite.set_time(Duration::from_secs_f64(r.duration_ms / 1000.0));
    suite.set_system_out(super::scenario_text(r));
    for q in &r.queries {
        for c in &q.captures {
            let case_name = format!("{} {}{}", q.name, c.phase.as_str(), mode_suffix(c.mode));
            let mut case = TestCase::new(case_name, status(&c.findings, None));
            case.set_classname(name.clone());
            case.set_system_out(format!("{}\n{}", c.summary, c.plan_tree));
            suite.add_test_case(case);
        }
    }
    let mut case = TestCase::new("migration and scenario checks", scenario_status(r));
    case.set_classname(name);
    suite.add_test_case(case);
    suite
}

/// The status of the migration and the scenario's own checks: `xfail` when the migration
/// failed as the scenario expects, else the worst of its findings.
fn scenario_status(r: &ScenarioResult) -> TestCaseStatus {
    let failure = r.migration.as_ref().and_then(crate::result::MigrationResult::failure_text);
    match failure {
        Some(failure) if r.outcome == Outcome::FailedAsExpected => {
            let mut status = TestCaseStatus::skipped();
            status.set_type("xfail").set_message(format!("failed as expected: {failure}")).set_description(
                r.findings.iter().map(|f| format!("{}: {}", f.check, f.message)).collect::<Vec<_>>().join("\n"),
            );
            status
        }
        _ => status(&r.findings, r.error.as_deref()),
    }
}

/// The worst of `findings` (an `error` outranks them) as a JUnit status, with every finding's
/// message in the description. Warnings alone pass: they are in the suite's output.
fn status(findings: &[Finding], error: Option<&str>) -> TestCaseStatus {
    let first = |s: Severity| findings.iter().find(|f| f.severity == s);
    let (mut status, message) = if let Some(e) = error {
        (TestCaseStatus::non_success(NonSuccessKind::Error), e.to_string())
    } else if let Some(f) = first(Severity::Violation) {
        (TestCaseStatus::non_success(NonSuccessKind::Failure), format!("{}: {}", f.check, f.message))
    } else if let Some(f) = first(Severity::Inconclusive) {
        (TestCaseStatus::skipped(), format!("inconclusive: {}: {}", f.check, f.message))
    } else {
        return TestCaseStatus::success();
    };
    status.set_message(message);
    status
        .set_description(findings.iter().map(|f| format!("{}: {}", f.check, f.message)).collect::<Vec<_>>().join("\n"));
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Check;

    fn result(findings: Vec<Finding>, error: Option<&str>) -> ScenarioResult {
        let mut r = empty();
        r.findings = findings;
        r.error = error.map(str::to_string);
        r.settle();
        r
    }

    fn empty() -> ScenarioResult {
        ScenarioResult {
            server_version: "15.18".into(),
            duration_ms: 1500.0,
            ..ScenarioResult::placeholder("brokkr-pak-hash")
        }
    }

    #[test]
    fn a_violation_is_a_failure_naming_the_check() {
        let xml = junit_xml(&[result(
            vec![Finding::violation(Check::Reversible, "the down step leaves index `ix` behind", None)],
            None,
        )]);
        assert!(xml.contains(r#"<testsuite name="brokkr-pak-hash (PostgreSQL 15)""#), "{xml}");
        assert!(xml.contains(r#"<failure message="reversible: the down step leaves index `ix` behind""#), "{xml}");
    }

    #[test]
    fn a_run_that_could_not_finish_is_an_error_and_inconclusive_is_skipped() {
        let xml = junit_xml(&[
            result(Vec::new(), Some("migration under test failed")),
            result(
                vec![Finding {
                    severity: Severity::Inconclusive,
                    check: Check::Latency,
                    message: "p50 too close".into(),
                    hint: None,
                    at: None,
                }],
                None,
            ),
        ]);
        assert!(xml.contains(r#"<error message="migration under test failed""#), "{xml}");
        assert!(xml.contains(r#"<skipped message="inconclusive: latency: p50 too close""#), "{xml}");
    }

    #[test]
    fn a_migration_that_fails_as_expected_is_an_xfail_skip() {
        let mut r = empty();
        r.migration = Some(crate::result::MigrationResult {
            expect_error: Some("cannot run inside a transaction block".into()),
            failure: Some(crate::migrate::StatementFailure {
                file: "m.sql".into(),
                line: 2,
                statement: "CREATE INDEX CONCURRENTLY i ON t (a)".into(),
                message: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block".into(),
                code: Some("25001".into()),
                detail: None,
                hint: None,
                note: None,
            }),
            ..crate::report::fixture::migration("001")
        });
        r.findings = vec![Finding::warning(Check::MigrationError, "migration fails as expected", None)];
        r.settle();
        assert_eq!(r.outcome, Outcome::FailedAsExpected);
        let xml = junit_xml(&[r]);
        assert!(xml.contains(r#"<skipped message="failed as expected: `m.sql` line 2"#), "{xml}");
        assert!(xml.contains(r#"type="xfail""#), "{xml}");
        assert!(!xml.contains("<failure") && !xml.contains("<error"), "{xml}");
    }

    #[test]
    fn warnings_alone_pass() {
        let xml = junit_xml(&[result(vec![Finding::warning(Check::LockTimeout, "no lock_timeout", None)], None)]);
        assert!(!xml.contains("<failure") && !xml.contains("<error") && !xml.contains("<skipped"), "{xml}");
        assert!(xml.contains(r#"tests="1""#), "{xml}");
    }
}
