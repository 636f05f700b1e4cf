//! Turns the raw file into the validated model: each section validates itself (`section/`),
//! and this file holds what spans them, the top-level keys (`name`, `description`, `seed`)
//! and the checks of the scenario as a whole (a migration expected to fail has nothing to
//! check after it; a tool keeps its own down step). Every error reports the position of the
//! value at fault and what was expected there.

use std::collections::BTreeSet;
use std::ops::Range;

use super::error::{Location, ScenarioError};
use super::model::Scenario;
use super::parse::RawScenario;
use super::section::expectations::Phase;
use super::section::index::IndexSpec;
use super::section::migration::MigrationSpec;
use super::source::SourceFile;

/// Validates one file's raw structs, knowing the file for positions and relative paths.
pub(crate) struct Validator<'a> {
    pub(crate) src: &'a SourceFile,
}

pub(crate) type Result<T> = std::result::Result<T, ScenarioError>;

impl Validator<'_> {
    /// An error at the start of `span`.
    pub(crate) fn err<T>(&self, span: Range<usize>, message: impl Into<String>) -> Result<T> {
        Err(self.src.error(span, message))
    }

    /// The line and column of the start of `span`.
    pub(crate) fn at(&self, span: Range<usize>) -> Location {
        self.src.location(span.start)
    }

    pub(crate) fn scenario(&self, raw: RawScenario) -> Result<Scenario> {
        let name_span = raw.name.span();
        let name = raw.name.into_inner();
        if name.trim().is_empty() {
            return self.err(name_span, "empty scenario `name` (expected a short kebab-case name)");
        }
        let seed = match raw.seed {
            None => 0,
            Some(s) => {
                let span = s.span();
                u64::try_from(*s.get_ref()).or_else(|_| {
                    self.err(span, format!("invalid `seed` `{}` (expected an integer >= 0)", s.get_ref()))
                })?
            }
        };
        let database = self.database(raw.database)?;
        let explain = self.explain(raw.explain)?;
        let tables = self.tables(raw.tables)?;
        let mut queries = Vec::new();
        let mut names = BTreeSet::new();
        for q in raw.queries {
            let query = self.query(q)?;
            if !names.insert(query.name.clone()) {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: query.at,
                    message: format!(
                        "duplicate query name `{}` (expected each query to have its own name)",
                        query.name
                    ),
                });
            }
            queries.push(query);
        }
        let migration = match raw.migration {
            None => MigrationSpec::default(),
            Some(m) => self.migration(m.into_inner())?,
        };
        if migration.expect_error.is_some() {
            // A migration expected to fail leaves no "after" to check: such expectations
            // would silently never run.
            if let Some(q) = queries.iter().find(|q| q.all_checks().any(|c| c.phase == Phase::After)) {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: q.at,
                    message: format!(
                        "query `{}` has `after` expectations, but `expect-error` says the migration fails (expected only `before` expectations; check the fixed migration in a scenario of its own)",
                        q.name
                    ),
                });
            }
        }
        let matrix = match raw.matrix {
            None => Vec::new(),
            Some(m) => self.matrix(m.into_inner(), database.postgres.as_deref())?,
        };
        let mut indexes: Vec<IndexSpec> = Vec::new();
        for i in raw.indexes {
            let spec = self.index(i)?;
            if indexes.iter().any(|o| o.name == spec.name) {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: spec.at,
                    message: format!("duplicate `[[indexes]]` entry `{}` (expected each index once)", spec.name),
                });
            }
            indexes.push(spec);
        }
        if migration.expect_error.is_some() {
            if let Some(i) = indexes.first() {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: i.at,
                    message: format!(
                        "index `{}` is described under `[[indexes]]`, but `expect-error` says the migration fails (expected no `[[indexes]]`: they are checked after a migration that applied)",
                        i.name
                    ),
                });
            }
        }
        if let (Some(tool), Some(r)) = (&database.tool, &migration.reversible) {
            if r.down.is_some() {
                // A SQL file would undo the schema but not the tool's own record of what it
                // applied (`alembic_version`, `django_migrations`): up again would do nothing.
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: r.down_at,
                    message: format!(
                        "migration: `down` names a SQL file, but `{}` runs the migrations (expected no `down`: the tool's own down step runs, and it keeps the tool's record of what is applied)",
                        tool.name()
                    ),
                });
            }
        }
        let load = self.workload(raw.load, &migration, &tables, &queries)?;
        Ok(Scenario {
            path: self.src.path.clone(),
            name,
            description: raw.description.unwrap_or_default(),
            seed,
            database,
            explain,
            tables,
            queries,
            migration,
            matrix,
            indexes,
            load,
        })
    }
}
