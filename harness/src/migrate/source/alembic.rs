//! Alembic as a migration source. Its projects are read without running Alembic: `alembic.ini`
//! says where the revision files are (`script_location`, `version_locations`), and each
//! revision file says its `revision` and `down_revision`. That is enough to find the migration
//! under test, the revision before it (what "every earlier migration" upgrades to, and what the
//! down step goes back to), and to let `planproof validate` say when the revision is not there.
//! The commands are `alembic upgrade`/`downgrade` run with the project's Python; running them
//! is `process.rs`'s.

use std::path::{Path, PathBuf};

use super::registry::{Format, Source};
use super::tool::{Resolved, Step, Tool, ToolPlan};
use crate::migrate::error::MigrateError;
use crate::migrate::process::ToolCommand;
use crate::migrate::python::require_module;

/// Alembic, `tool = "alembic"` (it has no keys of its own).
#[derive(Debug)]
pub(crate) struct Alembic;

impl Source for Alembic {
    fn format(&self) -> Format {
        Format::Alembic
    }

    fn bookkeeping_tables(&self) -> &'static [&'static str] {
        &["alembic_version"]
    }

    fn concurrently_fix(&self) -> &'static str {
        "Alembic runs each migration in one; build the index inside `with op.get_context().autocommit_block():`"
    }
}

impl Tool for Alembic {
    fn source(&self) -> &'static dyn Source {
        &Alembic
    }

    fn resolve(&self, project: &Path, name: &str) -> Result<Resolved, MigrateError> {
        let r = find(project, name)?;
        Ok(Resolved { id: r.id, file: Some(r.file), previous: r.parents.into_iter().next() })
    }

    fn command(&self, plan: &ToolPlan, step: Step) -> Option<ToolCommand> {
        let alembic = |args: &[&str]| {
            let mut all = vec!["-m", "alembic"];
            all.extend(args);
            Some(plan.python_command(&all, format!("alembic {}", args.join(" "))))
        };
        let (id, base) = (plan.id.as_str(), plan.previous.as_deref().unwrap_or("base"));
        match step {
            Step::Earlier => alembic(&["upgrade", base]),
            Step::Up => alembic(&["upgrade", id]),
            Step::Sql => match &plan.previous {
                Some(p) => alembic(&["upgrade", &format!("{p}:{id}"), "--sql"]),
                None => alembic(&["upgrade", id, "--sql"]),
            },
            Step::Down => alembic(&["downgrade", base]),
        }
    }

    fn check(&self, python: &Path) -> Result<(), MigrateError> {
        require_module(python, "alembic", "alembic")
    }
}

/// One revision file.
#[derive(Debug, Clone, PartialEq)]
struct Revision {
    id: String,
    /// `down_revision`: the revisions it follows (none for the first, two or more for a merge).
    parents: Vec<String>,
    file: PathBuf,
}

/// Every revision of the project whose `alembic.ini` is in `project`.
fn revisions(project: &Path) -> Result<Vec<Revision>, MigrateError> {
    let mut found = Vec::new();
    for folder in version_folders(project)? {
        let entries =
            std::fs::read_dir(&folder).map_err(|source| MigrateError::ReadDir { path: folder.clone(), source })?;
        for entry in entries {
            let path = entry.map_err(|source| MigrateError::ReadDir { path: folder.clone(), source })?.path();
            if path.extension().is_none_or(|e| e != "py") || !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|source| MigrateError::ReadFile { path: path.clone(), source })?;
            // Helpers and `__init__.py` have no `revision`: Alembic skips them too.
            if let Some(id) = assignment(&text, "revision").and_then(|v| strings(&v).into_iter().next()) {
                let parents = assignment(&text, "down_revision").map(|v| strings(&v)).unwrap_or_default();
                found.push(Revision { id, parents, file: path });
            }
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(found)
}

/// The revision `name` designates: its id, or its file's name with or without `.py`.
fn find(project: &Path, name: &str) -> Result<Revision, MigrateError> {
    let all = revisions(project)?;
    let named = |r: &&Revision| {
        r.id == name || r.file.file_stem().is_some_and(|s| s == name) || r.file.file_name().is_some_and(|s| s == name)
    };
    let Some(revision) = all.iter().find(named) else {
        return Err(MigrateError::UnderTestNotFound {
            name: name.to_string(),
            dir: project.to_path_buf(),
            available: if all.is_empty() {
                "a revision file; none has a `revision = \"…\"` line".to_string()
            } else {
                all.iter().map(|r| format!("`{}`", r.id)).collect::<Vec<_>>().join(", ")
            },
        });
    };
    if revision.parents.len() > 1 {
        return Err(MigrateError::ToolLayout {
            path: revision.file.clone(),
            message: format!(
                "revision `{}` merges {} (expected a migration under test with one `down_revision`: test the revisions it merges)",
                revision.id,
                revision.parents.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" and ")
            ),
        });
    }
    Ok(revision.clone())
}

/// The folders Alembic reads revisions from: `version_locations`, else
/// `<script_location>/versions`, with `%(here)s` standing for the folder of `alembic.ini`.
fn version_folders(project: &Path) -> Result<Vec<PathBuf>, MigrateError> {
    let ini = project.join("alembic.ini");
    let text = std::fs::read_to_string(&ini).map_err(|source| MigrateError::ReadFile { path: ini.clone(), source })?;
    let section = ini_section(&text, "alembic");
    // `%(here)s` is absolute (Alembic makes it so); other relative paths are relative to the
    // folder Alembic runs in, which is the project folder.
    let here = std::path::absolute(project).unwrap_or_else(|_| project.to_path_buf());
    let value = |key: &str| {
        section.iter().find(|(k, _)| k == key).map(|(_, v)| v.replace("%(here)s", &here.display().to_string()))
    };
    let layout = |message: String| MigrateError::ToolLayout { path: ini.clone(), message };
    let folders: Vec<PathBuf> = if let Some(locations) = value("version_locations") {
        let os_separator = value("path_separator").is_some_and(|s| s == "os");
        locations
            .split(|c: char| c.is_whitespace() || c == ',' || (os_separator && c == ':'))
            .filter(|s| !s.is_empty())
            .map(|s| project.join(s))
            .collect()
    } else {
        let Some(script) = value("script_location") else {
            return Err(layout("no `script_location` in its `[alembic]` section (expected the folder of `env.py`, e.g. `script_location = %(here)s/alembic`)".into()));
        };
        vec![project.join(script).join("versions")]
    };
    // Shown relative to where planproof runs when the project folder is given that way.
    let folders: Vec<PathBuf> = folders
        .into_iter()
        .map(|f| f.strip_prefix(&here).map_or_else(|_| f.clone(), |rest| project.join(rest)))
        .collect();
    for folder in &folders {
        if !folder.is_dir() {
            return Err(layout(format!("the revisions folder `{}` does not exist (expected `script_location`/`version_locations` to name folders of revision files)", folder.display())));
        }
    }
    Ok(folders)
}

/// `(key, value)` pairs of one `[section]` of an INI file; continuation lines (indented) are
/// joined to their key's value, as Python's configparser does.
fn ini_section(text: &str, name: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == format!("[{name}]");
            continue;
        }
        if !inside || trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            if let Some((_, value)) = pairs.last_mut() {
                value.push(' ');
                value.push_str(trimmed);
            }
            continue;
        }
        if let Some((key, value)) = trimmed.split_once('=').or_else(|| trimmed.split_once(':')) {
            pairs.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    pairs
}

/// The value of a module-level `name = …` or `name: Type = …` in Python source (what
/// Alembic's template writes), up to a comment.
fn assignment(source: &str, name: &str) -> Option<String> {
    source.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        if !rest.starts_with([' ', ':', '=']) {
            return None;
        }
        let (_, value) = rest.split_once('=')?;
        Some(value.split(" #").next().unwrap_or(value).trim().to_string())
    })
}

/// The quoted strings of a Python value: `'a'`, `"a"`, `("a", "b")`, `None` (none).
fn strings(value: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let text: String = chars.by_ref().take_while(|&d| d != c).collect();
            found.push(text);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::tool::{sample_plan, shown};
    use super::*;

    #[test]
    fn alembic_goes_up_from_the_parent_revision_and_back_down_to_it() {
        let plan = sample_plan(Alembic, Some("0001"));
        assert_eq!(shown(&plan, Step::Earlier).unwrap(), "alembic upgrade 0001");
        assert_eq!(shown(&plan, Step::Up).unwrap(), "alembic upgrade 0025_idx");
        assert_eq!(shown(&plan, Step::Sql).unwrap(), "alembic upgrade 0001:0025_idx --sql");
        assert_eq!(shown(&plan, Step::Down).unwrap(), "alembic downgrade 0001");
        let first = sample_plan(Alembic, None);
        assert_eq!(shown(&first, Step::Down).unwrap(), "alembic downgrade base");
        assert_eq!(shown(&first, Step::Sql).unwrap(), "alembic upgrade 0025_idx --sql");
    }

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    const INI: &str = "[alembic]\nscript_location = %(here)s/alembic\n\n[loggers]\nkeys = root\n";

    #[test]
    fn revisions_and_their_parents_are_read_as_alembics_template_writes_them() {
        let dir = project(&[
            ("alembic.ini", INI),
            (
                "alembic/versions/001_initial.py",
                "revision: str = '001'\ndown_revision: Union[str, Sequence[str], None] = None\n",
            ),
            ("alembic/versions/002_idx.py", "revision = \"002\"  # the indexes\ndown_revision = \"001\"\n"),
            ("alembic/versions/003_merge.py", "revision = '003'\ndown_revision = ('002', 'x')\n"),
            ("alembic/versions/helpers.py", "def f(): pass\n"),
        ]);
        let all = revisions(dir.path()).unwrap();
        assert_eq!(
            all.iter().map(|r| (r.id.as_str(), r.parents.len())).collect::<Vec<_>>(),
            [("001", 0), ("002", 1), ("003", 2)]
        );
        for name in ["002", "002_idx", "002_idx.py"] {
            assert_eq!(find(dir.path(), name).unwrap().parents, ["001"]);
        }
        let err = find(dir.path(), "004").unwrap_err().to_string();
        assert!(err.contains("migration under test `004` not found") && err.contains("`001`, `002`, `003`"), "{err}");
        let err = find(dir.path(), "003").unwrap_err().to_string();
        assert!(err.contains("merges `002` and `x`"), "{err}");
    }

    #[test]
    fn version_locations_override_the_script_folder() {
        let dir = project(&[
            ("alembic.ini", "[alembic]\nscript_location = alembic\nversion_locations = %(here)s/a\n    %(here)s/b\n"),
            ("a/1.py", "revision = '1'\ndown_revision = None\n"),
            ("b/2.py", "revision = '2'\ndown_revision = '1'\n"),
        ]);
        assert_eq!(revisions(dir.path()).unwrap().len(), 2);
    }

    #[test]
    fn a_missing_versions_folder_or_script_location_is_named() {
        let dir = project(&[("alembic.ini", INI)]);
        assert!(find(dir.path(), "1").unwrap_err().to_string().contains("alembic/versions` does not exist"));
        let dir = project(&[("alembic.ini", "[alembic]\n")]);
        assert!(find(dir.path(), "1").unwrap_err().to_string().contains("no `script_location`"));
    }
}
