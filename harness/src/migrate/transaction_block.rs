//! Statements PostgreSQL refuses inside a transaction block (SQLSTATE 25001,
//! `active_sql_transaction`), found in a file without running it: `CREATE INDEX CONCURRENTLY`,
//! `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`
//! (<https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>).
//! Which files planproof runs in a transaction block, and why, is the layouts' to say; this
//! only reads the SQL, with sqlparser's tokenizer, so a word in a string or a comment is not
//! taken for a keyword.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::split::split_statements;

/// The first statement of `sql` PostgreSQL refuses in a transaction block: its line and how
/// PostgreSQL's message names it (`CREATE INDEX CONCURRENTLY`). `None` when there is none, or
/// when the text does not split into statements (running it reports that).
pub(crate) fn refused_in_transaction_block(sql: &str) -> Option<(usize, &'static str)> {
    let statements = split_statements(sql).ok()?;
    statements.iter().find_map(|s| refused(&s.sql).map(|name| (s.line, name)))
}

/// How PostgreSQL's message names `statement`, if it refuses it in a transaction block.
fn refused(statement: &str) -> Option<&'static str> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, statement).tokenize().ok()?;
    // Keywords only: a quoted identifier `"concurrently"` is a name.
    let words: Vec<String> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_uppercase()),
            _ => None,
        })
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    // `CONCURRENTLY` right after the word that says what is built, dropped or rebuilt, as
    // the grammar has it: `CREATE [UNIQUE] INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`,
    // `REINDEX [(options)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} CONCURRENTLY`.
    let after = |kinds: &[&str]| {
        words.iter().position(|w| kinds.contains(w)).is_some_and(|i| words.get(i + 1) == Some(&"CONCURRENTLY"))
    };
    match words.as_slice() {
        ["CREATE", "INDEX", ..] | ["CREATE", "UNIQUE", "INDEX", ..] if after(&["INDEX"]) => {
            Some("CREATE INDEX CONCURRENTLY")
        }
        ["DROP", "INDEX", "CONCURRENTLY", ..] => Some("DROP INDEX CONCURRENTLY"),
        ["REINDEX", ..] if after(&["INDEX", "TABLE", "SCHEMA", "DATABASE", "SYSTEM"]) => Some("REINDEX CONCURRENTLY"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_refused_statement_and_its_line() {
        let sql = "-- indexes\nSET lock_timeout = '5s';\n\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (a);\nDROP INDEX CONCURRENTLY j;\n";
        assert_eq!(refused_in_transaction_block(sql), Some((4, "CREATE INDEX CONCURRENTLY")));
        assert_eq!(
            refused_in_transaction_block("DROP INDEX CONCURRENTLY IF EXISTS j;"),
            Some((1, "DROP INDEX CONCURRENTLY"))
        );
        assert_eq!(refused_in_transaction_block("REINDEX INDEX CONCURRENTLY j;"), Some((1, "REINDEX CONCURRENTLY")));
    }

    #[test]
    fn a_plain_build_a_comment_or_a_name_is_not_refused() {
        for sql in [
            "CREATE INDEX i ON t (a);",
            "-- CREATE INDEX CONCURRENTLY later\nCREATE INDEX i ON t (a);",
            "CREATE INDEX i ON t (\"concurrently\");",
            "CREATE INDEX i ON t (concurrently);",
            "COMMENT ON TABLE t IS 'CREATE INDEX CONCURRENTLY';",
            "ALTER TABLE t ADD COLUMN concurrently_seen boolean;",
        ] {
            assert_eq!(refused_in_transaction_block(sql), None, "{sql}");
        }
    }
}
