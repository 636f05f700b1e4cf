//! What the steps of one scenario run share: the scenario, its scratch database and the
//! connection plans are captured on, the migration plan, the parameters sampled for each query,
//! the result being built, and where progress is told.

use std::time::Duration;

use postgres::Client;

use super::error::PipelineError;
use crate::db::ScratchDb;
use crate::explain::ParamValue;
use crate::migrate::MigrationPlan;
use crate::progress::Progress;
use crate::result::ScenarioResult;
use crate::scenario::Scenario;

pub(super) struct Run<'a> {
    pub scenario: &'a Scenario,
    pub db: &'a ScratchDb,
    /// The connection the session settings are pinned on and every plan is captured on.
    pub client: Client,
    pub plan: MigrationPlan,
    /// Each query's bound values, in the order of `scenario.queries`: sampled before the
    /// first phase the query runs in (a query of the "after" phase only may sample a column
    /// the migration adds).
    pub params: Vec<Option<Vec<ParamValue>>>,
    pub result: &'a mut ScenarioResult,
    pub progress: &'a Progress,
}

impl Run<'_> {
    /// Query `i`'s bound values, sampled now if this is the first phase it runs in.
    pub(super) fn params_of(&mut self, i: usize) -> Result<&[ParamValue], PipelineError> {
        if self.params[i].is_none() {
            let values =
                crate::explain::sample_params(&mut self.client, &self.scenario.queries[i], self.scenario.seed)?;
            self.result.queries[i].params.clone_from(&values);
            self.params[i] = Some(values);
        }
        Ok(self.params[i].as_deref().unwrap_or_default())
    }

    /// The server's major version as a number, for `[[queries.when]]`.
    pub(super) fn major(&self) -> Option<u32> {
        server_major(&self.result.server_version)
    }

    /// Runs a statement of planproof's own on the capture connection.
    pub(super) fn execute(&mut self, sql: &str, what: &str) -> Result<(), PipelineError> {
        self.client.batch_execute(sql).map_err(|source| PipelineError::Sql { what: what.into(), source })
    }
}

pub(super) fn server_major(server_version: &str) -> Option<u32> {
    crate::db::major_of(server_version).parse().ok()
}

pub(super) fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A catalog read that failed, as the step it belongs to words it.
pub(super) fn sql(what: &str) -> impl FnOnce(postgres::Error) -> PipelineError + '_ {
    move |source| PipelineError::Sql { what: what.into(), source }
}
