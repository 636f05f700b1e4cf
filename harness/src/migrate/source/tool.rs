//! What a migration tool is to planproof: the [`Tool`] trait that every tool running a
//! project's own migrations implements (Alembic, Django, a command), configured by the
//! scenario's keys, and the [`ToolPlan`] it resolves to: the migration under test as the tool
//! names it, the one before it, and the commands of each [`Step`]. Which tools there are is the
//! registry's; running a command is `process.rs`'s; the order of the steps is `plan.rs`'s.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::registry::{Format, Source};
use crate::migrate::error::MigrateError;
use crate::migrate::process::ToolCommand;

/// The steps a tool is asked to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Every migration before the one under test.
    Earlier,
    /// The migration under test.
    Up,
    /// Print the SQL of the migration under test.
    Sql,
    /// The migration under test, down again.
    Down,
}

/// The migration under test as a tool found it in its project, without running it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resolved {
    /// As the tool names it (revision id, full Django name, target).
    pub id: String,
    /// Its file, when the tool keeps one planproof can find.
    pub file: Option<PathBuf>,
    /// What "every migration before it" is to the tool; `None` when it is the first.
    pub previous: Option<String>,
}

/// A tool that runs a project's migrations, configured by the scenario's keys.
pub(crate) trait Tool: Debug + Send + Sync {
    /// What planproof knows of this tool whatever the scenario configures.
    fn source(&self) -> &'static dyn Source;

    /// Finds the migration `name` (the scenario's `under-test`) in `project`, and the one before
    /// it. Reads files; runs nothing.
    fn resolve(&self, project: &Path, name: &str) -> Result<Resolved, MigrateError>;

    /// The command for `step` of `plan`, `None` when the tool has none for it.
    fn command(&self, plan: &ToolPlan, step: Step) -> Option<ToolCommand>;

    /// Checks that the tool can start with `python` (its Python has the module), before any
    /// work is done.
    fn check(&self, _python: &Path) -> Result<(), MigrateError> {
        Ok(())
    }

    /// Where the tool keeps a down step, for "no down step" messages.
    fn down_convention(&self) -> String {
        "the tool's down step".to_string()
    }
}

/// Migrations run by the project's tool.
#[derive(Debug, Clone)]
pub struct ToolPlan {
    pub(crate) tool: Arc<dyn Tool>,
    /// The project folder: the tools' working directory.
    pub project: PathBuf,
    /// The migration under test as the tool names it (revision id, full Django name, target).
    pub id: String,
    /// Its file, when the tool keeps one planproof can find (Alembic, Django).
    pub file: Option<PathBuf>,
    /// What "every migration before it" is to the tool: the parent revision, the Django
    /// migration before it, the scenario's `previous`; `None` when it is the first.
    pub previous: Option<String>,
    /// The interpreter for Alembic and Django, and first on `PATH` for commands.
    pub python: PathBuf,
    /// How long one command may run before it is killed.
    pub timeout: Duration,
    /// When the scenario's time limit passes: a command still running then is killed, whatever
    /// its own `timeout`.
    pub deadline: Option<std::time::Instant>,
}

impl ToolPlan {
    pub fn format(&self) -> Format {
        self.tool.source().format()
    }

    /// The command that applies the migration under test, as a user would type it.
    pub fn up_command(&self) -> String {
        self.command(Step::Up).map(|c| c.shown).unwrap_or_default()
    }

    /// The command for `step`, `None` when the tool has none for it (a command tool without
    /// `down-command` or `sql-command`).
    pub(crate) fn command(&self, step: Step) -> Option<ToolCommand> {
        self.tool.command(self, step)
    }

    /// `python args…` in the project folder, shown as `shown`.
    pub(crate) fn python_command(&self, args: &[&str], shown: String) -> ToolCommand {
        ToolCommand::python(&self.python, args, shown, &self.project)
            .with_timeout(self.timeout)
            .with_deadline(self.deadline)
    }

    /// A shell command line in the project folder, the Python's folder first on `PATH`.
    pub(crate) fn shell_command(&self, line: &str) -> ToolCommand {
        ToolCommand::shell(line, &self.project, &self.python).with_timeout(self.timeout).with_deadline(self.deadline)
    }
}

/// A plan of `tool` for the migration `0025_idx` after `previous`, for the tools' tests.
#[cfg(test)]
pub(crate) fn sample_plan(tool: impl Tool + 'static, previous: Option<&str>) -> ToolPlan {
    ToolPlan {
        tool: Arc::new(tool),
        project: "p".into(),
        id: "0025_idx".into(),
        file: None,
        previous: previous.map(str::to_string),
        python: "/venv/bin/python".into(),
        timeout: Duration::from_secs(600),
        deadline: None,
    }
}

/// How `plan` shows the command of `step`, for the tools' tests.
#[cfg(test)]
pub(crate) fn shown(plan: &ToolPlan, step: Step) -> Option<String> {
    plan.command(step).map(|c| c.shown)
}
