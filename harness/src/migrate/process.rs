//! Runs one command of a project's migration tool as a process, the way its users run it: in
//! the project folder, with the scratch database in the environment (`DATABASE_URL`,
//! `SQLALCHEMY_URL`, `PGHOST`…, see [`crate::db::client_env`]), and the chosen Python's `bin`
//! folder first on `PATH` so that `alembic` in a shell command is the one planproof checked.
//! What the tool prints is captured: the caller shows it on failure or with progress. Which
//! command a tool runs for which step is the tool's own file's (`source/`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::error::{MigrateError, ToolFailure};
use crate::db::PG_VARIABLES;

/// What one tool command did.
#[derive(Debug, Clone)]
pub struct ToolRun {
    /// The command as a user would type it.
    pub command: String,
    /// Wall time from start to exit: the tool's start-up (interpreter, imports, connecting)
    /// included, as when the user runs it.
    pub duration: Duration,
    pub stdout: String,
    pub stderr: String,
}

impl ToolRun {
    /// What it printed, stdout then stderr, each line set off with `  | `, for progress
    /// output.
    pub fn output(&self) -> String {
        let lines: Vec<String> = self.stdout.lines().chain(self.stderr.lines()).map(|l| format!("  | {l}")).collect();
        format!("`{}` printed:\n{}", self.command, lines.join("\n"))
    }
}

/// A command of a migration tool, ready to run in its project folder.
#[derive(Debug, Clone)]
pub struct ToolCommand {
    program: PathBuf,
    args: Vec<String>,
    /// How the command reads to a user: `alembic upgrade 002`, not the interpreter's path.
    pub shown: String,
    dir: PathBuf,
    /// Put first on `PATH`.
    bin: Option<PathBuf>,
    /// Killed (with everything it started) when it runs longer.
    timeout: Duration,
    /// Killed (with everything it started) when still running at this instant: the
    /// scenario's time limit.
    deadline: Option<Instant>,
}

/// A command's time limit unless the caller sets one.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

impl ToolCommand {
    /// `python args…`, shown as `shown`.
    pub fn python(python: &Path, args: &[&str], shown: String, dir: &Path) -> Self {
        let bin = python.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf);
        ToolCommand {
            program: python.to_path_buf(),
            args: args.iter().map(std::string::ToString::to_string).collect(),
            shown,
            dir: dir.to_path_buf(),
            bin,
            timeout: DEFAULT_TIMEOUT,
            deadline: None,
        }
    }

    /// A shell command line, run with `sh -c`; `python`'s folder goes first on `PATH`.
    pub fn shell(line: &str, dir: &Path, python: &Path) -> Self {
        ToolCommand {
            program: PathBuf::from("sh"),
            args: vec!["-c".to_string(), line.to_string()],
            shown: line.to_string(),
            dir: dir.to_path_buf(),
            bin: python.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf),
            timeout: DEFAULT_TIMEOUT,
            deadline: None,
        }
    }

    /// Kills the command (and whatever it started) once it has run for `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Kills the command (and whatever it started) if it is still running at `deadline`.
    pub fn with_deadline(mut self, deadline: Option<Instant>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Runs the command with `env` (the scratch database) and waits for it. A non-zero exit is
    /// a [`MigrateError::Tool`] carrying the command, its status and the end of its output.
    pub fn run(&self, env: &[(String, String)]) -> Result<ToolRun, MigrateError> {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(&self.dir).stdin(Stdio::null());
        // Every libpq variable of the caller's shell goes (PGOPTIONS, PGSSLMODE, PGTZ…): the
        // tool's session must be configured as planproof's own, by `env` alone.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("PG") {
                command.env_remove(&name);
            }
        }
        for name in PG_VARIABLES {
            command.env_remove(name);
        }
        command.envs(env.iter().map(|(k, v)| (k, v)));
        // A project's own folders stay as they were: no `__pycache__` written into them.
        command.env("PYTHONDONTWRITEBYTECODE", "1");
        if let Some(bin) = &self.bin {
            let mut path = vec![bin.clone()];
            path.extend(std::env::var_os("PATH").iter().flat_map(std::env::split_paths));
            if let Ok(joined) = std::env::join_paths(path) {
                command.env("PATH", joined);
            }
        }
        // A process group of its own, so that a timeout or Ctrl-C ends the tool and whatever
        // it started (`sh -c` runs the real tool as a child).
        use std::os::unix::process::{CommandExt, ExitStatusExt};
        command.process_group(0).stdout(Stdio::piped()).stderr(Stdio::piped());
        let started = Instant::now();
        let mut child =
            command.spawn().map_err(|source| MigrateError::Spawn { command: self.shown.clone(), source })?;
        let group = nix::unistd::Pid::from_raw(child.id() as i32);
        let kill_group = move || {
            let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        };
        let on_interrupt = crate::interrupt::OnInterrupt::arm(kill_group);
        let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let out_reader = read(child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
        let err_reader = read(child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
        let mut killed = None;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if started.elapsed() >= self.timeout => {
                    killed = Some(format!(
                        "killed after running for {} (`tool-timeout`)",
                        humantime::format_duration(self.timeout)
                    ));
                    kill_group();
                    break child.wait();
                }
                Ok(None) if self.deadline.is_some_and(|d| Instant::now() >= d) => {
                    killed = Some(format!(
                        "killed after running for {}, when the scenario's time limit passed",
                        humantime::format_duration(Duration::from_millis(started.elapsed().as_millis() as u64))
                    ));
                    kill_group();
                    break child.wait();
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => break Err(e),
            }
        };
        drop(on_interrupt);
        let status = status.map_err(|source| MigrateError::Spawn { command: self.shown.clone(), source })?;
        let duration = started.elapsed();
        let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
        let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
        if killed.is_some() || !status.success() {
            let status = match (killed, status.code(), status.signal()) {
                (Some(why), ..) => why,
                (None, Some(code), _) => format!("exit status {code}"),
                (None, None, Some(signal)) => format!("signal {signal}"),
                (None, None, None) => status.to_string(),
            };
            return Err(MigrateError::Tool(Box::new(ToolFailure::new(
                self.shown.clone(),
                self.dir.clone(),
                status,
                &stdout,
                &stderr,
            ))));
        }
        Ok(ToolRun { command: self.shown.clone(), duration, stdout, stderr })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_sees_the_database_in_its_environment_and_runs_in_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let env = vec![("DATABASE_URL".to_string(), "postgresql://u@/d?host=%2Ftmp&port=1".to_string())];
        let run =
            ToolCommand::shell("echo \"$DATABASE_URL\"; pwd", dir.path(), Path::new("python3")).run(&env).unwrap();
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines[0], "postgresql://u@/d?host=%2Ftmp&port=1");
        assert_eq!(Path::new(lines[1]).canonicalize().unwrap(), dir.path().canonicalize().unwrap());
    }

    #[test]
    fn a_command_over_its_time_limit_is_killed_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("still-running");
        // The shell starts a child that would outlive it; the whole group must go.
        let line = format!("(sleep 3; touch {}) & echo started; sleep 30", marker.display());
        let started = Instant::now();
        let err = ToolCommand::shell(&line, dir.path(), Path::new("python3"))
            .with_timeout(Duration::from_millis(300))
            .run(&[])
            .unwrap_err()
            .to_string();
        assert!(started.elapsed() < Duration::from_secs(3), "the command was not stopped at its limit");
        assert!(err.contains("killed after running for 300ms (`tool-timeout`)"), "{err}");
        std::thread::sleep(Duration::from_secs(4));
        assert!(!marker.exists(), "a child of the command outlived the kill");
    }

    #[test]
    fn a_failing_command_reports_status_and_output() {
        let dir = tempfile::tempdir().unwrap();
        let err = ToolCommand::shell(
            "echo working; echo 'ValueError: no such revision' >&2; exit 3",
            dir.path(),
            Path::new("python3"),
        )
        .run(&[])
        .unwrap_err();
        let MigrateError::Tool(f) = err else { panic!("{err}") };
        assert_eq!((f.status.as_str(), f.message.as_str()), ("exit status 3", "ValueError: no such revision"));
    }

    #[test]
    fn the_pythons_folder_comes_first_on_path() {
        let dir = tempfile::tempdir().unwrap();
        let run = ToolCommand::shell("echo \"$PATH\"", dir.path(), Path::new("/opt/venv/bin/python")).run(&[]).unwrap();
        assert!(run.stdout.starts_with("/opt/venv/bin:"), "{}", run.stdout);
    }
}
