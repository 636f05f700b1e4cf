//! Keeps the scenario format reference, `scenarios/README.md`, true to the code. Every
//! ` ```toml ` block in it must be a complete scenario that parses and validates, with its
//! relative paths resolved from `scenarios/` as a scenario file's would be; blocks meant as
//! fragments are fenced with another info string (` ```toml-fragment `) and skipped. Every key
//! the format accepts, read from its JSON Schema (`scenario::json_schema()`, derived from the
//! raw structs the parser reads), must appear in the reference in backticks, and so must every
//! generator of the registry. And every valid scenario file of the repository must match that
//! schema, so that the schema cannot drift from the parser.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use planproof::scenario::{self, ScenarioError, SourceFile};
use serde_json::Value;

/// The reference, as a scenario file in `scenarios/` would be addressed.
fn readme_path() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/README.md");
    std::fs::canonicalize(&path).unwrap_or(path)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()))
}

/// A fenced code block of a Markdown file.
struct Block {
    /// 1-based line of the opening fence; the block's first line is the next one.
    fence_line: usize,
    /// The first word of the info string (`toml`, `toml-fragment`, `sh`, or empty).
    info: String,
    text: String,
}

/// Every fenced block (``` or ~~~, three or more), in order. An unclosed block runs to the end
/// of the file, as CommonMark has it.
fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Block)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                let Some(marker) = ['`', '~'].into_iter().find(|c| trimmed.starts_with(&c.to_string().repeat(3)))
                else {
                    continue;
                };
                let fence: String = trimmed.chars().take_while(|c| *c == marker).collect();
                let info = trimmed[fence.len()..].split_whitespace().next().unwrap_or_default().to_string();
                open = Some((fence, Block { fence_line: i + 1, info, text: String::new() }));
            }
            Some((fence, block)) => {
                let closes =
                    trimmed.starts_with(fence.as_str()) && trimmed.trim_end().chars().all(|c| fence.starts_with(c));
                if closes {
                    let (_, block) = open.take().expect("a block is open");
                    blocks.push(block);
                } else {
                    block.text.push_str(line);
                    block.text.push('\n');
                }
            }
        }
    }
    blocks.extend(open.map(|(_, block)| block));
    blocks
}

/// A scenario error inside `block`, placed on the README's own line and column.
fn in_readme(block: &Block, e: &ScenarioError) -> String {
    match e {
        ScenarioError::Invalid { at, message, .. } => {
            format!("line {}:{}: {message}", block.fence_line + at.line, at.col)
        }
        other => format!("line {}: {other}", block.fence_line),
    }
}

/// Why `block` is not a valid scenario, with the README line the problem is on.
fn check_block(readme: &Path, block: &Block) -> Result<(), String> {
    let src = SourceFile::new(readme, block.text.clone());
    let at_fence = |message: String| format!("line {}: {message}", block.fence_line);
    let scenario = scenario::parse(&src).map_err(|e| in_readme(block, &e))?;
    // What `planproof validate` checks beyond the file itself: the migration under test is in
    // its folder (or its tool's project), and the tables and columns exist in the schema those
    // SQL files create (when no tool runs the earlier migrations).
    let plan = planproof::migrate::MigrationPlan::resolve(&scenario.database).map_err(|e| match e {
        planproof::migrate::MigrateError::ReadDir { .. } => at_fence(e.to_string()),
        e => {
            let at = scenario.database.under_test_at;
            format!("line {}:{}: {e}", block.fence_line + at.line, at.col)
        }
    })?;
    let Some(earlier) = plan.earlier_sql() else { return Ok(()) };
    let texts: Vec<String> = scenario.database.schema.iter().map(|f| read(f)).chain(earlier).collect();
    if let Some(catalog) = scenario::catalog_of(&texts) {
        scenario::check_against(&scenario, &catalog).map_err(|e| in_readme(block, &e))?;
    }
    Ok(())
}

#[test]
fn every_toml_block_of_the_reference_is_a_valid_scenario() {
    let path = readme_path();
    let blocks = fenced_blocks(&read(&path));
    let scenarios: Vec<&Block> = blocks.iter().filter(|b| b.info == "toml").collect();
    assert!(
        !scenarios.is_empty(),
        "`{}` has no ```toml block; it must open with a complete example scenario",
        path.display()
    );
    let failures: Vec<String> = scenarios
        .iter()
        .filter_map(|block| check_block(&path, block).err())
        .map(|e| format!("  scenarios/README.md {e}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of the {} ```toml blocks in `{}` are not valid scenarios (fence a fragment as ```toml-fragment):\n{}",
        failures.len(),
        scenarios.len(),
        path.display(),
        failures.join("\n")
    );
}

/// The keys a scenario file accepts, read from its JSON Schema: every property of every object
/// the schema describes, following `$ref`s into `definitions`, each with the definition it belongs to
/// (`Scenario` for the top level).
fn schema_keys(schema: &Value) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    let mut visited = BTreeSet::new();
    walk(schema, schema, "Scenario", &mut keys, &mut visited);
    keys
}

fn walk(root: &Value, node: &Value, owner: &str, keys: &mut Vec<(String, String)>, visited: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    // Reached through the `$ref`s that use them, to know whose keys they are.
                    ("definitions" | "$defs", _) => {}
                    ("$ref", Value::String(reference)) => {
                        let name = reference.rsplit('/').next().unwrap_or_default();
                        if visited.insert(name.to_string()) {
                            let pointer = reference.strip_prefix('#').unwrap_or(reference);
                            let definition = root
                                .pointer(pointer)
                                .unwrap_or_else(|| panic!("`$ref` `{reference}` names no definition of the schema"));
                            walk(root, definition, name, keys, visited);
                        }
                    }
                    ("properties", Value::Object(properties)) => {
                        for (property, schema) in properties {
                            keys.push((property.clone(), owner.to_string()));
                            walk(root, schema, owner, keys, visited);
                        }
                    }
                    (_, value) => walk(root, value, owner, keys, visited),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk(root, item, owner, keys, visited)),
        _ => {}
    }
}

#[test]
fn the_reference_mentions_every_key_the_format_accepts() {
    let keys = schema_keys(&scenario::json_schema());
    // Guard the walk itself, so that a change in how the schema is written cannot make this
    // test pass by finding nothing.
    for expected in ["name", "under-test", "null-fraction", "where", "max-duration", "p95", "postgres", "why"] {
        assert!(
            keys.iter().any(|(k, _)| k == expected),
            "key `{expected}` not found in the JSON Schema (found {keys:?}): update `schema_keys`"
        );
    }
    assert!(!keys.iter().any(|(k, _)| k == "filter"), "`rename = \"where\"` was not honoured: {keys:?}");
    assert!(!keys.iter().any(|(k, _)| k.contains('_')), "a key is not kebab-case: {keys:?}");

    let path = readme_path();
    let readme = read(&path);
    let missing: Vec<String> = keys
        .iter()
        .filter(|(key, _)| !readme.contains(&format!("`{key}`")))
        .map(|(key, owner)| format!("  `{key}` ({owner})"))
        .collect();
    assert!(
        missing.is_empty(),
        "`{}` does not document these keys of the scenario format (each must appear as `key` in backticks):\n{}",
        path.display(),
        missing.join("\n")
    );
}

/// Every scenario file of the repository that is meant to be valid: `scenarios/*.toml` and
/// `fixtures/**/*.toml` but the broken ones of `fixtures/invalid-scenarios/`.
fn valid_scenario_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot list `{}`: {e}", dir.display()))
            .map(|e| e.unwrap_or_else(|e| panic!("cannot list `{}`: {e}", dir.display())).path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() && !path.ends_with("invalid-scenarios") {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    walk(&root.join("scenarios"), &mut files);
    walk(&root.join("fixtures"), &mut files);
    files
}

/// Why `text` (a TOML document) does not match `validator`, one line per error.
fn schema_errors(validator: &jsonschema::Validator, text: &str) -> Result<(), String> {
    let document: Value = toml::from_str(text).map_err(|e| format!("not TOML: {e}"))?;
    let errors: Vec<String> = validator.iter_errors(&document).map(|e| format!("{}: {e}", e.instance_path())).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// The checked-in copy of the schema that editors read (`.taplo.toml`, `#:schema` lines).
fn checked_in_schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/planproof.schema.json")
}

#[test]
fn the_checked_in_json_schema_is_the_generated_one() {
    let path = checked_in_schema_path();
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == scenario::json_schema_text(),
        "`scenarios/planproof.schema.json` is not the schema the scenario format generates: regenerate it with `cargo run -p planproof -- schema > scenarios/planproof.schema.json`"
    );
}

#[test]
fn the_taplo_config_points_editors_at_the_checked_in_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config: toml::Table = toml::from_str(&read(&root.join(".taplo.toml"))).expect("`.taplo.toml` is TOML");
    let rules = config.get("rule").and_then(toml::Value::as_array).expect("`.taplo.toml` has a `[[rule]]`");
    let schemas: Vec<&str> = rules.iter().filter_map(|r| r.get("schema")?.get("path")?.as_str()).collect();
    assert_eq!(schemas, ["scenarios/planproof.schema.json"], "paths are relative to `.taplo.toml`");
    assert!(root.join(schemas[0]).is_file());
}

#[test]
fn every_valid_scenario_matches_the_json_schema() {
    let schema: Value = serde_json::from_str(&read(&checked_in_schema_path())).expect("the checked-in schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    let files = valid_scenario_files();
    assert!(files.len() >= 10, "found only {files:?}");
    let mut failures = Vec::new();
    for path in &files {
        let text = read(path);
        // The parser accepts it: the schema must too, or it has drifted from the parser.
        if let Err(e) = scenario::parse(&SourceFile::new(path, text.clone())) {
            failures.push(format!("  {}: does not parse: {e}", path.display()));
        } else if let Err(e) = schema_errors(&validator, &text) {
            failures.push(format!("  {}: {e}", path.display()));
        }
    }
    let readme = read(&readme_path());
    for block in fenced_blocks(&readme).iter().filter(|b| b.info == "toml") {
        if let Err(e) = schema_errors(&validator, &block.text) {
            failures.push(format!("  scenarios/README.md line {}: {e}", block.fence_line));
        }
    }
    assert!(failures.is_empty(), "valid scenarios the JSON Schema refuses:\n{}", failures.join("\n"));
}

#[test]
fn the_json_schema_refuses_what_the_parser_refuses_before_validating() {
    let validator = jsonschema::validator_for(&scenario::json_schema()).expect("the schema is a valid JSON Schema");
    let valid = "name = \"t\"\n[database]\nmigrations = \"m\"\nunder-test = \"x\"\n";
    assert_eq!(schema_errors(&validator, valid), Ok(()));
    let cases = [
        ("an unknown top-level key", format!("{valid}[tables.t]\nrows = 1\nrowz = 2")),
        (
            "an unknown key of a column",
            format!("{valid}[tables.t]\nrows = 1\ncolumns.a = {{ gen = \"int\", minimum = 1 }}"),
        ),
        ("a missing required key", valid.replace("under-test = \"x\"\n", "")),
        ("a string for an integer", format!("{valid}[tables.t]\nrows = \"ten\"")),
        (
            "a number for a string or a list",
            format!("{valid}[[queries]]\nname = \"q\"\nsql = \"SELECT 1\"\nbefore = {{ plan = 1 }}"),
        ),
        ("a boolean for a version", format!("{valid}[matrix]\npostgres = [\"16\", true]")),
        ("a list for a literal", format!("{valid}[explain]\nsettings.work_mem = [1]")),
    ];
    for (name, text) in cases {
        assert!(
            scenario::parse(&SourceFile::new(readme_path(), text.clone())).is_err(),
            "{name}: the parser accepts it"
        );
        assert!(schema_errors(&validator, &text).is_err(), "{name}: the schema accepts it");
    }
}

/// The table rows of the reference's `### Generators` section.
fn generator_rows(readme: &str) -> Vec<&str> {
    let section = readme.split("\n### Generators\n").nth(1).and_then(|s| s.split("\n#").next()).unwrap_or_default();
    section.lines().filter(|l| l.starts_with('|')).collect()
}

#[test]
fn the_reference_documents_every_generator_and_its_keys() {
    let path = readme_path();
    let readme = read(&path);
    let rows = generator_rows(&readme);
    let names: Vec<&str> = scenario::generator_names().collect();
    assert!(names.contains(&"uuid") && names.contains(&"timestamp"), "the registry lists no generators: {names:?}");
    let mut missing = Vec::new();
    for name in names {
        // The row whose first cell names the generator, as `gen = "name"` or `"name"`.
        let quoted = format!("\"{name}\"");
        let Some(row) = rows.iter().find(|r| r.split('|').nth(1).is_some_and(|cell| cell.contains(&quoted))) else {
            missing.push(format!("  `gen = {quoted}`: no row of the `### Generators` table"));
            continue;
        };
        for key in scenario::generator_keys(name).unwrap_or_default() {
            if !row.contains(&format!("`{key}`")) {
                missing.push(format!("  `gen = {quoted}`: its key `{key}` is not in its row"));
            }
        }
    }
    assert!(missing.is_empty(), "`{}` is behind the generator registry:\n{}", path.display(), missing.join("\n"));
}

#[test]
fn fenced_blocks_are_found_with_their_lines() {
    let markdown = "intro\n```toml\na = 1\n```\ntext\n  ````toml-fragment x\nb = 2\n```\n````\n~~~\nc\n";
    let blocks = fenced_blocks(markdown);
    let found: Vec<(usize, &str, &str)> =
        blocks.iter().map(|b| (b.fence_line, b.info.as_str(), b.text.as_str())).collect();
    assert_eq!(found, [(2, "toml", "a = 1\n"), (6, "toml-fragment", "b = 2\n```\n"), (10, "", "c\n")]);
}

#[test]
fn schema_keys_follow_refs_and_nesting() {
    let schema = serde_json::json!({
        "properties": { "a": { "$ref": "#/$defs/A" }, "b": { "type": "array", "items": { "$ref": "#/$defs/A" } } },
        "$defs": {
            "A": { "properties": { "x-y": { "anyOf": [{ "$ref": "#/$defs/B" }] } } },
            "B": { "properties": { "z": { "type": "string" } } },
            "Unused": { "properties": { "never": {} } }
        }
    });
    let found = schema_keys(&schema);
    let found: Vec<(&str, &str)> = found.iter().map(|(k, o)| (k.as_str(), o.as_str())).collect();
    // `A` is walked once, at its first use; `Unused` never.
    assert_eq!(found, [("a", "Scenario"), ("x-y", "A"), ("z", "B"), ("b", "Scenario")]);
}
