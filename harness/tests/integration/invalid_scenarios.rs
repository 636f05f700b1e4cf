//! Broken inputs are fixtures too: every file under `fixtures/invalid-scenarios/` is a scenario
//! that is wrong in one way, and its header says the error it must produce:
//!
//! ```toml
//! # expect: unknown field `descripton`, expected one of
//! # at: 6:1
//! ```
//!
//! `expect` is a piece of the message and `at` the line and column it must point at. Each file
//! is a test case of its own in the `files` test target (`tests/files.rs`), which finds them
//! when it runs; here, the folder itself is checked, and every message is snapshot.

use std::path::{Path, PathBuf};

/// The folder of invalid scenarios.
fn folder() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crate sits inside the workspace");
    root.join("fixtures/invalid-scenarios")
}

// Here only whether each header reads; what it says is the `files` target's to check.
#[allow(dead_code)]
#[path = "../invalid_header.rs"]
mod invalid_header;

use invalid_header::expected;

/// The `files` target silently skips a file that is not `*.toml`, and a header without `# at:`
/// would only fail at run time with a parse message: this checks the folder itself.
#[test]
fn every_invalid_scenario_file_names_its_error_and_position() {
    let dir = folder();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut problems = Vec::new();
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        count += 1;
        if path.extension().is_none_or(|e| e != "toml") {
            problems.push(format!("{}: not a `.toml` file, so no test case runs it", path.display()));
            continue;
        }
        if let Err(e) = expected(&path) {
            problems.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(count >= 20, "{}: only {count} invalid scenarios, expected at least 20", dir.display());
    assert!(problems.is_empty(), "invalid scenario fixtures without a usable header:\n  {}", problems.join("\n  "));
}

/// Every invalid scenario's whole message in one snapshot, so that a change to any wording is
/// seen and reviewed (`cargo insta review`); the fixture folder is written `fixtures/…`.
#[test]
fn every_invalid_scenario_message() {
    let dir = folder();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a readable folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let root = dir.parent().and_then(Path::parent).expect("fixtures/ sits in the workspace").display().to_string();
    let mut out = String::new();
    for path in files {
        let message = match planproof::validate(&path) {
            Ok(_) => "(valid)".to_string(),
            Err(e) => planproof::text::error_chain(&e),
        };
        out.push_str(&message.replace(&format!("{root}/"), ""));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}
