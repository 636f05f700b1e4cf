//! A scenario file's text, kept while validating so byte spans become line and column numbers.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::error::{Location, ScenarioError};

/// The largest scenario file read: a scenario is a page of TOML, not data.
const MAX_SCENARIO_BYTES: u64 = 1 << 20;

/// The largest file a scenario names (a schema file, a down file) that is read.
pub(crate) const MAX_NAMED_FILE_BYTES: u64 = 64 << 20;

/// Where the files a scenario names may be: a scenario from a pull request must not read the
/// runner's files (`/proc/self/environ`, `~/.ssh`, `../../secrets`) into its reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Root {
    /// Inside the git work tree holding the scenario file, else inside the scenario's folder.
    #[default]
    Auto,
    /// Inside this folder (`--root`).
    At(PathBuf),
    /// Anywhere (`--allow-outside-root`).
    Anywhere,
}

/// Why `file` may not be read as a file of the project in `folder`: it resolves (through
/// symbolic links) outside it, or it is not a regular file of a readable size; `None` when it
/// may.
pub(crate) fn outside_of(folder: &Path, file: &Path) -> Option<String> {
    let resolved = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    if !resolved.starts_with(folder) {
        return Some(format!(
            "it is `{}`, outside the project root `{}` (expected a file of the project: a scenario may read only the project's files; `--allow-outside-root` lifts this, `--root` moves it)",
            resolved.display(),
            folder.display()
        ));
    }
    match std::fs::metadata(&resolved) {
        Ok(meta) if !meta.is_file() => Some(format!("it is {}, not a regular file", file_kind(&meta))),
        Ok(meta) if meta.len() > MAX_NAMED_FILE_BYTES => {
            Some(format!("it holds {} bytes (expected at most {MAX_NAMED_FILE_BYTES})", meta.len()))
        }
        _ => None,
    }
}

impl Root {
    /// The folder (resolved) the files of the scenario at `path` must be in; `None`: anywhere.
    pub(crate) fn folder_for(&self, path: &Path) -> Option<PathBuf> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).ok()?;
        match self {
            Root::Anywhere => None,
            Root::At(root) => Some(std::fs::canonicalize(root).unwrap_or_else(|_| root.clone())),
            Root::Auto => Some(dir.ancestors().find(|d| d.join(".git").exists()).unwrap_or(&dir).to_path_buf()),
        }
    }
}

/// `path` with `.` and `..` steps folded away without touching the disk (`a/../b` is `b`; a
/// `..` above a relative start is kept, one above the root dropped); `.` for nothing left.
pub(crate) fn fold(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
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

/// The text of one scenario file and where it lives.
pub struct SourceFile {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    line_starts: Vec<usize>,
    /// The folder every file it names must resolve into; `None`: anywhere.
    root: Option<PathBuf>,
}

/// What a path that is not a regular file is, for messages.
pub(crate) fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a regular file"
    }
}

impl SourceFile {
    /// A scenario's text, its paths not confined (for tests that build one in memory).
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { path: path.into(), text, line_starts, root: None }
    }

    /// Reads a scenario file, a regular file of at most 1 MiB, whose named files must be in
    /// `root`.
    pub(crate) fn read(path: &Path, root: &Root) -> Result<Self, ScenarioError> {
        let read_error = |source| ScenarioError::Read { path: path.to_path_buf(), source };
        let meta = std::fs::metadata(path).map_err(read_error)?;
        if !meta.is_file() {
            let kind = file_kind(&meta);
            return Err(read_error(std::io::Error::other(format!("it is {kind}, not a scenario file"))));
        }
        if meta.len() > MAX_SCENARIO_BYTES {
            return Err(read_error(std::io::Error::other(format!(
                "it holds {} bytes (expected a scenario of at most {MAX_SCENARIO_BYTES} bytes)",
                meta.len()
            ))));
        }
        let folder = root.folder_for(path);
        // A scenario file found in a folder may itself be a link out of the project.
        if let Some(outside) = folder.as_deref().and_then(|f| outside_of(f, path)) {
            return Err(read_error(std::io::Error::other(outside)));
        }
        let text = std::fs::read_to_string(path).map_err(read_error)?;
        let mut src = SourceFile::new(path, text);
        src.root = folder;
        Ok(src)
    }

    /// Checks that `path` (resolved from `written`, at `span`) is inside the scenario's root.
    pub(crate) fn confined(&self, span: Range<usize>, written: &str, path: &Path) -> Result<(), ScenarioError> {
        let Some(root) = &self.root else { return Ok(()) };
        let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if resolved.starts_with(root) {
            return Ok(());
        }
        Err(self.error(
            span,
            format!(
                "`{written}` is `{}`, outside the project root `{}` (expected a path inside it: a scenario may read only the project's files; `--allow-outside-root` lifts this, `--root` moves it)",
                resolved.display(),
                root.display()
            ),
        ))
    }

    /// Checks that `path`, named at `span` as `written`, is a regular file inside the root and
    /// small enough to read; `what` names it in messages (`schema file`).
    pub(crate) fn named_file(
        &self,
        span: Range<usize>,
        what: &str,
        written: &str,
        path: &Path,
    ) -> Result<(), ScenarioError> {
        let Ok(meta) = std::fs::metadata(path) else {
            return Err(self.error(span, format!("{what} `{written}` not found (looked for `{}`)", path.display())));
        };
        self.confined(span.clone(), written, path)?;
        if !meta.is_file() {
            return Err(self.error(span, format!("{what} `{written}` is {}, not a regular file", file_kind(&meta))));
        }
        if meta.len() > MAX_NAMED_FILE_BYTES {
            return Err(self.error(
                span,
                format!("{what} `{written}` holds {} bytes (expected at most {MAX_NAMED_FILE_BYTES})", meta.len()),
            ));
        }
        Ok(())
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
        fold(&self.dir().join(relative))
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
