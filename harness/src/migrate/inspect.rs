//! Reads what a migration file does without running it: which indexes it builds, and how, and
//! whether it bounds its lock waits. The checks judge what this finds.

use sqlparser::ast::{ObjectNamePart, Statement as Ast};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::split::split_statements;

/// A `CREATE INDEX` statement of a migration.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexBuild {
    pub line: usize,
    pub name: Option<String>,
    pub table: String,
    pub concurrently: bool,
}

/// What a migration's text says about locking.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inspection {
    pub index_builds: Vec<IndexBuild>,
    /// Statements that take a lock blocking writes (plain `CREATE INDEX`, `ALTER TABLE`), by line.
    pub blocking_statements: Vec<usize>,
    /// The file sets `lock_timeout` (so a blocked lock wait gives up instead of queueing every
    /// other session behind it).
    pub sets_lock_timeout: bool,
}

/// Inspects a migration's SQL; statements sqlparser cannot read are skipped.
pub fn inspect(sql: &str) -> Inspection {
    let mut found = Inspection::default();
    let Ok(statements) = split_statements(sql) else { return found };
    for statement in statements {
        let lower = statement.sql.to_lowercase();
        if lower.contains("lock_timeout") {
            found.sets_lock_timeout = true;
        }
        let Ok(parsed) = Parser::parse_sql(&PostgreSqlDialect {}, &statement.sql) else { continue };
        for ast in parsed {
            match ast {
                Ast::CreateIndex(index) => {
                    if !index.concurrently {
                        found.blocking_statements.push(statement.line);
                    }
                    found.index_builds.push(IndexBuild {
                        line: statement.line,
                        name: index.name.as_ref().and_then(|n| last_part(&n.0)),
                        table: last_part(&index.table_name.0).unwrap_or_default(),
                        concurrently: index.concurrently,
                    });
                }
                Ast::AlterTable(_) => found.blocking_statements.push(statement.line),
                _ => {}
            }
        }
    }
    found
}

fn last_part(parts: &[ObjectNamePart]) -> Option<String> {
    match parts.last()? {
        ObjectNamePart::Identifier(ident) if ident.quote_style.is_some() => Some(ident.value.clone()),
        ObjectNamePart::Identifier(ident) => Some(ident.value.to_lowercase()),
        ObjectNamePart::Function(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_builds_and_lock_timeouts_are_found() {
        let found = inspect(
            "SET lock_timeout = '2s';\nCREATE INDEX idx_a ON public.Agents (pak_hash);\nCREATE INDEX CONCURRENTLY \"Idx_B\" ON t (x);\nALTER TABLE t ADD COLUMN y int;",
        );
        assert!(found.sets_lock_timeout);
        assert_eq!(found.index_builds.len(), 2);
        assert_eq!(
            (
                found.index_builds[0].name.as_deref(),
                found.index_builds[0].table.as_str(),
                found.index_builds[0].concurrently
            ),
            (Some("idx_a"), "agents", false)
        );
        assert_eq!((found.index_builds[1].name.as_deref(), found.index_builds[1].concurrently), (Some("Idx_B"), true));
        assert_eq!(found.blocking_statements, vec![2, 4]);
    }

    #[test]
    fn nothing_found_in_what_cannot_be_read() {
        assert_eq!(inspect("\\d agents"), Inspection::default());
    }
}
