//! A migration that is known to fail, kept as it ships: the scenario says which error it
//! expects, and the finding explains the failure and its fix. Also: a migration that was
//! expected to fail but succeeded, or failed differently. The fix, in the terms of the
//! migration's layout or tool, is that source's to say (`migrate::Format::concurrently_fix`).

use super::finding::Finding;
use super::registry::Check;
use crate::migrate::{Format, StatementFailure, ToolFailure};
use crate::scenario::TransactionMode;

/// SQLSTATE 25001, `active_sql_transaction`: a statement that must not run in a transaction
/// block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ...) ran in one.
const ACTIVE_SQL_TRANSACTION: &str = "25001";

/// `format` and `mode` say how the file ran, to name the fix in its tool's terms.
pub(crate) fn expected_error(
    expected: Option<&str>,
    failure: Option<&StatementFailure>,
    format: Format,
    mode: TransactionMode,
) -> Option<Finding> {
    let failure = failure.map(|f| {
        let text = format!("{} {}", f.message, f.detail.as_deref().unwrap_or_default());
        // planproof's note on the cause is the hint's to say, not the message's too.
        let shown = StatementFailure { note: None, ..f.clone() }.to_string();
        (text, shown, fix_hint(f, format, mode))
    });
    judge(expected, failure)
}

/// The same judgement for a migration the project's tool ran: `expect-error` is matched
/// against the tool's error line and the end of what it printed (a Python traceback holds
/// PostgreSQL's message).
pub(crate) fn expected_tool_error(
    expected: Option<&str>,
    failure: Option<&ToolFailure>,
    format: Format,
) -> Option<Finding> {
    judge(expected, failure.map(|f| (f.text(), f.to_string(), tool_fix_hint(&f.text(), format))))
}

/// `failure`: the text `expected` must be in, how the failure reads, and its fix.
fn judge(expected: Option<&str>, failure: Option<(String, String, Option<String>)>) -> Option<Finding> {
    match (expected, failure) {
        (None, _) => None,
        (Some(expected), None) => Some(Finding::violation(
            Check::MigrationError,
            format!("expected the migration to fail with `{expected}`, but it succeeded"),
            Some("if the migration was fixed, remove `expect-error` from the scenario".into()),
        )),
        (Some(expected), Some((text, shown, hint))) => {
            if text.to_lowercase().contains(&expected.to_lowercase()) {
                Some(Finding::warning(Check::MigrationError, format!("migration fails as expected: {shown}"), hint))
            } else {
                Some(Finding::violation(
                    Check::MigrationError,
                    format!("expected the migration to fail with `{expected}`, but it failed with: {shown}"),
                    None,
                ))
            }
        }
    }
}

/// How to fix a tool's migration that ran `CREATE INDEX CONCURRENTLY` in a transaction block,
/// in the tool's own terms (its source knows them).
fn tool_fix_hint(text: &str, format: Format) -> Option<String> {
    let lower = text.to_lowercase();
    if !(lower.contains("cannot run inside a transaction block") && lower.contains("concurrently")) {
        return None;
    }
    Some(format!(
        "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: {}",
        format.concurrently_fix(TransactionMode::Tool)
    ))
}

/// How to fix a failure, when planproof knows the cause: the fix is the source's (its layout's,
/// or a plain file's when the file ran statement by statement).
pub(crate) fn fix_hint(f: &StatementFailure, format: Format, mode: TransactionMode) -> Option<String> {
    let concurrently = f.statement.to_uppercase().contains("CONCURRENTLY");
    if f.code.as_deref() != Some(ACTIVE_SQL_TRANSACTION) || !concurrently {
        return None;
    }
    // A SQL file is often what an Alembic or Django migration prints (`alembic upgrade --sql`,
    // `manage.py sqlmigrate`): the fix in their terms is named too. planproof's note, when the
    // migrate stage made one, says why the file ran in a transaction block and how it opts out.
    let fix = f.note.clone().unwrap_or_else(|| format.concurrently_fix(mode).to_string());
    Some(format!(
        "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: {fix}; Alembic: \
         `with op.get_context().autocommit_block():`; Django: `atomic = False`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;

    fn failure(code: &str, message: &str, statement: &str) -> StatementFailure {
        StatementFailure {
            file: "m.sql".into(),
            line: 3,
            statement: statement.into(),
            message: message.into(),
            code: Some(code.into()),
            detail: None,
            hint: None,
            note: None,
        }
    }

    const CIC: &str = "CREATE INDEX CONCURRENTLY cannot run inside a transaction block";

    #[test]
    fn the_expected_failure_is_a_warning_with_the_fix() {
        let f = failure("25001", CIC, "CREATE INDEX CONCURRENTLY i ON t (a)");
        let finding = expected_error(
            Some("cannot run inside a transaction block"),
            Some(&f),
            Format::Sqlx,
            TransactionMode::None,
        )
        .unwrap();
        assert_eq!(finding.severity, Severity::Warning);
        assert!(finding.message.contains("m.sql` line 3"), "{}", finding.message);
        assert!(finding.hint.unwrap().contains("remove the `BEGIN`/`COMMIT`"));
    }

    #[test]
    fn a_tool_wrapped_file_gets_the_tool_specific_fix() {
        let f = failure("25001", CIC, "CREATE INDEX CONCURRENTLY i ON t (a)");
        let hint = fix_hint(&f, Format::Diesel, TransactionMode::PerFile).unwrap();
        assert!(hint.contains("run_in_transaction = false"), "{hint}");
    }

    #[test]
    fn each_source_names_its_own_fix() {
        let f = failure("25001", CIC, "CREATE INDEX CONCURRENTLY i ON t (a)");
        let tail = "; Alembic: `with op.get_context().autocommit_block():`; Django: `atomic = False`";
        for (format, mode, fix) in [
            (Format::Sqlx, TransactionMode::PerFile, "for sqlx, start the file with `-- no-transaction`"),
            (
                Format::Flyway,
                TransactionMode::PerFile,
                "for Flyway, set `executeInTransaction=false` in the script's `.conf`",
            ),
            (
                Format::Plain,
                TransactionMode::PerFile,
                "remove the `BEGIN`/`COMMIT` around it and run each statement on its own",
            ),
            (
                Format::Diesel,
                TransactionMode::None,
                "remove the `BEGIN`/`COMMIT` around it and run each statement on its own",
            ),
        ] {
            assert_eq!(fix_hint(&f, format, mode).unwrap(), format!("{CIC}: {fix}{tail}"), "{format:?} {mode:?}");
        }
        for (format, fix) in [
            (Format::Alembic, "Alembic runs each migration in one; build the index inside `with op.get_context().autocommit_block():`"),
            (Format::Django, "Django runs a migration in one unless the migration class says `atomic = False`"),
            (Format::Command, "run it on its own, with the tool's no-transaction option"),
        ] {
            assert_eq!(tool_fix_hint(CIC, format).unwrap(), format!("{CIC}: {fix}"), "{format:?}");
        }
    }

    #[test]
    fn success_or_another_error_is_a_violation() {
        assert!(expected_error(Some(CIC), None, Format::Plain, TransactionMode::None).unwrap().is_violation());
        let other = failure("42P01", "relation \"t\" does not exist", "CREATE INDEX i ON t (a)");
        let finding = expected_error(Some(CIC), Some(&other), Format::Sqlx, TransactionMode::PerFile).unwrap();
        assert!(finding.is_violation() && finding.message.contains("does not exist"));
    }

    #[test]
    fn a_tool_failure_is_matched_on_its_output_and_gets_the_tools_fix() {
        let f = ToolFailure::new(
            "alembic upgrade 0002".into(),
            "p".into(),
            "exit status 1".into(),
            "",
            "sqlalchemy.exc.InternalError: (psycopg.errors.ActiveSqlTransaction) CREATE INDEX CONCURRENTLY cannot run inside a transaction block\n[SQL: CREATE INDEX CONCURRENTLY i ON t (a)]\n",
        );
        let finding =
            expected_tool_error(Some("cannot run inside a transaction block"), Some(&f), Format::Alembic).unwrap();
        assert_eq!(finding.severity, Severity::Warning);
        assert!(
            finding.message.contains("`alembic upgrade 0002` in `p` failed (exit status 1)"),
            "{}",
            finding.message
        );
        assert!(finding.hint.unwrap().contains("autocommit_block"));
        let other = expected_tool_error(Some("deadlock detected"), Some(&f), Format::Django).unwrap();
        assert!(other.is_violation());
        assert!(
            expected_tool_error(Some("x"), None, Format::Django).unwrap().is_violation(),
            "succeeding is a violation too"
        );
        let django = tool_fix_hint(
            "NotSupportedError: CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
            Format::Django,
        );
        assert!(django.unwrap().contains("atomic = False"));
    }

    #[test]
    fn the_migrate_stages_note_is_the_hint_not_the_message() {
        let mut f = failure("25001", CIC, "CREATE INDEX CONCURRENTLY i ON t (a)");
        f.note = Some("planproof took `001_x.sql` for an sqlx migration by its name".into());
        let finding =
            expected_error(Some("transaction block"), Some(&f), Format::Sqlx, TransactionMode::PerFile).unwrap();
        assert!(!finding.message.contains("by its name"), "{}", finding.message);
        assert!(finding.hint.unwrap().contains(": planproof took `001_x.sql` for an sqlx migration by its name;"));
    }

    #[test]
    fn no_expectation_no_finding() {
        assert!(expected_error(None, None, Format::Diesel, TransactionMode::PerFile).is_none());
    }
}
