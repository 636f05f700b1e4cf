//! The migrations of a scenario as one plan, whoever runs them: planproof itself for SQL files
//! (a Diesel or sqlx folder…), or the project's own tool (Alembic, Django, a command…).
//! What each source knows (which files are migrations, what a step runs, a tool's commands) is
//! asked of it (`source/`); this file only puts the steps in order. The pipeline asks the plan
//! for four things, in this order, and does not care which:
//!
//! 1. [`MigrationPlan::run_earlier`]: every migration before the one under test (untimed);
//! 2. [`MigrationPlan::up_sql`]: the SQL the migration under test will run, for the hazard
//!    inspection (`migrate::inspect`); tools are asked for it (`alembic upgrade A:B --sql`,
//!    `manage.py sqlmigrate`, the scenario's `sql-command`);
//! 3. [`MigrationPlan::apply`]: the migration under test, timed: its wall time and the
//!    server-side time of its statements (`server_time.rs`); for a tool,
//!    [`MigrationPlan::startup_floor`] first times a run of the same tool that has nothing to
//!    do, the part of the wall time that is the tool's own start-up;
//! 4. [`MigrationPlan::revert`]: the migration under test, down again (its `down.sql`, or
//!    `alembic downgrade <previous>`, `manage.py migrate <app> <previous>`, `down-command`),
//!    timed, for reversibility checks.
//!
//! [`MigrationPlan::resolve`] reads everything that can be read without a database or running a
//! tool, so `planproof validate` reports a migration under test that is not there.

use std::path::Path;
use std::time::Instant;

use super::apply::{run_sql, FileRun};
use super::error::MigrateError;
use super::process::ToolRun;
use super::python::find_python;
use super::server_time::{total, Sampler, StatementTime};
use super::source::{self, discover, split_at_under_test, Direction, Format, Migration, Step, ToolPlan};
use super::transaction_block::refused_in_transaction_block;
use crate::db::ScratchDb;
use crate::scenario::{DatabaseSpec, TransactionMode};

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
        /// How long each statement of the migration under test may run (`statement_timeout`
        /// on its connection); `None`: unbounded.
        timeout: Option<std::time::Duration>,
    },
    /// Migrations the project's tool runs.
    Tool(ToolPlan),
}

/// What running a migration did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// Wall time: the file from `BEGIN` to `COMMIT`, or the tool's process from start to exit.
    pub duration: std::time::Duration,
    /// The server-side time of the statements it ran (their sum), as `server_time` measures it.
    pub server: std::time::Duration,
    pub statements: Vec<StatementTime>,
    /// The tool's run, for a tool; `None` for a SQL file.
    pub tool: Option<ToolRun>,
}

/// An earlier migration that failed.
#[derive(Debug)]
pub struct EarlierFailure {
    pub id: String,
    pub source: MigrateError,
}

impl MigrationPlan {
    /// Reads the migrations folder (SQL files) or the tool's project (revision files, Django
    /// migrations) and finds the migration under test. Runs nothing.
    pub fn resolve(spec: &DatabaseSpec) -> Result<Self, MigrateError> {
        let Some(tool) = &spec.tool else {
            let all = discover(&spec.migrations)?;
            let (earlier, under_test) = split_at_under_test(all, &spec.under_test, &spec.migrations)?;
            return Ok(MigrationPlan::Files { earlier, under_test, transaction: spec.transaction, timeout: None });
        };
        let tool = source::tool(tool);
        let project = spec.migrations.clone();
        let found = tool.resolve(&project, &spec.under_test)?;
        // Absolute (symbolic links kept: a virtual environment's `python` is one), since the
        // tool runs in the project folder.
        let python = find_python(&project);
        let python =
            if python.components().count() > 1 { std::path::absolute(&python).unwrap_or(python) } else { python };
        Ok(MigrationPlan::Tool(ToolPlan {
            tool,
            project,
            id: found.id,
            file: found.file,
            previous: found.previous,
            python,
            timeout: spec.tool_timeout,
            deadline: None,
        }))
    }

    /// The plan with the migration under test bounded by `limit` (`[migration] timeout`): each
    /// statement of a SQL file by `statement_timeout`, each command of a tool by the shorter of
    /// `limit` and its `tool-timeout`.
    #[must_use]
    pub fn bounded(mut self, limit: std::time::Duration) -> Self {
        match &mut self {
            MigrationPlan::Files { timeout, .. } => *timeout = Some(limit),
            MigrationPlan::Tool(t) => t.timeout = t.timeout.min(limit),
        }
        self
    }

    /// The plan with every command of a tool killed at `deadline`, the scenario's time limit
    /// (SQL the pipeline runs itself is stopped on the server, by `pipeline::deadline`).
    #[must_use]
    pub fn until(mut self, deadline: std::time::Instant) -> Self {
        if let MigrationPlan::Tool(t) = &mut self {
            t.deadline = Some(deadline);
        }
        self
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

    /// The files of the migration under test: its up file and its down file for SQL files, the
    /// revision or migration file for a tool (when the tool says which it is).
    pub fn under_test_files(&self) -> Vec<&Path> {
        match self {
            MigrationPlan::Files { under_test, .. } => {
                std::iter::once(under_test.up.as_path()).chain(under_test.down.as_deref()).collect()
            }
            MigrationPlan::Tool(t) => t.file.as_deref().into_iter().collect(),
        }
    }

    /// The files of every migration planproof runs itself (earlier ones and the one under
    /// test); empty for a tool, whose migrations are its project's business.
    pub fn migration_files(&self) -> Vec<&Path> {
        match self {
            MigrationPlan::Files { earlier, under_test, .. } => earlier
                .iter()
                .chain(std::iter::once(under_test))
                .flat_map(|m| std::iter::once(m.up.as_path()).chain(m.down.as_deref()))
                .collect(),
            MigrationPlan::Tool(_) => Vec::new(),
        }
    }

    pub fn format(&self) -> Format {
        match self {
            MigrationPlan::Files { under_test, .. } => under_test.format(),
            MigrationPlan::Tool(t) => t.format(),
        }
    }

    /// How the migration under test runs: the scenario's override or its layout's convention
    /// for files, [`TransactionMode::Tool`] for a tool.
    pub fn transaction(&self) -> TransactionMode {
        match self {
            MigrationPlan::Files { under_test, transaction, .. } => under_test.transaction(*transaction),
            MigrationPlan::Tool(_) => TransactionMode::Tool,
        }
    }

    /// The SQL the migrations before the one under test run, each as its layout reads it (to
    /// read the tables they create without a database); `None` when a tool runs them or a file
    /// cannot be read.
    pub fn earlier_sql(&self) -> Option<Vec<String>> {
        match self {
            MigrationPlan::Files { earlier, .. } => {
                earlier.iter().map(|m| m.script(Direction::Up).ok().flatten().map(|s| s.sql)).collect()
            }
            MigrationPlan::Tool(_) => None,
        }
    }

    /// Checks that the tool can start (its Python has the module), before any work is done.
    pub fn check_tool(&self) -> Result<(), MigrateError> {
        match self {
            MigrationPlan::Tool(t) => t.tool.check(&t.python),
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
                    run_step(&mut client, m, Direction::Up, *transaction).map_err(|e| fail(&m.id, e))?;
                }
                Ok(())
            }
            MigrationPlan::Tool(t) => {
                let Some(previous) = &t.previous else { return Ok(()) };
                let fail = |source| EarlierFailure { id: previous.clone(), source };
                let Some(command) = t.command(Step::Earlier) else { return Ok(()) };
                progress(&format!("earlier migrations: {}", command.shown));
                let run = command.run(&db.client_env()).map_err(fail)?;
                progress(&run.output());
                Ok(())
            }
        }
    }

    /// A statement PostgreSQL refuses inside a transaction block (`CREATE INDEX CONCURRENTLY`,
    /// …) in the up step of a migration planproof would run in one: the run would stop there
    /// with SQLSTATE 25001. The migration under test may hold one when the scenario expects
    /// that error (`expected`, its `expect-error`: kept as it ships, to show the failure).
    /// Runs nothing: `planproof validate` asks. Tools wrap their own migrations; their SQL is
    /// only known by running them.
    pub fn check_transaction_blocks(&self, expected: Option<&str>) -> Result<(), MigrateError> {
        let MigrationPlan::Files { earlier, under_test, transaction, .. } = self else { return Ok(()) };
        for m in earlier.iter().chain(std::iter::once(under_test)) {
            let Some(script) = m.script(Direction::Up)? else { continue };
            let Some(why) = m.why_in_transaction(script.transaction, *transaction) else { continue };
            let Some((line, refused)) = refused_in_transaction_block(&script.sql) else { continue };
            let message = format!("{refused} cannot run inside a transaction block").to_lowercase();
            let is_under_test = std::ptr::eq(m, under_test);
            if is_under_test && expected.is_some_and(|e| message.contains(&e.to_lowercase())) {
                continue;
            }
            let why = if is_under_test {
                format!(
                    "{why} (or, to keep the file as it ships and show the failure, `expect-error = \
                     \"cannot run inside a transaction block\"` under `[migration]`)"
                )
            } else {
                why
            };
            return Err(MigrateError::InTransaction { file: script.file, line, refused: refused.to_string(), why });
        }
        Ok(())
    }

    /// The SQL the migration under test runs: its up step, or what its tool prints for it.
    /// `Ok(None)` when a command tool has no `sql-command`.
    pub fn up_sql(&self, db: &ScratchDb) -> Result<Option<String>, MigrateError> {
        match self {
            MigrationPlan::Files { under_test, .. } => Ok(under_test.script(Direction::Up)?.map(|s| s.sql)),
            MigrationPlan::Tool(t) => match t.command(Step::Sql) {
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

    /// The wall time of a run of the migration's tool that has nothing to do — the command
    /// that brought the database to the migration before the one under test, run once more —
    /// right before the migration under test: its interpreter's start-up, imports, reading
    /// the project and connecting, the floor under the tool's wall time. `None` for SQL files,
    /// and for a tool with no such command (nothing before the migration under test).
    pub fn startup_floor(&self, db: &ScratchDb) -> Result<Option<std::time::Duration>, MigrateError> {
        let MigrationPlan::Tool(t) = self else { return Ok(None) };
        if t.previous.is_none() {
            return Ok(None);
        }
        match t.command(Step::Earlier) {
            None => Ok(None),
            Some(command) => Ok(Some(command.run(&db.client_env())?.duration)),
        }
    }

    /// Runs the migration under test down, and times it: its layout's down step (in the same
    /// transaction mode as its up step, unless the layout says otherwise), or the tool's down
    /// step. A migration without one is [`MigrateError::NoDown`].
    pub fn revert(&self, db: &ScratchDb) -> Result<Applied, MigrateError> {
        self.run(db, Step::Down)
    }

    /// The tables the migration tool keeps its own record in. Its down step rightly keeps
    /// them (the first up creates them), so reversibility leaves them out.
    pub fn bookkeeping_tables(&self) -> &'static [&'static str] {
        self.format().source().bookkeeping_tables()
    }

    /// The file holding the down step of the migration under test, when planproof runs SQL
    /// files and it has one.
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
            MigrationPlan::Tool(t) => t.command(Step::Down).is_some(),
        }
    }

    /// Where the migration's tool keeps a down step, for "no down step" messages.
    pub fn down_convention(&self) -> String {
        match self {
            MigrationPlan::Files { under_test, .. } => under_test.down_convention(),
            MigrationPlan::Tool(t) => t.tool.down_convention(),
        }
    }

    /// The command that runs the migration under test down, as a user would type it (`None`
    /// for SQL files, or when there is none).
    pub fn down_command(&self) -> Option<String> {
        match self {
            MigrationPlan::Tool(t) => t.command(Step::Down).map(|c| c.shown),
            MigrationPlan::Files { .. } => None,
        }
    }

    fn run(&self, db: &ScratchDb, step: Step) -> Result<Applied, MigrateError> {
        match self {
            MigrationPlan::Files { under_test, transaction, timeout, .. } => {
                let direction = if step == Step::Down { Direction::Down } else { Direction::Up };
                let mut client = db.connect()?;
                // Named so that the workload's lock monitor knows the migration's session, and
                // bounded so that a statement that never ends is cancelled.
                let bound = timeout.map_or(0, |t| t.as_millis());
                let session = format!("SET application_name = '{MIGRATION_APP_NAME}'; SET statement_timeout = {bound}");
                client.batch_execute(&session).map_err(|source| {
                    MigrateError::Database(crate::db::DbError::Sql {
                        what: "naming the migration's session".into(),
                        target: db.name.clone(),
                        source,
                    })
                })?;
                let started = Instant::now();
                let ran = run_step(&mut client, under_test, direction, *transaction)?;
                let duration = started.elapsed();
                Ok(Applied { duration, server: total(&ran.times), statements: ran.times, tool: None })
            }
            MigrationPlan::Tool(t) => {
                let command = t
                    .command(step)
                    .ok_or_else(|| MigrateError::NoDown { id: t.id.clone(), expected: self.down_convention() })?;
                let mut env = db.client_env();
                // libpq (psycopg, psql) names the tool's session so the lock monitor knows it.
                env.push(("PGAPPNAME".into(), MIGRATION_APP_NAME.into()));
                let sampler = Sampler::start(db);
                let run = command.run(&env);
                let statements = sampler.finish();
                let run = run?;
                Ok(Applied { duration: run.duration, server: total(&statements), statements, tool: Some(run) })
            }
        }
    }
}

/// Runs `step` of `m` as its layout reads it, in the scenario's transaction mode if it sets one,
/// else the layout's. A missing down step is [`MigrateError::NoDown`].
pub(crate) fn run_step(
    client: &mut postgres::Client,
    m: &Migration,
    step: Direction,
    scenario_override: Option<TransactionMode>,
) -> Result<FileRun, MigrateError> {
    let script =
        m.script(step)?.ok_or_else(|| MigrateError::NoDown { id: m.id.clone(), expected: m.down_convention() })?;
    run_sql(client, &script.file, &script.sql, scenario_override.unwrap_or(script.transaction)).map_err(|e| match e {
        // Refused in the transaction block planproof opened: say why it opened one (a file
        // named like sqlx's is sqlx's) and how the file runs outside one.
        MigrateError::Statement(mut failure)
            if failure.code.as_deref() == Some(postgres::error::SqlState::ACTIVE_SQL_TRANSACTION.code()) =>
        {
            failure.note = m.why_in_transaction(script.transaction, scenario_override);
            MigrateError::Statement(failure)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_plan(files: &[(&str, &str)], under_test: &str) -> (tempfile::TempDir, MigrationPlan) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let all = discover(dir.path()).unwrap();
        let (earlier, under_test) = split_at_under_test(all, under_test, dir.path()).unwrap();
        (dir, MigrationPlan::Files { earlier, under_test, transaction: None, timeout: None })
    }

    #[test]
    fn earlier_files_are_read_whole_unless_they_hold_their_down_step_too() {
        let (_dir, plan) = files_plan(&[("1_a.up.sql", "CREATE TABLE a (id int);"), ("2_b.sql", "x")], "2");
        assert_eq!(plan.earlier_sql().unwrap(), ["CREATE TABLE a (id int);"]);

        let dbmate = "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n";
        let (_dir, plan) = files_plan(&[("1_a.sql", dbmate), ("2_b.sql", "-- migrate:up\nSELECT 1;\n")], "2");
        let sql = plan.earlier_sql().unwrap();
        assert!(sql[0].contains("CREATE TABLE a") && !sql[0].contains("DROP TABLE"), "{sql:?}");
    }

    const CIC: &str = "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY i ON t (a);\n";

    fn with_transaction(plan: MigrationPlan, mode: Option<TransactionMode>) -> MigrationPlan {
        match plan {
            MigrationPlan::Files { earlier, under_test, timeout, .. } => {
                MigrationPlan::Files { earlier, under_test, transaction: mode, timeout }
            }
            tool => tool,
        }
    }

    #[test]
    fn a_concurrent_build_in_a_file_named_like_sqlx_is_refused_with_why_and_the_way_out() {
        let (_dir, plan) = files_plan(&[("001_add_index.sql", CIC)], "001_add_index");
        let e = plan.check_transaction_blocks(None).unwrap_err().to_string();
        assert!(e.contains("001_add_index.sql` line 2: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and planproof would run this file in one"), "{e}");
        assert!(e.contains("took `001_add_index.sql` for an sqlx migration by its name"), "{e}");
        assert!(
            e.contains("`-- no-transaction`") && e.contains("`transaction = \"none\"`") && e.contains("expect-error"),
            "{e}"
        );
        // Expected as it ships, it validates; another expected error does not excuse it.
        assert!(plan.check_transaction_blocks(Some("cannot run inside a TRANSACTION block")).is_ok());
        assert!(plan.check_transaction_blocks(Some("deadlock detected")).is_err());
        // Either way out makes it valid.
        assert!(with_transaction(plan, Some(TransactionMode::None)).check_transaction_blocks(None).is_ok());
        let opted_out = format!("-- no-transaction\n{CIC}");
        let (_dir, plan) = files_plan(&[("001_add_index.sql", &opted_out)], "001_add_index");
        assert!(plan.check_transaction_blocks(None).is_ok());
    }

    #[test]
    fn transaction_blocks_are_checked_in_earlier_migrations_whatever_the_scenario_expects() {
        let (_dir, plan) = files_plan(&[("1_a.sql", CIC), ("2_b.sql", "SELECT 1;")], "2_b");
        let e = plan.check_transaction_blocks(Some("cannot run inside a transaction block")).unwrap_err().to_string();
        assert!(e.contains("1_a.sql` line 2") && !e.contains("expect-error"), "{e}");
        // A plain file runs statement by statement: nothing wraps it.
        let (_dir, plan) = files_plan(&[("perf.sql", CIC)], "perf");
        assert!(plan.check_transaction_blocks(None).is_ok());
        // The scenario's `per-file` wraps it, and says so.
        let e = with_transaction(plan, Some(TransactionMode::PerFile)).check_transaction_blocks(None).unwrap_err();
        assert!(e.to_string().contains("the scenario's `transaction = \"per-file\"`"), "{e}");
    }

    #[test]
    fn a_migration_without_a_down_step_says_where_its_layout_keeps_one() {
        let (_dir, plan) = files_plan(&[("1_a.sql", "x")], "1_a");
        assert!(!plan.has_down() && plan.down_file().is_none());
        assert_eq!(plan.down_convention(), "`1_a.down.sql`");
        assert_eq!((plan.format(), plan.transaction()), (Format::Sqlx, TransactionMode::PerFile));
        assert_eq!(plan.bookkeeping_tables(), &[] as &[&str]);
    }
}
