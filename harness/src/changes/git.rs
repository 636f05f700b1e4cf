//! What a change touched, read from git: the merge base of a ref with HEAD and the files that
//! differ between it and HEAD (what `git diff REF...HEAD` shows), with the errors a CI job
//! meets — not a repository, a ref a shallow clone does not have, no common history — said
//! with the command that fixes them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What `--changed-since` could not read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("could not run `git` ({source}); `--changed-since` needs git on PATH")]
    NoGit { source: std::io::Error },
    #[error("`{}` is not inside a git repository, so `--changed-since` has no history to compare with (run it in a clone, or name the scenarios to run instead)", dir.display())]
    NotARepository { dir: PathBuf },
    #[error("`{reference}` is not a commit of this repository{}", shallow_hint(*shallow, reference))]
    UnknownRef { reference: String, shallow: bool },
    #[error("`{reference}` and HEAD have no common ancestor{}", shallow_hint(*shallow, reference))]
    NoMergeBase { reference: String, shallow: bool },
    #[error("`git {args}` failed: {stderr}")]
    Failed { args: String, stderr: String },
}

fn shallow_hint(shallow: bool, reference: &str) -> String {
    if shallow {
        format!(
            " in this shallow clone: fetch more history (`git fetch --deepen=200 origin {reference}`, or `fetch-depth: 0` in actions/checkout, `GIT_DEPTH: 0` on GitLab)"
        )
    } else {
        String::new()
    }
}

/// How a file differs between the merge base and HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Added,
    Modified,
    Deleted,
}

/// A file the change touched, relative to the repository's root.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ChangedFile {
    pub path: String,
    pub status: Status,
}

/// The files a change touched.
#[derive(Debug, Clone)]
pub struct ChangeSet {
    /// The repository's root (absolute, as git prints it).
    pub root: PathBuf,
    /// The ref as given.
    pub reference: String,
    /// The merge base of the ref and HEAD the diff starts from.
    pub merge_base: String,
    pub files: Vec<ChangedFile>,
}

impl ChangeSet {
    /// The absolute path of a changed file.
    pub fn absolute(&self, file: &ChangedFile) -> PathBuf {
        self.root.join(&file.path)
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|source| GitError::NoGit { source })
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = git(dir, args)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(GitError::Failed { args: args.join(" "), stderr: String::from_utf8_lossy(&out.stderr).trim().to_string() })
    }
}

/// The files that differ between the merge base of `reference` and HEAD, and HEAD, in the
/// repository holding `dir`. Renames are a deletion and an addition, so both paths count.
pub fn changed_since(dir: &Path, reference: &str) -> Result<ChangeSet, GitError> {
    let root = match git(dir, &["rev-parse", "--show-toplevel"])? {
        out if out.status.success() => PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end()),
        _ => return Err(GitError::NotARepository { dir: dir.to_path_buf() }),
    };
    let shallow = || git_text(&root, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s == "true");
    let commit = format!("{reference}^{{commit}}");
    if !git(&root, &["rev-parse", "--verify", "--quiet", &commit])?.status.success() {
        return Err(GitError::UnknownRef { reference: reference.to_string(), shallow: shallow() });
    }
    let merge_base = match git(&root, &["merge-base", reference, "HEAD"])? {
        out if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => return Err(GitError::NoMergeBase { reference: reference.to_string(), shallow: shallow() }),
    };
    // -z: paths as they are, whatever characters they hold.
    let out = git_text(&root, &["diff", "--name-status", "--no-renames", "-z", &merge_base, "HEAD", "--"])?;
    let mut files = Vec::new();
    let mut fields = out.split('\0').filter(|f| !f.is_empty());
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        let status = match status.chars().next() {
            Some('A') => Status::Added,
            Some('D') => Status::Deleted,
            _ => Status::Modified,
        };
        files.push(ChangedFile { path: path.to_string(), status });
    }
    Ok(ChangeSet { root, reference: reference.to_string(), merge_base, files })
}
