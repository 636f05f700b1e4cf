//! The first step: everything before the "before" plans — the schema files, the migrations
//! before the one under test (in their tool's order), the seeded rows, the pinned session
//! settings and each query's parameters.

use super::context::Run;
use super::error::PipelineError;
use crate::db::ScratchDb;
use crate::progress::Progress;
use crate::result::{QueryResult, ScenarioResult, WhenApplied};
use crate::scenario::{Phase, Scenario, TransactionMode};
use crate::{explain, migrate, seed};

pub(super) fn prepare<'a>(
    scenario: &'a Scenario,
    db: &'a ScratchDb,
    result: &'a mut ScenarioResult,
    verify_seed: bool,
    deadline: std::time::Instant,
    progress: &'a Progress,
) -> Result<Run<'a>, PipelineError> {
    let mut client = db.connect()?;
    result.locale = Some(
        crate::db::locale_facts(&mut client)
            .map_err(|source| PipelineError::Sql { what: "reading the database's locale".into(), source })?,
    );
    // SQL files planproof runs, or the project's own tool; a tool that cannot start stops the
    // run here, before any work.
    let plan = migrate::MigrationPlan::resolve(&scenario.database)?.bounded(scenario.migration.timeout).until(deadline);
    plan.check_tool()?;
    for file in &scenario.database.schema {
        progress.line(&format!("schema {}", file.display()));
        migrate::run_file(&mut client, file, TransactionMode::None).map_err(PipelineError::Schema)?;
    }
    plan.run_earlier(db, &|line| progress.line(line))
        .map_err(|e| PipelineError::EarlierMigration { id: e.id, source: e.source })?;

    progress.line(&format!("seeding {} rows", scenario.tables.iter().map(|t| t.rows).sum::<u64>()));
    let options = seed::SeedOptions { verify: verify_seed, progress, run_sql: &migrate::run_seed_sql };
    let seeded = seed::seed_tables(&mut client, db, scenario, options)?;
    result.seeded = seeded.tables;
    result.seed_timing = Some(seeded.timing);

    let applied = explain::pin_settings(&mut client, &scenario.explain.settings)?;
    result.settings = applied.into_iter().collect();
    let major = super::context::server_major(&result.server_version);
    let mut params = Vec::new();
    for q in &scenario.queries {
        // A query that does not run before the migration samples when it first runs.
        let values =
            if q.runs_in(Phase::Before) { Some(explain::sample_params(&mut client, q, scenario.seed)?) } else { None };
        let when = q.checks_for(major).1;
        result.queries.push(QueryResult {
            name: q.name.clone(),
            sql: q.sql.clone(),
            params: values.clone().unwrap_or_default(),
            captures: Vec::new(),
            client: Vec::new(),
            when: when
                .into_iter()
                .map(|w| WhenApplied { postgres: w.versions.to_string(), why: w.why.clone() })
                .collect(),
        });
        params.push(values);
    }
    Ok(Run { scenario, db, client, plan, params, result, progress })
}
