//! Splits a SQL file into statements the way `psql -f` sends them, using sqlparser's
//! PostgreSQL tokenizer so that semicolons inside strings, dollar-quoted function bodies and
//! comments do not split.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// One statement of a file: its text (without the closing `;`) and its 1-based first line.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub line: usize,
    pub sql: String,
}

pub(crate) fn split_statements(sql: &str) -> Result<Vec<Statement>, String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location().map_err(|e| e.to_string())?;
    let line_starts: Vec<usize> = std::iter::once(0).chain(sql.match_indices('\n').map(|(i, _)| i + 1)).collect();
    // sqlparser reports 1-based lines and character columns; SQL text is sliced by bytes.
    let offset = |line: u64, column: u64| -> usize {
        let Some(&start) = line_starts.get((line as usize).saturating_sub(1)) else {
            return sql.len();
        };
        sql[start..].char_indices().nth((column as usize).saturating_sub(1)).map_or(sql.len(), |(i, _)| start + i)
    };
    let mut statements = Vec::new();
    let mut start = 0;
    let mut first_line: Option<usize> = None;
    for t in &tokens {
        match &t.token {
            Token::SemiColon => {
                let end = offset(t.span.start.line, t.span.start.column);
                if let Some(line) = first_line.take() {
                    statements.push(Statement { line, sql: sql[start..end].trim().to_string() });
                }
                start = end + 1;
            }
            Token::Whitespace(_) => {}
            _ => {
                if first_line.is_none() {
                    first_line = Some(t.span.start.line as usize);
                    // A statement starts at its first token: comments before it are not part
                    // of what a message quotes.
                    start = offset(t.span.start.line, t.span.start.column);
                }
            }
        }
    }
    if let Some(line) = first_line {
        let rest = sql[start.min(sql.len())..].trim();
        if !rest.is_empty() {
            statements.push(Statement { line, sql: rest.to_string() });
        }
    }
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<(usize, String)> {
        split_statements(sql).unwrap().into_iter().map(|s| (s.line, s.sql)).collect()
    }

    #[test]
    fn splits_on_semicolons_and_keeps_lines() {
        assert_eq!(
            texts("BEGIN;\n-- note\nCREATE INDEX i ON t (a);\n\nCOMMIT;\n"),
            vec![(1, "BEGIN".to_string()), (3, "CREATE INDEX i ON t (a)".to_string()), (5, "COMMIT".to_string())]
        );
    }

    #[test]
    fn semicolons_in_strings_comments_and_dollar_quotes_do_not_split() {
        let sql = "SELECT 'a;b'; /* x; y */ CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;";
        let got = texts(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[1].1.contains("$$ SELECT 1; $$"));
    }

    #[test]
    fn comment_only_files_have_no_statements() {
        assert!(texts("-- nothing here\n/* nor here */\n").is_empty());
    }

    #[test]
    fn a_last_statement_without_semicolon_counts() {
        assert_eq!(texts("SELECT 1;\nSELECT 2"), vec![(1, "SELECT 1".into()), (2, "SELECT 2".into())]);
    }

    #[test]
    fn multibyte_text_before_a_statement_keeps_offsets_right() {
        assert_eq!(texts("SELECT 'é';SELECT 2;"), vec![(1, "SELECT 'é'".into()), (1, "SELECT 2".into())]);
    }
}
