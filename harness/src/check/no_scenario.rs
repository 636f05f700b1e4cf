//! The CI gate (`--changed-since`) reports a migration the change adds or edits that no
//! scenario has under test: the gate cannot say what it does to the queries, and a reviewer
//! should know that it did not.

use super::finding::Finding;
use super::registry::Check;

/// `path` (relative to the repository) is a migration file the change added or modified that
/// is no scenario's migration under test.
pub(crate) fn no_scenario(path: &str, added: bool) -> Finding {
    Finding::warning(
        Check::NoScenario,
        format!(
            "migration `{path}` is {} by this change, and no scenario has it under test: what it does to the queries was not checked",
            if added { "added" } else { "modified" }
        ),
        Some("add a scenario whose `[database] under-test` names it (a copy of one in scenarios/ is a start)".into()),
    )
    .or_at(path, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_names_the_file_and_points_at_it() {
        let f = no_scenario("db/migrations/0026_x.sql", true);
        assert_eq!(f.check, Check::NoScenario);
        assert!(f.message.contains("`db/migrations/0026_x.sql` is added"), "{}", f.message);
        assert_eq!(f.at.as_ref().map(|a| (a.file.as_str(), a.line)), Some(("db/migrations/0026_x.sql", 1)));
    }
}
