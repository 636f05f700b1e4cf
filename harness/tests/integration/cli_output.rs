//! What the `planproof` binary prints, snapshot-tested: the help of each command, `validate`
//! on good and bad files, errors before any work, and a whole `run` of a scenario whose
//! verdict does not depend on the clock (`fixtures/cli/clock-free.toml`). Figures that do
//! (milliseconds, the backend's version and paths, temporary folders) are masked, so the
//! snapshots hold on any machine. Review changes with `cargo insta review`.

use crate::common;

use std::process::Command;

use insta_cmd::assert_cmd_snapshot;

fn planproof() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planproof"));
    command.current_dir(common::root()).env_remove("DATABASE_URL").env("NO_COLOR", "1");
    // No "leftovers from earlier runs" line from this machine's own records in the snapshots.
    command.env(planproof::db::STATE_DIR_ENV, "target/tmp/cli-output-state");
    command
}

/// What differs between machines and runs (times, margins, speedups, WAL sizes, the backend's
/// version and paths, temporary folders, hashes), and what it is masked as.
const MASKS: [(&str, &str); 7] = [
    (r"\b\d+(\.\d+)?ms\b", "[ms]"),
    (r"±\d+%", "±[n]%"),
    (r"\b\d+(\.\d+)?x\b", "[n]x"),
    (r"\b\d+ (bytes|kB|MB|GB) of WAL\b", "[size] of WAL"),
    (r"(local|docker) PostgreSQL [0-9][^,)\n]*", "$1 PostgreSQL [version]"),
    (r"(\s|^)/tmp/[^\s`']+", "$1[tmp]"),
    (r"\b[0-9a-f]{32}\b", "[md5]"),
];

/// Masks [`MASKS`] in the snapshots of `$body`.
macro_rules! masked {
    ($($body:tt)*) => {
        insta::with_settings!({ filters => MASKS.to_vec() }, { $($body)* });
    };
}

#[test]
fn help() {
    assert_cmd_snapshot!("help", planproof().arg("--help"));
    assert_cmd_snapshot!("run_help", planproof().args(["run", "--help"]));
    assert_cmd_snapshot!("validate_help", planproof().args(["validate", "--help"]));
    assert_cmd_snapshot!("affected_help", planproof().args(["affected", "--help"]));
    assert_cmd_snapshot!("clean_help", planproof().args(["clean", "--help"]));
    assert_cmd_snapshot!("schema_help", planproof().args(["schema", "--help"]));
    assert_cmd_snapshot!("init_help", planproof().args(["init", "--help"]));
    assert_cmd_snapshot!("show_help", planproof().args(["show", "--help"]));
    assert_cmd_snapshot!("completions_help", planproof().args(["completions", "--help"]));
    assert_cmd_snapshot!("man_help", planproof().args(["man", "--help"]));
}

/// The subcommands `planproof --help` lists (but `help`).
fn subcommands() -> Vec<String> {
    let output = planproof().arg("--help").output().expect("planproof runs");
    let help = String::from_utf8(output.stdout).expect("UTF-8");
    let section = help.split("Commands:\n").nth(1).and_then(|s| s.split("\n\n").next()).unwrap_or_default();
    let names: Vec<String> = section
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    for expected in ["run", "validate", "show", "completions", "man"] {
        assert!(names.iter().any(|n| n == expected), "`{expected}` not found in the help's commands: {names:?}");
    }
    names
}

#[test]
fn every_subcommand_help_has_an_example() {
    for name in subcommands() {
        let output = planproof().args([name.as_str(), "--help"]).output().expect("planproof runs");
        let help = String::from_utf8(output.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains("Example: `planproof "), "`planproof {name} --help` has no example:\n{help}");
    }
}

#[test]
fn completions_name_every_subcommand_in_each_shell() {
    let names = subcommands();
    for (shell, opening) in
        [("bash", "_planproof() {"), ("zsh", "#compdef planproof"), ("fish", "complete -c planproof")]
    {
        let output = planproof().args(["completions", shell]).output().expect("planproof runs");
        assert!(output.status.success(), "{shell}: {}", String::from_utf8_lossy(&output.stderr));
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(opening), "the {shell} script lacks `{opening}`:\n{script}");
        for name in &names {
            assert!(script.contains(name.as_str()), "the {shell} script does not complete `{name}`");
        }
        assert!(script.contains("changed-since") && script.contains("color"), "{shell}: flags are missing");
    }
    let bash = planproof().args(["completions", "bash"]).output().unwrap();
    let head: String = String::from_utf8(bash.stdout).unwrap().lines().take(12).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("completions_bash_head", head);
}

#[test]
fn man_prints_a_page_for_planproof_and_each_subcommand() {
    let output = planproof().arg("man").output().expect("planproof runs");
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH planproof 1"), "{page}");
    for name in subcommands() {
        assert!(page.contains(&format!("planproof\\-{name}(1)")), "planproof(1) does not list `{name}`");
        let output = planproof().args(["man", name.as_str()]).output().expect("planproof runs");
        let sub = String::from_utf8(output.stdout).unwrap();
        assert!(sub.contains(&format!(".TH planproof-{name} 1")), "{name}: {sub}");
        assert!(sub.contains("\\-\\-color"), "planproof-{name}(1) lacks the global `--color`");
    }
    let output = planproof().args(["man", "nope"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no command `nope` (expected one of run,"));
}

#[test]
fn show_of_a_file_that_is_not_a_results_json_exits_2() {
    let output = planproof().args(["show", "scenarios/planproof.schema.json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: `scenarios/planproof.schema.json` is not a planproof results.json: "),
        "{stderr}"
    );
}

#[test]
fn show_prints_the_report_the_run_printed() {
    let Some((reports, run)) = common::clock_free_run("show_prints_the_report_the_run_printed") else { return };
    let run = planproof().args(run).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let printed = String::from_utf8(run.stdout).unwrap();
    assert!(printed.contains("built 2 indexes after the rows were in"), "the seed timing is shown:\n{printed}");
    let results = reports.path().join("results.json");
    let show = planproof().arg("show").arg(&results).output().unwrap();
    assert_eq!(show.status.code(), Some(0), "{}", String::from_utf8_lossy(&show.stderr));
    assert_eq!(String::from_utf8(show.stdout).unwrap(), printed);
}

#[test]
fn schema_prints_the_checked_in_copy() {
    let output = planproof().arg("schema").output().expect("planproof runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let checked_in = std::fs::read_to_string(common::root().join("scenarios/planproof.schema.json")).unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout) == checked_in,
        "`planproof schema` differs from the checked-in copy"
    );
}

#[test]
fn validate_the_reference_scenarios() {
    assert_cmd_snapshot!(planproof().args(["validate", "scenarios"]));
}

#[test]
fn validate_an_invalid_file() {
    assert_cmd_snapshot!(planproof().args(["validate", "fixtures/invalid-scenarios/empty-name.toml"]));
}

#[test]
fn errors_before_any_work() {
    assert_cmd_snapshot!("no_such_file", planproof().args(["run", "no/such/scenario.toml"]));
    assert_cmd_snapshot!("bad_version", planproof().args(["run", "scenarios", "--pg", "fifteen"]));
    assert_cmd_snapshot!("bad_partition", planproof().args(["run", "scenarios", "--partition", "4/3"]));
}

#[test]
fn a_run_on_a_local_cluster() {
    if common::local_cluster("a_run_on_a_local_cluster").is_none() {
        return;
    }
    // Relative to the workspace, so that the command line in the snapshot is the same anywhere.
    let reports = "target/tmp/cli-output-reports";
    let mut command = planproof();
    command.args(["run", "fixtures/cli/clock-free.toml", "--backend", "local", "--report-dir", reports]);
    masked!(assert_cmd_snapshot!(command));
}

/// What the README says `planproof run scenarios/brokkr-pak-hash.toml` prints.
const README_EXAMPLE: &str = "`cargo run -- run scenarios/brokkr-pak-hash.toml` prints:\n\n```\n";

/// `text` with [`MASKS`] masked, as the snapshots are.
fn mask_figures(text: &str) -> String {
    MASKS.iter().fold(text.to_string(), |text, (pattern, with)| {
        regex::Regex::new(pattern).expect("a valid pattern").replace_all(&text, *with).into_owned()
    })
}

/// The README's example output is today's: the lines `planproof run` prints for the brokkr
/// scenario, figures masked, must be the README's. When they are not, the test fails with
/// both; `PLANPROOF_BLESS_README=1` writes today's output into the README instead.
#[test]
fn the_readme_example_is_what_a_run_prints() {
    if !common::has_local_postgres("the_readme_example_is_what_a_run_prints") {
        return;
    }
    let reports = "target/tmp/readme-example-reports";
    let output = planproof()
        .args(["run", "scenarios/brokkr-pak-hash.toml", "--backend", "local", "--report-dir", reports])
        .output()
        .expect("planproof runs");
    let printed = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(output.status.success(), "the run failed:\n{printed}\n{}", String::from_utf8_lossy(&output.stderr));
    let path = common::root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme.find(README_EXAMPLE).expect("README.md has the example run") + README_EXAMPLE.len();
    let end = start + readme[start..].find("```\n").expect("the example's block ends");
    let shown = &readme[start..end];
    if mask_figures(shown) == mask_figures(&printed) {
        return;
    }
    if std::env::var_os("PLANPROOF_BLESS_README").is_some() {
        std::fs::write(&path, format!("{}{printed}{}", &readme[..start], &readme[end..])).expect("README.md written");
        return;
    }
    panic!(
        "README.md's example output is not what the run prints today; regenerate it with\n  \
         PLANPROOF_BLESS_README=1 cargo test --test integration the_readme_example\n\
         --- README.md (masked)\n{}\n--- the run (masked)\n{}",
        mask_figures(shown),
        mask_figures(&printed)
    );
}
