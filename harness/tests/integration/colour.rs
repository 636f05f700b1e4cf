//! Colour in the binary's output: `--color always` styles the verdicts and severities;
//! `--color auto` (the default) colours only a terminal and never under `NO_COLOR`; the report
//! files and snapshots stay plain whatever the flag.

use std::process::{Command, Output};

use crate::common;

/// The binary with nothing from the caller's environment deciding colour.
fn planproof(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planproof"));
    command.current_dir(common::root()).args(args);
    command.env(planproof::db::STATE_DIR_ENV, "target/tmp/colour-state");
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "DATABASE_URL"] {
        command.env_remove(var);
    }
    command
}

fn output(command: &mut Command) -> (String, String) {
    let Output { stdout, stderr, .. } = command.output().expect("planproof runs");
    (String::from_utf8(stdout).expect("UTF-8"), String::from_utf8(stderr).expect("UTF-8"))
}

const RED_BOLD: &str = "\x1b[1m\x1b[31m";
const GREEN_BOLD: &str = "\x1b[1m\x1b[32m";
const RESET: &str = "\x1b[0m";

#[test]
fn an_error_label_is_coloured_on_demand_and_never_under_no_color_or_into_a_pipe() {
    let bad = "fixtures/invalid-scenarios/empty-name.toml";
    let (_, always) = output(&mut planproof(&["--color", "always", "validate", bad]));
    assert!(always.contains(&format!("{RED_BOLD}error:{RESET} ")), "{always:?}");

    // `auto` into a pipe: plain. CLICOLOR_FORCE makes `auto` colour a pipe, so that the
    // NO_COLOR case below is not plain merely because this is a pipe.
    let (_, piped) = output(&mut planproof(&["validate", bad]));
    assert!(piped.starts_with("error: ") && !piped.contains('\x1b'), "{piped:?}");
    let (_, forced) = output(planproof(&["validate", bad]).env("CLICOLOR_FORCE", "1"));
    assert!(forced.contains(RED_BOLD), "{forced:?}");
    let (_, no_color) = output(planproof(&["validate", bad]).env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1"));
    assert!(!no_color.contains('\x1b'), "{no_color:?}");
    let (_, never) = output(planproof(&["--color", "never", "validate", bad]).env("CLICOLOR_FORCE", "1"));
    assert!(!never.contains('\x1b'), "{never:?}");
}

#[test]
fn a_run_colours_its_verdicts_with_color_always_and_not_into_a_pipe() {
    let test = "a_run_colours_its_verdicts_with_color_always_and_not_into_a_pipe";
    let Some((reports, run)) = common::clock_free_run(test) else { return };

    let (coloured, _) = output(planproof(&["--color", "always"]).args(&run));
    assert!(coloured.starts_with(&format!("{GREEN_BOLD}PASS{RESET} clock-free ")), "{coloured}");
    assert!(coloured.contains(&format!("{GREEN_BOLD}ok  {RESET} agent-by-pak-hash before: ")), "{coloured}");
    assert!(coloured.contains(&format!("\x1b[1m\x1b[33mwarning{RESET} lock-timeout: ")), "{coloured}");
    for file in ["results.json", "summary.md", "junit.xml", "report.html"] {
        let text = std::fs::read_to_string(reports.path().join(file)).unwrap();
        assert!(!text.contains('\x1b'), "{file} holds ANSI escapes");
    }

    let (piped, _) = output(planproof(&[]).args(&run));
    assert!(piped.starts_with("PASS clock-free ") && !piped.contains('\x1b'), "{piped}");
    let (no_color, _) = output(planproof(&[]).args(&run).env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1"));
    assert!(no_color.starts_with("PASS clock-free ") && !no_color.contains('\x1b'), "{no_color}");
}
