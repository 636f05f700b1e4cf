//! The changes stage: what a change (a pull request, a branch) touched, from git, and which
//! scenarios it affects (`--changed-since`, `planproof affected`). It reads the scenario model
//! and the migrations' plan, and raises `no-scenario` findings; it runs nothing.

mod affected;
mod git;

pub use affected::{select, Affected, Selection};
pub use git::{changed_since, ChangeSet, ChangedFile, GitError, Status};
