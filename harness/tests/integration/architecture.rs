//! The import rules of ARCHITECTURE.md, enforced: a module of the crate imports only from the
//! stages listed before it in the `stage-order` block (modules on one line import none of each
//! other), so dependencies flow one way along the pipeline. `main.rs` may import anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Each top-level module with its rank: the line of the `stage-order` block it is on.
fn stage_order() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(crate_dir().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md is readable");
    let block =
        doc.split("```stage-order\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a stage-order block");
    let mut order = BTreeMap::new();
    for (rank, line) in block.lines().enumerate() {
        for module in line.split_whitespace() {
            assert!(order.insert(module.to_string(), rank).is_none(), "`{module}` is listed twice in the stage order");
        }
    }
    order
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The top-level modules `text` names through `crate::`: `crate::db::X` names `db`, and
/// `crate::{db, seed::Value}` names `db` and `seed`.
fn crate_paths(text: &str) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    let mut found = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        // `$crate::` and `planproof::crate` do not occur; `super::` stays inside a module.
        if text[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push(ident(item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
            found.push(ident(item.trim()));
        } else {
            found.push(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

#[test]
fn no_module_imports_from_a_later_stage() {
    let order = stage_order();
    let src = crate_dir().join("src");
    let mut wrong = Vec::new();
    let mut unlisted = Vec::new();
    for file in sources(&src) {
        let relative = file.strip_prefix(&src).expect("under src").to_path_buf();
        let first = relative.components().next().expect("a path").as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        let Some(&rank) = order.get(&module) else {
            unlisted.push(module);
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for target in crate_paths(code) {
                if target == module {
                    continue;
                }
                match order.get(&target) {
                    // The crate root's re-exports (`crate::Scenario`) hide which stage a name
                    // comes from: name the stage.
                    None if target.starts_with(char::is_uppercase) => {
                        wrong.push(format!(
                            "src/{}:{}: `{module}` imports `{target}` from the crate root",
                            relative.display(),
                            n + 1
                        ));
                    }
                    Some(&r) if r < rank => {}
                    Some(_) => {
                        wrong.push(format!("src/{}:{}: `{module}` imports `{target}`", relative.display(), n + 1));
                    }
                    None => unlisted.push(target),
                }
            }
        }
    }
    unlisted.sort();
    unlisted.dedup();
    assert!(unlisted.is_empty(), "modules missing from ARCHITECTURE.md's stage order: {unlisted:?}");
    assert!(wrong.is_empty(), "imports against the stage order of ARCHITECTURE.md:\n  {}", wrong.join("\n  "));
}

#[test]
fn crate_paths_are_read_from_plain_and_grouped_imports() {
    assert_eq!(crate_paths("use crate::db::{self, ScratchDb};"), ["db"]);
    assert_eq!(crate_paths("use crate::{migrate, report::Format, text};"), ["migrate", "report", "text"]);
    assert_eq!(crate_paths("let x = crate::stats::Series::new(v); // crate::nothing"), ["stats", "nothing"]);
    assert_eq!(crate_paths("use crate::{a::{b, c}, d};"), ["a", "d"]);
}
