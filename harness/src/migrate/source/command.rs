//! Any other migration tool, run through the scenario's shell commands: `up-command` (to the
//! migration under test, and to `previous` for every migration before it), `down-command`
//! (back to `previous`) and `sql-command` (the SQL of the migration under test), `{target}`
//! replaced by the migration to go to. planproof knows nothing of the tool's files: the
//! migration under test is whatever `under-test` names. Running the commands is `process.rs`'s.

use std::path::Path;

use super::registry::{Format, Source};
use super::tool::{Resolved, Step, Tool, ToolPlan};
use crate::migrate::error::MigrateError;
use crate::migrate::process::ToolCommand;
use crate::scenario::TARGET;

/// A tool run by shell commands, whatever they are.
#[derive(Debug)]
pub(crate) struct Command;

impl Source for Command {
    fn format(&self) -> Format {
        Format::Command
    }

    fn concurrently_fix(&self) -> &'static str {
        "run it on its own, with the tool's no-transaction option"
    }
}

/// The commands of `tool = "command"`.
#[derive(Debug)]
pub(crate) struct Commands {
    pub up: String,
    pub down: Option<String>,
    pub sql: Option<String>,
    /// The target that stands for "every migration before the one under test".
    pub previous: Option<String>,
}

impl Tool for Commands {
    fn source(&self) -> &'static dyn Source {
        &Command
    }

    fn resolve(&self, _project: &Path, name: &str) -> Result<Resolved, MigrateError> {
        Ok(Resolved { id: name.to_string(), file: None, previous: self.previous.clone() })
    }

    fn command(&self, plan: &ToolPlan, step: Step) -> Option<ToolCommand> {
        let previous = plan.previous.as_deref().unwrap_or_default();
        let (line, target) = match step {
            Step::Earlier => (Some(&self.up), previous),
            Step::Up => (Some(&self.up), plan.id.as_str()),
            Step::Sql => (self.sql.as_ref(), plan.id.as_str()),
            Step::Down => (self.down.as_ref(), previous),
        };
        // The target goes into a shell line: quoted, so a name with spaces or `;` stays one
        // argument.
        line.map(|l| plan.shell_command(&l.replace(TARGET, &shell_words::quote(target))))
    }

    // A shell command that is not installed exits 127, which its failure explains: nothing to
    // check before it runs.

    fn down_convention(&self) -> String {
        "`down-command` in [database]".into()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tool::{sample_plan, shown};
    use super::*;

    #[test]
    fn a_command_gets_its_target_and_may_have_no_down_or_sql() {
        let goose = Commands {
            up: "goose up-to {target}".into(),
            down: Some("goose down-to {target}".into()),
            sql: None,
            previous: Some("20240101".into()),
        };
        let plan = sample_plan(goose, Some("20240101"));
        assert_eq!(shown(&plan, Step::Earlier).unwrap(), "goose up-to 20240101");
        assert_eq!(shown(&plan, Step::Up).unwrap(), "goose up-to 0025_idx");
        assert_eq!(shown(&plan, Step::Down).unwrap(), "goose down-to 20240101");
        assert_eq!(shown(&plan, Step::Sql), None);
        let bare = sample_plan(Commands { up: "make migrate".into(), down: None, sql: None, previous: None }, None);
        assert_eq!(shown(&bare, Step::Down), None);
    }

    #[test]
    fn a_target_with_spaces_or_semicolons_stays_one_argument() {
        let plan = sample_plan(Commands { up: "tool up {target}".into(), down: None, sql: None, previous: None }, None);
        let mut named = plan.clone();
        named.id = "a b; rm -rf x".into();
        assert_eq!(shown(&named, Step::Up).unwrap(), "tool up 'a b; rm -rf x'");
    }

    #[test]
    fn the_migration_under_test_is_what_under_test_names() {
        let commands = Commands { up: "x".into(), down: None, sql: None, previous: Some("1".into()) };
        let found = commands.resolve(Path::new("p"), "2").unwrap();
        assert_eq!(found, Resolved { id: "2".into(), file: None, previous: Some("1".into()) });
    }
}
