//! Reads a `results.json` back into results (`planproof show`), so that the terminal report of
//! a run can be printed again from its file, on another machine or after the fact. Only a file
//! of this planproof's format version is read: an older one may mean something else by a key.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::json::FORMAT_VERSION;
use crate::result::ScenarioResult;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{}` is not a planproof results.json", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("`{}` is results.json format {found}; this planproof reads format {FORMAT_VERSION} (run the scenarios again)", path.display())]
    Version { path: PathBuf, found: u32 },
}

/// The version first, so that a file of another format is told as such, not as a missing key.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Header {
    format_version: u32,
}

#[derive(Deserialize)]
struct Document {
    scenarios: Vec<ScenarioResult>,
}

/// The results in the `results.json` at `path`, in the order they ran.
pub fn read_results(path: &Path) -> Result<Vec<ScenarioResult>, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io { path: path.to_path_buf(), source })?;
    parse_results(&text).map_err(|e| match e {
        Parsed::Json(source) => ReadError::Json { path: path.to_path_buf(), source },
        Parsed::Version(found) => ReadError::Version { path: path.to_path_buf(), found },
    })
}

enum Parsed {
    Json(serde_json::Error),
    Version(u32),
}

fn parse_results(text: &str) -> Result<Vec<ScenarioResult>, Parsed> {
    let header: Header = serde_json::from_str(text).map_err(Parsed::Json)?;
    if header.format_version != FORMAT_VERSION {
        return Err(Parsed::Version(header.format_version));
    }
    let document: Document = serde_json::from_str(text).map_err(Parsed::Json)?;
    Ok(document.scenarios)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{majors, results, selection};
    use crate::report::{results_json, scenario_text, summary_text};
    use crate::result::RunReport;

    #[test]
    fn the_terminal_report_of_a_written_results_json_is_the_report_of_the_run() {
        let results = results();
        let (majors, selection) = (majors(), selection());
        let run = RunReport { results: &results, majors: &majors, selection: Some(&selection) };
        let read = parse_results(&results_json(&run)).unwrap_or_else(|_| panic!("results.json reads back"));
        assert_eq!(read.len(), results.len());
        for (again, first) in read.iter().zip(&results) {
            assert_eq!(scenario_text(again), scenario_text(first));
        }
        assert_eq!(summary_text(&read), summary_text(&results));
    }

    #[test]
    fn another_format_version_is_refused_as_such() {
        let text = r#"{"format-version": 2, "scenarios": [{"name": "old"}]}"#;
        assert!(matches!(parse_results(text), Err(Parsed::Version(2))));
        assert!(matches!(parse_results(r#"{"scenarios": []}"#), Err(Parsed::Json(_))));
    }
}
