//! Which Python runs a project's Alembic or Django: the one the user names, else the one their
//! project uses, else the one planproof's own set-up installs the tools in (`make deps`), else
//! `python3` on `PATH`. Whether it has the tool is asked of it before the first migration runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::MigrateError;

/// The environment variable naming the Python interpreter to run migration tools with.
pub(crate) const PYTHON_ENV: &str = "PLANPROOF_PYTHON";

/// The environment variable naming the virtual environment `install-python-tools.sh` makes.
pub(crate) const VENV_ENV: &str = "PLANPROOF_VENV";

/// Where `harness/scripts/install-python-tools.sh` puts its virtual environment, as seen from
/// the crate that was built (the binary of a workspace checkout finds it; an installed one
/// falls back to `PATH`).
const BUILT_VENV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/planproof-venv");

/// The interpreter for the project in `project`, in this order: `PLANPROOF_PYTHON`; the active
/// virtual environment (`VIRTUAL_ENV`); the project's own `.venv` or `venv`; planproof's
/// environment (`PLANPROOF_VENV`, else `target/planproof-venv` of the workspace planproof was
/// built from); `python3` on `PATH`.
pub(crate) fn find_python(project: &Path) -> PathBuf {
    let env_path = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(python) = env_path(PYTHON_ENV) {
        return python;
    }
    let in_venv = |venv: PathBuf| Some(venv.join("bin/python")).filter(|p| p.is_file());
    let candidates = [
        env_path("VIRTUAL_ENV"),
        Some(project.join(".venv")),
        Some(project.join("venv")),
        Some(env_path(VENV_ENV).unwrap_or_else(|| PathBuf::from(BUILT_VENV))),
    ];
    candidates.into_iter().flatten().find_map(in_venv).unwrap_or_else(|| PathBuf::from("python3"))
}

/// Fails with a message saying how to install `module` when `python` cannot import it.
pub(super) fn require_module(python: &Path, module: &str, tool: &str) -> Result<(), MigrateError> {
    let missing = |reason: String| MigrateError::ToolMissing {
        tool: tool.to_string(),
        python: python.display().to_string(),
        reason,
    };
    let output = Command::new(python)
        .args(["-c", &format!("import {module}")])
        .output()
        .map_err(|e| missing(format!("cannot start it ({e})")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("it failed");
    Err(missing(last.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_python_that_does_not_exist_says_how_to_install_the_tools() {
        let err = require_module(Path::new("/nonexistent/bin/python"), "alembic", "alembic").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("`alembic` cannot run with `/nonexistent/bin/python`: cannot start it"), "{text}");
        assert!(text.contains("`make deps`") && text.contains("PLANPROOF_PYTHON"), "{text}");
    }

    #[test]
    fn a_module_that_is_not_installed_is_named() {
        // python3 is installed by `make deps` (install-python-tools.sh) with the tools.
        let python = find_python(Path::new("/nonexistent"));
        let err = require_module(&python, "planproof_no_such_module", "alembic").unwrap_err();
        assert!(err.to_string().contains("No module named 'planproof_no_such_module'"), "{err}");
    }
}
