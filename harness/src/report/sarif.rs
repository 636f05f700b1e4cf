//! `planproof.sarif`: the findings as SARIF 2.1.0, for GitHub code scanning and other SARIF
//! viewers. One rule per `Check` code that occurs, one result per finding at its file and line;
//! a run that could not finish is a result of the rule `could-not-run`. The document is
//! checked against the OASIS schema in the tests (`harness/tests/schemas/`).

use serde_json::{json, Value};

use crate::check::{Finding, Severity};
use crate::result::RunReport;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(crate) fn sarif(run: &RunReport) -> String {
    let mut results = Vec::new();
    let mut rules: Vec<&str> = Vec::new();
    let mut push = |rule: &'static str, level: &str, message: String, at: Option<(&str, usize)>| {
        if !rules.contains(&rule) {
            rules.push(rule);
        }
        let mut result = json!({
            "ruleId": rule,
            "level": level,
            "message": { "text": message },
        });
        if let Some((file, line)) = at {
            result["locations"] = json!([{
                "physicalLocation": {
                    "artifactLocation": { "uri": file },
                    "region": { "startLine": line.max(1) }
                }
            }]);
        }
        results.push(result);
    };
    for (major, r) in run.runs() {
        let on = if major == "?" { String::new() } else { format!(" (PostgreSQL {major})") };
        if let Some(e) = &r.error {
            push("could-not-run", "error", format!("{}{on} could not run: {e}", r.name), Some((&r.file, 1)));
        }
        for (place, f) in r.all_findings() {
            push(f.check.as_str(), level(f), text(f, &format!("{} {place}{on}", r.name)), at(f));
        }
    }
    for f in run.findings() {
        push(f.check.as_str(), level(f), text(f, "change"), at(f));
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|id| {
            json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": format!("planproof finding `{id}` (scenarios/README.md, \"Findings and exit codes\")") },
            })
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "planproof",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn level(f: &Finding) -> &'static str {
    match f.severity {
        Severity::Violation => "error",
        Severity::Warning => "warning",
        Severity::Inconclusive => "note",
    }
}

fn text(f: &Finding, place: &str) -> String {
    match &f.hint {
        Some(h) => format!("{place}: {} ({h})", f.message),
        None => format!("{place}: {}", f.message),
    }
}

fn at(f: &Finding) -> Option<(&str, usize)> {
    f.at.as_ref().map(|a| (a.file.as_str(), a.line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn the_document_is_valid_sarif_2_1_0_with_a_result_per_finding() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemas/sarif-schema-2.1.0.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).expect("the OASIS schema compiles");
        let (results, majors, selection) = (fixture::results(), fixture::majors(), fixture::selection());
        let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
        let doc: Value = serde_json::from_str(&sarif(&run)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let findings: usize = results.iter().map(|r| r.all_findings().len() + usize::from(r.error.is_some())).sum();
        assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), findings + selection.findings.len());
    }
}
