//! Keeps the scenario format reference, `scenarios/README.md`, true to the code. Every
//! ` ```toml ` block in it must be a complete scenario that parses and validates, with its
//! relative paths resolved from `scenarios/` as a scenario file's would be; blocks meant as
//! fragments are fenced with another info string (` ```toml-fragment `) and skipped. And every
//! key the format accepts, read from the `Raw*` structs of `src/scenario/raw.rs`, must appear
//! in the reference in backticks.

use std::path::{Path, PathBuf};

use planproof::scenario::{self, ScenarioError, SourceFile};

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
    let Some(earlier) = plan.earlier_sql_files() else { return Ok(()) };
    let files: Vec<PathBuf> =
        scenario.database.schema.iter().cloned().chain(earlier.into_iter().map(Path::to_path_buf)).collect();
    let texts: Vec<String> = files.iter().map(|f| read(f)).collect();
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

/// The keys a scenario file accepts: the `pub` fields of every `Raw*` struct in `raw.rs`, in
/// kebab-case (the structs say `rename_all = "kebab-case"`) unless a field is renamed, each
/// with the struct it belongs to.
fn accepted_keys(raw_rs: &str) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    let mut current: Option<String> = None;
    let mut rename: Option<String> = None;
    for line in raw_rs.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("pub struct Raw") {
            if line.ends_with('{') {
                let name = rest.split(|c: char| !c.is_alphanumeric()).next().unwrap_or_default();
                current = Some(format!("Raw{name}"));
                rename = None;
            }
            continue;
        }
        let Some(strukt) = &current else { continue };
        if line == "}" {
            current = None;
        } else if line.starts_with("#[serde(") {
            if let Some((_, after)) = line.split_once("rename = \"") {
                rename = after.split('"').next().map(str::to_string);
            }
        } else if let Some(field) = line.strip_prefix("pub ") {
            if let Some((name, _)) = field.split_once(':') {
                let key = rename.take().unwrap_or_else(|| name.trim().replace('_', "-"));
                keys.push((key, strukt.clone()));
            }
        }
    }
    keys
}

#[test]
fn the_reference_mentions_every_key_the_format_accepts() {
    let raw_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenario");
    let mut sources = vec![raw_path.join("parse.rs")];
    let mut sections: Vec<PathBuf> = std::fs::read_dir(raw_path.join("section"))
        .expect("src/scenario/section/")
        .map(|e| e.expect("a file").path())
        .collect();
    sections.sort();
    sources.extend(sections);
    let keys: Vec<(String, String)> = sources.iter().flat_map(|p| accepted_keys(&read(p))).collect();
    // Guard the extraction itself, so that a change in how raw.rs is written cannot make this
    // test pass by finding nothing.
    for expected in ["name", "under-test", "null-fraction", "where", "max-duration"] {
        assert!(
            keys.iter().any(|(k, _)| k == expected),
            "key `{expected}` not found in `{}` (found {keys:?}): update `accepted_keys`",
            raw_path.display()
        );
    }
    assert!(!keys.iter().any(|(k, _)| k == "filter"), "`rename = \"where\"` was not honoured: {keys:?}");

    let path = readme_path();
    let readme = read(&path);
    let missing: Vec<String> = keys
        .iter()
        .filter(|(key, _)| !readme.contains(&format!("`{key}`")))
        .map(|(key, strukt)| format!("  `{key}` ({strukt})"))
        .collect();
    assert!(
        missing.is_empty(),
        "`{}` does not document these keys of `{}` (each must appear as `key` in backticks):\n{}",
        path.display(),
        raw_path.display(),
        missing.join("\n")
    );
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
fn keys_are_kebab_case_and_honour_renames() {
    let raw = "pub struct RawX {\n    pub under_test: Spanned<String>,\n    #[serde(default, rename = \"where\")]\n    pub filter: Option<String>,\n    #[serde(default)]\n    pub seed: Option<i64>,\n}\npub struct OneOrMany(pub Vec<String>);\nstruct Other {\n    pub ignored: u8,\n}\n";
    let keys: Vec<String> = accepted_keys(raw).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["under-test", "where", "seed"]);
}
