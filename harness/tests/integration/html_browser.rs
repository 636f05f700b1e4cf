//! `report.html` in a real browser: `planproof run scenarios/brokkr-pak-hash.toml` on a local
//! cluster writes the page, headless Chromium (Debian's `chromium`, which
//! `scripts/install-deps.sh` installs) loads it from disk, and the test checks what a reviewer
//! would see — the page logs nothing to the console (no script error, no asset it failed to
//! fetch), and the diff of `agent-by-pak-hash` shows its Seq Scan replaced by the Index Scan
//! on `idx_agents_pak_hash` — on the DOM as Chromium built it. Screenshots of the light and
//! dark page stay under `target/tmp/html-browser/` as artifacts. Without Chromium the test
//! fails when `CI` is set, and otherwise says loudly that it did not run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{has_local_postgres, root};

const TEST: &str = "report_html_in_headless_chromium";

/// How long one Chromium run may take before the test gives up on it.
const CHROMIUM_TIMEOUT: &str = "60";

/// Chromium's binary: `PLANPROOF_CHROMIUM`, else Debian's `/usr/bin/chromium`, else on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PLANPROOF_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.exists() {
        return Some(debian);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("chromium")).find(|p| p.exists())
}

/// Runs headless Chromium on `url` with `extra` flags, its console messages logged to stderr.
/// A profile folder of its own keeps parallel runs apart.
fn run_chromium(chromium: &Path, profile: &Path, url: &str, extra: &[&str]) -> Output {
    let output = Command::new("timeout")
        .arg(CHROMIUM_TIMEOUT)
        .arg(chromium)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium starts");
    assert!(output.status.success(), "chromium on {url} failed ({}):\n{}", output.status, text(&output.stderr));
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The lines Chromium logged for the page's console: errors, warnings, failed loads.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|line| line.contains(":CONSOLE")).collect()
}

#[test]
fn report_html_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "{TEST}: no chromium (scripts/install-deps.sh installs it)");
        eprintln!("\n*** {TEST}: NOT RUN: no chromium (scripts/install-deps.sh installs it; set CI=1 to make this a failure) ***\n");
        return;
    };
    if !has_local_postgres(TEST) {
        return;
    }
    let work =
        tempfile::Builder::new().prefix("html-browser-").tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a folder");
    let reports = work.path().join("reports");
    let run = Command::new(env!("CARGO_BIN_EXE_planproof"))
        .args(["run", "scenarios/brokkr-pak-hash.toml", "--backend", "local", "--report-dir"])
        .arg(&reports)
        .current_dir(root())
        .output()
        .expect("the planproof binary starts");
    // A timing budget may fail on a busy machine (exit 1); the page is written either way.
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "planproof run exited {}:\n{}{}",
        run.status,
        text(&run.stdout),
        text(&run.stderr)
    );
    let page = reports.join("report.html");
    let url = format!("file://{}", page.canonicalize().expect("report.html was written").display());
    let profile = work.path().join("profile");

    // The console check sees what it looks for: a page that logs an error is caught.
    let probe = work.path().join("probe.html");
    std::fs::write(&probe, "<!DOCTYPE html><script>console.error('planproof-probe')</script>").expect("probe written");
    let probed = run_chromium(&chromium, &profile, &format!("file://{}", probe.display()), &["--dump-dom"]);
    let probed_stderr = text(&probed.stderr);
    assert!(
        console_lines(&probed_stderr).iter().any(|line| line.contains("planproof-probe")),
        "chromium's log does not show a console error, so the check below would see nothing:\n{probed_stderr}"
    );

    let loaded = run_chromium(&chromium, &profile, &url, &["--dump-dom"]);
    let stderr = text(&loaded.stderr);
    assert_eq!(console_lines(&stderr), Vec::<&str>::new(), "report.html logged to the console:\n{stderr}");
    let dom = text(&loaded.stdout);
    assert!(dom.contains("<details class=\"node\""), "no node tree in the DOM:\n{dom}");

    // The first diff is agent-by-pak-hash's before → after: its Seq Scan gave way to the index.
    let start = dom.find("data-diff=\"before → after\"").unwrap_or_else(|| panic!("no before → after diff:\n{dom}"));
    let diff = &dom[start..start + dom[start..].find("</table>").expect("the diff is a table")];
    let replaced = diff.split("<tr").find(|row| row.contains("class=\"replaced\"")).unwrap_or_else(|| panic!("{diff}"));
    assert!(
        replaced.contains("Seq Scan on agents") && replaced.contains("Index Scan using idx_agents_pak_hash on agents"),
        "the diff does not show Seq Scan → Index Scan:\n{diff}"
    );
    assert!(replaced.find("Seq Scan on agents") < replaced.find("Index Scan using"), "{replaced}");

    // Both schemes are drawn: the dark page is not the light one.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-browser");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    for (name, flags) in [("report-light.png", &[][..]), ("report-dark.png", &["--force-dark-mode"][..])] {
        let shot = shots.join(name);
        let _ = std::fs::remove_file(&shot);
        let screenshot = format!("--screenshot={}", shot.display());
        let mut args = vec![screenshot.as_str(), "--window-size=1280,2400", "--hide-scrollbars"];
        args.extend(flags);
        run_chromium(&chromium, &profile, &url, &args);
        let size = std::fs::metadata(&shot).map_or(0, |m| m.len());
        assert!(size > 10_000, "{name}: no screenshot written at {} ({size} bytes)", shot.display());
    }
    let read = |name: &str| std::fs::read(shots.join(name)).expect("a screenshot");
    assert_ne!(read("report-light.png"), read("report-dark.png"), "the dark page looks like the light one");
}
