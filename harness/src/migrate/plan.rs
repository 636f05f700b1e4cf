//! The migrations of a scenario as one plan, whoever runs them: planproof itself for SQL files
//! (Diesel, sqlx, Flyway, plain), or the project's own tool (Alembic, Django, any command).
//! The pipeline asks the plan for four things, in this order, and does not care which:
//!
//! 1. [`MigrationPlan::run_earlier`]: every migration before the one under test (untimed);
//! 2. [`MigrationPlan::up_sql`]: the SQL the migration under test will run, for the hazard
//!    inspection (`migrate::inspect`); tools are asked for it (`alembic upgrade A:B --sql`,
//!    `manage.py sqlmigrate`, the scenario's `sql-command`);
//! 3. [`MigrationPlan::apply`]: the migration under test, timed;
//! 4. [`MigrationPlan::revert`]: the migration under test, down again (its `down.sql`, or
//!    `alembic downgrade <previous>`, `manage.py migrate <app> <previous>`, `down-command`),
//!    timed, for reversibility checks.
//!
//! [`MigrationPlan::resolve`] reads everything that can be read without a database or running a
//! tool, so `planproof validate` reports a migration under test that is not there.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::alembic;
use super::apply::run_file;
use super::django;
use super::error::MigrateError;
use super::process::{ToolCommand, ToolRun};
use super::python::{find_python, require_module};
use super::source::{discover, split_at_under_test, Format, Migration};
use super::transaction_mode;
use crate::db::ScratchDb;
use crate::scenario::{DatabaseSpec, ToolSpec, TransactionMode, TARGET};

/// The `application_name` of the session that runs the migration under test (set by planproof
/// for SQL files, through `PGAPPNAME` for tools), by which the workload's lock monitor tells
/// the migration from other sessions.
pub const MIGRATION_APP_NAME: &str = "planproof-migration";

/// A scenario's migrations, resolved.
#[derive(Debug, Clone)]
pub enum MigrationPlan {
    /// SQL files planproof runs itself.
    Files {
        earlier: Vec<Migration>,
        under_test: Migration,
        /// The scenario's `transaction` override.
        transaction: Option<TransactionMode>,
    },
    /// Migrations the project's tool runs.
    Tool(ToolPlan),
}

/// Migrations run by the project's tool.
#[derive(Debug, Clone)]
pub struct ToolPlan {
    pub tool: ToolSpec,
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
}

/// What running a migration did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub duration: Duration,
    /// The tool's run, for a tool; `None` for a SQL file.
    pub tool: Option<ToolRun>,
}

/// An earlier migration that failed.
#[derive(Debug)]
pub struct EarlierFailure {
    pub id: String,
    pub source: MigrateError,
}

/// The steps a tool is asked to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Earlier,
    Up,
    Sql,
    Down,
}

impl MigrationPlan {
    /// Reads the migrations folder (SQL files) or the tool's project (revision files, Django
    /// migrations) and finds the migration under test. Runs nothing.
    pub fn resolve(spec: &DatabaseSpec) -> Result<Self, MigrateError> {
        let project = spec.migrations.clone();
        let Some(tool) = &spec.tool else {
            let all = discover(&spec.migrations)?;
            let (earlier, under_test) = split_at_under_test(all, &spec.under_test, &spec.migrations)?;
            return Ok(MigrationPlan::Files { earlier, under_test, transaction: spec.transaction });
        };
        let (id, file, previous) = match tool {
            ToolSpec::Alembic => {
                let r = alembic::find(&project, &spec.under_test)?;
                (r.id, Some(r.file), r.parents.into_iter().next())
            }
            ToolSpec::Django { app } => {
                let m = django::find(&project, app, &spec.under_test)?;
                let previous = Some(m.previous).filter(|p| p != "zero");
                (m.name, Some(m.file), previous)
            }
            ToolSpec::Command { previous, .. } => (spec.under_test.clone(), None, previous.clone()),
        };
        // Absolute (symbolic links kept: a virtual environment's `python` is one), since the
        // tool runs in the project folder.
        let python = find_python(&project);
        let python =
            if python.components().count() > 1 { std::path::absolute(&python).unwrap_or(python) } else { python };
        Ok(MigrationPlan::Tool(ToolPlan {
            tool: tool.clone(),
            project,
            id,
            file,
            previous,
            python,
            timeout: spec.tool_timeout,
        }))
    }

    /// The tool that runs the migrations, `None` for SQL files.
    pub fn tool(&self) -> Option<&ToolPlan> {
        match self {
            MigrationPlan::Tool(t) => Some(t),
            MigrationPlan::Files { .. } => None,
        }
    }

    /// The migration under test's id.
    pub fn id(&self) -> &str {
        match self {
            MigrationPlan::Files { under_test, .. } => &under_test.id,
            MigrationPlan::Tool(t) => &t.id,
        }
    }

    /// The file of the migration under test (its up file), when there is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            MigrationPlan::Files { under_test, .. } => Some(&under_test.up),
            MigrationPlan::Tool(t) => t.file.as_deref(),
        }
    }

    pub fn format(&self) -> Format {
        match self {
            MigrationPlan::Files { under_test, .. } => under_test.format,
            MigrationPlan::Tool(t) => match t.tool {
                ToolSpec::Alembic => Format::Alembic,
                ToolSpec::Django { .. } => Format::Django,
                ToolSpec::Command { .. } => Format::Command,
            },
        }
    }

    /// How the migration under test runs: the scenario's override or its tool's convention for
    /// files, [`TransactionMode::Tool`] for a tool.
    pub fn transaction(&self) -> TransactionMode {
        match self {
            MigrationPlan::Files { under_test, transaction, .. } => transaction_mode(under_test, *transaction),
            MigrationPlan::Tool(_) => TransactionMode::Tool,
        }
    }

    /// The SQL files that run before the migration under test (to read the tables they create
    /// without a database); `None` when a tool runs them.
    pub fn earlier_sql_files(&self) -> Option<Vec<&Path>> {
        match self {
            MigrationPlan::Files { earlier, .. } => Some(earlier.iter().map(|m| m.up.as_path()).collect()),
            MigrationPlan::Tool(_) => None,
        }
    }

    /// Checks that the tool can start (its Python has the module), before any work is done.
    pub fn check_tool(&self) -> Result<(), MigrateError> {
        match self {
            MigrationPlan::Tool(t) => match &t.tool {
                ToolSpec::Alembic => require_module(&t.python, "alembic", "alembic"),
                ToolSpec::Django { .. } => require_module(&t.python, "django", "django"),
                // A shell command that is not installed exits 127, which its failure explains.
                ToolSpec::Command { .. } => Ok(()),
            },
            MigrationPlan::Files { .. } => Ok(()),
        }
    }

    /// Runs every migration before the one under test, each the way its tool would.
    pub fn run_earlier(&self, db: &ScratchDb, progress: &dyn Fn(&str)) -> Result<(), EarlierFailure> {
        match self {
            MigrationPlan::Files { earlier, transaction, .. } => {
                let fail = |id: &str, source: MigrateError| EarlierFailure { id: id.to_string(), source };
                let mut client = db.connect().map_err(|e| fail("(connecting)", e.into()))?;
                for m in earlier {
                    progress(&format!("earlier migration {}", m.id));
                    run_file(&mut client, &m.up, transaction_mode(m, *transaction)).map_err(|e| fail(&m.id, e))?;
                }
                Ok(())
            }
            MigrationPlan::Tool(t) => {
                let Some(previous) = &t.previous else { return Ok(()) };
                let fail = |source| EarlierFailure { id: previous.clone(), source };
                let command = t.command(Step::Earlier).map_err(fail)?.expect("a tool always migrates up to `previous`");
                progress(&format!("earlier migrations: {}", command.shown));
                let run = command.run(&db.client_env()).map_err(fail)?;
                progress(&run.output());
                Ok(())
            }
        }
    }

    /// The SQL the migration under test runs: its up file, or what its tool prints for it.
    /// `Ok(None)` when a command tool has no `sql-command`.
    pub fn up_sql(&self, db: &ScratchDb) -> Result<Option<String>, MigrateError> {
        match self {
            MigrationPlan::Files { under_test, .. } => std::fs::read_to_string(&under_test.up)
                .map(Some)
                .map_err(|source| MigrateError::ReadFile { path: under_test.up.clone(), source }),
            MigrationPlan::Tool(t) => match t.command(Step::Sql)? {
                None => Ok(None),
                Some(command) => Ok(Some(command.run(&db.client_env())?.stdout)),
            },
        }
    }

    /// Applies the migration under test and times it. A file runs on a connection of its own,
    /// so nothing a session set (EXPLAIN's pinned settings) changes how it runs.
    pub fn apply(&self, db: &ScratchDb) -> Result<Applied, MigrateError> {
        self.run(db, Step::Up)
    }

    /// Runs the migration under test down, and times it: the Diesel/sqlx/Flyway down file in
    /// the same transaction mode as its up file, or the tool's down step. A migration without
    /// one is [`MigrateError::NoDown`].
    pub fn revert(&self, db: &ScratchDb) -> Result<Applied, MigrateError> {
        self.run(db, Step::Down)
    }

    /// The tables the migration tool keeps its own record in. Its down step rightly keeps
    /// them (the first up creates them), so reversibility leaves them out.
    pub fn bookkeeping_tables(&self) -> &'static [&'static str] {
        match self.format() {
            Format::Alembic => &["alembic_version"],
            Format::Django => &["django_migrations"],
            _ => &[],
        }
    }

    /// The down file of the migration under test, when planproof runs SQL files and it has one.
    pub fn down_file(&self) -> Option<&Path> {
        match self {
            MigrationPlan::Files { under_test, .. } => under_test.down.as_deref(),
            MigrationPlan::Tool(_) => None,
        }
    }

    /// Whether the migration under test has a down step of its own (a down file, or a tool
    /// that can run it down).
    pub fn has_down(&self) -> bool {
        match self {
            MigrationPlan::Files { under_test, .. } => under_test.down.is_some(),
            MigrationPlan::Tool(t) => t.command(Step::Down).ok().flatten().is_some(),
        }
    }

    /// Where the migration's tool keeps a down step, for "no down step" messages.
    pub fn down_convention(&self) -> String {
        match self {
            MigrationPlan::Files { under_test, .. } => under_test.down_convention(),
            MigrationPlan::Tool(_) => "`down-command` in [database]".into(),
        }
    }

    /// The command that runs the migration under test down, as a user would type it (`None`
    /// for SQL files, or when there is none).
    pub fn down_command(&self) -> Option<String> {
        match self {
            MigrationPlan::Tool(t) => t.command(Step::Down).ok().flatten().map(|c| c.shown),
            MigrationPlan::Files { .. } => None,
        }
    }

    fn run(&self, db: &ScratchDb, step: Step) -> Result<Applied, MigrateError> {
        match self {
            MigrationPlan::Files { under_test, transaction, .. } => {
                let file = match step {
                    Step::Down => under_test.down.as_ref().ok_or_else(|| MigrateError::NoDown {
                        id: under_test.id.clone(),
                        expected: under_test.down_convention(),
                    })?,
                    _ => &under_test.up,
                };
                let mut client = db.connect()?;
                // Named so that the workload's lock monitor knows the migration's session.
                client.batch_execute(&format!("SET application_name = '{MIGRATION_APP_NAME}'")).map_err(|source| {
                    MigrateError::Database(crate::db::DbError::Sql {
                        what: "naming the migration's session".into(),
                        target: db.name.clone(),
                        source,
                    })
                })?;
                let started = Instant::now();
                run_file(&mut client, file, transaction_mode(under_test, *transaction))?;
                Ok(Applied { duration: started.elapsed(), tool: None })
            }
            MigrationPlan::Tool(t) => {
                let command = t
                    .command(step)?
                    .ok_or_else(|| MigrateError::NoDown { id: t.id.clone(), expected: self.down_convention() })?;
                let mut env = db.client_env();
                // libpq (psycopg, psql) names the tool's session so the lock monitor knows it.
                env.push(("PGAPPNAME".into(), MIGRATION_APP_NAME.into()));
                let run = command.run(&env)?;
                Ok(Applied { duration: run.duration, tool: Some(run) })
            }
        }
    }
}

impl ToolPlan {
    /// The command that applies the migration under test, as a user would type it.
    pub fn up_command(&self) -> String {
        self.command(Step::Up).ok().flatten().map(|c| c.shown).unwrap_or_default()
    }

    /// The command for `step`, `None` when the tool has none for it (a command tool without
    /// `down-command` or `sql-command`).
    fn command(&self, step: Step) -> Result<Option<ToolCommand>, MigrateError> {
        let dir = &self.project;
        let id = self.id.as_str();
        let python = |args: &[&str], shown: String| {
            Some(ToolCommand::python(&self.python, args, shown, dir).with_timeout(self.timeout))
        };
        Ok(match &self.tool {
            ToolSpec::Alembic => {
                let alembic = |args: &[&str]| {
                    let mut all = vec!["-m", "alembic"];
                    all.extend(args);
                    python(&all, format!("alembic {}", args.join(" ")))
                };
                let base = self.previous.as_deref().unwrap_or("base");
                match step {
                    Step::Earlier => alembic(&["upgrade", base]),
                    Step::Up => alembic(&["upgrade", id]),
                    Step::Sql => match &self.previous {
                        Some(p) => alembic(&["upgrade", &format!("{p}:{id}"), "--sql"]),
                        None => alembic(&["upgrade", id, "--sql"]),
                    },
                    Step::Down => alembic(&["downgrade", base]),
                }
            }
            ToolSpec::Django { app } => {
                let manage = |args: &[&str]| {
                    let mut all = vec!["manage.py"];
                    all.extend(args);
                    python(&all, format!("python manage.py {}", args.join(" ")))
                };
                let before = self.previous.as_deref().unwrap_or("zero");
                match step {
                    Step::Earlier => manage(&["migrate", app, before, "--noinput"]),
                    Step::Up => manage(&["migrate", app, id, "--noinput"]),
                    Step::Sql => manage(&["sqlmigrate", app, id]),
                    Step::Down => manage(&["migrate", app, before, "--noinput"]),
                }
            }
            ToolSpec::Command { up, down, sql, .. } => {
                let previous = self.previous.as_deref().unwrap_or_default();
                let (line, target) = match step {
                    Step::Earlier => (Some(up), previous),
                    Step::Up => (Some(up), id),
                    Step::Sql => (sql.as_ref(), id),
                    Step::Down => (down.as_ref(), previous),
                };
                // The target goes into a shell line: quoted, so a name with spaces or `;` stays
                // one argument.
                line.map(|l| {
                    ToolCommand::shell(&l.replace(TARGET, &shell_words::quote(target)), dir, &self.python)
                        .with_timeout(self.timeout)
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool_plan(tool: ToolSpec, previous: Option<&str>) -> ToolPlan {
        ToolPlan {
            tool,
            project: "p".into(),
            id: "0025_idx".into(),
            file: None,
            previous: previous.map(str::to_string),
            python: "/venv/bin/python".into(),
            timeout: Duration::from_secs(600),
        }
    }

    fn shown(plan: &ToolPlan, step: Step) -> Option<String> {
        plan.command(step).unwrap().map(|c| c.shown)
    }

    #[test]
    fn alembic_goes_up_from_the_parent_revision_and_back_down_to_it() {
        let plan = tool_plan(ToolSpec::Alembic, Some("0001"));
        assert_eq!(shown(&plan, Step::Earlier).unwrap(), "alembic upgrade 0001");
        assert_eq!(shown(&plan, Step::Up).unwrap(), "alembic upgrade 0025_idx");
        assert_eq!(shown(&plan, Step::Sql).unwrap(), "alembic upgrade 0001:0025_idx --sql");
        assert_eq!(shown(&plan, Step::Down).unwrap(), "alembic downgrade 0001");
        let first = tool_plan(ToolSpec::Alembic, None);
        assert_eq!(shown(&first, Step::Down).unwrap(), "alembic downgrade base");
        assert_eq!(shown(&first, Step::Sql).unwrap(), "alembic upgrade 0025_idx --sql");
    }

    #[test]
    fn django_migrates_the_app_to_the_migration_before_and_to_zero() {
        let plan = tool_plan(ToolSpec::Django { app: "upstream".into() }, Some("0024_x"));
        assert_eq!(shown(&plan, Step::Up).unwrap(), "python manage.py migrate upstream 0025_idx --noinput");
        assert_eq!(shown(&plan, Step::Sql).unwrap(), "python manage.py sqlmigrate upstream 0025_idx");
        assert_eq!(shown(&plan, Step::Down).unwrap(), "python manage.py migrate upstream 0024_x --noinput");
        let first = tool_plan(ToolSpec::Django { app: "upstream".into() }, None);
        assert_eq!(shown(&first, Step::Down).unwrap(), "python manage.py migrate upstream zero --noinput");
    }

    #[test]
    fn a_command_gets_its_target_and_may_have_no_down_or_sql() {
        let spec = ToolSpec::Command {
            up: "goose up-to {target}".into(),
            down: Some("goose down-to {target}".into()),
            sql: None,
            previous: Some("20240101".into()),
        };
        let plan = tool_plan(spec, Some("20240101"));
        assert_eq!(shown(&plan, Step::Earlier).unwrap(), "goose up-to 20240101");
        assert_eq!(shown(&plan, Step::Up).unwrap(), "goose up-to 0025_idx");
        assert_eq!(shown(&plan, Step::Down).unwrap(), "goose down-to 20240101");
        assert_eq!(shown(&plan, Step::Sql), None);
        let bare =
            tool_plan(ToolSpec::Command { up: "make migrate".into(), down: None, sql: None, previous: None }, None);
        let err = MigrationPlan::Tool(bare).down_command();
        assert_eq!(err, None);
    }
}
