//! Which scenarios a change affects: a scenario is affected when a file it reads changed — its
//! own file, its schema files, its migrations folder (or its tool's project), its down file.
//! A migration the change adds or edits that is no scenario's migration under test is a
//! `no-scenario` finding.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::git::{ChangeSet, ChangedFile, Status};
use crate::check::{self, Finding};
use crate::migrate::MigrationPlan;
use crate::scenario::Scenario;

/// What a change selects, as `planproof affected` prints it and `results.json` records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Selection {
    /// The ref `--changed-since` named.
    pub reference: String,
    /// The merge base of that ref and HEAD the change is measured from.
    pub merge_base: String,
    /// Every file the change touched, relative to the repository.
    pub changed: Vec<ChangedFile>,
    /// The scenarios the change affects, in the order they were given.
    pub affected: Vec<Affected>,
    /// The scenarios it does not affect.
    pub unaffected: Vec<String>,
    /// `no-scenario` findings: changed migrations no scenario has under test.
    pub findings: Vec<Finding>,
}

/// A scenario the change affects, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Affected {
    pub file: String,
    /// The changed files it reads, relative to the repository.
    pub because: Vec<String>,
}

impl Selection {
    /// Whether `scenario` is among the affected ones.
    pub fn selects(&self, scenario: &Scenario) -> bool {
        let file = scenario.path.display().to_string();
        self.affected.iter().any(|a| a.file == file)
    }
}

/// The files and folders a scenario reads, absolute.
#[derive(Debug, Default)]
struct Inputs {
    files: BTreeSet<PathBuf>,
    folders: BTreeSet<PathBuf>,
}

impl Inputs {
    fn of(scenario: &Scenario) -> Inputs {
        let mut inputs = Inputs::default();
        inputs.files.insert(absolute(&scenario.path));
        inputs.files.extend(scenario.database.schema.iter().map(|p| absolute(p)));
        inputs.files.extend(scenario.migration.reversible.iter().filter_map(|r| r.down.as_deref()).map(absolute));
        inputs.folders.insert(absolute(&scenario.database.migrations));
        inputs
    }

    fn reads(&self, path: &Path) -> bool {
        self.files.contains(path) || self.folders.iter().any(|folder| path.starts_with(folder))
    }
}

/// `path` made absolute and, where it exists, with its symbolic links resolved, so that the
/// scenario's paths and git's compare.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).or_else(|_| std::path::absolute(path)).unwrap_or_else(|_| path.to_path_buf())
}

/// A changed file's absolute path: its folder's resolved, the file itself may be gone.
fn changed_path(changes: &ChangeSet, file: &ChangedFile) -> PathBuf {
    let path = changes.absolute(file);
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => path,
    }
}

/// The scenarios of `scenarios` that `changes` affects, and the changed migrations none has
/// under test.
pub fn select(scenarios: &[Scenario], changes: &ChangeSet) -> Selection {
    let changed: Vec<(PathBuf, &ChangedFile)> = changes.files.iter().map(|f| (changed_path(changes, f), f)).collect();
    let mut affected = Vec::new();
    let mut unaffected = Vec::new();
    let mut under_test = BTreeSet::new();
    let mut migrations = BTreeSet::new();
    for scenario in scenarios {
        let inputs = Inputs::of(scenario);
        let because: Vec<String> =
            changed.iter().filter(|(path, _)| inputs.reads(path)).map(|(_, f)| f.path.clone()).collect();
        let file = scenario.path.display().to_string();
        if because.is_empty() {
            unaffected.push(file);
        } else {
            affected.push(Affected { file, because });
        }
        if let Ok(plan) = MigrationPlan::resolve(&scenario.database) {
            under_test.extend(plan.under_test_files().into_iter().map(absolute));
            migrations.extend(plan.migration_files().into_iter().map(absolute));
        }
    }
    let findings = changed
        .iter()
        .filter(|(_, f)| f.status != Status::Deleted)
        .filter(|(path, _)| !under_test.contains(path))
        .filter(|(path, f)| migrations.contains(path) || looks_like_a_migration(Path::new(&f.path)))
        .map(|(_, f)| check::no_scenario(&f.path, f.status == Status::Added))
        .collect();
    Selection {
        reference: changes.reference.clone(),
        merge_base: changes.merge_base.clone(),
        changed: changes.files.clone(),
        affected,
        unaffected,
        findings,
    }
}

/// A file no scenario's folder lists that still reads as a migration: a `.sql` or `.py` file
/// (not a package's `__init__.py`) under a folder named `migrations`, `migrate` or `versions`
/// (Diesel, sqlx, Rails-style, Django, Alembic).
fn looks_like_a_migration(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str());
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let in_folder = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .any(|c| matches!(c.as_os_str().to_str(), Some("migrations" | "migrate" | "versions")));
    in_folder && matches!(ext, Some("sql" | "py")) && !name.starts_with("__")
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case::diesel("db/migrations/2024_x/up.sql", true)]
    #[case::django("app/alerts/migrations/0026_idx.py", true)]
    #[case::django_package("app/alerts/migrations/__init__.py", false)]
    #[case::alembic("auth/alembic/versions/005_x.py", true)]
    #[case::docs("docs/migrations.md", false)]
    #[case::readme_in_migrations("db/migrations/README.md", false)]
    #[case::code("src/migrate.rs", false)]
    fn what_reads_as_a_migration(#[case] path: &str, #[case] expected: bool) {
        assert_eq!(looks_like_a_migration(Path::new(path)), expected, "{path}");
    }
}
