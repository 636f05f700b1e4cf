//! Text planproof prints that it did not write itself: an error with its causes on one line,
//! without the secrets a connection string can carry, and any value from outside (a server's
//! message, a tool's output, a file, table or index name, a query's SQL) with its control
//! characters shown as escapes, so that it cannot forge a line of a CI log or drive a terminal.
//! Crate-level because every stage's errors end up printed, in the terminal and in reports.

use std::borrow::Cow;

/// An error and its causes on one line, `: `-separated; a cause whose text the message already
/// holds is not repeated. Passwords are masked ([`redact`]): a tool's or the server's message
/// may quote the connection string. A line break or other control character in it (a
/// migration's `RAISE EXCEPTION E'x\n::error::…'`) is shown as an escape ([`printable`]), so
/// the chain stays one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    printable(&redact(&text)).into_owned()
}

/// `text` as planproof prints a value it did not write: every control character — C0, DEL,
/// C1 — and the Unicode line and paragraph separators shown as a visible escape (`\n`, `\r`,
/// `\u{1b}`), the tab kept. A line break in a server's error or a file name then cannot start a
/// line of its own in a CI log (a forged `::error::` workflow command, a fake `PASS`), and an
/// ANSI escape sequence cannot clear or recolour the terminal.
///
/// Idempotent: what it returns holds no control character, and a backslash is kept as it is, so
/// text escaped at its source (an [`error_chain`]) is not escaped twice by a report. The escape
/// is for reading, not for reversing: a `\n` typed as two characters reads the same.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A block planproof lays out line by line (a tool's output, a query's SQL, a plan tree): its
/// line breaks kept, each line's content [`printable`] (a `\r` of a `\r\n` ending dropped).
/// Whoever prints it puts its own prefix before each line, so that none starts with the
/// block's text.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(|l| printable(l.strip_suffix('\r').unwrap_or(l))).collect();
    Cow::Owned(lines.join("\n"))
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with the password of every connection-string form libpq reads masked as `***`: URI
/// userinfo (`postgres://user:secret@host`), a `password` query parameter (`?password=secret`,
/// `&password=secret`), a key=value `password=secret` or `password='se cret'`, and
/// `PGPASSWORD=secret`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some((key, len)) = keyword_secret(rest, out.chars().last()) {
            out.push_str(key);
            out.push_str("***");
            rest = &rest[len..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        // After `scheme://`, `user:secret@`: the password runs from the `:` to the `@`.
        if out.ends_with("://") {
            if let Some((user, secret)) = uri_userinfo(rest) {
                out.push_str(&rest[..user]);
                out.push_str("***");
                rest = &rest[user + secret..];
            }
        }
    }
    out
}

/// In a URI's authority at the start of `rest`: the length of `user:` and of the password
/// that follows it, when there is a password and an `@`.
fn uri_userinfo(rest: &str) -> Option<(usize, usize)> {
    let end =
        rest.find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '`').unwrap_or(rest.len());
    let authority = &rest[..end];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    (at > colon + 1).then_some((colon + 1, at - colon - 1))
}

/// `password=…` (a query parameter or a key=value pair) or `PGPASSWORD=…` at the start of
/// `rest`: the key as written and the length of key and value.
fn keyword_secret(rest: &str, before: Option<char>) -> Option<(&str, usize)> {
    if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let keys = ["pgpassword", "password"];
    let key_len = keys.iter().find(|k| rest.get(..k.len()).is_some_and(|head| head.eq_ignore_ascii_case(k)))?.len();
    let after_key = rest[key_len..].trim_start_matches([' ', '\t']);
    let after_eq = after_key.strip_prefix('=')?;
    let value_start = rest.len() - after_eq.trim_start_matches([' ', '\t']).len();
    let value = &rest[value_start..];
    let value_len = match value.chars().next() {
        Some(q @ ('\'' | '"')) => value[1..].find(q).map_or(value.len(), |i| i + 2),
        _ => value
            .find(|c: char| c.is_whitespace() || c == '&' || c == '`' || c == ',' || c == ';')
            .unwrap_or(value.len()),
    };
    if value_len == 0 {
        return None;
    }
    Some((&rest[..value_start], value_start + value_len))
}

/// Bytes in PostgreSQL's units, as `pg_size_pretty` prints them (`392 kB`, `18 MB`).
pub fn pretty_bytes(bytes: u64) -> String {
    let units = [("TB", 1u64 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)];
    for (unit, size) in units {
        if bytes >= size * 10 || (bytes >= size && bytes.is_multiple_of(size)) {
            return format!("{:.0} {unit}", bytes as f64 / size as f64);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("seed")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("column `t.c`: value out of range")]
    struct Inner;

    #[test]
    fn every_connection_string_form_loses_its_password() {
        for (text, expected) in [
            ("postgres://app:s3cret@db:5432/app", "postgres://app:***@db:5432/app"),
            ("postgresql://app:p%40ss@db/app?sslmode=disable", "postgresql://app:***@db/app?sslmode=disable"),
            ("postgres://app@db/app", "postgres://app@db/app"),
            (
                "postgres://db/app?user=app&password=s3cret&sslmode=x",
                "postgres://db/app?user=app&password=***&sslmode=x",
            ),
            ("host=db user=app password=s3cret dbname=app", "host=db user=app password=*** dbname=app"),
            ("host=db password = 's3 cret' dbname=app", "host=db password = *** dbname=app"),
            ("PGPASSWORD=s3cret alembic upgrade", "PGPASSWORD=*** alembic upgrade"),
            ("error at `postgres://u:x@h/d`: refused", "error at `postgres://u:***@h/d`: refused"),
            ("the password is wrong; passwords=3", "the password is wrong; passwords=3"),
            ("host=/tmp user=x", "host=/tmp user=x"),
            ("ünïcode password=ß secret", "ünïcode password=*** secret"),
        ] {
            assert_eq!(redact(text), expected, "{text}");
        }
    }

    #[test]
    fn control_characters_are_shown_as_escapes() {
        for (text, expected) in [
            ("plain `text`, ünïcode and a\ttab", "plain `text`, ünïcode and a\ttab"),
            ("x\n::error::forged", "x\\n::error::forged"),
            ("line\r\nnext", "line\\r\\nnext"),
            ("\u{1b}[2J\u{1b}[31mPASS", "\\u{1b}[2J\\u{1b}[31mPASS"),
            ("nul\0 del\u{7f} c1\u{9b}", "nul\\u{0} del\\u{7f} c1\\u{9b}"),
            ("sep\u{2028}arator", "sep\\u{2028}arator"),
            ("a backslash \\n stays", "a backslash \\n stays"),
        ] {
            assert_eq!(printable(text), expected, "{text:?}");
            assert_eq!(printable(&printable(text)), printable(text), "idempotent on {text:?}");
        }
    }

    #[test]
    fn a_block_keeps_its_lines_and_escapes_their_content() {
        assert_eq!(
            printable_lines("CREATE INDEX i\r\n  ON t (\u{1b}[2Jc);\n"),
            "CREATE INDEX i\n  ON t (\\u{1b}[2Jc);\n"
        );
        assert!(matches!(printable_lines("two\nlines\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn an_error_chain_stays_one_line() {
        #[derive(Debug, thiserror::Error)]
        #[error("migration failed")]
        struct Failed(#[source] Raised);
        #[derive(Debug, thiserror::Error)]
        #[error("ERROR: x\n::error::forged")]
        struct Raised;
        assert_eq!(error_chain(&Failed(Raised)), "migration failed: ERROR: x\\n::error::forged");
    }

    #[test]
    fn causes_follow_the_message_once() {
        assert_eq!(error_chain(&Outer(Inner)), "seed: column `t.c`: value out of range");
    }
}
