//! The `planproof` command: turns flags into options and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

// Everything printed goes through anstream, which strips the report's colours unless
// `--color` and the terminal want them.
use anstream::{eprintln, print, println};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use planproof::db::{BackendKind, BackendOptions, PgVersion};
use planproof::pipeline::Keep;
use planproof::report::{self, Paint};
use planproof::result::FailOn;
use planproof::suite::{Event, Suite, SuiteResult};
use planproof::text::{error_chain, printable};

const EXIT_CODES: &str = "Exit codes: 0 every expectation held (a migration that failed as its \
`expect-error` says is counted `failed as expected`), 1 an expectation failed, \
2 planproof could not run (bad scenario, migration error, no database), 3 nothing failed but a \
timing budget was too close to the measured figure to call. `--fail-on` changes what exits 1.";

/// Prove what a PostgreSQL migration does to the plans of real queries.
#[derive(Parser)]
#[command(version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour verdicts and severities: `auto` on a terminal unless `NO_COLOR` is set.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto, display_order = 100)]
    color: ColorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// `--time-limit`: a duration above zero.
fn time_limit(text: &str) -> Result<std::time::Duration, String> {
    match planproof::scenario::parse_duration(text)? {
        zero if zero.is_zero() => {
            Err("0 would stop every scenario before it starts (expected a duration above zero, such as `10m`)".into())
        }
        limit => Ok(limit),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios on a throwaway PostgreSQL and report. Example: `planproof run scenarios/`
    #[command(after_help = EXIT_CODES)]
    Run {
        /// Scenario files or folders of them.
        #[arg(default_value = "scenarios")]
        paths: Vec<PathBuf>,
        /// Where PostgreSQL comes from: `auto` uses a URL if one is given, else Docker if an
        /// engine answers and has the image or can pull it, else a local cluster.
        #[arg(long, value_enum, default_value_t = BackendArg::Auto)]
        backend: BackendArg,
        /// PostgreSQL majors to run every scenario on, one verdict per version (default: the
        /// scenario's `postgres`). Example: `--pg 13,15,17,18`
        #[arg(long, value_delimiter = ',', value_name = "VERSIONS")]
        pg: Vec<String>,
        /// The image (without tag) the docker backend starts as `IMAGE:<major>`, for a mirror or
        /// locally built images.
        #[arg(long, env = "PLANPROOF_IMAGE", value_name = "IMAGE")]
        image: Option<String>,
        /// A server planproof may create (and drop) its own scratch databases on.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<String>,
        /// The PostgreSQL `bin` folder for the local backend; `{major}` in it stands for the
        /// version wanted. Example: `--pg-bin '/opt/postgresql/{major}/bin' --pg 13,17`
        #[arg(long, env = "PLANPROOF_PG_BIN")]
        pg_bin: Option<PathBuf>,
        /// Where to write results.json, summary.md, junit.xml and report.html.
        #[arg(long, default_value = "reports")]
        report_dir: PathBuf,
        /// Keep each scenario's database after the run (and print how to connect).
        #[arg(long, value_enum, default_value_t = KeepArg::Never)]
        keep: KeepArg,
        /// Print only the summary and failures.
        #[arg(long, short)]
        quiet: bool,
        /// Also read every seeded table back and checksum it on the server (`database-checksum`
        /// in results.json); the checksum of the generated rows is always taken.
        #[arg(long)]
        verify_seed: bool,
        /// Run only shard k of n of the scenario files (for a CI matrix), e.g. `1/3`.
        #[arg(long, value_name = "k/n")]
        partition: Option<planproof::scenario::Partition>,
        /// Stop a scenario still running after this long (its database dropped, an error in
        /// the report) and go on with the next; a scenario's own shorter `time-limit` still
        /// applies. Default: each scenario's `time-limit` (30m unless it sets one). Example:
        /// `--time-limit 10m`
        #[arg(long, env = "PLANPROOF_TIME_LIMIT", value_name = "DURATION", value_parser = time_limit)]
        time_limit: Option<std::time::Duration>,
        #[command(flatten)]
        gate: GateArgs,
        #[command(flatten)]
        root: RootArgs,
    },
    /// Print the scenarios a change affects, without running anything. Example:
    /// `planproof affected --changed-since origin/main`
    #[command(after_help = "Exit codes: 0 the selection was printed, 2 it could not be made.")]
    Affected {
        /// Scenario files or folders of them.
        #[arg(default_value = "scenarios")]
        paths: Vec<PathBuf>,
        /// The ref the change is measured from: a commit, branch or tag (the merge base with
        /// HEAD is used, as `git diff REF...HEAD` does).
        #[arg(long, value_name = "REF", required = true)]
        changed_since: String,
        /// Print the selection as JSON: changed files, affected scenarios and why, warnings.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        root: RootArgs,
    },
    /// Remove what killed runs left (clusters, containers, scratch databases). Example: `planproof clean`
    #[command(
        after_help = "Exit codes: 0 every leftover found was removed (or listed, with --dry-run), 2 one could not be."
    )]
    Clean {
        /// A server whose `planproof_*` scratch databases are looked at too (only `DROP
        /// DATABASE` of those whose run is gone is issued).
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<String>,
        /// List what would be removed; remove nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also remove what runs kept on purpose (`--keep`; the database of a failed
        /// `assert_scenario` test), once the run that kept it is gone.
        #[arg(long)]
        kept: bool,
    },
    /// Check scenario files without a database. Example: `planproof validate scenarios/`
    #[command(after_help = "Exit codes: 0 every file is valid, 2 a file is not.")]
    Validate {
        /// Scenario files or folders of them.
        #[arg(default_value = "scenarios")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        root: RootArgs,
    },
    /// Write a first scenario from a migration you have: its new indexes, a generator for every
    /// column of their tables, a query per index with its expectations, each guess commented.
    /// Example: `planproof init --migration migrations/15_x/up.sql --schema schema.sql --out
    /// scenarios/x.toml`
    #[command(after_help = "Exit codes: 0 the scenario was written (and validates), 2 it could not be.")]
    Init {
        /// The migration under test: its SQL file, or its folder (Diesel). Its folder's other
        /// migrations, those before it, run first.
        #[arg(long, value_name = "PATH")]
        migration: PathBuf,
        /// Schema files run before the migrations, in order.
        #[arg(long, value_name = "FILE", num_args = 1..)]
        schema: Vec<PathBuf>,
        /// Where to write the scenario (default: standard output). Paths in it are relative to
        /// its folder.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Where the scratch database that learns the migration comes from (as for `run`).
        #[arg(long, value_enum, default_value_t = BackendArg::Auto)]
        backend: BackendArg,
        /// A server planproof may create (and drop) its scratch database on.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<String>,
    },
    /// Print the JSON Schema of the scenario format, for editors (taplo, Even Better TOML).
    /// Example: `planproof schema > scenarios/planproof.schema.json`
    Schema,
    /// Print a run's terminal report again, from the results.json it wrote. Example:
    /// `planproof show reports/results.json`
    #[command(after_help = "Exit codes: 0 the report was printed, 2 the file could not be read.")]
    Show {
        /// The results.json a run wrote.
        #[arg(default_value = "reports/results.json")]
        results: PathBuf,
    },
    /// Print the shell completion script for SHELL. Example: `planproof completions bash >
    /// ~/.local/share/bash-completion/completions/planproof`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page, in roff: planproof(1), or planproof-COMMAND(1). Example:
    /// `planproof man run > planproof-run.1 && man -l planproof-run.1`
    Man {
        /// The subcommand whose page to print (default: the page of planproof itself).
        command: Option<String>,
    },
}

/// Where the files a scenario names may be.
#[derive(Args)]
struct RootArgs {
    /// The folder every file a scenario names (schema, migrations, down file) must be inside
    /// (default: the git work tree holding the scenario, else its folder).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Let scenarios name files anywhere on this machine (never for scenarios from a pull
    /// request: they could read the runner's files into the reports).
    #[arg(long, conflicts_with = "root")]
    allow_outside_root: bool,
}

impl RootArgs {
    fn root(&self) -> planproof::scenario::Root {
        use planproof::scenario::Root;
        match (&self.root, self.allow_outside_root) {
            (_, true) => Root::Anywhere,
            (Some(dir), false) => Root::At(dir.clone()),
            (None, false) => Root::Auto,
        }
    }
}

/// What a CI gate on a pull request asks of `run`.
#[derive(Args)]
struct GateArgs {
    /// Run only the scenarios that read a file changed since REF (a commit, branch or tag;
    /// the merge base with HEAD is used, as `git diff REF...HEAD` does). Changed migrations no
    /// scenario has under test are `no-scenario` warnings.
    #[arg(long, value_name = "REF")]
    changed_since: Option<String>,
    /// Write the job summary to `$GITHUB_STEP_SUMMARY` and print workflow annotations (on by
    /// default when `GITHUB_ACTIONS=true`). The reports folder always gets pr-comment.md,
    /// planproof.sarif and gl-code-quality.json.
    #[arg(long, env = "GITHUB_ACTIONS", hide_env_values = true)]
    github: bool,
    /// What fails the run: `violation` (exit 1; a budget too close to call exits 3), `warning`
    /// (warnings exit 1 too), `never` (only report; a scenario that could not run exits 2).
    #[arg(long, value_enum, default_value_t = FailOnArg::Violation)]
    fail_on: FailOnArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOnArg {
    Violation,
    Warning,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum BackendArg {
    Auto,
    Docker,
    Local,
    Url,
}

impl BackendArg {
    fn kind(self) -> BackendKind {
        match self {
            BackendArg::Auto => BackendKind::Auto,
            BackendArg::Docker => BackendKind::Docker,
            BackendArg::Local => BackendKind::Local,
            BackendArg::Url => BackendKind::Url,
        }
    }
}

/// `planproof init`: the scenario, on standard output or in its file, and what to check.
fn init(options: &planproof::init::InitOptions) -> ExitCode {
    let progress = |line: &str| eprintln!("planproof: {line}");
    match planproof::init::init(options, &progress) {
        Ok(written) => {
            match &options.out {
                Some(out) => eprintln!("planproof: wrote {} (it validates)", out.display()),
                None => print!("{}", written.toml),
            }
            eprintln!("planproof: guessed; check before relying on it:");
            for note in &written.notes {
                eprintln!("  - {}", printable(note));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum KeepArg {
    Never,
    OnFailure,
    Always,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.color {
        ColorArg::Auto => anstream::ColorChoice::Auto,
        ColorArg::Always => anstream::ColorChoice::Always,
        ColorArg::Never => anstream::ColorChoice::Never,
    }
    .write_global();
    let code = match cli.command {
        Command::Validate { paths, root } => validate(&paths, &root.root()),
        Command::Clean { database_url, dry_run, kept } => clean(database_url, dry_run, kept),
        Command::Schema => {
            print!("{}", planproof::scenario::json_schema_text());
            ExitCode::SUCCESS
        }
        Command::Show { results } => show(&results),
        Command::Init { migration, schema, out, backend, database_url } => {
            let backend = BackendOptions { kind: backend.kind(), database_url, pg_bin: None, image: None };
            init(&planproof::init::InitOptions { migration, schema, out, backend })
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "planproof", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man { command } => man(command.as_deref()),
        Command::Affected { paths, changed_since, json, root } => affected(&paths, changed_since, json, root.root()),
        Command::Run {
            paths,
            backend,
            pg,
            image,
            database_url,
            pg_bin,
            report_dir,
            keep,
            quiet,
            verify_seed,
            partition,
            time_limit,
            gate,
            root,
        } => {
            let options = BackendOptions { kind: backend.kind(), database_url, pg_bin, image };
            let mut versions = Vec::new();
            for text in pg.iter().filter(|v| !v.trim().is_empty()) {
                match PgVersion::major(text) {
                    Ok(major) if !versions.contains(&major) => versions.push(major),
                    Ok(_) => {}
                    Err(e) => return fail(&e),
                }
            }
            let keep = match keep {
                KeepArg::Never => Keep::Never,
                KeepArg::OnFailure => Keep::OnFailure,
                KeepArg::Always => Keep::Always,
            };
            match Suite::new(&paths) {
                Ok(suite) => {
                    let suite = suite
                        .backend(options)
                        .versions(versions)
                        .partition(partition)
                        .changed_since(gate.changed_since.clone())
                        .root(root.root())
                        .keep(keep)
                        .verify_seed(verify_seed)
                        .time_limit(time_limit)
                        .progress(!quiet);
                    run(&suite, &report_dir, quiet, &gate)
                }
                Err(e) => fail(&e),
            }
        }
    };
    // After Ctrl-C the handler removes what the run made and exits 130 itself.
    planproof::interrupt::wait_if_interrupted();
    code
}

fn validate(paths: &[PathBuf], root: &planproof::scenario::Root) -> ExitCode {
    let files = match planproof::scenario::scenario_files(paths) {
        Ok(files) => files,
        Err(e) => return fail(&e),
    };
    let mut bad = 0;
    for file in &files {
        match planproof::suite::validate_in(file, root) {
            Ok(s) => println!("ok    {} ({})", printable(&file.display().to_string()), s.name),
            Err(e) => {
                bad += 1;
                eprintln!("{} {}", Paint::Styled.error_label(), error_chain(&e));
            }
        }
    }
    println!("{} scenario files: {} valid, {bad} invalid", files.len(), files.len() - bad);
    if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The report as `run` printed it: each scenario's, then the summary line.
fn show(path: &std::path::Path) -> ExitCode {
    match report::read_results(path) {
        Ok(results) => {
            for r in &results {
                print!("{}", report::terminal_text(r, Paint::Styled));
            }
            println!("{}", report::summary_text(&results));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn man(subcommand: Option<&str>) -> ExitCode {
    // Built, so that a subcommand's page has the global flags and its name is `planproof run`.
    let mut cli = Cli::command();
    cli.build();
    let page = match subcommand {
        None => clap_mangen::Man::new(cli),
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => clap_mangen::Man::new(sub.clone())
                .title(format!("planproof-{name}"))
                .source(format!("planproof {}", env!("CARGO_PKG_VERSION"))),
            None => {
                let names: Vec<&str> = cli.get_subcommands().map(clap::Command::get_name).collect();
                eprintln!("{} no command `{name}` (expected one of {})", Paint::Styled.error_label(), names.join(", "));
                return ExitCode::from(2);
            }
        },
    };
    match page.render(&mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn affected(paths: &[PathBuf], reference: String, json: bool, root: planproof::scenario::Root) -> ExitCode {
    let selection =
        match Suite::new(paths).and_then(|suite| suite.changed_since(Some(reference)).root(root).selection()) {
            Ok(Some(selection)) => selection,
            Ok(None) => return ExitCode::from(2),
            Err(e) => return fail(&e),
        };
    if json {
        match planproof::report::pretty_json(&selection) {
            Ok(text) => println!("{text}"),
            Err(e) => return fail(&e),
        }
    } else {
        for a in &selection.affected {
            println!("{}", printable(&a.file));
        }
        for f in &selection.findings {
            eprintln!("{} {}: {}", Paint::Styled.warning_label(), f.check, printable(&f.message));
        }
    }
    ExitCode::SUCCESS
}

fn clean(database_url: Option<String>, dry_run: bool, kept: bool) -> ExitCode {
    use planproof::db::Fate;
    let database_url = database_url.filter(|u| !u.trim().is_empty());
    let report = match planproof::db::clean(&planproof::db::CleanOptions { database_url, dry_run, kept }) {
        Ok(report) => report,
        Err(e) => return fail(&e),
    };
    for found in &report.found {
        let line = match &found.fate {
            Fate::Removed => format!("removed {}: {}", found.what, found.why),
            Fate::WouldRemove => format!("would remove {}: {}", found.what, found.why),
            Fate::LeftAlone => format!("left alone {}: {}", found.what, found.why),
            Fate::Failed(e) => format!("could not remove {}: {}: {e}", found.what, found.why),
        };
        println!("planproof: {line}");
    }
    for note in &report.notes {
        println!("planproof: {note}");
    }
    let n = report.removed();
    match (n, dry_run) {
        (0, _) => println!("planproof: no leftovers from earlier runs"),
        (n, true) => println!("planproof: {n} leftover(s) would be removed (dry run: nothing was)"),
        (n, false) => println!("planproof: removed {n} leftover(s)"),
    }
    if report.failed() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn run(suite: &Suite, report_dir: &std::path::Path, quiet: bool, gate: &GateArgs) -> ExitCode {
    planproof::interrupt::install_handler();
    let leftovers = planproof::db::leftover_count();
    if leftovers > 0 {
        let s = if leftovers == 1 { "" } else { "s" };
        eprintln!("planproof: {leftovers} leftover{s} from earlier runs: run `planproof clean`");
    }
    // After an interrupt, the handler is tearing the run down: a verdict or an error from
    // then on would be about that, not about the scenario. Each waits for the handler's exit.
    let outcome = suite.run(|event| {
        planproof::interrupt::wait_if_interrupted();
        match event {
            Event::Backend { describe, scenarios } => eprintln!("planproof: {scenarios} scenario(s) on {describe}"),
            Event::BackendFailed { error, .. } => eprintln!("{} {}", Paint::Styled.error_label(), error_chain(error)),
            Event::Finished { result, .. } => {
                if !quiet || !result.outcome.is_success() {
                    print!("{}", report::terminal_text(result, Paint::Styled));
                }
            }
        }
    });
    let done = match outcome {
        Ok(done) => done,
        Err(e) => {
            if gate.github {
                // A pull request that breaks a scenario file is told at the line.
                let place = e.place().map(|(path, line)| planproof::check::SourceLine::new(path, line));
                let at = place.as_ref().map(|p| (p.file.as_str(), p.line));
                print!("{}", report::github_error_annotation(at, &error_chain(&e)));
            }
            return fail(&e);
        }
    };
    // An interrupted run's results are partial: no report rather than a misleading one.
    planproof::interrupt::wait_if_interrupted();
    if let Some(s) = &done.selection {
        eprintln!(
            "planproof: {} file(s) changed since `{}`; {} of {} scenario(s) read them",
            s.changed.len(),
            s.reference,
            s.affected.len(),
            s.affected.len() + s.unaffected.len()
        );
        for f in &s.findings {
            eprintln!("{} {}: {}", Paint::Styled.warning_label(), f.check, printable(&f.message));
        }
    }
    if let Some(table) = done.matrix_text(Paint::Styled) {
        print!("{table}");
    }
    println!("{}", done.summary_text());
    match done.write_reports(report_dir) {
        Ok(paths) => {
            for p in paths {
                eprintln!("planproof: wrote {}", p.display());
            }
        }
        Err(e) => return fail(&e),
    }
    if gate.github {
        if let Err(code) = github(&done) {
            return code;
        }
    }
    let fail_on = match gate.fail_on {
        FailOnArg::Violation => FailOn::Violation,
        FailOnArg::Warning => FailOn::Warning,
        FailOnArg::Never => FailOn::Never,
    };
    ExitCode::from(done.report().exit_code(fail_on) as u8)
}

/// The job summary appended to `$GITHUB_STEP_SUMMARY`, and the annotations on stdout.
fn github(done: &SuiteResult) -> Result<(), ExitCode> {
    let run = done.report();
    match std::env::var_os("GITHUB_STEP_SUMMARY") {
        Some(path) => {
            use std::io::Write;
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .and_then(|mut f| f.write_all(report::job_summary(&run).as_bytes()));
            if let Err(e) = appended {
                let label = Paint::Styled.error_label();
                eprintln!("{label} cannot write the job summary to `{}`: {e}", PathBuf::from(path).display());
                return Err(ExitCode::from(2));
            }
        }
        None => eprintln!("planproof: --github: GITHUB_STEP_SUMMARY is not set, so no job summary was written"),
    }
    print!("{}", report::github_annotations(&run));
    Ok(())
}

fn fail(e: &dyn std::error::Error) -> ExitCode {
    // An error after Ctrl-C is the interrupt's doing (a cluster stopped under a step): the
    // handler says what happened and exits.
    planproof::interrupt::wait_if_interrupted();
    eprintln!("{} {}", Paint::Styled.error_label(), error_chain(e));
    ExitCode::from(2)
}
