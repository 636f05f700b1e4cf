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
use super::section::expectations::{Expect, Phase};
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

    /// A bound written as a duration (`key` as the message names it, `"10m"` as its example):
    /// zero is refused, since it would stop everything it bounds before it starts.
    pub(crate) fn bound(
        &self,
        raw: &crate::scenario::span::Spanned<String>,
        key: &str,
        example: &str,
    ) -> Result<std::time::Duration> {
        match super::duration::parse_duration(raw.get_ref()).or_else(|m| self.err(raw.span(), format!("{key}: {m}")))? {
            zero if zero.is_zero() => {
                self.err(raw.span(), format!("{key} is 0 (expected a bound above zero, such as \"{example}\")"))
            }
            bound => Ok(bound),
        }
    }

    pub(crate) fn scenario(&self, raw: RawScenario) -> Result<Scenario> {
        let name_span = raw.name.span();
        let name = raw.name.into_inner();
        if name.trim().is_empty() {
            return self.err(name_span, "empty scenario `name` (expected a short kebab-case name)");
        }
        if name.chars().any(char::is_control) {
            return self.err(
                name_span,
                format!("scenario `name` {name:?} holds control characters (expected a short kebab-case name: it is printed in CI logs and reports)"),
            );
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
        let time_limit = match &raw.time_limit {
            None => DEFAULT_TIME_LIMIT,
            Some(t) => self.bound(t, "`time-limit`", "30m")?,
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
        let mut migration = match raw.migration {
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
        migration.expects.extend(indexes.into_iter().map(Expect::Index));
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
            load,
            time_limit,
        })
    }
}

/// `time-limit` when the scenario sets none: room for seeding millions of rows and a real
/// index build, not for a scenario that never ends to hold a CI runner for hours.
pub(crate) const DEFAULT_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// What the section tests share: a section read from a snippet of TOML and validated alone.
#[cfg(test)]
pub(crate) mod testing {
    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::scenario::span::Spanned;
    use serde::de::DeserializeOwned;

    use super::{Result, Validator};
    use crate::scenario::{ScenarioError, SourceFile};

    /// Reads the value of `key` in `text` as a section's raw struct `T` and validates it with
    /// `validate`, as a file at `path` would have it (relative paths resolve against its
    /// folder): the model, or the error as `line:col: message`, the folder written `DIR`.
    pub(crate) fn section<T: DeserializeOwned, M>(
        path: &Path,
        text: &str,
        key: &str,
        validate: impl FnOnce(&Validator<'_>, Spanned<T>) -> Result<M>,
    ) -> std::result::Result<M, String> {
        let src = SourceFile::new(path, text.to_string());
        let mut doc: BTreeMap<String, Spanned<T>> =
            toml::from_str(text).map_err(|e| format!("the test's TOML does not read: {e}"))?;
        let raw = doc.remove(key).ok_or_else(|| format!("the test's TOML has no `{key}`"))?;
        validate(&Validator { src: &src }, raw).map_err(|e| describe(&e, path))
    }

    /// `line:col: message` of an error in a file at `path`, its folder written `DIR`.
    pub(crate) fn describe(e: &ScenarioError, path: &Path) -> String {
        match e {
            ScenarioError::Invalid { at, message, .. } => {
                let dir = path.parent().map(|d| d.display().to_string()).unwrap_or_default();
                let message = if dir.is_empty() { message.clone() } else { message.replace(&dir, "DIR") };
                format!("{at}: {message}")
            }
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::describe;
    use crate::scenario::{parse, Scenario, SourceFile};

    /// `text` as a scenario file in a folder holding `m/` (SQL migrations), `alembic/` (an
    /// Alembic project) and `down.sql`.
    fn scenario(text: &str) -> std::result::Result<Scenario, String> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for folder in ["m", "alembic"] {
            std::fs::create_dir(dir.path().join(folder)).expect("a folder");
        }
        for file in ["alembic/alembic.ini", "down.sql"] {
            std::fs::write(dir.path().join(file), "").expect("a file");
        }
        let path = dir.path().join("s.toml");
        parse(&SourceFile::new(&path, text.to_string())).map_err(|e| describe(&e, &path))
    }

    /// A scenario of SQL migrations in `m/`, then `extra` from line 5 on.
    fn with(extra: &str) -> std::result::Result<Scenario, String> {
        scenario(&format!("name = \"t\"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"\n{extra}"))
    }

    const QUERY: &str = "[[queries]]\nname = \"q\"\nsql = \"SELECT 1\"\n";

    #[test]
    fn top_level_keys_are_read() {
        let s = scenario(
            "name = \"t\"\nseed = 42\ndescription = \"d\"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"",
        )
        .expect("a valid scenario");
        assert_eq!((s.name.as_str(), s.seed, s.description.as_str()), ("t", 42, "d"));
        let s = with("").expect("the least scenario");
        assert_eq!((s.seed, s.description.as_str(), s.queries.len(), s.tables.len(), s.matrix.len()), (0, "", 0, 0, 0));
        assert!(s.load.is_none() && s.migration.expects.is_empty());
        let fails =
            with(&format!("{QUERY}[queries.before]\nplan = \"seq-scan\"\n[migration]\nexpect-error = \"boom\""));
        assert!(fails.is_ok(), "a migration expected to fail may have `before` expectations: {fails:?}");
    }

    #[test]
    fn checks_across_sections_say_what_was_expected() {
        let cases = [
            ("an empty name", "name = \" \"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"".to_string(), "1:8: empty scenario `name` (expected a short kebab-case name)"),
            ("a seed below 0", "name = \"t\"\nseed = -1\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"".into(), "2:8: invalid `seed` `-1` (expected an integer >= 0)"),
            ("two queries of one name", format!("name = \"t\"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"\n{QUERY}{QUERY}"), "9:8: duplicate query name `q` (expected each query to have its own name)"),
            (
                "after expectations on a migration that fails",
                format!("name = \"t\"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"\n{QUERY}[queries.after]\nplan = \"seq-scan\"\n[migration]\nexpect-error = \"boom\""),
                "6:8: query `q` has `after` expectations, but `expect-error` says the migration fails (expected only `before` expectations; check the fixed migration in a scenario of its own)",
            ),
            (
                "and in a when entry",
                format!("name = \"t\"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"\n{QUERY}[[queries.when]]\npostgres = \"16\"\nwhy = \"w\"\nafter = {{ plan = \"seq-scan\" }}\n[migration]\nexpect-error = \"boom\""),
                "6:8: query `q` has `after` expectations, but `expect-error` says the migration fails (expected only `before` expectations; check the fixed migration in a scenario of its own)",
            ),
            (
                "an index twice, names trimmed",
                "name = \"t\"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"\n[[indexes]]\nname = \"i\"\n[[indexes]]\nname = \" i \"".into(),
                "8:8: duplicate `[[indexes]]` entry `i` (expected each index once)",
            ),
            (
                "indexes on a migration that fails",
                "name = \"t\"\n[database]\nmigrations = \"m\"\nunder-test = \"001_x\"\n[[indexes]]\nname = \"i\"\n[migration]\nexpect-error = \"boom\"".into(),
                "6:8: index `i` is described under `[[indexes]]`, but `expect-error` says the migration fails (expected no `[[indexes]]`: they are checked after a migration that applied)",
            ),
            (
                "a SQL down file beside a tool",
                "name = \"t\"\n[database]\nmigrations = \"alembic\"\nunder-test = \"001_x\"\ntool = \"alembic\"\n[migration]\nreversible = true\ndown = \"down.sql\"".into(),
                "8:8: migration: `down` names a SQL file, but `alembic` runs the migrations (expected no `down`: the tool's own down step runs, and it keeps the tool's record of what is applied)",
            ),
        ];
        for (name, text, expected) in cases {
            assert_eq!(scenario(&text).map(|_| ()), Err(expected.to_string()), "{name}");
        }
    }
}
