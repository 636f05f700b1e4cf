//! Errors of the migrate stage. A failing statement is reported with its file, line, the
//! statement itself and PostgreSQL's own message, code, detail and hint; a failing tool with
//! its command, exit status and the end of what it printed.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("cannot read migrations folder `{}`", path.display())]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read `{}`", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `expected` lists the layouts of the registry.
    #[error("no migrations in `{}` (expected {expected})", path.display())]
    Empty { path: PathBuf, expected: String },
    #[error("migration under test `{name}` not found in `{}` (expected one of {available})", dir.display())]
    UnderTestNotFound { name: String, dir: PathBuf, available: String },
    #[error("`{}`: invalid `metadata.toml`: {message}", path.display())]
    Metadata { path: PathBuf, message: String },
    #[error("`{}`: cannot split into statements: {message}", path.display())]
    Split { path: PathBuf, message: String },
    #[error("`reversible = true`, but migration `{id}` has no down step (expected {expected}, or `down = \"file.sql\"` under [migration])")]
    NoDown { id: String, expected: String },
    #[error("{0}")]
    Statement(Box<StatementFailure>),
    /// Found without running it (`planproof validate`): a file planproof would run in one
    /// transaction block holds a statement PostgreSQL refuses in one.
    #[error("`{}` line {line}: {refused} cannot run inside a transaction block, and planproof would run this file in one: {why}", file.display())]
    InTransaction { file: PathBuf, line: usize, refused: String, why: String },
    /// The project's tool ran and failed.
    #[error("{0}")]
    Tool(Box<ToolFailure>),
    #[error("`{tool}` cannot run with `{python}`: {reason} (expected a Python with {tool} installed: `make deps` installs the pinned tools in `target/planproof-venv`; or set `PLANPROOF_PYTHON` to your project's python)")]
    ToolMissing { tool: String, python: String, reason: String },
    #[error("cannot start `{command}`")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    /// The tool's project folder does not hold what planproof reads without running the tool.
    #[error("`{}`: {message}", path.display())]
    ToolLayout { path: PathBuf, message: String },
    /// A migration file planproof would read that is not the project's own (a link out of it).
    #[error("migration file `{}`: {message}", path.display())]
    NotInProject { path: PathBuf, message: String },
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

/// One SQL statement PostgreSQL refused.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct StatementFailure {
    pub file: PathBuf,
    pub line: usize,
    pub statement: String,
    pub message: String,
    pub code: Option<String>,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// planproof's own word on the cause, when it knows it: why the statement ran in a
    /// transaction block planproof opened, and how the file runs outside one.
    pub note: Option<String>,
}

impl std::fmt::Display for StatementFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` line {}: {}", self.file.display(), self.line, self.message)?;
        if let Some(code) = &self.code {
            write!(f, " (SQLSTATE {code})")?;
        }
        write!(f, " in `{}`", one_line(&self.statement, 120))?;
        if let Some(note) = &self.note {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

/// A statement shortened to one line for messages.
pub(crate) fn one_line(sql: &str, max: usize) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// A migration tool (Alembic, Django, a command) that exited with an error.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ToolFailure {
    /// The command as a user would type it (`alembic upgrade 002`).
    pub command: String,
    /// The folder it ran in.
    pub dir: PathBuf,
    /// `exit status 1`, `signal 9`.
    pub status: String,
    /// The tool's own one-line error: the exception line that ends a Python traceback
    /// (`sqlalchemy.exc.InternalError: (psycopg.errors.ActiveSqlTransaction) …`), Alembic's
    /// `FAILED: …`, else the last line it printed.
    pub message: String,
    /// The SQL the tool says failed (SQLAlchemy's `[SQL: …]`), if it says.
    pub statement: Option<String>,
    /// The last lines the tool printed (stderr, or stdout when stderr is empty).
    pub output_tail: String,
}

/// Lines of a tool's output kept in a [`ToolFailure`].
const TAIL_LINES: usize = 30;

impl ToolFailure {
    /// Reads what a failed tool printed, without the passwords it may have printed (a
    /// SQLAlchemy or Django error can quote the connection URL).
    pub fn new(command: String, dir: PathBuf, status: String, stdout: &str, stderr: &str) -> Self {
        let text = crate::text::redact(if stderr.trim().is_empty() { stdout } else { stderr });
        let text = text.as_str();
        let lines: Vec<&str> = text.lines().collect();
        let output_tail = lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n");
        let message = lines
            .iter()
            .rev()
            .find(|l| is_error_line(l))
            .or_else(|| lines.iter().rev().find(|l| !l.trim().is_empty()))
            .map_or_else(|| "(it printed nothing)".to_string(), |l| l.trim().to_string());
        ToolFailure { command, dir, status, message, statement: failed_sql(&lines), output_tail }
    }

    /// Everything an `expect-error` may match: the message and the output's tail.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.message, self.output_tail)
    }
}

impl std::fmt::Display for ToolFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` in `{}` failed ({}): {}", self.command, self.dir.display(), self.status, self.message)?;
        if let Some(sql) = &self.statement {
            write!(f, " in `{}`", one_line(sql, 120))?;
        }
        if self.status == "exit status 127" {
            write!(f, " (a command was not found: install it, or put it on `PATH`)")?;
        }
        Ok(())
    }
}

/// `module.Name: text` where `Name` ends in `Error` or `Exception` (a Python exception), or
/// Alembic's and Django's `FAILED: …` / `CommandError: …`.
fn is_error_line(line: &str) -> bool {
    if line.starts_with(char::is_whitespace) {
        return false;
    }
    let Some((name, _)) = line.split_once(": ") else { return false };
    let last = name.rsplit('.').next().unwrap_or(name);
    let identifier = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    identifier && (last.ends_with("Error") || last.ends_with("Exception") || last == "FAILED")
}

/// SQLAlchemy's `[SQL: …]` block, which may span lines.
fn failed_sql(lines: &[&str]) -> Option<String> {
    let start = lines.iter().rposition(|l| l.starts_with("[SQL: "))?;
    let mut sql = String::new();
    for line in &lines[start..] {
        let line = line.strip_prefix("[SQL: ").unwrap_or(line);
        if let Some(last) = line.strip_suffix(']') {
            sql.push_str(last);
            return Some(sql.trim().to_string());
        }
        sql.push_str(line);
        sql.push('\n');
    }
    Some(sql.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_python_traceback_gives_its_exception_line_and_sqlalchemys_statement() {
        let stderr = "INFO  [alembic.runtime.migration] Running upgrade 0001 -> 0002\n\
Traceback (most recent call last):\n  File \"x.py\", line 3, in upgrade\n    op.create_index(\n\
psycopg.errors.ActiveSqlTransaction: CREATE INDEX CONCURRENTLY cannot run inside a transaction block\n\n\
The above exception was the direct cause of the following exception:\n\n\
sqlalchemy.exc.InternalError: (psycopg.errors.ActiveSqlTransaction) CREATE INDEX CONCURRENTLY cannot run inside a transaction block\n\
[SQL: CREATE INDEX CONCURRENTLY idx_a\nON t (a)]\n(Background on this error at: https://sqlalche.me/e/21/2j85)\n";
        let f = ToolFailure::new("alembic upgrade 0002".into(), "p".into(), "exit status 1".into(), "", stderr);
        assert!(
            f.message.starts_with("sqlalchemy.exc.InternalError: (psycopg.errors.ActiveSqlTransaction) CREATE INDEX"),
            "{}",
            f.message
        );
        assert_eq!(f.statement.as_deref(), Some("CREATE INDEX CONCURRENTLY idx_a\nON t (a)"));
        let shown = f.to_string();
        assert!(
            shown.starts_with("`alembic upgrade 0002` in `p` failed (exit status 1): sqlalchemy.exc.InternalError"),
            "{shown}"
        );
        assert!(shown.ends_with("in `CREATE INDEX CONCURRENTLY idx_a ON t (a)`"), "{shown}");
        assert!(f.text().contains("Running upgrade 0001 -> 0002"));
    }

    #[test]
    fn tool_errors_without_a_traceback_and_silent_tools() {
        let f = ToolFailure::new(
            "alembic upgrade 9".into(),
            "p".into(),
            "exit status 255".into(),
            "",
            "INFO x\nFAILED: Can't locate revision identified by '9'\n",
        );
        assert_eq!(f.message, "FAILED: Can't locate revision identified by '9'");
        let f =
            ToolFailure::new("goose up".into(), "p".into(), "exit status 127".into(), "", "sh: 1: goose: not found\n");
        assert_eq!(f.message, "sh: 1: goose: not found");
        assert!(f.to_string().contains("a command was not found"), "{f}");
        let f = ToolFailure::new("x".into(), "p".into(), "exit status 1".into(), "only stdout\n", "");
        assert_eq!(f.message, "only stdout");
        let f = ToolFailure::new("x".into(), "p".into(), "signal 9".into(), "", "");
        assert_eq!(f.message, "(it printed nothing)");
    }
}
