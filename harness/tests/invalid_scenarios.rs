//! Broken inputs are fixtures too: every file under `fixtures/invalid-scenarios/` is a scenario
//! that is wrong in one way, and its header says the error it must produce:
//!
//! ```toml
//! # expect: unknown field `descripton`, expected one of
//! # at: 6:1
//! ```
//!
//! `expect` is a piece of the message and `at` the line and column it must point at. Each file
//! is a test case of its own, named after the file; no database is needed.

use std::path::{Path, PathBuf};

use rstest::rstest;

/// The folder of invalid scenarios, as the `#[files]` pattern below sees it.
fn folder() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crate sits inside the workspace");
    root.join("fixtures/invalid-scenarios")
}

/// What a fixture's header says its error must be.
struct Expected {
    message: String,
    line: usize,
    col: usize,
}

/// Reads the `# expect:` and `# at:` lines from the comment block that opens the file.
fn expected(path: &Path) -> Result<Expected, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    let value = |key: &str| -> Result<String, String> {
        let prefix = format!("# {key}:");
        let found: Vec<&str> = header.iter().filter_map(|l| l.strip_prefix(&prefix)).collect();
        match found.as_slice() {
            [one] if !one.trim().is_empty() => Ok(one.trim().to_string()),
            [_] => Err(format!("`{prefix}` is empty")),
            [] => Err(format!("no `{prefix}` line in the comments that open the file")),
            _ => Err(format!("`{prefix}` is given {} times", found.len())),
        }
    };
    let message = value("expect")?;
    let at = value("at")?;
    let position = at
        .split_once(':')
        .and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?)))
        .filter(|(l, c)| *l >= 1 && *c >= 1);
    let Some((line, col)) = position else {
        return Err(format!("`# at: {at}` is not a position like `12:5`"));
    };
    Ok(Expected { message, line, col })
}

#[rstest]
fn invalid_scenario_is_rejected_where_its_header_says(#[files("../fixtures/invalid-scenarios/*.toml")] path: PathBuf) {
    let expected = expected(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let error = match planproof::validate(&path) {
        Ok(scenario) => panic!(
            "{}: validated as scenario `{}`, expected the error `{}`",
            path.display(),
            scenario.name,
            expected.message
        ),
        Err(e) => e.to_string(),
    };
    let file = path.display().to_string();
    let at = format!(":{}:{}:", expected.line, expected.col);
    assert!(error.contains(&file), "the error does not name the file `{file}`:\n  {error}");
    assert!(
        error.contains(&format!("{file}{at}")),
        "the error does not point at {}:{}:\n  {error}",
        expected.line,
        expected.col
    );
    assert!(error.contains(&expected.message), "the error does not say `{}`:\n  {error}", expected.message);
}

/// The glob above silently skips a file that is not `*.toml`, and a header without `# at:`
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
