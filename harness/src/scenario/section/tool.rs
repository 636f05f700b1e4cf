//! The `[database]` keys for migrations that the project's own tool runs (`tool`, `app`,
//! `up-command`, `down-command`, `sql-command`, `previous`), checked without running anything:
//! the tool is one planproof knows, the keys fit it, and its project folder holds what the tool
//! needs to start (`alembic.ini`, `manage.py`). Finding the migration under test among the
//! tool's own files is the migrate stage's business.

use std::path::Path;

use super::database::RawDatabase;
use crate::scenario::error::ScenarioError;
use crate::scenario::source::SourceFile;
use crate::scenario::span::Spanned;

/// The placeholder of `up-command`/`down-command`/`sql-command` replaced by the migration to
/// go to.
pub(crate) const TARGET: &str = "{target}";

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
    pub(crate) fn name(&self) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::section::database::tests::database;

    /// The tool `[database]` names, from `keys` after `migrations = "{folder}"` and
    /// `under-test` (line 4 on).
    fn tool(folder: &str, keys: &str) -> std::result::Result<Option<ToolSpec>, String> {
        database(&format!("migrations = \"{folder}\"\nunder-test = \"001_x\"\n{keys}")).map(|d| d.tool)
    }

    #[test]
    fn each_tool_is_read_with_its_keys() {
        let cases = [
            ("no tool", "m", "", None),
            ("alembic", "alembic", "tool = \"alembic\"", Some(ToolSpec::Alembic)),
            ("django", "django", "tool = \"django\"\napp = \"upstream\"", Some(ToolSpec::Django { app: "upstream".into() })),
            (
                "a command with every key",
                "m",
                "tool = \"command\"\nup-command = \"goose up-to {target}\"\ndown-command = \"goose down-to {target}\"\nsql-command = \"cat {target}\"\nprevious = \"0\"",
                Some(ToolSpec::Command {
                    up: "goose up-to {target}".into(),
                    down: Some("goose down-to {target}".into()),
                    sql: Some("cat {target}".into()),
                    previous: Some("0".into()),
                }),
            ),
            (
                "a command that goes down one step",
                "m",
                "tool = \"command\"\nup-command = \"goose up\"\ndown-command = \"goose down\"",
                Some(ToolSpec::Command { up: "goose up".into(), down: Some("goose down".into()), sql: None, previous: None }),
            ),
        ];
        for (name, folder, keys, expected) in cases {
            assert_eq!(tool(folder, keys), Ok(expected), "{name}");
        }
    }

    #[test]
    fn invalid_tool_keys_say_what_was_expected() {
        let without_tool = "applies only to migrations run by a tool (expected `tool = \"alembic\"`, `\"django\"` or `\"command\"` beside it)";
        let cases = [
            ("app without a tool", "m", "app = \"x\"", format!("4:7: `app` {without_tool}")),
            ("up-command without a tool", "m", "up-command = \"x\"", format!("4:14: `up-command` {without_tool}")),
            ("down-command without a tool", "m", "down-command = \"x\"", format!("4:16: `down-command` {without_tool}")),
            ("sql-command without a tool", "m", "sql-command = \"x\"", format!("4:15: `sql-command` {without_tool}")),
            ("previous without a tool", "m", "previous = \"x\"", format!("4:12: `previous` {without_tool}")),
            ("a tool planproof does not know", "m", "tool = \"flyway\"", "4:8: invalid `tool` `flyway` (expected `alembic`, `django` or `command`)".into()),
            (
                "transaction with a tool",
                "m",
                "tool = \"command\"\nup-command = \"x\"\ntransaction = \"none\"",
                "6:15: `transaction` applies to SQL migration files (expected no `transaction` with `tool = \"command\"`: the tool runs its migrations its own way)".into(),
            ),
            (
                "app with alembic",
                "alembic",
                "tool = \"alembic\"\napp = \"x\"",
                "5:7: `app` does not apply to `tool = \"alembic\"` (expected it only with `tool = \"django\"`)".into(),
            ),
            (
                "app with a command",
                "m",
                "tool = \"command\"\nup-command = \"x\"\napp = \"x\"",
                "6:7: `app` does not apply to `tool = \"command\"` (expected it only with `tool = \"django\"`)".into(),
            ),
            (
                "up-command with django",
                "django",
                "tool = \"django\"\napp = \"x\"\nup-command = \"x\"",
                "6:14: `up-command` does not apply to `tool = \"django\"` (expected it only with `tool = \"command\"`)".into(),
            ),
            (
                "alembic without alembic.ini",
                "m",
                "tool = \"alembic\"",
                "2:14: `tool = \"alembic\"` runs in the project folder `DIR/m`, which has no `alembic.ini` (expected the folder holding `alembic.ini`)".into(),
            ),
            (
                "alembic in a folder that is not there is the folder's error",
                "nope",
                "tool = \"alembic\"",
                "2:14: migrations folder `nope` not found (looked for `DIR/nope`)".into(),
            ),
            (
                "django without manage.py",
                "m",
                "tool = \"django\"\napp = \"x\"",
                "2:14: `tool = \"django\"` runs in the project folder `DIR/m`, which has no `manage.py` (expected the folder holding `manage.py`)".into(),
            ),
            (
                "django without app",
                "django",
                "tool = \"django\"",
                "4:8: `tool = \"django\"` needs `app`, the label of the app whose migration is under test (expected e.g. `app = \"upstream\"`)".into(),
            ),
            (
                "an app label with a dash",
                "django",
                "tool = \"django\"\napp = \"up-stream\"",
                "5:7: invalid `app` `up-stream` (expected a Django app label like `upstream`)".into(),
            ),
            (
                "an empty app label",
                "django",
                "tool = \"django\"\napp = \"\"",
                "5:7: invalid `app` `` (expected a Django app label like `upstream`)".into(),
            ),
            (
                "an empty up-command",
                "m",
                "tool = \"command\"\nup-command = \" \"",
                "5:14: empty `up-command` (expected a shell command like `goose up-to {target}`)".into(),
            ),
            (
                "a command without up-command",
                "m",
                "tool = \"command\"",
                "4:8: `tool = \"command\"` needs `up-command`, the command that migrates up to `{target}` (expected e.g. `up-command = \"goose up-to {target}\"`)".into(),
            ),
            (
                "an empty down-command",
                "m",
                "tool = \"command\"\nup-command = \"x\"\ndown-command = \"\"",
                "6:16: empty `down-command` (expected a shell command like `goose up-to {target}`)".into(),
            ),
            (
                "an empty sql-command",
                "m",
                "tool = \"command\"\nup-command = \"x\"\nsql-command = \"\"",
                "6:15: empty `sql-command` (expected a shell command like `goose up-to {target}`)".into(),
            ),
            (
                "an empty previous",
                "m",
                "tool = \"command\"\nup-command = \"x {target}\"\nprevious = \" \"",
                "6:12: empty `previous` (expected the target of the migration just before `under-test`)".into(),
            ),
            (
                "previous with an up-command that takes no target",
                "m",
                "tool = \"command\"\nup-command = \"x\"\nprevious = \"p\"",
                "6:12: `previous` is set, but `up-command` has no `{target}` to migrate up to it (expected `{target}` in `up-command`, or no `previous`)".into(),
            ),
            (
                "a down-command to a target without previous",
                "m",
                "tool = \"command\"\nup-command = \"x {target}\"\ndown-command = \"y {target}\"",
                "6:16: `down-command` goes down to `{target}`, but `previous` is not set (expected `previous`, the target of the migration just before `under-test`)".into(),
            ),
        ];
        for (name, folder, keys, expected) in cases {
            assert_eq!(tool(folder, keys), Err(expected), "{name}");
        }
    }
}
