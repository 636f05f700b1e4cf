//! Test-only access to the captured EXPLAIN documents under `fixtures/explain/`, shared by the
//! tests of `plan` and `check`. Paths resolve from the crate's manifest directory, so they work
//! wherever the crate is built from.

use std::path::Path;

use super::Explain;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/explain");

/// The text of `fixtures/explain/{relative}`.
pub(crate) fn read(relative: &str) -> String {
    let path = format!("{ROOT}/{relative}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read fixture `{path}`: {e}"))
}

fn load(relative: &str) -> Explain {
    Explain::from_json_str(&read(relative)).unwrap_or_else(|e| panic!("fixture `{relative}`: {e}"))
}

/// A plan captured from PostgreSQL 15: `fixtures/explain/pg15/{name}.json`.
pub(crate) fn pg15(name: &str) -> Explain {
    load(&format!("pg15/{name}.json"))
}

/// A plan captured from PostgreSQL `major`: `fixtures/explain/pg{major}/{name}.json`.
pub(crate) fn pg(major: u32, name: &str) -> Explain {
    load(&format!("pg{major}/{name}.json"))
}

/// A plan written by hand: `fixtures/explain/hand-made/{name}.json`.
pub(crate) fn hand_made(name: &str) -> Explain {
    load(&format!("hand-made/{name}.json"))
}

/// A sample from another project: `fixtures/explain/third-party/{relative}`.
pub(crate) fn third_party(relative: &str) -> Explain {
    load(&format!("third-party/{relative}"))
}

/// Every `.json` and `.plan` file under `third-party/`, as (path relative to it, text),
/// sorted by path.
pub(crate) fn third_party_files() -> Vec<(String, String)> {
    fn visit(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                visit(&path, base, out);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "plan")) {
                let text = std::fs::read_to_string(&path).expect("readable fixture");
                let relative = path.strip_prefix(base).expect("under base").display().to_string();
                out.push((relative, text));
            }
        }
    }
    let base = Path::new(ROOT).join("third-party");
    let mut files = Vec::new();
    visit(&base, &base, &mut files);
    files.sort();
    files
}
