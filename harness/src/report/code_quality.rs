//! `gl-code-quality.json`: the findings as a GitLab Code Quality report
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>), which a
//! merge request shows in its widget and its diff. The fingerprint is made of what stays the
//! same between runs (the code, the scenario, the place), not of the measured figures, so an
//! unchanged finding is not reported as new, and a fixed one is reported as fixed.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::check::{Finding, Severity};
use crate::result::RunReport;

pub(crate) fn code_quality(run: &RunReport) -> String {
    let mut issues: Vec<Value> = Vec::new();
    let mut push = |check: &str, severity: &str, description: String, key: &str, at: (&str, usize)| {
        let fingerprint = Sha256::digest(format!("{check}\0{key}\0{}\0{}", at.0, at.1).as_bytes());
        issues.push(json!({
            "description": description,
            "check_name": check,
            "fingerprint": fingerprint.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "severity": severity,
            "location": { "path": at.0, "lines": { "begin": at.1.max(1) } },
        }));
    };
    for (major, r) in run.runs() {
        if let Some(e) = &r.error {
            push(
                "could-not-run",
                "blocker",
                format!("{} could not run: {e}", r.name),
                &format!("{}/{major}", r.name),
                (&r.file, 1),
            );
        }
        for (place, f) in r.all_findings() {
            let key = format!("{}/{major}/{place}", r.name);
            let at = f.at.as_ref().map_or((r.file.as_str(), 1), |a| (a.file.as_str(), a.line));
            push(f.check.as_str(), severity(f), format!("{} {place}: {}", r.name, f.message), &key, at);
        }
    }
    for f in run.findings() {
        let at = f.at.as_ref().map_or(("", 1), |a| (a.file.as_str(), a.line));
        push(f.check.as_str(), severity(f), f.message.clone(), "change", at);
    }
    serde_json::to_string_pretty(&issues).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn severity(f: &Finding) -> &'static str {
    match f.severity {
        Severity::Violation => "major",
        Severity::Warning => "minor",
        Severity::Inconclusive => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn every_issue_has_the_fields_gitlab_requires_and_fingerprints_ignore_figures() {
        let (mut results, majors, selection) = (fixture::results(), fixture::majors(), fixture::selection());
        let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
        let issues: Vec<Value> = serde_json::from_str(&code_quality(&run)).unwrap();
        assert!(!issues.is_empty());
        for issue in &issues {
            for key in ["description", "check_name", "fingerprint", "severity"] {
                assert!(issue[key].is_string(), "{key} in {issue}");
            }
            assert!(issue["location"]["path"].is_string() && issue["location"]["lines"]["begin"].is_u64(), "{issue}");
            assert!(["info", "minor", "major", "critical", "blocker"].contains(&issue["severity"].as_str().unwrap()));
        }
        // Another run measures other figures: the same findings keep their fingerprints.
        for r in &mut results {
            for f in &mut r.findings {
                f.message.push_str(" (measured again)");
            }
        }
        let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
        let again: Vec<Value> = serde_json::from_str(&code_quality(&run)).unwrap();
        let prints = |v: &[Value]| v.iter().map(|i| i["fingerprint"].clone()).collect::<Vec<_>>();
        assert_eq!(prints(&issues), prints(&again));
    }
}
