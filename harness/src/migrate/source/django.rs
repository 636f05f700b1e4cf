//! Django as a migration source. Its projects are read without running Django: the app's
//! `migrations` folder lists its migrations by name, which is how `manage.py migrate <app>
//! <name>` addresses them. The migration before the one under test (in name order, as Django
//! numbers them) is what "every earlier migration" migrates to and what the down step goes back
//! to; `zero` when the one under test is the app's first. The commands are `manage.py` run with
//! the project's Python; running them is `process.rs`'s.

use std::path::{Path, PathBuf};

use super::registry::{Format, Source};
use super::tool::{Resolved, Step, Tool, ToolPlan};
use crate::migrate::error::MigrateError;
use crate::migrate::process::ToolCommand;
use crate::migrate::python::require_module;

/// Django, whatever the app.
#[derive(Debug)]
pub(crate) struct Django;

impl Source for Django {
    fn format(&self) -> Format {
        Format::Django
    }

    fn bookkeeping_tables(&self) -> &'static [&'static str] {
        &["django_migrations"]
    }

    fn concurrently_fix(&self) -> &'static str {
        "Django runs a migration in one unless the migration class says `atomic = False`"
    }
}

/// Django migrating one app: `tool = "django"` with `app`.
#[derive(Debug)]
pub(crate) struct DjangoApp {
    pub app: String,
}

impl Tool for DjangoApp {
    fn source(&self) -> &'static dyn Source {
        &Django
    }

    fn resolve(&self, project: &Path, name: &str) -> Result<Resolved, MigrateError> {
        let m = find(project, &self.app, name)?;
        Ok(Resolved { id: m.name, file: Some(m.file), previous: Some(m.previous).filter(|p| p != "zero") })
    }

    fn command(&self, plan: &ToolPlan, step: Step) -> Option<ToolCommand> {
        let manage = |args: &[&str]| {
            let mut all = vec!["manage.py"];
            all.extend(args);
            Some(plan.python_command(&all, format!("python manage.py {}", args.join(" "))))
        };
        let (app, id, before) = (self.app.as_str(), plan.id.as_str(), plan.previous.as_deref().unwrap_or("zero"));
        match step {
            Step::Earlier => manage(&["migrate", app, before, "--noinput"]),
            Step::Up => manage(&["migrate", app, id, "--noinput"]),
            Step::Sql => manage(&["sqlmigrate", app, id]),
            Step::Down => manage(&["migrate", app, before, "--noinput"]),
        }
    }

    fn check(&self, python: &Path) -> Result<(), MigrateError> {
        require_module(python, "django", "django")
    }
}

/// A migration of a Django app.
#[derive(Debug, Clone, PartialEq)]
struct DjangoMigration {
    /// The full name (`0025_add_missing_indexes_phase6`).
    name: String,
    file: PathBuf,
    /// The migration before it, or `zero`.
    previous: String,
}

/// How deep under the project folder an app's folder is looked for (`src/apps/upstream`).
const SEARCH_DEPTH: usize = 3;

/// The `migrations` folder of app `app`: `<project>/<app>/migrations`, else the first
/// `<app>/migrations` holding `__init__.py` found under the project (outside hidden folders and
/// virtual environments).
fn migrations_folder(project: &Path, app: &str) -> Result<PathBuf, MigrateError> {
    let direct = project.join(app).join("migrations");
    if direct.is_dir() {
        return Ok(direct);
    }
    let mut level = vec![project.to_path_buf()];
    for _ in 0..SEARCH_DEPTH {
        let mut next = Vec::new();
        for dir in &level {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut subdirs: Vec<PathBuf> =
                entries.filter_map(std::result::Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
            subdirs.sort();
            for sub in subdirs {
                let name = sub.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if name.starts_with('.')
                    || matches!(name, "venv" | "node_modules" | "__pycache__")
                    || sub.join("pyvenv.cfg").is_file()
                {
                    continue;
                }
                if name == app && sub.join("migrations/__init__.py").is_file() {
                    return Ok(sub.join("migrations"));
                }
                next.push(sub);
            }
        }
        level = next;
    }
    Err(MigrateError::ToolLayout {
        path: project.to_path_buf(),
        message: format!("no migrations folder for app `{app}` (expected `{app}/migrations/` in the project, as `manage.py makemigrations {app}` makes it)"),
    })
}

/// The migration `name` designates in app `app`: its full name, or a prefix only it has
/// (`0025`), as `manage.py migrate` accepts.
fn find(project: &Path, app: &str, name: &str) -> Result<DjangoMigration, MigrateError> {
    let folder = migrations_folder(project, app)?;
    let entries =
        std::fs::read_dir(&folder).map_err(|source| MigrateError::ReadDir { path: folder.clone(), source })?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let path = entry.map_err(|source| MigrateError::ReadDir { path: folder.clone(), source })?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "py") && stem != "__init__" {
            names.push(stem.to_string());
        }
    }
    names.sort();
    let exact = names.iter().position(|n| n == name);
    let prefixed: Vec<usize> = (0..names.len()).filter(|&i| names[i].starts_with(name)).collect();
    let index = match (exact, prefixed.as_slice()) {
        (Some(i), _) => i,
        (None, [i]) => *i,
        _ => {
            return Err(MigrateError::UnderTestNotFound {
                name: name.to_string(),
                dir: folder.clone(),
                available: if names.is_empty() {
                    "a migration file; the folder has none".to_string()
                } else {
                    format!(
                        "one of {} (a unique prefix will do)",
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    )
                },
            });
        }
    };
    Ok(DjangoMigration {
        name: names[index].clone(),
        file: folder.join(format!("{}.py", names[index])),
        previous: index.checked_sub(1).map_or_else(|| "zero".to_string(), |i| names[i].clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tool::{sample_plan, shown};
    use super::*;

    #[test]
    fn django_migrates_the_app_to_the_migration_before_and_to_zero() {
        let upstream = || DjangoApp { app: "upstream".into() };
        let plan = sample_plan(upstream(), Some("0024_x"));
        assert_eq!(shown(&plan, Step::Earlier).unwrap(), "python manage.py migrate upstream 0024_x --noinput");
        assert_eq!(shown(&plan, Step::Up).unwrap(), "python manage.py migrate upstream 0025_idx --noinput");
        assert_eq!(shown(&plan, Step::Sql).unwrap(), "python manage.py sqlmigrate upstream 0025_idx");
        assert_eq!(shown(&plan, Step::Down).unwrap(), "python manage.py migrate upstream 0024_x --noinput");
        let first = sample_plan(upstream(), None);
        assert_eq!(shown(&first, Step::Down).unwrap(), "python manage.py migrate upstream zero --noinput");
    }

    fn project(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for path in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        dir
    }

    #[test]
    fn migrations_are_found_by_name_or_unique_prefix_with_the_one_before() {
        let dir = project(&[
            "upstream/migrations/__init__.py",
            "upstream/migrations/0001_initial.py",
            "upstream/migrations/0025_add_idx.py",
            "upstream/migrations/0026_more.py",
        ]);
        let m = find(dir.path(), "upstream", "0025").unwrap();
        assert_eq!((m.name.as_str(), m.previous.as_str()), ("0025_add_idx", "0001_initial"));
        assert_eq!(find(dir.path(), "upstream", "0001_initial").unwrap().previous, "zero");
        let err = find(dir.path(), "upstream", "00").unwrap_err().to_string();
        assert!(err.contains("`0001_initial`, `0025_add_idx`, `0026_more` (a unique prefix will do)"), "{err}");
    }

    #[test]
    fn an_app_deeper_in_the_project_is_found_and_a_missing_one_is_named() {
        let dir = project(&[
            "src/apps/upstream/migrations/__init__.py",
            "src/apps/upstream/migrations/0001_initial.py",
            ".venv/x/upstream/migrations/__init__.py",
        ]);
        assert_eq!(find(dir.path(), "upstream", "0001").unwrap().name, "0001_initial");
        let err = find(dir.path(), "alerts", "0001").unwrap_err().to_string();
        assert!(err.contains("no migrations folder for app `alerts`"), "{err}");
    }
}
