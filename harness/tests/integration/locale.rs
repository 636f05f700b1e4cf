//! The database locale on a real cluster: the same scenario under ICU `en-US` and under C
//! gives another "before" plan for `LIKE 'prefix%'` — the `text_pattern_ops` trap.

use planproof::db::DatabaseLocale;
use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::scenario::Phase;
use planproof::Outcome;

use crate::common;

#[test]
fn text_pattern_ops_makes_the_difference_only_under_a_non_c_collation() {
    let Some(mut backend) = common::local_cluster("text_pattern_ops_makes_the_difference_only_under_a_non_c_collation")
    else {
        return;
    };
    let scenario =
        planproof::validate(common::root().join("fixtures/locale/scenario.toml")).expect("the fixture is valid");
    let options = RunOptions { keep: Keep::Never, ..RunOptions::default() };
    let before_plan = |r: &planproof::ScenarioResult| {
        r.queries[0].captures.iter().find(|c| c.phase == Phase::Before).map(|c| c.plan_tree.clone()).unwrap_or_default()
    };

    let icu = run_scenario(&scenario, &mut backend, &options);
    let text = planproof::report::scenario_text(&icu);
    assert_eq!(icu.outcome, Outcome::Passed, "{text}");
    let locale = icu.locale.as_ref().expect("the locale is reported");
    assert_eq!((locale.provider.as_str(), locale.icu_locale.as_deref()), ("icu", Some("en-US")), "{text}");
    assert!(text.contains("database locale: ICU `en-US`"), "{text}");
    assert!(before_plan(&icu).contains("Seq Scan"), "{text}");

    // The same scenario in a C database: the plain index serves the prefix search already.
    let mut c = scenario.clone();
    c.database.locale = DatabaseLocale::default();
    let c_run = run_scenario(&c, &mut backend, &options);
    let c_text = planproof::report::scenario_text(&c_run);
    assert!(c_run.locale.as_ref().is_some_and(planproof::db::LocaleFacts::is_c), "{c_text}");
    assert!(before_plan(&c_run).contains("users_email"), "under C the plain index serves LIKE: {c_text}");
    assert_eq!(c_run.outcome, Outcome::Failed, "the before expectation (a Seq Scan) fails under C: {c_text}");
}
