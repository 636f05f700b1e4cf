//! A scenario file's text, kept while validating so byte spans become line and column numbers.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::error::{Location, ScenarioError};

/// The text of one scenario file and where it lives.
pub struct SourceFile {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { path: path.into(), text, line_starts }
    }

    pub(crate) fn read(path: &Path) -> Result<Self, ScenarioError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: path.to_path_buf(), source })?;
        Ok(SourceFile::new(path, text))
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Location { line: line + 1, col }
    }

    /// An error pointing at the start of `span`.
    pub(crate) fn error(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid { path: self.path.clone(), at: self.location(span.start), message: message.into() }
    }

    /// The folder relative paths in the file are resolved against.
    pub(crate) fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// A path written in the file, relative to the file's folder, with `.` and `..` folded
    /// away so messages and reports show `fixtures/x.sql`, not `scenarios/../fixtures/x.sql`.
    pub(crate) fn resolve(&self, relative: &str) -> PathBuf {
        use std::path::Component;
        let mut out = PathBuf::new();
        for part in self.dir().join(relative).components() {
            match part {
                Component::CurDir => {}
                Component::ParentDir => {
                    let last = out.components().next_back();
                    if matches!(last, Some(Component::Normal(_))) {
                        out.pop();
                    } else if !matches!(last, Some(Component::RootDir)) {
                        out.push("..");
                    }
                }
                other => out.push(other.as_os_str()),
            }
        }
        if out.as_os_str().is_empty() {
            out.push(".");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_file_without_dot_dot() {
        let src = SourceFile::new("scenarios/a.toml", String::new());
        assert_eq!(src.resolve("../fixtures/x.sql"), PathBuf::from("fixtures/x.sql"));
        assert_eq!(src.resolve("./m"), PathBuf::from("scenarios/m"));
        let src = SourceFile::new("a.toml", String::new());
        assert_eq!(src.resolve("../x"), PathBuf::from("../x"));
        let src = SourceFile::new("/s/a.toml", String::new());
        assert_eq!(src.resolve("../../x"), PathBuf::from("/x"));
    }

    #[test]
    fn offsets_become_one_based_lines_and_character_columns() {
        let src = SourceFile::new("s.toml", "a = 1\nné = 2\n".to_string());
        assert_eq!(src.location(0), Location { line: 1, col: 1 });
        assert_eq!(src.location(6), Location { line: 2, col: 1 });
        // `=` after a two-byte character is the fourth character of line 2.
        assert_eq!(src.location(10), Location { line: 2, col: 4 });
    }
}
