//! dbmate's layout: one file per migration, `YYYYMMDDHHMMSS_name.sql` (any name that starts with
//! digits), holding both steps: the up step after a `-- migrate:up` line, the down step after a
//! `-- migrate:down` line. Each step runs in a transaction unless its own marker line says
//! `transaction:false`. A file is dbmate's only when it has the `-- migrate:up` line; without it
//! the same name is sqlx's. How dbmate reads a file:
//! <https://github.com/amacneil/dbmate#creating-migrations>. Running the steps is `plan.rs`'s.

use std::path::Path;

use super::layout::{read, Direction, Entry, Layout, Script};
use super::migration::Migration;
use super::registry::{Format, Source};
use crate::migrate::error::MigrateError;
use crate::migrate::split::split_statements;
use crate::scenario::TransactionMode;

#[derive(Debug)]
pub(crate) struct Dbmate;

impl Source for Dbmate {
    fn format(&self) -> Format {
        Format::Dbmate
    }

    fn concurrently_fix(&self) -> &'static str {
        "for dbmate, end the `-- migrate:up` line with `transaction:false`"
    }
}

/// A `-- migrate:up` or `-- migrate:down` line: its 0-based line number and whether its options
/// say `transaction:false`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Marker {
    line: usize,
    no_transaction: bool,
}

/// The two sections of a dbmate file.
#[derive(Debug, Clone, PartialEq)]
struct Sections {
    up: Marker,
    down: Option<Marker>,
}

/// The marker `-- migrate:<word>` that `line` is, if it is one (dbmate allows spaces after
/// `--`, and options after the word: `transaction:false`).
fn marker(line: &str, word: &str, at: usize) -> Option<Marker> {
    let rest = line.strip_prefix("--")?.trim_start().strip_prefix("migrate:")?.strip_prefix(word)?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let no_transaction = rest.split_whitespace().any(|option| option == "transaction:false");
    Some(Marker { line: at, no_transaction })
}

/// Where the sections of `text` are; `None` when it has no `-- migrate:up` line.
fn sections(path: &Path, text: &str) -> Result<Option<Sections>, MigrateError> {
    let lines: Vec<&str> = text.lines().collect();
    let find = |word: &str| lines.iter().enumerate().find_map(|(i, l)| marker(l, word, i));
    let Some(up) = find("up") else { return Ok(None) };
    let down = find("down");
    let invalid = |message: &str| MigrateError::ToolLayout { path: path.to_path_buf(), message: message.to_string() };
    if down.is_some_and(|d| d.line < up.line) {
        return Err(invalid(
            "`-- migrate:down` comes before `-- migrate:up` (expected the up step first, as dbmate does)",
        ));
    }
    let before = lines[..up.line].join("\n");
    if split_statements(&before).is_ok_and(|s| !s.is_empty()) {
        return Err(invalid("statements before `-- migrate:up` (expected only comments there: dbmate refuses them)"));
    }
    Ok(Some(Sections { up, down }))
}

/// The lines of `text` from `from` (the marker line, blank) up to `to`, every other line blank,
/// so that line numbers stay the file's.
fn section(text: &str, from: usize, to: usize) -> String {
    let mut sql = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > from && i < to {
            sql.push_str(line);
        }
        sql.push('\n');
    }
    sql
}

fn mode(marker: Marker) -> TransactionMode {
    if marker.no_transaction {
        TransactionMode::None
    } else {
        TransactionMode::PerFile
    }
}

impl Layout for Dbmate {
    fn describe(&self) -> &'static str {
        "dbmate files `YYYYMMDDHHMMSS_name.sql` with `-- migrate:up`"
    }

    fn recognise(&self, entry: &Entry) -> Result<Option<Migration>, MigrateError> {
        let Some(stem) = entry.sql_stem() else { return Ok(None) };
        let version: String = stem.chars().take_while(char::is_ascii_digit).collect();
        // `.up.sql` pairs are sqlx's even with a marker; `.down.sql` files are sqlx's parts.
        if version.is_empty() || stem.ends_with(".up") {
            return Ok(None);
        }
        let text = read(entry.path)?;
        let Some(sections) = sections(entry.path, &text)? else { return Ok(None) };
        // A down section without statements is no down step.
        let down = sections.down.filter(|d| {
            split_statements(&section(&text, d.line, usize::MAX)).is_ok_and(|statements| !statements.is_empty())
        });
        Ok(Some(Migration {
            id: stem.to_string(),
            version,
            up: entry.path.to_path_buf(),
            down: down.map(|_| entry.path.to_path_buf()),
            no_transaction: sections.up.no_transaction,
            layout: &Dbmate,
        }))
    }

    fn down_convention(&self, m: &Migration) -> String {
        let file = m.up.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        format!("a `-- migrate:down` section with statements in `{file}`")
    }

    fn script(&self, m: &Migration, step: Direction) -> Result<Option<Script>, MigrateError> {
        let text = read(&m.up)?;
        let Some(sections) = sections(&m.up, &text)? else {
            return Err(MigrateError::ToolLayout {
                path: m.up.clone(),
                message: "no `-- migrate:up` line any more (expected dbmate's sections)".into(),
            });
        };
        let end_of_up = sections.down.map_or(usize::MAX, |d| d.line);
        let (from, to, marker) = match (step, sections.down) {
            (Direction::Up, _) => (sections.up.line, end_of_up, sections.up),
            (Direction::Down, Some(down)) if m.down.is_some() => (down.line, usize::MAX, down),
            (Direction::Down, _) => return Ok(None),
        };
        Ok(Some(Script { file: m.up.clone(), sql: section(&text, from, to), transaction: mode(marker) }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::{folder, recognise};
    use super::super::sqlx::Sqlx;
    use super::*;

    const IDX: &str = "-- a comment is fine here\n\
-- migrate:up transaction:false\n\
CREATE INDEX CONCURRENTLY idx_a ON t (a);\n\
\n\
-- migrate:down\n\
DROP INDEX idx_a;\n";

    #[test]
    fn a_file_with_both_sections_is_one_migration_with_a_down_step() {
        let dir = folder(&[("20240101120000_idx.sql", IDX)]);
        let m = recognise(&Dbmate, dir.path(), "20240101120000_idx.sql").unwrap();
        assert_eq!(
            (m.id.as_str(), m.version.as_str(), m.format()),
            ("20240101120000_idx", "20240101120000", Format::Dbmate)
        );
        assert_eq!(m.down.as_deref(), Some(m.up.as_path()), "both steps are in the one file");
        assert!(m.is_named("20240101120000") && m.is_named("20240101120000_idx.sql"));
        assert_eq!(m.transaction(None), TransactionMode::None, "`transaction:false` on the up line");
    }

    #[test]
    fn each_step_runs_its_own_section_on_the_files_lines_in_its_own_mode() {
        let dir = folder(&[("20240101120000_idx.sql", IDX)]);
        let m = recognise(&Dbmate, dir.path(), "20240101120000_idx.sql").unwrap();
        let up = m.script(Direction::Up).unwrap().unwrap();
        assert_eq!(up.sql, "\n\nCREATE INDEX CONCURRENTLY idx_a ON t (a);\n\n\n\n");
        assert_eq!(split_statements(&up.sql).unwrap()[0].line, 3, "line 3 of the file");
        assert_eq!(up.transaction, TransactionMode::None);
        let down = m.script(Direction::Down).unwrap().unwrap();
        assert_eq!(down.sql, "\n\n\n\n\nDROP INDEX idx_a;\n");
        assert_eq!(down.transaction, TransactionMode::PerFile, "the down line has no option");
    }

    #[test]
    fn an_empty_down_section_or_none_is_no_down_step() {
        let dir = folder(&[
            ("1_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n-- nothing to undo\n"),
            ("2_b.sql", "--migrate:up\nCREATE TABLE b (id int);\n"),
        ]);
        for name in ["1_a.sql", "2_b.sql"] {
            let m = recognise(&Dbmate, dir.path(), name).unwrap();
            assert!(m.down.is_none(), "{name}");
            assert_eq!(m.script(Direction::Down).unwrap(), None, "{name}");
            assert_eq!(m.transaction(None), TransactionMode::PerFile, "{name}");
        }
        let m = recognise(&Dbmate, dir.path(), "1_a.sql").unwrap();
        assert_eq!(m.down_convention(), "a `-- migrate:down` section with statements in `1_a.sql`");
    }

    #[test]
    fn without_the_up_line_the_file_is_not_dbmates_but_sqlxs() {
        let dir = folder(&[("20240101_x.sql", "CREATE TABLE x (id int);\n-- migrate:upgrade\n")]);
        assert!(recognise(&Dbmate, dir.path(), "20240101_x.sql").is_none());
        assert!(recognise(&Sqlx, dir.path(), "20240101_x.sql").is_some());
    }

    #[test]
    fn names_without_leading_digits_and_sqlx_pairs_are_not_dbmates() {
        let dir = folder(&[("init.sql", "-- migrate:up\nSELECT 1;\n"), ("1_a.up.sql", "-- migrate:up\nSELECT 1;\n")]);
        assert!(recognise(&Dbmate, dir.path(), "init.sql").is_none());
        assert!(recognise(&Dbmate, dir.path(), "1_a.up.sql").is_none());
        // A name of digits only is dbmate's, as dbmate reads `^\d+.*\.sql$`.
        let dir = folder(&[("42.sql", "-- migrate:up\nSELECT 1;\n")]);
        assert_eq!(recognise(&Dbmate, dir.path(), "42.sql").unwrap().version, "42");
    }

    #[test]
    fn statements_before_the_up_line_or_down_before_up_are_refused() {
        let dir = folder(&[
            ("1_a.sql", "CREATE TYPE s AS ENUM ('a');\n-- migrate:up\nSELECT 1;\n"),
            ("2_b.sql", "-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 2;\n"),
        ]);
        for (name, expected) in [("1_a.sql", "statements before `-- migrate:up`"), ("2_b.sql", "comes before")] {
            let path = dir.path().join(name);
            let entry = Entry { folder: dir.path(), path: &path, name, is_dir: false };
            let err = Dbmate.recognise(&entry).unwrap_err().to_string();
            assert!(err.contains(expected), "{name}: {err}");
        }
    }
}
