//! Fuzz targets for the two parsers that read what a pull request brings: the scenario parser
//! (`scenario::parse` on a `SourceFile`) and the EXPLAIN JSON parser
//! (`plan::Explain::from_json_str`). Each input is one of the repository's own files —
//! `scenarios/*.toml` and every `.toml` under `fixtures/` (the invalid ones under
//! `fixtures/invalid-scenarios/` too), every `.json` and `.plan` under `fixtures/explain/` —
//! with edits bolero chooses (bytes and tokens inserted, bytes deleted or flipped, a piece of
//! the file copied elsewhere), or bytes of bolero's own. The property: the parser returns, in
//! well under a second, and an error that points into the file points inside it.
//!
//! `bolero::check!()` runs here as an ordinary test with bolero's random engine, for
//! `PLANPROOF_FUZZ_SECS` seconds per target (default 10, so `make test` spends about 20 s
//! here); a failure prints the input and the `BOLERO_RANDOM_SEED` that replays it.
//! cargo-bolero's coverage-guided engines (libFuzzer, AFL) need a nightly toolchain, which
//! this project does not require; see the testing section of the README.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bolero::{check, TypeGenerator};
use planproof::plan::{Explain, PlanError};
use planproof::scenario::{self, ScenarioError, SourceFile};

use crate::common;

/// How long one parse may take: far more than any of these inputs needs.
const ONE_INPUT: Duration = Duration::from_secs(1);

/// Text with a meaning to one parser or the other, inserted whole.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "\\",
    "\\u",
    "#",
    "\n",
    "\r\n",
    "\t",
    " ",
    "0",
    "-1",
    "1e308",
    "18446744073709551616",
    "true",
    "null",
    "é",
    "\u{feff}",
    "[[queries]]",
    "[database]",
    "[tables.t]",
    "[migration]",
    "[load]",
    "before = {",
    "plan = \"",
    "gen = \"",
    "rows = ",
    "sql = \"",
    "\"Plan\":",
    "\"Node Type\":",
    "\"Plans\": [",
    "\"Relation Name\":",
    "\"Actual Rows\":",
    "\"Execution Time\":",
    " QUERY PLAN ",
    "----",
    "+\n",
    "│",
    "(1 row)",
];

#[derive(Debug, TypeGenerator)]
enum Edit {
    Insert {
        at: u16,
        bytes: Vec<u8>,
    },
    Token {
        at: u16,
        token: u8,
    },
    Delete {
        at: u16,
        len: u8,
    },
    Flip {
        at: u16,
        byte: u8,
    },
    /// A piece of the input copied elsewhere: a table or a plan node twice.
    Copy {
        from: u16,
        len: u16,
        to: u16,
    },
}

#[derive(Debug, TypeGenerator)]
enum Input {
    /// Seed number `seed` (modulo their count), edited.
    Seeded { seed: u16, edits: Vec<Edit> },
    /// Bytes of bolero's own.
    Raw(Vec<u8>),
}

impl Input {
    fn text(&self, seeds: &[String]) -> String {
        match self {
            Input::Raw(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Input::Seeded { seed, edits } => {
                let mut bytes = seeds[usize::from(*seed) % seeds.len()].clone().into_bytes();
                for edit in edits {
                    let at = |i: u16| usize::from(i) % (bytes.len() + 1);
                    match edit {
                        Edit::Insert { at: i, bytes: new } => {
                            let i = at(*i);
                            bytes.splice(i..i, new.iter().copied());
                        }
                        Edit::Token { at: i, token } => {
                            let i = at(*i);
                            bytes.splice(i..i, TOKENS[usize::from(*token) % TOKENS.len()].bytes());
                        }
                        Edit::Delete { at: i, len } => {
                            let i = at(*i);
                            bytes.drain(i..(i + usize::from(*len)).min(bytes.len()));
                        }
                        Edit::Flip { at: i, byte } => {
                            if !bytes.is_empty() {
                                let i = usize::from(*i) % bytes.len();
                                bytes[i] ^= byte;
                            }
                        }
                        Edit::Copy { from, len, to } => {
                            let from = at(*from);
                            let piece = bytes[from..(from + usize::from(*len)).min(bytes.len())].to_vec();
                            let to = at(*to);
                            bytes.splice(to..to, piece);
                        }
                    }
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    }
}

/// Every file under `dir` whose name ends in one of `extensions`, read as text, sorted by path.
fn files(dir: &Path, extensions: &[&str], out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("a seed folder").map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, extensions, out);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e)) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path, text));
            }
        }
    }
}

fn seeds(dirs: &[&str], extensions: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for dir in dirs {
        files(&common::root().join(dir), extensions, &mut out);
    }
    assert!(out.len() > 20, "seeds in {dirs:?}: {}", out.len());
    out.into_iter().map(|(_, text)| text).collect()
}

/// The test time per target: `PLANPROOF_FUZZ_SECS` (default 10).
fn test_time() -> Duration {
    let secs = std::env::var("PLANPROOF_FUZZ_SECS").ok().and_then(|s| s.parse::<f64>().ok()).unwrap_or(10.0);
    Duration::from_secs_f64(secs.max(0.1))
}

/// Runs `property` on fuzzed inputs built from `seeds` for the test time, then says how many
/// ran.
fn fuzz(target: &str, seeds: &[String], property: impl Fn(&str) + std::panic::RefUnwindSafe) {
    let count = AtomicUsize::new(0);
    let started = Instant::now();
    for seed in seeds {
        property(seed);
    }
    check!().with_type::<Input>().with_test_time(test_time()).for_each(|input| {
        let text = input.text(seeds);
        let start = Instant::now();
        property(&text);
        let took = start.elapsed();
        assert!(took < ONE_INPUT, "{target}: one input took {took:?}:\n{text:?}");
        count.fetch_add(1, Ordering::Relaxed);
    });
    eprintln!(
        "{target}: {} seeds and {} fuzzed inputs in {:.1}s",
        seeds.len(),
        count.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}

/// A scenario error's position is inside the text: a line it has, a column at most one past
/// that line's end.
fn assert_inside(text: &str, e: &ScenarioError) {
    let Some((_, at)) = e.location() else { return };
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(at.line >= 1 && at.line <= lines.len(), "line {} of {} lines: {e}\n{text:?}", at.line, lines.len());
    let width = lines[at.line - 1].chars().count();
    assert!(at.col >= 1 && at.col <= width + 1, "column {} of a line of {width}: {e}\n{text:?}", at.col);
}

#[test]
fn the_scenario_parser_survives_fuzzed_files() {
    let seeds = seeds(&["scenarios", "fixtures"], &["toml"]);
    // Relative paths resolve as the reference scenarios' do: the fuzzed files reach validation
    // past the TOML, into the schema files they name.
    let path = common::root().join("scenarios/fuzzed.toml");
    fuzz("scenario::parse", &seeds, |text| {
        if let Err(e) = scenario::parse(&SourceFile::new(path.clone(), text.to_string())) {
            assert_inside(text, &e);
        }
    });
}

#[test]
fn the_explain_parser_survives_fuzzed_plans() {
    let seeds = seeds(&["fixtures/explain"], &["json", "plan"]);
    fuzz("Explain::from_json_str", &seeds, |text| {
        if let Err(PlanError::Syntax { line, column, .. }) = Explain::from_json_str(text) {
            let lines: Vec<&str> = text.split('\n').collect();
            assert!(line >= 1 && line <= lines.len(), "line {line} of {} lines\n{text:?}", lines.len());
            // serde_json counts a column in bytes, and may point just past the line's end.
            assert!(column <= lines[line - 1].len() + 1, "column {column} of line {line}\n{text:?}");
        }
    });
}
