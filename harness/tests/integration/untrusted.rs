//! Scenario files and servers a pull request brings, treated as untrusted: a password in any
//! form of connection string never reaches the output, a scenario cannot read files outside
//! its project, a query that never ends is cancelled at its bound, and a server that accepts a
//! connection and never answers is an error, not a hung run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;

const SENTINEL: &str = "SENTINELpw4821";

fn planproof(dir: &Path, args: &[&str], url: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planproof"));
    command.current_dir(dir).args(args).env_remove("DATABASE_URL").env_remove("GITHUB_ACTIONS");
    if let Some(url) = url {
        command.env("DATABASE_URL", url);
    }
    command.output().expect("planproof runs")
}

/// Every file under `dir`, read as text.
fn every_file(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the report folder") {
        let path = entry.expect("an entry").path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("a report")).into_owned();
        out.push((path, text));
    }
    out
}

#[test]
fn a_password_in_any_connection_string_form_reaches_no_output() {
    let Some(server) = common::local_cluster("a_password_in_any_connection_string_form_reaches_no_output") else {
        return;
    };
    let key_value = format!("{} password={SENTINEL}", server.connection_string("postgres"));
    let socket = server.dir().display().to_string();
    let uri = format!("postgresql://postgres:{SENTINEL}@/postgres?host={socket}&port=5432");
    let query = format!("postgresql:///postgres?host={socket}&port=5432&user=postgres&password={SENTINEL}");
    for url in [key_value, uri, query] {
        let reports = tempfile::tempdir().expect("a temporary folder");
        let report_dir = reports.path().display().to_string();
        let out = planproof(
            &common::root(),
            &["run", "fixtures/cli/clock-free.toml", "--backend", "url", "--report-dir", &report_dir, "--github"],
            Some(&url),
        );
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
        assert!(!stdout.contains(SENTINEL) && !stderr.contains(SENTINEL), "{url}: {stdout}{stderr}");
        let files = every_file(reports.path());
        assert!(files.len() >= 7, "{files:?}");
        for (path, text) in files {
            assert!(!text.contains(SENTINEL), "{url}: the password is in {}", path.display());
        }
    }
    // A server that refuses: the error names the server, not the password.
    let refused = format!("host=127.0.0.1 port=1 user=postgres password={SENTINEL} connect_timeout=2");
    let out = planproof(&common::root(), &["run", "fixtures/cli/clock-free.toml", "--backend", "url"], Some(&refused));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("127.0.0.1:1/postgres") && !stderr.contains(SENTINEL), "{stderr}");
}

/// A project folder outside any git work tree: its scenarios' root is the scenario's folder.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir_all(dir.path().join("m/1_x")).expect("a migrations folder");
    std::fs::write(dir.path().join("m/1_x/up.sql"), "SELECT 1;\n").expect("a migration");
    std::fs::write(dir.path().join("schema.sql"), "CREATE TABLE t (a int);\n").expect("a schema");
    dir
}

fn scenario(dir: &Path, name: &str, schema: &str) {
    let text =
        format!("name = \"{name}\"\n[database]\nschema = [\"{schema}\"]\nmigrations = \"m\"\nunder-test = \"1_x\"\n");
    std::fs::write(dir.join(format!("{name}.toml")), text).expect("a scenario");
}

#[test]
fn a_scenario_cannot_name_files_outside_its_project() {
    let dir = project();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.sql")).expect("a symbolic link");
    for (name, schema) in
        [("absolute", "/etc/hostname"), ("escape", "../../../../../../etc/hostname"), ("link", "link.sql")]
    {
        scenario(dir.path(), name, schema);
        let out = planproof(dir.path(), &["validate", &format!("{name}.toml")], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}.toml:3:11: `{schema}` is `/etc/hostname`, outside the project root")),
            "{name}: {stderr}"
        );
        // Allowed when asked, for the rare scenario that needs it.
        let out = planproof(dir.path(), &["validate", "--allow-outside-root", &format!("{name}.toml")], None);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
    scenario(dir.path(), "inside", "schema.sql");
    assert_eq!(planproof(dir.path(), &["validate", "inside.toml"], None).status.code(), Some(0));
    // Not a regular file: said what it is.
    scenario(dir.path(), "folder", "m");
    let out = planproof(dir.path(), &["validate", "folder.toml"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("schema file `m` is a folder, not a regular file"));
    let out = planproof(dir.path(), &["validate", "/dev/zero"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is a device, not a scenario file"));
    // Links inside the project that lead out of it: a migration planproof would run, and a
    // scenario file in a folder of them, whose text an error would quote.
    let outside = tempfile::tempdir().expect("a folder outside the project");
    std::fs::write(outside.path().join("secret.toml"), "ghp_SENTINELtoken9911 = 1\n").expect("a secret");
    std::fs::create_dir_all(dir.path().join("evil/1_x")).expect("a migrations folder");
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("evil/1_x/up.sql")).expect("a link");
    std::fs::write(
        dir.path().join("evil.toml"),
        "name = \"evil\"\n[database]\nschema = [\"schema.sql\"]\nmigrations = \"evil\"\nunder-test = \"1_x\"\n",
    )
    .expect("a scenario");
    let out = planproof(dir.path(), &["validate", "evil.toml"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("up.sql`: it is `/proc/"), "{stderr}");
    assert!(stderr.contains("outside the project root"), "{stderr}");
    std::fs::create_dir_all(dir.path().join("listed")).expect("a scenarios folder");
    std::os::unix::fs::symlink(outside.path().join("secret.toml"), dir.path().join("listed/a.toml")).expect("a link");
    let out = planproof(dir.path(), &["validate", "listed"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("outside the project root") && !stderr.contains("SENTINEL"), "{stderr}");
}

#[test]
fn a_query_that_never_ends_is_cancelled_at_its_bound() {
    let Some(_server) = common::local_cluster("a_query_that_never_ends_is_cancelled_at_its_bound") else { return };
    let dir = project();
    let text = "name = \"sleepy\"\n[database]\nschema = [\"schema.sql\"]\nmigrations = \"m\"\nunder-test = \"1_x\"\n\
                [explain]\nstatement-timeout = \"1s\"\nruns = 1\nwarmup = 0\n\
                [tables.t]\nrows = 10\ncolumns.a = { gen = \"int\" }\n\
                [[queries]]\nname = \"forever\"\nsql = \"SELECT pg_sleep(3600) FROM t LIMIT 1\"\n";
    std::fs::write(dir.path().join("sleepy.toml"), text).expect("a scenario");
    let reports = dir.path().join("reports").display().to_string();
    let out = planproof(dir.path(), &["run", "sleepy.toml", "--backend", "local", "--report-dir", &reports], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains(
            "a query of phase `before` ran longer than `[explain] statement-timeout` (1s), and was cancelled"
        ),
        "{stdout}"
    );
}

#[test]
fn a_migration_that_never_ends_is_cancelled_at_its_bound() {
    let Some(_server) = common::local_cluster("a_migration_that_never_ends_is_cancelled_at_its_bound") else { return };
    let dir = project();
    std::fs::write(dir.path().join("m/1_x/up.sql"), "SELECT pg_sleep(3600);\n").expect("a migration");
    let text = "name = \"stuck\"\n[database]\nschema = [\"schema.sql\"]\nmigrations = \"m\"\nunder-test = \"1_x\"\n\
                [migration]\ntimeout = \"1s\"\n";
    std::fs::write(dir.path().join("stuck.toml"), text).expect("a scenario");
    let reports = dir.path().join("reports").display().to_string();
    let out = planproof(dir.path(), &["run", "stuck.toml", "--backend", "local", "--report-dir", &reports], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("the migration under test `1_x` ran longer than `[migration] timeout` (1s), and was cancelled"),
        "{stdout}"
    );
}

#[test]
fn a_server_that_never_answers_is_an_error_within_its_bound() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
    let port = listener.local_addr().expect("its address").port();
    // Accepts and holds each connection, saying nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let url = format!("postgres://app:{SENTINEL}@127.0.0.1:{port}/app?connect_timeout=1");
    let error = match planproof::db::UrlBackend::connect(&url) {
        Ok(_) => panic!("a silent server is not a backend"),
        Err(e) => planproof::text::error_chain(&e),
    };
    assert!(error.contains(&format!("`127.0.0.1:{port}/app` did not finish the connection within 2s")), "{error}");
    assert!(!error.contains(SENTINEL), "{error}");
}

#[test]
fn a_scenario_past_its_time_limit_is_stopped_and_the_next_one_runs() {
    if !common::has_local_postgres("a_scenario_past_its_time_limit_is_stopped_and_the_next_one_runs") {
        return;
    }
    let dir = project();
    // Nothing else bounds a schema file: only the scenario's time limit stops it.
    std::fs::write(dir.path().join("never.sql"), "CREATE TABLE t (a int);\nSELECT pg_sleep(3600);\n")
        .expect("a schema");
    let stuck = "name = \"a-stuck\"\ntime-limit = \"3s\"\n[database]\nschema = [\"never.sql\"]\nmigrations = \"m\"\nunder-test = \"1_x\"\n";
    std::fs::write(dir.path().join("a-stuck.toml"), stuck).expect("a scenario");
    let fine = "name = \"b-fine\"\n[database]\nschema = [\"schema.sql\"]\nmigrations = \"m\"\nunder-test = \"1_x\"\n";
    std::fs::write(dir.path().join("b-fine.toml"), fine).expect("a scenario");
    let reports = dir.path().join("reports").display().to_string();
    let out = planproof(
        dir.path(),
        &["run", "a-stuck.toml", "b-fine.toml", "--backend", "local", "--report-dir", &reports],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains(
            "the scenario ran past its time limit, `time-limit` (3s), and was stopped while it ran `SELECT pg_sleep(3600)`: schema: `never.sql` line 2:"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("PASS b-fine"), "{stdout}");
    assert!(stdout.contains("2 scenarios: 1 passed, 0 failed, 1 could not run"), "{stdout}");
}

#[test]
fn the_command_line_time_limit_stops_a_tool_that_never_ends() {
    if !common::has_local_postgres("the_command_line_time_limit_stops_a_tool_that_never_ends") {
        return;
    }
    let dir = project();
    // A command that never ends and never talks to the server: its runner kills it at the
    // limit, since ending the database's sessions would not.
    let text = "name = \"sleeper\"\ntime-limit = \"1h\"\n[database]\nschema = [\"schema.sql\"]\nmigrations = \".\"\n\
                tool = \"command\"\nunder-test = \"x\"\nup-command = \"sleep 3600\"\n";
    std::fs::write(dir.path().join("sleeper.toml"), text).expect("a scenario");
    let reports = dir.path().join("reports").display().to_string();
    let out = planproof(
        dir.path(),
        &["run", "sleeper.toml", "--backend", "local", "--time-limit", "2s", "--report-dir", &reports],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("the scenario ran past its time limit, `--time-limit` (2s), and was stopped"), "{stdout}");
    assert!(stdout.contains("when the scenario's time limit passed"), "{stdout}");
    // Nothing of the tool is left running.
    let ps = Command::new("pgrep").args(["-f", "sleep 3600"]).output().expect("pgrep runs");
    assert!(ps.stdout.is_empty(), "{}", String::from_utf8_lossy(&ps.stdout));
}

/// No raw control character in `text` but its line breaks and tabs, and no line planproof did
/// not mean: a workflow command or a verdict forged by a value from outside.
fn assert_honest(channel: &str, text: &str) {
    let raw: Vec<char> = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\t')).collect();
    assert!(raw.is_empty(), "{channel} holds raw control characters {raw:?}:\n{text}");
    for line in text.lines().map(str::trim_start) {
        assert!(!line.starts_with("::error::forged") && !line.starts_with("PASS"), "{channel}: forged line `{line}`");
    }
}

/// What a pull request's migration makes the server say (`RAISE EXCEPTION` with a line break
/// and a workflow command), what its tool prints (ANSI escapes), the names its schema gives
/// (a table and an index with a line break) and a query's SQL reach every channel escaped:
/// stdout, stderr, every report file and the job summary.
#[test]
fn text_from_the_server_a_tool_or_the_catalog_cannot_forge_a_line_of_output() {
    let Some(server) = common::local_cluster("text_from_the_server_cannot_forge_a_line") else { return };
    let dir = project();
    let root = dir.path();
    std::fs::write(root.join("schema.sql"), "CREATE TABLE \"a\n::error::forged\" (c int);\n").expect("a schema");
    std::fs::write(
        root.join("m/1_x/up.sql"),
        "CREATE INDEX \"i\n::error::forged\" ON \"a\n::error::forged\" (c);\n\
         DO $$ BEGIN RAISE EXCEPTION E'x\\n::error::forged PASS\\x1b[2J'; END $$;\n",
    )
    .expect("a migration");
    let query = "[[queries]]\nname = \"q\"\nsql = \"SELECT * FROM \\\"a\\n::error::forged\\\" WHERE c::text <> 'x\\n::error::forged'\"\n\
                 before = { no = [\"sort\"] }\n";
    let database = "[database]\nschema = [\"schema.sql\"]\nmigrations = \"m\"\nunder-test = \"1_x\"\n";
    std::fs::write(root.join("raised.toml"), format!("name = \"raised\"\n{database}{query}")).expect("a scenario");
    let tool =
        "tool = \"command\"\nup-command = '''printf '\\033[2J\\033[31mPASS\\n::error::forged\\n' >&2; exit 1'''\n";
    std::fs::write(root.join("tool.toml"), format!("name = \"tool\"\n{database}{tool}")).expect("a scenario");

    let reports = tempfile::tempdir().expect("a temporary folder");
    let summary = reports.path().join("job-summary.md");
    let report_dir = reports.path().display().to_string();
    let url = server.connection_string("postgres");
    let out = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .current_dir(root)
        .args(["run", ".", "--backend", "url", "--report-dir", &report_dir, "--github"])
        .env("DATABASE_URL", &url)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("planproof runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert_honest("stdout", &stdout);
    assert_honest("stderr", &stderr);
    // Shown, escaped, not dropped.
    assert!(stdout.contains("x\\n::error::forged PASS\\u{1b}[2J"), "{stdout}");
    assert!(stdout.contains("      | \\u{1b}[2J\\u{1b}[31mPASS\n      | ::error::forged\n"), "{stdout}");
    let files = every_file(reports.path());
    assert!(files.len() >= 8, "{files:?}");
    for (path, text) in &files {
        assert_honest(&path.display().to_string(), text);
    }
    let junit = files.iter().find(|(p, _)| p.ends_with("junit.xml")).map(|(_, t)| t).expect("junit.xml");
    assert!(junit.contains("x\\n::error::forged PASS\\u{1b}[2J"), "{junit}");

    // A file name with a line break, in the error of a scenario that cannot run.
    std::fs::write(root.join("path.toml"), "name = \"path\"\n[database]\nschema = [\"gone\\n::error::forged.sql\"]\nmigrations = \"m\"\nunder-test = \"1_x\"\n")
        .expect("a scenario");
    let out = planproof(root, &["run", "path.toml", "--backend", "url", "--github"], Some(&url));
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("gone\\n::error::forged.sql"), "{stderr}");
    assert_honest("stdout", &stdout);
    assert_honest("stderr", &stderr);
}
