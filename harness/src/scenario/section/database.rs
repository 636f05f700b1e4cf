//! `[database]`: the PostgreSQL major the scenario is written for, the schema files, the
//! migrations folder and the migration under test, how migration files are wrapped, and how long
//! one command of a tool may run. The keys of migrations that the project's own tool runs are
//! `tool`'s; finding the migration under test in its folder is the migrate stage's business.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::tool::{tool_spec, ToolSpec};
use crate::scenario::duration::parse_duration;
use crate::scenario::error::Location;
use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::{OneOrMany, Version};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawDatabase {
    #[serde(default)]
    pub postgres: Option<Spanned<Version>>,
    #[serde(default)]
    pub schema: Option<Spanned<OneOrMany>>,
    pub migrations: Spanned<String>,
    pub under_test: Spanned<String>,
    #[serde(default)]
    pub tool_timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub transaction: Option<Spanned<String>>,
    // Migrations run by the project's own tool (see `tool.rs`).
    #[serde(default)]
    pub tool: Option<Spanned<String>>,
    #[serde(default)]
    pub app: Option<Spanned<String>>,
    #[serde(default)]
    pub up_command: Option<Spanned<String>>,
    #[serde(default)]
    pub down_command: Option<Spanned<String>>,
    #[serde(default)]
    pub sql_command: Option<Spanned<String>>,
    #[serde(default)]
    pub previous: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct DatabaseSpec {
    /// The PostgreSQL major version the scenario is written for, if it says.
    pub postgres: Option<String>,
    pub schema: Vec<PathBuf>,
    pub migrations: PathBuf,
    pub under_test: String,
    pub under_test_at: Location,
    /// Overrides how migration files are wrapped; `None` means "as the migration tool would".
    pub transaction: Option<TransactionMode>,
    /// The project's own tool runs the migrations (`migrations` is its project folder);
    /// `None`: planproof runs the folder's SQL files.
    pub tool: Option<ToolSpec>,
    /// How long one command of the tool may run before it is killed (`tool-timeout`).
    pub tool_timeout: Duration,
}

/// `tool-timeout` when the scenario sets none: long enough for a real index build on seeded
/// data, short enough that a tool stuck on a lock or a prompt does not hold CI for hours.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(600);

/// How a migration file is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransactionMode {
    /// The whole file in one transaction (Diesel's and sqlx's default).
    PerFile,
    /// Statement by statement in autocommit, as `psql -f` runs a file.
    None,
    /// As the project's tool decides (Alembic, Django, a command): planproof does not wrap it.
    Tool,
}

impl Validator<'_> {
    pub(crate) fn database(&self, raw: Spanned<RawDatabase>) -> Result<DatabaseSpec> {
        let raw = raw.into_inner();
        let tool = tool_spec(self.src, &raw, &self.src.resolve(raw.migrations.get_ref()))?;
        let tool_timeout = match &raw.tool_timeout {
            None => DEFAULT_TOOL_TIMEOUT,
            Some(t) if tool.is_none() => {
                return self.err(t.span(), "`tool-timeout` applies only to migrations a tool runs (expected `tool = \"alembic\"`, `\"django\"` or `\"command\"` beside it)");
            }
            Some(t) => parse_duration(t.get_ref()).or_else(|m| self.err(t.span(), format!("`tool-timeout`: {m}")))?,
        };
        let postgres = match raw.postgres {
            None => None,
            Some(v) => {
                let span = v.span();
                let text = v.into_inner().0;
                match text.parse::<u32>() {
                    // Stored as the major, so that `"016"` and `16` name the same version.
                    Ok(major) if (10..=99).contains(&major) => Some(major.to_string()),
                    _ => {
                        return self.err(
                            span,
                            format!("invalid `postgres` version `{text}` (expected a major version like \"16\")"),
                        );
                    }
                }
            }
        };
        let mut schema = Vec::new();
        if let Some(files) = raw.schema {
            let whole = files.span();
            for (file, span) in files.into_inner().items(whole) {
                let path = self.src.resolve(&file);
                if !path.is_file() {
                    return self.err(span, format!("schema file `{file}` not found (looked for `{}`)", path.display()));
                }
                schema.push(path);
            }
        }
        let mig_span = raw.migrations.span();
        let migrations = self.src.resolve(raw.migrations.get_ref());
        if !migrations.is_dir() {
            return self.err(
                mig_span,
                format!(
                    "migrations folder `{}` not found (looked for `{}`)",
                    raw.migrations.get_ref(),
                    migrations.display()
                ),
            );
        }
        let under_test_at = self.at(raw.under_test.span());
        let under_test = raw.under_test.into_inner();
        let transaction = match raw.transaction {
            None => None,
            Some(t) => Some(match t.get_ref().as_str() {
                "per-file" => TransactionMode::PerFile,
                "none" => TransactionMode::None,
                other => {
                    return self
                        .err(t.span(), format!("invalid `transaction` `{other}` (expected `per-file` or `none`)"));
                }
            }),
        };
        Ok(DatabaseSpec { postgres, schema, migrations, under_test, under_test_at, transaction, tool, tool_timeout })
    }
}
