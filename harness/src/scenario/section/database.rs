//! `[database]`: the PostgreSQL major the scenario is written for, the schema files, the seed
//! files (SQL that fills several tables), the migrations folder and the migration under test, how migration files are wrapped, and how long
//! one command of a tool may run. The keys of migrations that the project's own tool runs are
//! `tool`'s; finding the migration under test in its folder is the migrate stage's business.

use std::path::PathBuf;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::table::SqlSeed;
use super::tool::{tool_spec, ToolSpec};
use crate::scenario::duration::parse_duration;
use crate::scenario::error::Location;
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::{OneOrMany, Version};

/// `[database]`: where the schema and the migrations are, and which migration is under test.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Database")]
pub(crate) struct RawDatabase {
    #[serde(default)]
    pub(crate) postgres: Option<Spanned<Version>>,
    #[serde(default)]
    pub(crate) schema: Option<Spanned<OneOrMany>>,
    /// SQL files that fill tables (several at once, as a project's seed script does), run in
    /// order after the schema and the earlier migrations, before the `[tables]`.
    #[serde(default)]
    pub(crate) seed_files: Option<Spanned<OneOrMany>>,
    pub(crate) migrations: Spanned<String>,
    pub(crate) under_test: Spanned<String>,
    #[serde(default)]
    pub(crate) tool_timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) transaction: Option<Spanned<String>>,
    // Migrations run by the project's own tool (see `tool.rs`).
    #[serde(default)]
    pub(crate) tool: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) app: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) up_command: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) down_command: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) sql_command: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) previous: Option<Spanned<String>>,
    // The scratch database's locale (see `db::DatabaseLocale`).
    #[serde(default)]
    pub(crate) locale: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) lc_collate: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) lc_ctype: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) locale_provider: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) icu_locale: Option<Spanned<String>>,
}

/// `[database]`, validated: paths resolved against the scenario file's folder and checked.
#[derive(Debug, Clone)]
pub struct DatabaseSpec {
    /// The PostgreSQL major version the scenario is written for, if it says.
    pub postgres: Option<String>,
    pub schema: Vec<PathBuf>,
    /// `seed-files`, in order, each with where the file names it.
    pub seed_files: Vec<SqlSeed>,
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
    /// The scratch database's locale (`locale`, `lc-collate`, `lc-ctype`, `locale-provider`,
    /// `icu-locale`); the default is the backend's (C for planproof's own servers).
    pub locale: DatabaseLocale,
}

/// How the locale of a new database is chosen. All `None`: the backend's default (C for the
/// throwaway clusters and containers, the server's template for a URL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatabaseLocale {
    pub locale: Option<String>,
    pub lc_collate: Option<String>,
    pub lc_ctype: Option<String>,
    /// `icu` or `libc`.
    pub provider: Option<String>,
    pub icu_locale: Option<String>,
}

impl DatabaseLocale {
    /// Whether the scenario asks for anything.
    pub fn is_default(&self) -> bool {
        *self == DatabaseLocale::default()
    }
}

/// `tool-timeout` when the scenario sets none: long enough for a real index build on seeded
/// data, short enough that a tool stuck on a lock or a prompt does not hold CI for hours.
pub(crate) const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(600);

/// How a migration file is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
            Some(t) => {
                match parse_duration(t.get_ref()).or_else(|m| self.err(t.span(), format!("`tool-timeout`: {m}")))? {
                    zero if zero.is_zero() => {
                        return self.err(t.span(), "`tool-timeout` is 0, so no command could run (expected a bound above zero, such as \"10m\")");
                    }
                    bound => bound,
                }
            }
        };
        let locale = self.locale(&raw)?;
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
                self.src.named_file(span, "schema file", &file, &path)?;
                schema.push(path);
            }
        }
        let mut seed_files = Vec::new();
        if let Some(files) = raw.seed_files {
            let whole = files.span();
            for (file, span) in files.into_inner().items(whole) {
                seed_files.push(self.seed_file("seed-files", &file, span)?);
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
        self.src.confined(mig_span, raw.migrations.get_ref(), &migrations)?;
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
        Ok(DatabaseSpec {
            postgres,
            schema,
            seed_files,
            migrations,
            under_test,
            under_test_at,
            transaction,
            tool,
            tool_timeout,
            locale,
        })
    }

    /// The locale keys: names the server checks when it creates the database; here only
    /// that each is a plain name, and that the provider and the ICU locale go together.
    fn locale(&self, raw: &RawDatabase) -> Result<DatabaseLocale> {
        let name = |key: &str, value: &Option<Spanned<String>>| -> Result<Option<String>> {
            let Some(v) = value else { return Ok(None) };
            let text = v.get_ref();
            if text.trim().is_empty() || text.chars().any(|c| c.is_control() || c == '\'' || c == '\\') {
                return self.err(v.span(), format!("`{key}` {text:?} is not a locale name (expected a name like \"en_US.UTF-8\" or, for ICU, \"en-US\")"));
            }
            Ok(Some(text.clone()))
        };
        let provider = match &raw.locale_provider {
            None => None,
            Some(p) if matches!(p.get_ref().as_str(), "icu" | "libc") => Some(p.get_ref().clone()),
            Some(p) => {
                return self.err(
                    p.span(),
                    format!("invalid `locale-provider` `{}` (expected \"icu\" or \"libc\")", p.get_ref()),
                );
            }
        };
        let icu_locale = name("icu-locale", &raw.icu_locale)?;
        match (&raw.icu_locale, provider.as_deref(), &raw.locale_provider) {
            (Some(i), p, _) if p != Some("icu") => {
                return self.err(i.span(), "`icu-locale` needs `locale-provider = \"icu\"` beside it");
            }
            (None, Some("icu"), Some(p)) if raw.locale.is_none() => {
                return self.err(
                    p.span(),
                    "`locale-provider = \"icu\"` needs the ICU locale (expected `icu-locale = \"en-US\"`, say)",
                );
            }
            _ => {}
        }
        Ok(DatabaseLocale {
            locale: name("locale", &raw.locale)?,
            lc_collate: name("lc-collate", &raw.lc_collate)?,
            lc_ctype: name("lc-ctype", &raw.lc_ctype)?,
            provider,
            icu_locale,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scenario::section::table::SqlText;
    use crate::scenario::validate::testing::section;

    /// `[database]` of a scenario file in a folder holding `m/` (SQL migrations), `schema.sql`,
    /// `alembic/alembic.ini` and `django/manage.py`; `keys` follow `migrations` and
    /// `under-test`, from line 4 on, unless they set those themselves.
    pub(crate) fn database(keys: &str) -> std::result::Result<DatabaseSpec, String> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for folder in ["m", "alembic", "django"] {
            std::fs::create_dir(dir.path().join(folder)).expect("a folder");
        }
        for file in ["schema.sql", "m/001_x.sql", "alembic/alembic.ini", "django/manage.py"] {
            std::fs::write(dir.path().join(file), "").expect("a file");
        }
        let text = if keys.contains("migrations =") {
            format!("[database]\n{keys}")
        } else {
            format!("[database]\nmigrations = \"m\"\nunder-test = \"001_x\"\n{keys}")
        };
        section(&dir.path().join("s.toml"), &text, "database", |v, raw| {
            let d = v.database(raw)?;
            let schema = d.schema.iter().map(|p| strip(p, dir.path())).collect();
            Ok(DatabaseSpec { schema, migrations: strip(&d.migrations, dir.path()), ..d })
        })
    }

    /// `path` relative to the test's folder.
    fn strip(path: &std::path::Path, dir: &std::path::Path) -> PathBuf {
        path.strip_prefix(dir).map_or_else(|_| path.to_path_buf(), std::path::Path::to_path_buf)
    }

    #[test]
    fn keys_are_read_into_the_model() {
        let d = database("").expect("the required keys only");
        assert_eq!(
            (
                d.postgres,
                d.schema,
                d.migrations,
                d.under_test.as_str(),
                d.under_test_at,
                d.transaction,
                d.tool,
                d.tool_timeout
            ),
            (
                None,
                vec![],
                PathBuf::from("m"),
                "001_x",
                Location { line: 3, col: 14 },
                None,
                None,
                DEFAULT_TOOL_TIMEOUT
            )
        );
        // Name, keys, and the major, schema files and transaction mode they give.
        type Case =
            (&'static str, &'static str, Option<&'static str>, &'static [&'static str], Option<TransactionMode>);
        let cases: &[Case] = &[
            ("a major as a string", "postgres = \"17\"", Some("17"), &[], None),
            ("a major as an integer", "postgres = 13", Some("13"), &[], None),
            ("a major with a leading zero", "postgres = \"016\"", Some("16"), &[], None),
            ("one schema file", "schema = \"schema.sql\"", None, &["schema.sql"], None),
            (
                "schema files, `./` folded",
                "schema = [\"schema.sql\", \"./schema.sql\"]",
                None,
                &["schema.sql", "schema.sql"],
                None,
            ),
            ("per-file", "transaction = \"per-file\"", None, &[], Some(TransactionMode::PerFile)),
            ("none", "transaction = \"none\"", None, &[], Some(TransactionMode::None)),
        ];
        for (name, keys, postgres, schema, transaction) in cases {
            let d = database(keys).unwrap_or_else(|m| panic!("{name}: {m}"));
            assert_eq!(d.postgres.as_deref(), *postgres, "{name}");
            assert_eq!(d.schema, schema.iter().map(PathBuf::from).collect::<Vec<_>>(), "{name}");
            assert_eq!(d.transaction, *transaction, "{name}");
        }
        let seeded = database("seed-files = [\"schema.sql\", \"./schema.sql\"]").expect("two seed files");
        let files: Vec<(&str, usize, bool)> = seeded
            .seed_files
            .iter()
            .map(|s| (s.key, s.at.col, matches!(&s.text, SqlText::File(p) if p.ends_with("schema.sql"))))
            .collect();
        assert_eq!(files, vec![("seed-files", 15, true), ("seed-files", 29, true)]);
        let tool =
            database("migrations = \"alembic\"\nunder-test = \"001_x\"\ntool = \"alembic\"\ntool-timeout = \"90s\"");
        assert_eq!(tool.map(|d| (d.tool, d.tool_timeout)), Ok((Some(ToolSpec::Alembic), Duration::from_secs(90))));
    }

    #[test]
    fn invalid_database_tables_say_what_was_expected() {
        let cases = [
            (
                "tool-timeout without a tool",
                "tool-timeout = \"1m\"",
                "4:16: `tool-timeout` applies only to migrations a tool runs (expected `tool = \"alembic\"`, `\"django\"` or `\"command\"` beside it)",
            ),
            (
                "tool-timeout not a duration",
                "migrations = \"alembic\"\nunder-test = \"001_x\"\ntool = \"alembic\"\ntool-timeout = \"soon\"",
                "5:16: `tool-timeout`: invalid duration `soon` (expected a duration like `250ms`, `1s` or `2m`)",
            ),
            ("postgres a word", "postgres = \"abc\"", "4:12: invalid `postgres` version `abc` (expected a major version like \"16\")"),
            ("postgres below 10", "postgres = 9", "4:12: invalid `postgres` version `9` (expected a major version like \"16\")"),
            ("postgres past 99", "postgres = \"100\"", "4:12: invalid `postgres` version `100` (expected a major version like \"16\")"),
            ("a schema file missing", "schema = \"nope.sql\"", "4:10: schema file `nope.sql` not found (looked for `DIR/nope.sql`)"),
            (
                "a seed file missing",
                "seed-files = [\"schema.sql\", \"nope.sql\"]",
                "4:29: seed file `nope.sql` not found (looked for `DIR/nope.sql`)",
            ),
            (
                "the second schema file missing",
                "schema = [\"schema.sql\", \"nope.sql\"]",
                "4:25: schema file `nope.sql` not found (looked for `DIR/nope.sql`)",
            ),
            (
                "the migrations folder missing",
                "migrations = \"nope\"\nunder-test = \"001_x\"",
                "2:14: migrations folder `nope` not found (looked for `DIR/nope`)",
            ),
            (
                "migrations a file",
                "migrations = \"schema.sql\"\nunder-test = \"001_x\"",
                "2:14: migrations folder `schema.sql` not found (looked for `DIR/schema.sql`)",
            ),
            (
                "transaction not a mode",
                "transaction = \"tool\"",
                "4:15: invalid `transaction` `tool` (expected `per-file` or `none`)",
            ),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(database(keys).map(|_| ()), Err(expected.to_string()), "{name}");
        }
    }
}
