//! The `planproof` binary as a user runs it: exit codes, what it prints and the reports it
//! writes. Each test gets its own temporary folder (under the target folder) for reports and
//! for scenario files it changes; a changed scenario names its fixtures by absolute path, so
//! it can live anywhere.
//!
//! The tests that run a scenario need PostgreSQL (`DATABASE_URL`, else the local binaries).
//! Without one the binary exits 2, so they fail rather than skip, in CI and everywhere else.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The workspace root: scenarios and fixtures are relative to it.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crate sits inside the workspace").to_path_buf()
}

/// A fresh temporary folder, removed when the test ends.
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("cli-{name}-"))
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temporary folder")
}

fn planproof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planproof"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the planproof binary starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit code, showing everything the binary printed when it differs.
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "expected exit code {code}\n--- stdout\n{}\n--- stderr\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// The `# at:` position an invalid scenario fixture declares.
fn declared_position(fixture: &Path) -> String {
    let source = std::fs::read_to_string(fixture).expect("the fixture is readable");
    source
        .lines()
        .find_map(|l| l.strip_prefix("# at:"))
        .map_or_else(|| panic!("{}: no `# at:` line", fixture.display()), |at| at.trim().to_string())
}

/// The brokkr scenario, with its fixtures named by absolute path and `edit` applied, written to
/// `dir`; `edit` is (text to replace, replacement), and the text must occur exactly once.
fn brokkr_scenario_in(dir: &Path, edit: Option<(&str, &str)>) -> PathBuf {
    let original = root().join("scenarios/brokkr-pak-hash.toml");
    let mut source = std::fs::read_to_string(&original).expect("the brokkr scenario is readable");
    let fixtures = root().join("fixtures");
    source = source.replace("\"../fixtures/", &format!("\"{}/", fixtures.display()));
    if let Some((from, to)) = edit {
        assert_eq!(
            source.matches(from).count(),
            1,
            "{}: expected `{from}` exactly once; the test needs updating",
            original.display()
        );
        source = source.replace(from, to);
    }
    let path = dir.join("brokkr-pak-hash.toml");
    std::fs::write(&path, source).expect("the changed scenario is written");
    path
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

#[test]
fn validate_names_file_line_and_column_of_a_typo_and_exits_2() {
    let fixture = root().join("fixtures/invalid-scenarios/unknown-top-level-key.toml");
    let output = planproof(&["validate", &fixture.display().to_string()]);
    assert_exit(&output, 2);
    let stderr = text(&output.stderr);
    let at = format!("{}:{}:", fixture.display(), declared_position(&fixture));
    assert!(stderr.contains(&at), "stderr does not point at `{at}`:\n{stderr}");
    assert!(stderr.contains("`descripton`"), "stderr does not name the typo:\n{stderr}");
}

#[test]
fn run_with_a_missing_schema_file_exits_2_before_starting_a_database() {
    let reports = temp_dir("missing-schema");
    let fixture = root().join("fixtures/invalid-scenarios/schema-file-not-found.toml");
    let report_dir = reports.path().join("reports");
    let output = planproof(&["run", &fixture.display().to_string(), "--report-dir", &report_dir.display().to_string()]);
    assert_exit(&output, 2);
    let stderr = text(&output.stderr);
    let at = format!("{}:{}:", fixture.display(), declared_position(&fixture));
    assert!(stderr.contains(&at), "stderr does not point at `{at}`:\n{stderr}");
    assert!(stderr.contains("schema-missing.sql"), "stderr does not name the missing file:\n{stderr}");
    // Scenarios are validated before any database starts, so nothing ran and nothing was written.
    assert!(!report_dir.join("results.json").exists(), "a report was written for a scenario that could not run");
}

#[test]
fn run_with_a_wrong_index_exits_1_and_names_query_phase_and_both_indexes() {
    let dir = temp_dir("wrong-index");
    let scenario = brokkr_scenario_in(
        dir.path(),
        Some((
            "after = { plan = \"index-scan using idx_agents_pak_hash\"",
            "after = { plan = \"index idx_agents_nope\"",
        )),
    );
    let report_dir = dir.path().join("reports");
    let output =
        planproof(&["run", &scenario.display().to_string(), "--report-dir", &report_dir.display().to_string()]);
    assert_exit(&output, 1);
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();

    // The failing capture's line names the query and the phase; the violation under it names
    // the index expected and the one the planner used.
    let failed = lines
        .iter()
        .position(|l| l.contains("FAIL") && l.contains("agent-by-pak-hash after:"))
        .unwrap_or_else(|| panic!("no FAIL line for `agent-by-pak-hash after`:\n{stdout}"));
    let block: Vec<&str> = lines[failed + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with("ok ") && !l.trim_start().starts_with("FAIL "))
        .copied()
        .collect();
    assert!(
        block.iter().any(|l| l.contains("idx_agents_nope") && l.contains("idx_agents_pak_hash")),
        "no finding under `agent-by-pak-hash after` names both `idx_agents_nope` and `idx_agents_pak_hash`:\n{stdout}"
    );
    // Only that capture failed: the generic plan of the same query was checked on its own.
    // Capture lines are indented under the scenario's own `FAIL` header line.
    let failures: Vec<&&str> =
        lines.iter().filter(|l| l.starts_with(char::is_whitespace) && l.trim_start().starts_with("FAIL ")).collect();
    assert_eq!(failures.len(), 1, "expected one failing capture:\n{stdout}");

    // A failed expectation is a result, not an error: the reports are still written.
    let results = read_json(&report_dir.join("results.json"));
    assert_eq!(results["scenarios"][0]["outcome"], "failed", "{results:#}");
}

#[test]
fn run_of_the_brokkr_scenario_passes_and_writes_both_reports() {
    let dir = temp_dir("brokkr");
    let scenario = root().join("scenarios/brokkr-pak-hash.toml");
    let report_dir = dir.path().join("reports");
    let output =
        planproof(&["run", &scenario.display().to_string(), "--report-dir", &report_dir.display().to_string()]);
    // Every expectation holds; on a heavily loaded machine a timing budget may come out
    // inconclusive (exit 3), which is not a failure. Nothing may fail or error.
    let code = output.status.code();
    assert!(
        code == Some(0) || code == Some(3),
        "expected exit code 0 (or 3, inconclusive timing)\n--- stdout\n{}\n--- stderr\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );

    let results = read_json(&report_dir.join("results.json"));
    assert_eq!(results["format-version"], 3, "{results:#}");
    let scenarios = results["scenarios"].as_array().expect("`scenarios` is a list");
    assert_eq!(scenarios.len(), 1, "{results:#}");
    let s = &scenarios[0];
    assert_eq!(s["name"], "brokkr-pak-hash");
    assert_eq!(s["seed"], 42);
    let expected_outcome = if code == Some(0) { "passed" } else { "inconclusive" };
    assert_eq!(s["outcome"], expected_outcome, "{s:#}");
    let violations: Vec<&serde_json::Value> = s["queries"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|q| q["captures"].as_array().into_iter().flatten())
        .flat_map(|c| c["findings"].as_array().into_iter().flatten())
        .filter(|f| f["severity"] == "violation")
        .collect();
    assert!(violations.is_empty(), "no expectation may fail: {violations:#?}");
    assert_every_key_is_documented(&results);
    let version = s["server-version"].as_str().unwrap_or_default();
    assert!(!version.trim().is_empty(), "empty server version: {s:#}");

    let queries = s["queries"].as_array().expect("`queries` is a list");
    let names: Vec<&str> = queries.iter().filter_map(|q| q["name"].as_str()).collect();
    assert_eq!(names, ["agent-by-pak-hash", "generator-by-pak-hash"]);
    for q in queries {
        let captures = q["captures"].as_array().expect("`captures` is a list");
        for phase in ["before", "after"] {
            let capture = captures
                .iter()
                .find(|c| c["phase"] == phase && c["mode"] == "custom")
                .unwrap_or_else(|| panic!("query {}: no {phase} capture:\n{q:#}", q["name"]));
            assert!(
                capture["explain"].is_object() || capture["explain"].is_array(),
                "query {}: {phase} capture has no plan",
                q["name"]
            );
        }
    }

    let seeded = s["seeded"].as_array().expect("`seeded` is a list");
    let tables: Vec<&str> = seeded.iter().filter_map(|t| t["table"].as_str()).collect();
    assert_eq!(tables, ["agents", "generators"]);
    for t in seeded {
        assert_eq!(t["rows"], 10_000, "{t:#}");
        let checksum = t["checksum"].as_str().unwrap_or_default();
        assert!(
            checksum.len() == 32 && checksum.chars().all(|c| c.is_ascii_hexdigit()),
            "table {}: checksum `{checksum}` is not 32 hex digits",
            t["table"]
        );
    }

    let summary = std::fs::read_to_string(report_dir.join("summary.md")).expect("summary.md is written");
    assert!(summary.contains("brokkr-pak-hash"), "summary.md does not name the scenario:\n{summary}");
    let junit = std::fs::read_to_string(report_dir.join("junit.xml")).expect("junit.xml is written");
    assert!(
        junit.contains(r#"<testsuite name="brokkr-pak-hash (PostgreSQL "#),
        "junit.xml has no suite for the scenario:\n{junit}"
    );
    assert!(
        junit.contains(r#"<testcase name="agent-by-pak-hash after""#),
        "junit.xml has no case per query and phase:\n{junit}"
    );
    assert!(!junit.contains("<failure"), "a passing run has no failure in junit.xml:\n{junit}");
    let html = std::fs::read_to_string(report_dir.join("report.html")).expect("report.html is written");
    assert!(html.contains("brokkr-pak-hash") && html.contains("<svg"), "report.html has no scenario or no chart");
}

#[test]
fn a_migration_that_fails_as_expected_is_labelled_so_in_every_report_and_exits_0() {
    let dir = temp_dir("xfail");
    let report_dir = dir.path().join("reports");
    let output = planproof(&["run", "scenarios/messaging-ops.toml", "--report-dir", &report_dir.display().to_string()]);
    assert_exit(&output, 0);
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("XFAIL messaging-ops "), "{stdout}");
    assert!(stdout.contains("1 scenarios: 0 passed, 1 failed as expected, 0 failed, 0 could not run"), "{stdout}");

    let results = read_json(&report_dir.join("results.json"));
    assert_eq!(results["scenarios"][0]["outcome"], "failed-as-expected", "{results:#}");
    assert_every_key_is_documented(&results);
    let read = |name: &str| std::fs::read_to_string(report_dir.join(name)).expect("the report is written");
    assert!(read("summary.md").contains("## ☑️ messaging-ops"), "{}", read("summary.md"));
    assert!(read("pr-comment.md").contains("☑️ failed-as-expected"), "{}", read("pr-comment.md"));
    assert!(read("junit.xml").contains(r#"type="xfail""#), "{}", read("junit.xml"));
    assert!(read("report.html").contains(r#"class="badge failed-as-expected""#), "report.html has no XFAIL badge");
}

#[test]
fn help_documents_the_exit_codes() {
    for args in [&["--help"][..], &["run", "--help"]] {
        let output = planproof(args);
        assert_exit(&output, 0);
        // Help is wrapped to the terminal width: compare with whitespace folded.
        let help = text(&output.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
        for code in ["0 every expectation held", "1 an expectation failed", "2 planproof could not run"] {
            assert!(help.contains(code), "`planproof {}` does not say `{code}`:\n{help}", args.join(" "));
        }
    }
}

/// Every key `results.json` holds is described in `reports/README.md` (in backticks), except
/// those inside PostgreSQL's own EXPLAIN JSON and the session settings, which are not ours.
fn assert_every_key_is_documented(results: &Value) {
    fn keys<'a>(value: &'a Value, found: &mut std::collections::BTreeSet<&'a str>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    found.insert(key);
                    if key != "explain" && key != "settings" {
                        keys(inner, found);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| keys(i, found)),
            _ => {}
        }
    }
    let readme = std::fs::read_to_string(root().join("reports/README.md")).expect("reports/README.md is readable");
    let mut found = std::collections::BTreeSet::new();
    keys(results, &mut found);
    let missing: Vec<&&str> = found.iter().filter(|k| !readme.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "reports/README.md does not describe these results.json keys: {missing:?}");
}
