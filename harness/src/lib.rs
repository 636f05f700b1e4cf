//! planproof proves what a PostgreSQL migration does to real queries. A scenario file declares
//! tables, generated rows, the migration under test and the lookups that matter; planproof
//! runs it on a throwaway PostgreSQL, captures EXPLAIN ANALYZE before and after the
//! migration, checks every expectation and reports.
//!
//! The stages, in the order data flows through them, are the modules `scenario`, `db`,
//! `seed`, `migrate` (with `load`, the workload around it), `explain`, `plan`, `check` and
//! `report`; `pipeline` runs them in order.
//! The command-line tool, the test suite and a user's own tests all call the functions below.
//!
//! In a user's test, two lines:
//!
//! ```no_run
//! #[test]
//! fn pak_hash_lookup_uses_the_new_index() {
//!     planproof::assert_scenario("scenarios/brokkr-pak-hash.toml");
//! }
//! ```

pub mod catalog;
pub mod check;
pub mod db;
pub mod explain;
pub mod interrupt;
pub mod load;
pub mod migrate;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod result;
pub mod scenario;
pub mod seed;
pub mod stats;
pub mod text;

use std::path::Path;

pub use result::{Outcome, ScenarioResult};
pub use scenario::Scenario;

/// A scenario could not be read, or a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Scenario(#[from] scenario::ScenarioError),
    #[error("{}:{at}: {source}", path.display())]
    Migrations {
        path: std::path::PathBuf,
        at: scenario::Location,
        #[source]
        source: migrate::MigrateError,
    },
    #[error(transparent)]
    Database(#[from] db::DbError),
}

/// Reads and checks a scenario without a database: the file itself, the files it names, and
/// that its migrations folder (or its tool's project: Alembic revisions, Django migrations)
/// holds the migration under test.
pub fn validate(path: impl AsRef<Path>) -> Result<Scenario, Error> {
    let scenario = scenario::load_file(path.as_ref())?;
    let migrations_error =
        |source| Error::Migrations { path: scenario.path.clone(), at: scenario.database.under_test_at, source };
    let plan = migrate::MigrationPlan::resolve(&scenario.database).map_err(migrations_error)?;
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
    let Some(earlier) = plan.earlier_sql_files() else { return Ok(scenario) };
    let files: Vec<&Path> = scenario.database.schema.iter().map(std::path::PathBuf::as_path).chain(earlier).collect();
    let texts: Option<Vec<String>> = files.iter().map(|f| std::fs::read_to_string(f).ok()).collect();
    if let Some(catalog) = texts.as_deref().and_then(scenario::catalog_of) {
        scenario::check_against(&scenario, &catalog)?;
    }
    Ok(scenario)
}

/// The PostgreSQL versions a scenario runs on when the command line names none: each major of
/// its `[matrix]`, else its `postgres` (or whatever the backend has).
pub fn versions_of(scenario: &Scenario) -> Vec<db::PgVersion> {
    if scenario.matrix.is_empty() {
        vec![scenario.database.postgres.clone().map(db::PgVersion::Scenario).unwrap_or_default()]
    } else {
        scenario.matrix.iter().cloned().map(db::PgVersion::Required).collect()
    }
}

/// Runs one scenario file on the backend `options` pick (by default a URL from
/// `DATABASE_URL`, else a Docker container of the scenario's `postgres` version when an engine
/// answers, else a temporary local cluster), once per version of its `[matrix]`.
pub fn run_file(
    path: impl AsRef<Path>,
    options: &db::BackendOptions,
    run: &pipeline::RunOptions,
) -> Result<Vec<ScenarioResult>, Error> {
    let scenario = validate(path)?;
    let mut results = Vec::new();
    for version in versions_of(&scenario) {
        let mut backend = db::open_for(options, &version)?;
        results.push(pipeline::run_scenario(&scenario, backend.as_mut(), run));
    }
    Ok(results)
}

/// Runs a scenario and panics with its report when an expectation failed or it could not run
/// (an inconclusive timing budget is reported, not failed: see `Outcome::Inconclusive`). The database is
/// kept when it fails, and the report says how to connect to it.
///
/// Without any PostgreSQL to run on, this fails when the `CI` environment variable is set; on
/// a developer machine it prints why it did not run, loudly, and returns.
pub fn assert_scenario(path: impl AsRef<Path>) {
    let path = path.as_ref();
    let run = pipeline::RunOptions { keep: pipeline::Keep::OnFailure, progress: false };
    match run_file(path, &db::BackendOptions::default(), &run) {
        Ok(results) => {
            let mut failed = Vec::new();
            for result in &results {
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
                    Outcome::Passed => println!("{text}"),
                }
            }
            if !failed.is_empty() {
                panic!("{}", failed.join("\n"));
            }
        }
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
