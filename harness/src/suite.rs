//! The one entry point that runs scenarios: `planproof run`, `cargo test` (through
//! [`assert_scenario`]) and the CI gate all build a [`Suite`] and run it, so the version matrix,
//! backend sharing, partitions and reports behave the same from each. A suite validates every
//! file before anything starts, groups the scenarios by the PostgreSQL major they run on, opens
//! one backend per major (for docker: one container) and runs each scenario in a database of
//! its own through the pipeline. Printing is the caller's: the suite says what happens through
//! [`Event`]s.

use std::path::{Path, PathBuf};

use crate::changes::{self, Selection};
use crate::db::{self, BackendOptions, PgVersion};
use crate::pipeline::{self, Keep, RunOptions};
use crate::progress::{Bar, Progress, Show};
use crate::result::{Outcome, RunReport, ScenarioResult};
use crate::scenario::{self, Partition, Root, Scenario};
use crate::{migrate, report, text};

/// A scenario could not be read, or a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Scenario(#[from] scenario::ScenarioError),
    #[error("{}:{at}: {source}", path.display())]
    Migrations {
        path: PathBuf,
        at: scenario::Location,
        #[source]
        source: migrate::MigrateError,
    },
    #[error(transparent)]
    Database(#[from] db::DbError),
    #[error(transparent)]
    Report(#[from] report::ReportError),
    #[error("--changed-since: {0}")]
    Changes(#[from] changes::GitError),
}

impl Error {
    /// The file and line the error is about, when it points into a file (for CI annotations).
    pub fn place(&self) -> Option<(&Path, usize)> {
        match self {
            Error::Scenario(e) => e.location().map(|(path, at)| (path, at.line)),
            Error::Migrations { path, at, .. } => Some((path, at.line)),
            _ => None,
        }
    }
}

/// Reads and checks a scenario without a database: the file itself, the files it names, that
/// its migrations folder (or its tool's project: Alembic revisions, Django migrations) holds
/// the migration under test, and that no file planproof runs in a transaction block holds a
/// statement PostgreSQL refuses in one (unless `expect-error` expects it of the migration under
/// test).
pub fn validate(path: impl AsRef<Path>) -> Result<Scenario, Error> {
    validate_in(path, &Root::Auto)
}

/// [`validate`], with the files a scenario names confined to `root`.
pub fn validate_in(path: impl AsRef<Path>, root: &Root) -> Result<Scenario, Error> {
    let scenario = scenario::load_file(path.as_ref(), root)?;
    let migrations_error =
        |source| Error::Migrations { path: scenario.path.clone(), at: scenario.database.under_test_at, source };
    let plan = migrate::MigrationPlan::resolve(&scenario.database).map_err(migrations_error)?;
    // The SQL files planproof reads and runs must be the project's own: a link in the
    // migrations folder to `/proc/self/environ` would be run, and quoted in every report.
    if let Some(folder) = root.folder_for(&scenario.path) {
        for file in plan.migration_files() {
            if let Some(message) = scenario::outside_of(&folder, file) {
                return Err(migrations_error(migrate::MigrateError::NotInProject {
                    path: file.to_path_buf(),
                    message,
                }));
            }
        }
    }
    // A file planproof would wrap in a transaction block that PostgreSQL refuses to run in one
    // (a `CREATE INDEX CONCURRENTLY` in `001_x.sql`, which its name makes sqlx's) would stop
    // the run with SQLSTATE 25001: said here, before any database starts.
    plan.check_transaction_blocks(scenario.migration.expect_error.as_deref()).map_err(migrations_error)?;
    if let Some(r) = &scenario.migration.reversible {
        if r.down.is_none() && !plan.has_down() {
            return Err(Error::Migrations {
                path: scenario.path.clone(),
                at: r.at,
                source: migrate::MigrateError::NoDown { id: plan.id().to_string(), expected: plan.down_convention() },
            });
        }
    }
    // Tables and columns are checked against what the schema files and earlier migrations
    // create, when that can be read without a database; the run checks the real catalog.
    // Earlier migrations a tool runs are Python, not SQL: then only the run checks.
    let Some(earlier) = plan.earlier_sql() else { return Ok(scenario) };
    let schema: Option<Vec<String>> =
        scenario.database.schema.iter().map(|f| std::fs::read_to_string(f).ok()).collect();
    let texts = schema.map(|schema| schema.into_iter().chain(earlier).collect::<Vec<_>>());
    if let Some(catalog) = texts.as_deref().and_then(scenario::catalog_of) {
        scenario::check_against(&scenario, &catalog)?;
    }
    Ok(scenario)
}

/// What the suite is doing, for the caller to show.
#[derive(Debug)]
pub enum Event<'a> {
    /// A backend is up and about to run `scenarios` scenarios.
    Backend { describe: String, scenarios: usize },
    /// The backend of a major could not be opened; its scenarios are reported as not run.
    BackendFailed { major: &'a str, error: &'a db::DbError },
    /// A scenario run on `major` (`?` when nothing asked for one) ended.
    Finished { major: &'a str, result: &'a ScenarioResult },
}

/// Scenario files and how to run them.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    files: Vec<PathBuf>,
    backend: BackendOptions,
    versions: Vec<String>,
    partition: Option<Partition>,
    changed_since: Option<String>,
    root: Root,
    options: RunOptions,
}

impl Suite {
    /// The scenario files named by `paths` (files, or folders of `*.toml` files).
    pub fn new<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Suite, Error> {
        let paths: Vec<PathBuf> = paths.into_iter().map(|p| p.as_ref().to_path_buf()).collect();
        Ok(Suite { files: scenario::scenario_files(&paths)?, ..Suite::default() })
    }

    /// Where PostgreSQL comes from (default: a URL from `DATABASE_URL`, else Docker when an
    /// engine answers, else a local cluster).
    pub fn backend(mut self, options: BackendOptions) -> Suite {
        self.backend = options;
        self
    }

    /// Runs every scenario on each of these majors, in place of its `[matrix]` or `postgres`.
    pub fn versions(mut self, majors: Vec<String>) -> Suite {
        self.versions = majors;
        self
    }

    /// Runs only shard k of n of the files (for a CI matrix).
    pub fn partition(mut self, partition: Option<Partition>) -> Suite {
        self.partition = partition;
        self
    }

    /// Runs only the scenarios that read a file changed since the merge base of `reference`
    /// (a commit, branch or tag) and HEAD, in the git repository of the current folder; the
    /// partition then shards those.
    pub fn changed_since(mut self, reference: Option<String>) -> Suite {
        self.changed_since = reference;
        self
    }

    /// Where the files the scenarios name may be (default: each scenario's git work tree).
    pub fn root(mut self, root: Root) -> Suite {
        self.root = root;
        self
    }

    /// When to keep a scenario's database after its run.
    pub fn keep(mut self, keep: Keep) -> Suite {
        self.options.keep = keep;
        self
    }

    /// Whether every seeded table is also read back and checksummed on the server (the
    /// checksum of the generated rows is always taken).
    pub fn verify_seed(mut self, verify: bool) -> Suite {
        self.options.verify_seed = verify;
        self
    }

    /// Stops a scenario still running after `limit` (when shorter than its own `time-limit`).
    pub fn time_limit(mut self, limit: Option<std::time::Duration>) -> Suite {
        self.options.time_limit = limit;
        self
    }

    /// Whether each stage says on stderr when it starts and long work how far it got: bars on
    /// a terminal, plain lines anywhere else (see [`Show::of_stderr`]; decided here, once).
    pub fn progress(self, progress: bool) -> Suite {
        self.progress_as(if progress { Progress::new(Show::of_stderr()) } else { Progress::off() })
    }

    /// Progress shown as `progress` says, whatever stderr is.
    pub fn progress_as(mut self, progress: Progress) -> Suite {
        self.options.progress = progress;
        self
    }

    /// The files this suite runs, after the partition.
    pub fn files(&self) -> Vec<PathBuf> {
        match self.partition {
            Some(p) => p.select(self.files.clone()),
            None => self.files.clone(),
        }
    }

    /// Every file validated, before anything starts: a typo in the last scenario should not
    /// cost the time of running all the others first.
    pub fn scenarios(&self) -> Result<Vec<Scenario>, Error> {
        self.files().iter().map(|f| validate_in(f, &self.root)).collect()
    }

    /// With `changed_since`, what the change selects among every file of the suite (validated
    /// first), before the partition; `None` without it.
    pub fn selection(&self) -> Result<Option<Selection>, Error> {
        match &self.changed_since {
            Some(reference) => Ok(Some(self.select(reference)?.1)),
            None => Ok(None),
        }
    }

    /// Every file of the suite, validated, and what the change since `reference` selects.
    fn select(&self, reference: &str) -> Result<(Vec<Scenario>, Selection), Error> {
        let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let changes = changes::changed_since(&here, reference)?;
        let scenarios: Vec<Scenario> =
            self.files.iter().map(|f| validate_in(f, &self.root)).collect::<Result<_, _>>()?;
        let selection = changes::select(&scenarios, &changes);
        Ok((scenarios, selection))
    }

    /// The scenarios to run, validated: the files after the partition, or with
    /// `changed_since` the affected ones after the partition.
    fn selected(&self) -> Result<(Vec<Scenario>, Option<Selection>), Error> {
        let Some(reference) = &self.changed_since else { return Ok((self.scenarios()?, None)) };
        let (all, selection) = self.select(reference)?;
        let affected: Vec<Scenario> = all.into_iter().filter(|s| selection.selects(s)).collect();
        let affected = match self.partition {
            Some(p) => p.select(affected),
            None => affected,
        };
        Ok((affected, Some(selection)))
    }

    /// Runs every scenario on every major it asks for, telling `on_event` as it goes. `Err`
    /// when a file is invalid, or when the only backend needed cannot be opened (with several,
    /// the scenarios of one that cannot are reported as not run, and the others run). The
    /// progress bars are off the screen whenever `on_event` is called, so it may print.
    pub fn run(&self, mut on_event: impl FnMut(Event)) -> Result<SuiteResult, Error> {
        let (scenarios, selection) = self.selected()?;
        let groups = plan(&scenarios, &self.versions);
        let progress = &self.options.progress;
        let mut on_event = |event: Event| {
            progress.clear();
            on_event(event);
        };
        // With more than one run, a bar counts them, naming the server running.
        let total: usize = groups.iter().map(|(_, group)| group.len()).sum();
        let mut runs = if total > 1 { progress.steps("runs", total as u64, "runs") } else { Bar::off() };
        let mut done = SuiteResult {
            results: Vec::new(),
            majors: Vec::new(),
            selection,
            matrix: scenarios.iter().any(|s| s.matrix.len() > 1),
        };
        for (version, group) in &groups {
            let major = version.major_or_default().to_string();
            // Opening a backend may print (why Docker is not used): not under a bar.
            progress.clear();
            let mut backend = match db::open_for(&self.backend, version) {
                Ok(b) => b,
                // With one backend to open there is nothing to report without it.
                Err(e) if groups.len() == 1 => return Err(e.into()),
                Err(e) => {
                    on_event(Event::BackendFailed { major: &major, error: &e });
                    for scenario in group {
                        done.push(&major, pipeline::not_run(scenario, &e), &mut on_event);
                        runs.inc();
                    }
                    continue;
                }
            };
            on_event(Event::Backend { describe: backend.describe(), scenarios: group.len() });
            runs.relabel(format!("runs, now on PostgreSQL {}", db::major_of(backend.server_version())));
            for scenario in group {
                done.push(&major, pipeline::run_scenario(scenario, backend.as_mut(), &self.options), &mut on_event);
                runs.inc();
            }
        }
        runs.finish();
        Ok(done)
    }
}

/// The PostgreSQL version each scenario runs on, grouped so that one backend serves every
/// scenario of a version: `versions` (`--pg`) when given, else each scenario's `[matrix]`, else
/// its `postgres`, in the order first asked for.
pub fn plan<'a>(scenarios: &'a [Scenario], versions: &[String]) -> Vec<(PgVersion, Vec<&'a Scenario>)> {
    if !versions.is_empty() {
        return versions.iter().map(|major| (PgVersion::Required(major.clone()), scenarios.iter().collect())).collect();
    }
    let mut groups: Vec<(PgVersion, Vec<&Scenario>)> = Vec::new();
    for scenario in scenarios {
        for version in versions_of(scenario) {
            match groups.iter_mut().find(|(v, _)| *v == version) {
                Some((_, group)) => group.push(scenario),
                None => groups.push((version, vec![scenario])),
            }
        }
    }
    groups
}

/// The PostgreSQL versions a scenario runs on when the command line names none: each major of
/// its `[matrix]`, else its `postgres` (or whatever the backend has).
pub fn versions_of(scenario: &Scenario) -> Vec<PgVersion> {
    if scenario.matrix.is_empty() {
        vec![scenario.database.postgres.clone().map(PgVersion::Scenario).unwrap_or_default()]
    } else {
        scenario.matrix.iter().cloned().map(PgVersion::Required).collect()
    }
}

/// Every run of a suite, in the order they ran.
#[derive(Debug)]
pub struct SuiteResult {
    pub results: Vec<ScenarioResult>,
    /// The major each result was asked to run on, for the verdict table.
    pub majors: Vec<String>,
    /// With `changed_since`: the changed files, what they selected, `no-scenario` findings.
    pub selection: Option<Selection>,
    /// Whether a scenario asked for several majors itself (its `[matrix]`).
    matrix: bool,
}

impl SuiteResult {
    fn push(&mut self, major: &str, result: ScenarioResult, on_event: &mut impl FnMut(Event)) {
        on_event(Event::Finished { major, result: &result });
        self.majors.push(major.to_string());
        self.results.push(result);
    }

    /// The run as the reports read it.
    pub fn report(&self) -> RunReport<'_> {
        RunReport { results: &self.results, majors: &self.majors, selection: self.selection.as_ref() }
    }

    /// The worst outcome: error over failed over inconclusive over passed.
    pub fn outcome(&self) -> Outcome {
        self.report().outcome()
    }

    /// The verdict table of scenarios by major, when the runs span several majors or a
    /// scenario has a matrix of its own.
    pub fn matrix_text(&self, paint: report::Paint) -> Option<String> {
        let mut majors: Vec<&str> = self.majors.iter().map(String::as_str).collect();
        majors.sort_unstable();
        majors.dedup();
        (majors.len() > 1 || self.matrix).then(|| {
            let runs: Vec<(&str, &ScenarioResult)> =
                self.majors.iter().map(String::as_str).zip(&self.results).collect();
            report::matrix_text(&runs, paint)
        })
    }

    /// The closing line of a run: how many passed, failed, could not run.
    pub fn summary_text(&self) -> String {
        report::summary_text(&self.results)
    }

    /// Writes every report file into `dir`; returns their paths.
    pub fn write_reports(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        Ok(report::write_reports(dir, &self.report())?)
    }
}

/// Runs a scenario and panics with its report when an expectation failed or it could not run
/// (an inconclusive timing budget is reported, not failed: see `Outcome::Inconclusive`), once
/// per major of its `[matrix]`. The database is kept when it fails, and the report says how to
/// connect to it; `PLANPROOF_KEEP=never` removes it (or `always` keeps every one), and
/// `planproof clean --kept` removes those kept once the test run is over.
/// `PLANPROOF_TIME_LIMIT` (`10m`) shortens the scenario's `time-limit`.
///
/// Without any PostgreSQL to run on, this fails when the `CI` environment variable is set; on
/// a developer machine it prints why it did not run, loudly, and returns.
pub fn assert_scenario(path: impl AsRef<Path>) {
    let path = path.as_ref();
    let (keep, limit) = match (keep_from_env(), time_limit_from_env()) {
        (Ok(keep), Ok(limit)) => (keep, limit),
        (Err(e), _) | (_, Err(e)) => panic!("{e}"),
    };
    let suite = match Suite::new([path]) {
        Ok(suite) => suite.keep(keep).time_limit(limit),
        Err(e) => panic!("{}", text::error_chain(&e)),
    };
    let mut failed = Vec::new();
    let outcome = suite.run(|event| {
        let Event::Finished { result, .. } = event else { return };
        let text = report::scenario_text(result);
        match result.outcome {
            Outcome::Failed | Outcome::Error => {
                failed.push(format!(
                    "scenario `{}` {} on {}:\n{text}",
                    result.name,
                    result.outcome.as_str(),
                    result.server_version
                ));
            }
            // A timing budget too close to call is not a failure: failing on it would
            // make the test flap with the machine's load. It is said, loudly.
            Outcome::Inconclusive => {
                eprintln!("\n*** planproof: scenario `{}` is INCONCLUSIVE ***\n{text}", result.name);
            }
            Outcome::Passed | Outcome::FailedAsExpected => println!("{text}"),
        }
    });
    match outcome {
        Ok(_) if failed.is_empty() => {}
        Ok(_) => panic!("{}", failed.join("\n")),
        Err(Error::Database(db::DbError::NothingAvailable)) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "\n*** planproof: NOT RUN {}: {} ***\n*** (set CI=1 to make this a failure) ***\n",
                path.display(),
                db::DbError::NothingAvailable
            );
        }
        Err(e) => panic!("{}", text::error_chain(&e)),
    }
}

/// `PLANPROOF_KEEP`: `never`, `on-failure` (when unset) or `always`.
fn keep_from_env() -> Result<Keep, String> {
    keep_from(std::env::var("PLANPROOF_KEEP").ok().as_deref())
}

fn keep_from(value: Option<&str>) -> Result<Keep, String> {
    match value.map(str::trim) {
        None | Some("" | "on-failure") => Ok(Keep::OnFailure),
        Some("never") => Ok(Keep::Never),
        Some("always") => Ok(Keep::Always),
        Some(other) => Err(format!(
            "PLANPROOF_KEEP={other:?}: expected `never`, `on-failure` or `always` (when to keep a scenario's database)"
        )),
    }
}

/// `PLANPROOF_TIME_LIMIT`, a duration above zero, when set.
fn time_limit_from_env() -> Result<Option<std::time::Duration>, String> {
    let Some(text) = std::env::var("PLANPROOF_TIME_LIMIT").ok().filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    match scenario::parse_duration(&text) {
        Ok(limit) if !limit.is_zero() => Ok(Some(limit)),
        Ok(_) => Err("PLANPROOF_TIME_LIMIT=0: expected a duration above zero, such as `10m`".into()),
        Err(e) => Err(format!("PLANPROOF_TIME_LIMIT: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planproof_keep_reads_the_three_choices_and_names_them_when_wrong() {
        assert_eq!(keep_from(None), Ok(Keep::OnFailure));
        assert_eq!(keep_from(Some("never")), Ok(Keep::Never));
        assert_eq!(keep_from(Some("always")), Ok(Keep::Always));
        assert_eq!(
            keep_from(Some("yes")),
            Err("PLANPROOF_KEEP=\"yes\": expected `never`, `on-failure` or `always` (when to keep a scenario's database)".into())
        );
    }

    fn scenario(name: &str, postgres: Option<&str>, matrix: &[&str]) -> Scenario {
        let dir = tempfile::tempdir().unwrap();
        let migrations = dir.path().join("migrations/1_x");
        std::fs::create_dir_all(&migrations).unwrap();
        std::fs::write(migrations.join("up.sql"), "SELECT 1;").unwrap();
        let postgres = postgres.map(|p| format!("postgres = \"{p}\"\n")).unwrap_or_default();
        let matrix = if matrix.is_empty() {
            String::new()
        } else {
            format!(
                "[matrix]\npostgres = [{}]\n",
                matrix.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
            )
        };
        let text = format!(
            "name = \"{name}\"\n[database]\n{postgres}migrations = \"{}\"\nunder-test = \"1_x\"\n{matrix}",
            dir.path().join("migrations").display()
        );
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        validate(&path).unwrap()
    }

    fn shape(groups: &[(PgVersion, Vec<&Scenario>)]) -> Vec<(String, Vec<String>)> {
        groups.iter().map(|(v, g)| (format!("{v:?}"), g.iter().map(|s| s.name.clone()).collect())).collect()
    }

    #[test]
    fn scenarios_group_by_the_major_they_ask_for_and_a_matrix_asks_for_each() {
        let scenarios = [scenario("a", Some("15"), &[]), scenario("b", None, &["15", "18"]), scenario("c", None, &[])];
        assert_eq!(
            shape(&plan(&scenarios, &[])),
            [
                ("Scenario(\"15\")".to_string(), vec!["a".to_string()]),
                ("Required(\"15\")".to_string(), vec!["b".to_string()]),
                ("Required(\"18\")".to_string(), vec!["b".to_string()]),
                ("Any".to_string(), vec!["c".to_string()]),
            ]
        );
    }

    #[test]
    fn versions_from_the_command_line_replace_every_matrix() {
        let scenarios = [scenario("a", Some("15"), &[]), scenario("b", None, &["15", "18"])];
        let groups = plan(&scenarios, &["13".to_string(), "17".to_string()]);
        assert_eq!(
            shape(&groups),
            [
                ("Required(\"13\")".to_string(), vec!["a".to_string(), "b".to_string()]),
                ("Required(\"17\")".to_string(), vec!["a".to_string(), "b".to_string()]),
            ]
        );
    }
}
