//! Finds scenario files on disk: a file is one scenario, a folder holds every `*.toml` in it.

use std::path::{Path, PathBuf};

use super::error::ScenarioError;
use super::model::Scenario;
use super::parse::parse;
use super::source::{Root, SourceFile};

/// Reads and validates one scenario file, the files it names confined to `root`.
pub(crate) fn load_file(path: &Path, root: &Root) -> Result<Scenario, ScenarioError> {
    let src = SourceFile::read(path, root)?;
    parse(&src)
}

/// The scenario files named by `paths`: files as given, folders expanded to their `*.toml`
/// files in name order (not recursive; `README` and other files are ignored).
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|source| ScenarioError::Read { path: path.clone(), source })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
                .collect();
            if found.is_empty() {
                return Err(ScenarioError::NoScenarios { path: path.clone() });
            }
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else if let Ok(meta) = std::fs::metadata(path) {
            let kind = super::source::file_kind(&meta);
            return Err(ScenarioError::Read {
                path: path.clone(),
                source: std::io::Error::other(format!("it is {kind}, not a scenario file or a folder of them")),
            });
        } else {
            return Err(ScenarioError::Read {
                path: path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
    }
    Ok(files)
}
