//! Errors of the scenario stage: every one names the file, line and column, what was found and
//! what was expected.

use std::fmt;
use std::path::PathBuf;

/// A 1-based position in a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Location {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A scenario that cannot be used as written.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read scenario file", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{at}: {message}", path.display())]
    Invalid { path: PathBuf, at: Location, message: String },
    #[error("{}: no scenario files (`*.toml`) found", path.display())]
    NoScenarios { path: PathBuf },
}

impl ScenarioError {
    /// Where in which file the problem is, when it points into a file.
    pub fn location(&self) -> Option<(&std::path::Path, Location)> {
        match self {
            ScenarioError::Invalid { path, at, .. } => Some((path, *at)),
            _ => None,
        }
    }
}
