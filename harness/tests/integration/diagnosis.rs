//! Diagnoses of unused indexes on a real cluster: a failed index expectation says whether
//! PostgreSQL can't use the index for the query or won't at this size, and why.

use planproof::check::Check;
use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::Outcome;

use crate::common;

#[test]
fn a_failed_index_expectation_says_can_t_or_won_t_and_why() {
    let Some(mut backend) = common::local_cluster("a_failed_index_expectation_says_can_t_or_won_t_and_why") else {
        return;
    };
    let scenario =
        planproof::validate(common::root().join("fixtures/diagnosis/scenario.toml")).expect("the fixture is valid");
    let result = run_scenario(&scenario, &mut backend, &RunOptions { keep: Keep::Never, ..RunOptions::default() });
    let text = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Failed, "{text}");
    let hint = |query: &str| -> String {
        let q = result.queries.iter().find(|q| q.name == query).expect("the query is reported");
        q.captures
            .iter()
            .flat_map(|c| &c.findings)
            .find(|f| f.check == Check::IndexUsed)
            .and_then(|f| f.hint.clone())
            .unwrap_or_else(|| panic!("{query} has an index-used finding with a hint: {text}"))
    };
    let cant = hint("email-prefix");
    assert!(cant.starts_with("can't: PostgreSQL cannot use `users_email` for this query"), "{cant}");
    assert!(cant.contains("`email text_pattern_ops`"), "{cant}");
    let wont = hint("most-rows");
    assert!(wont.starts_with("won't: the index can serve this query, at "), "{wont}");
    assert!(wont.contains("at 50k rows of `users`"), "{wont}");
    let order = hint("newest-ids");
    assert!(order.starts_with("can't: `users_pkey` cannot give the order this query asks for"), "{order}");
    assert!(order.contains("sorts by `id DESC NULLS LAST`, but the index keeps `id ASC NULLS LAST`"), "{order}");
}
