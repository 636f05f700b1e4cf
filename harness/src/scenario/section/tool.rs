//! The `[database]` keys for migrations that the project's own tool runs (`tool`, `app`,
//! `up-command`, `down-command`, `sql-command`, `previous`), checked without running anything:
//! the tool is one planproof knows, the keys fit it, and its project folder holds what the tool
//! needs to start (`alembic.ini`, `manage.py`). Finding the migration under test among the
//! tool's own files is the migrate stage's business.

use std::path::Path;

use toml::Spanned;

use super::database::RawDatabase;
use crate::scenario::error::ScenarioError;
use crate::scenario::source::SourceFile;

/// The placeholder of `up-command`/`down-command`/`sql-command` replaced by the migration to
/// go to.
pub const TARGET: &str = "{target}";

/// The tool that runs a scenario's migrations, when it is not planproof reading SQL files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolSpec {
    /// `alembic upgrade <rev>` in the folder holding `alembic.ini`.
    Alembic,
    /// `python manage.py migrate <app> <name>` in the folder holding `manage.py`.
    Django { app: String },
    /// Any other tool: shell commands run with `sh -c`, `{target}` replaced by a migration.
    Command {
        up: String,
        down: Option<String>,
        sql: Option<String>,
        /// The target that stands for "every migration before the one under test".
        previous: Option<String>,
    },
}

impl ToolSpec {
    pub fn name(&self) -> &'static str {
        match self {
            ToolSpec::Alembic => "alembic",
            ToolSpec::Django { .. } => "django",
            ToolSpec::Command { .. } => "command",
        }
    }
}

type Result<T> = std::result::Result<T, ScenarioError>;

/// The tool `raw` names, if any; `project` is the resolved `migrations` folder.
pub(crate) fn tool_spec(src: &SourceFile, raw: &RawDatabase, project: &Path) -> Result<Option<ToolSpec>> {
    let err = |span: std::ops::Range<usize>, message: String| src.error(span, message);
    let Some(tool) = &raw.tool else {
        // Every tool key without `tool` is a mistake the user should hear about.
        for (key, value) in tool_keys(raw) {
            if let Some(v) = value {
                return Err(err(v.span(), format!("`{key}` applies only to migrations run by a tool (expected `tool = \"alembic\"`, `\"django\"` or `\"command\"` beside it)")));
            }
        }
        return Ok(None);
    };
    let name = tool.get_ref().as_str();
    if !matches!(name, "alembic" | "django" | "command") {
        return Err(err(tool.span(), format!("invalid `tool` `{name}` (expected `alembic`, `django` or `command`)")));
    }
    if let Some(t) = &raw.transaction {
        return Err(err(t.span(), format!("`transaction` applies to SQL migration files (expected no `transaction` with `tool = \"{name}\"`: the tool runs its migrations its own way)")));
    }
    let allowed: &[&str] = match name {
        "alembic" => &[],
        "django" => &["app"],
        _ => &["up-command", "down-command", "sql-command", "previous"],
    };
    for (key, value) in tool_keys(raw) {
        if let (Some(v), false) = (value, allowed.contains(&key)) {
            let fits = match key {
                "app" => "`tool = \"django\"`",
                _ => "`tool = \"command\"`",
            };
            return Err(err(
                v.span(),
                format!("`{key}` does not apply to `tool = \"{name}\"` (expected it only with {fits})"),
            ));
        }
    }
    let marker = |file: &str| -> Result<()> {
        // A folder that does not exist is reported as such by the `migrations` check.
        if project.join(file).is_file() || !project.is_dir() {
            Ok(())
        } else {
            Err(err(raw.migrations.span(), format!(
                "`tool = \"{name}\"` runs in the project folder `{}`, which has no `{file}` (expected the folder holding `{file}`)",
                project.display()
            )))
        }
    };
    let spec = match name {
        "alembic" => {
            marker("alembic.ini")?;
            ToolSpec::Alembic
        }
        "django" => {
            marker("manage.py")?;
            let Some(app) = &raw.app else {
                return Err(err(tool.span(), "`tool = \"django\"` needs `app`, the label of the app whose migration is under test (expected e.g. `app = \"upstream\"`)".into()));
            };
            let label = app.get_ref();
            if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(err(
                    app.span(),
                    format!("invalid `app` `{label}` (expected a Django app label like `upstream`)"),
                ));
            }
            ToolSpec::Django { app: label.clone() }
        }
        _ => {
            let command = |key: &str, v: &Option<Spanned<String>>| -> Result<Option<String>> {
                match v {
                    Some(c) if c.get_ref().trim().is_empty() => Err(err(
                        c.span(),
                        format!("empty `{key}` (expected a shell command like `goose up-to {TARGET}`)"),
                    )),
                    Some(c) => Ok(Some(c.get_ref().clone())),
                    None => Ok(None),
                }
            };
            let Some(up) = command("up-command", &raw.up_command)? else {
                return Err(err(tool.span(), format!("`tool = \"command\"` needs `up-command`, the command that migrates up to `{TARGET}` (expected e.g. `up-command = \"goose up-to {TARGET}\"`)")));
            };
            let down = command("down-command", &raw.down_command)?;
            let sql = command("sql-command", &raw.sql_command)?;
            let previous = match &raw.previous {
                Some(p) if p.get_ref().trim().is_empty() => {
                    return Err(err(
                        p.span(),
                        "empty `previous` (expected the target of the migration just before `under-test`)".into(),
                    ));
                }
                p => p.as_ref().map(|p| p.get_ref().clone()),
            };
            if let (Some(p), false) = (&raw.previous, up.contains(TARGET)) {
                // Without `{target}` the "earlier migrations" step would run the whole up
                // command, the migration under test included, before the seed.
                return Err(err(p.span(), format!("`previous` is set, but `up-command` has no `{TARGET}` to migrate up to it (expected `{TARGET}` in `up-command`, or no `previous`)")));
            }
            if let (Some(d), None) = (&raw.down_command, &previous) {
                if d.get_ref().contains(TARGET) {
                    return Err(err(d.span(), format!("`down-command` goes down to `{TARGET}`, but `previous` is not set (expected `previous`, the target of the migration just before `under-test`)")));
                }
            }
            ToolSpec::Command { up, down, sql, previous }
        }
    };
    Ok(Some(spec))
}

fn tool_keys(raw: &RawDatabase) -> [(&'static str, Option<&Spanned<String>>); 5] {
    [
        ("app", raw.app.as_ref()),
        ("up-command", raw.up_command.as_ref()),
        ("down-command", raw.down_command.as_ref()),
        ("sql-command", raw.sql_command.as_ref()),
        ("previous", raw.previous.as_ref()),
    ]
}
