//! A migration's duration beside a CPU hog: two busy-loop processes, started here and ended by
//! their ids, take both cores of a small runner while the reference scenario runs. The
//! migration's figure is one sample, judged against the slowness the calibration query showed
//! in the same run: the verdicts below are taken on the figures this very run measured, so
//! the test does not depend on how busy the machine was. The long form, every reference
//! scenario five times beside a CPU and an I/O hog, is `make noisy`.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use planproof::check::{evaluate, slowness, Check, Evidence, Migration, OneShot, Verdict};
use planproof::pipeline::{run_scenario, RunOptions};
use planproof::scenario::Expect;

/// Busy-loop processes, killed (by their ids) when dropped.
struct Hog(Vec<Child>);

impl Hog {
    fn cpu(processes: usize) -> Hog {
        let spawn = |_| {
            Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .stdin(Stdio::null())
                .spawn()
                .expect("a busy loop starts")
        };
        Hog((0..processes).map(spawn).collect())
    }
}

impl Drop for Hog {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn a_migration_beside_a_cpu_hog_is_judged_on_its_server_side_time_and_the_machines_slowness() {
    let _alone = common::alone();
    let Some(mut backend) = common::local_cluster("migration_beside_a_cpu_hog") else { return };
    let scenario = planproof::validate(common::root().join("scenarios/brokkr-pak-hash.toml")).unwrap();
    let result = {
        let _hog = Hog::cpu(2);
        run_scenario(&scenario, &mut backend, &RunOptions::default())
    };
    let text = planproof::report::scenario_text(&result);
    let m = result.migration.as_ref().expect("the migration ran");
    let (wall, server) = (m.duration_ms.unwrap(), m.timing.server_ms.unwrap());
    assert!(server <= wall, "the server-side time is part of the wall time: {server} > {wall}");
    assert_eq!(m.timing.statements.first().map(|s| s.sql.as_str()), Some("BEGIN"), "{:?}", m.timing.statements);
    assert!(m.timing.statements.iter().any(|s| s.sql.starts_with("CREATE INDEX")), "{:?}", m.timing.statements);
    let calibration = m.timing.calibration.as_ref().expect("the machine was calibrated");
    assert_eq!(calibration.samples.len(), 20, "ten runs before the migration, ten after");
    let budget = m.timing.budgets.iter().find(|b| b.check == Check::MigrationDuration).expect("max-duration judged");
    assert_ne!(budget.verdict, Verdict::Fail, "{text}");
    assert!(m.down.as_ref().and_then(|d| d.reapply_server_ms).is_some(), "up ran again: a second sample");

    // The same figure against budgets set around it.
    let shot = OneShot {
        server: Duration::from_secs_f64(server / 1000.0),
        wall: Duration::from_secs_f64(wall / 1000.0),
        slowness: slowness(calibration),
        again: None,
    };
    let judge = |factor: f64| {
        let limit = Duration::from_secs_f64(server * factor / 1000.0);
        let evidence = Evidence::Migration(Migration { timing: Some(shot), load: None, indexes: &[], wal: None });
        evaluate(&[Expect::MaxDuration(limit)], &evidence).budgets[0].verdict
    };
    assert_eq!(judge(2.0), Verdict::Pass, "twice the figure");
    assert_eq!(judge(1.0), Verdict::Inconclusive, "at the figure: one sample cannot tell");
    let past_the_noise = 1.0 / (shot.slowness.max(1.25) * 1.1);
    assert_eq!(judge(past_the_noise), Verdict::Fail, "the figure is over even slowed by the whole slowness");
}
