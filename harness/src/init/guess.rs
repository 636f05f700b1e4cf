//! The scenario `init` writes from what it learned: `[database]` naming the schema files and
//! the migration, a `[tables.NAME]` per table with a generator for every column a row must
//! fill (chosen from its type, its name, `UNIQUE` and foreign keys, and the partial predicates
//! of the new indexes), a query per new index with its expectations, and `[migration]`. Each
//! guess carries a comment, and the notes say what to check.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::learn::{Column, Learned, TableFacts};
use super::{relative, Initialised, Located};
use crate::catalog::IndexShape;

/// Rows seeded in a table a new index is on, and in a table only referenced.
const ROWS: u64 = 10_000;
const REFERENCED_ROWS: u64 = 1_000;

pub(super) fn scenario(located: &Located, schema: &[PathBuf], learned: &Learned, base: &Path) -> Initialised {
    let mut notes = Vec::new();
    let id = &located.under_test.id;
    let mut out = String::new();
    let _ = writeln!(out, "# Written by `planproof init` from `{id}`: every value below is a guess.");
    let _ = writeln!(out, "# Check the row counts and the generators against production, then the expectations.");
    let _ = writeln!(out, "name = {}", quote(&format!("init-{id}")));
    let _ = writeln!(
        out,
        "description = {}",
        quote(&format!("What migration {id} does to the lookups its indexes are for"))
    );
    let _ = writeln!(out, "seed = 1\n\n[database]");
    if !schema.is_empty() {
        let files: Vec<String> = schema.iter().map(|f| quote(&relative(base, f))).collect();
        let _ = writeln!(out, "schema = [{}]", files.join(", "));
    }
    let _ = writeln!(out, "migrations = {}", quote(&relative(base, &located.dir)));
    let _ = writeln!(out, "under-test = {}", quote(id));
    if learned.needs_no_transaction {
        out.push_str("# It builds indexes CONCURRENTLY, which PostgreSQL refuses inside the transaction block\n# its file name's tool would wrap it in: statement by statement, as `psql -f` runs it.\ntransaction = \"none\"\n");
        notes.push("transaction = \"none\": the migration builds indexes CONCURRENTLY; check your tool runs it outside a transaction block".into());
    }

    for table in &learned.tables {
        table_section(&mut out, table, learned, &mut notes);
    }
    for index in &learned.new_indexes {
        query_section(&mut out, index, learned, &mut notes);
    }
    out.push_str("\n[migration]\n");
    if located.under_test.down.is_some() {
        out.push_str(
            "# Its down step is run, the catalog compared with the one before, and up run again.\nreversible = true\n",
        );
    }
    out.push_str(
        "# Budgets to set once a run shows the figures on production-like row counts:\n# max-duration = \"5s\"\n# max-wal = \"16MB\"\n",
    );
    notes.push(format!(
        "row counts: {ROWS} rows per indexed table, {REFERENCED_ROWS} per referenced one; set production-like counts (`rows`)"
    ));
    Initialised { toml: out, notes }
}

fn table_section(out: &mut String, table: &TableFacts, learned: &Learned, notes: &mut Vec<String>) {
    let _ = writeln!(out, "\n[tables.{}]", key(&table.name));
    let rows = if table.indexed { ROWS } else { REFERENCED_ROWS };
    let _ = writeln!(out, "rows = {}", group_digits(rows));
    let predicates: Vec<&str> =
        learned.new_indexes.iter().filter(|i| i.table == table.name).filter_map(|i| i.predicate.as_deref()).collect();
    let referenced: Vec<&str> = learned
        .tables
        .iter()
        .flat_map(|t| t.columns.iter().filter_map(|c| c.references.as_ref()))
        .filter(|(t, _)| *t == table.name)
        .map(|(_, c)| c.as_str())
        .collect();
    let keyed: Vec<&str> = learned
        .new_indexes
        .iter()
        .filter(|i| i.table == table.name)
        .flat_map(|i| i.columns.iter().map(String::as_str))
        .collect();
    for column in &table.columns {
        let needed = keyed.contains(&column.name.as_str()) || referenced.contains(&column.name.as_str());
        if column.filled_by_server && !needed {
            let _ = writeln!(out, "# {}: left to its default", column.name);
            continue;
        }
        match generator(column, &predicates, referenced.contains(&column.name.as_str())) {
            Some((spec, why)) => {
                let _ = writeln!(out, "columns.{} = {{ {spec} }}   # {why}", key(&column.name));
            }
            None => {
                let _ = writeln!(
                    out,
                    "# columns.{} = {{ … }}   # no generator for `{}`: write one, or seed the table with `sql`",
                    key(&column.name),
                    column.data_type
                );
                if column.not_null && !column.filled_by_server {
                    notes.push(format!(
                        "{}.{}: no generator for `{}`, and it is NOT NULL: seeding fails until it has one",
                        table.name, column.name, column.data_type
                    ));
                }
            }
        }
    }
}

/// A generator for `column` and why, or `None` when its type has none.
fn generator(column: &Column, predicates: &[&str], referenced: bool) -> Option<(String, String)> {
    let name = column.name.to_ascii_lowercase();
    let unique = column.unique || referenced;
    let (mut spec, mut why) = if let Some((table, col)) = &column.references {
        (format!("references = {}", quote(&format!("{table}.{col}"))), format!("foreign key to {table}.{col}"))
    } else if !column.enum_labels.is_empty() {
        let labels: Vec<String> = column.enum_labels.iter().map(|l| quote(l)).collect();
        (format!("one-of = [{}]", labels.join(", ")), format!("the labels of enum `{}`", column.data_type))
    } else {
        by_type(column, &name, unique)?
    };
    let by_itself_unique = spec.starts_with("gen = \"sequence\"")
        || spec.starts_with("gen = \"uuid\"")
        || spec.starts_with("gen = \"sha256-hex\"");
    if unique && !by_itself_unique && column.references.is_none() {
        spec.push_str(", unique = true");
        why.push_str(", unique");
    }
    if !column.not_null && !unique {
        // A partial index on `col IS NULL` is for the rows where it is NULL: most of them.
        let mentioned =
            |test: &str| predicates.iter().any(|p| p.to_ascii_lowercase().contains(&format!("{name} {test}")));
        let fraction = if mentioned("is null") {
            why.push_str("; mostly NULL, as the partial index's `IS NULL` suggests");
            0.9
        } else {
            why.push_str("; nullable: some NULLs");
            0.1
        };
        spec.push_str(&format!(", null-fraction = {fraction}"));
    }
    Some((spec, why))
}

/// A generator from the column's type (and, for text, its name).
fn by_type(column: &Column, name: &str, unique: bool) -> Option<(String, String)> {
    let t = column.data_type.as_str();
    let gen = |g: &str| format!("gen = {}", quote(g));
    let limit: Option<u32> = t.split_once('(').and_then(|(_, rest)| rest.trim_end_matches(')').parse().ok());
    let found = match t {
        "uuid" => (gen("uuid"), "uuid".to_string()),
        "smallint" | "integer" | "bigint" if unique => (gen("sequence"), format!("{t}, unique: 1, 2, 3, …")),
        "smallint" => (format!("{}, max = 30000", gen("int")), t.to_string()),
        "integer" | "bigint" => (gen("int"), t.to_string()),
        "real" | "double precision" => (gen("float"), t.to_string()),
        "boolean" => (gen("bool"), t.to_string()),
        "json" | "jsonb" => ("one-of = [\"{}\"]".to_string(), format!("{t}: an empty object; write real documents")),
        _ if t.starts_with("numeric") => (gen("float"), t.to_string()),
        _ if t.starts_with("timestamp") || t == "date" => (gen("timestamp"), t.to_string()),
        _ if t == "text" || t.starts_with("character") || t == "citext" => return Some(text(name, limit, unique, t)),
        _ => return None,
    };
    Some(found)
}

/// A text generator from the column's name, within its length limit.
fn text(name: &str, limit: Option<u32>, unique: bool, t: &str) -> (String, String) {
    let token = |length: u32, why: &str| {
        (format!("gen = \"token\", length = {}", length.min(limit.unwrap_or(length))), format!("{t}: {why}"))
    };
    let fits = |length: u32| limit.is_none_or(|l| l >= length);
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["hash", "digest", "sha"]) && fits(64) {
        return ("gen = \"sha256-hex\"".into(), format!("{t}: a hash, from its name"));
    }
    if has(&["token", "key", "secret", "hash"]) {
        return token(32, "a token, from its name");
    }
    if has(&["email"]) && fits(64) {
        return ("gen = \"email\"".into(), format!("{t}: an address, from its name"));
    }
    if unique {
        return token(16, "unique text");
    }
    if name.ends_with("name") && fits(40) {
        let g = if has(&["first"]) {
            "first-name"
        } else if has(&["last"]) {
            "last-name"
        } else if has(&["company", "org"]) {
            "company"
        } else {
            "name"
        };
        return (format!("gen = \"{g}\""), format!("{t}: a name, from its name"));
    }
    if has(&["description", "body", "comment", "message", "note", "text"]) && fits(80) {
        return ("gen = \"sentence\"".into(), format!("{t}: prose, from its name"));
    }
    if has(&["status", "state", "kind", "type", "role", "level"]) && fits(16) {
        return ("gen = \"word\", distinct = 5".into(), format!("{t}: a few values, from its name"));
    }
    if fits(16) {
        ("gen = \"word\", distinct = 100".into(), format!("{t}: 100 distinct words"))
    } else {
        token(limit.unwrap_or(8), "short text")
    }
}

/// A query the index is for: equality on its leading key columns, its partial predicate, and
/// the ORDER BY of its last key column when it has more than one.
fn query_section(out: &mut String, index: &IndexShape, learned: &Learned, notes: &mut Vec<String>) {
    let plain = |c: &str| c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if index.columns.iter().any(|c| !plain(c)) {
        let _ = writeln!(out, "\n# {}: an expression index; write the query it is for by hand", index.name);
        notes.push(format!("{}: an expression index, no query written", index.name));
        return;
    }
    let (equal, order): (&[String], Option<(&String, &String)>) = if index.columns.len() > 1 && !index.unique {
        let last = index.columns.len() - 1;
        (&index.columns[..last], Some((&index.columns[last], &index.orders[last])))
    } else {
        (&index.columns[..], None)
    };
    let mut conditions: Vec<String> = equal.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
    if let Some(p) = &index.predicate {
        conditions.push(p.clone());
    }
    let mut sql = format!("SELECT * FROM {} WHERE {}", index.table, conditions.join(" AND "));
    if let Some((column, direction)) = order {
        let _ = write!(
            sql,
            " ORDER BY {column}{} LIMIT 20",
            if direction.is_empty() { String::new() } else { format!(" {direction}") }
        );
    }
    let where_ = index.predicate.as_ref().map(|p| format!(", where = {}", quote(p))).unwrap_or_default();
    let params: Vec<String> =
        equal.iter().map(|c| format!("{{ sample = {}{where_} }}", quote(&format!("{}.{c}", index.table)))).collect();
    let _ = writeln!(out, "\n[[queries]]\nname = {}", quote(&format!("by-{}", index.name)));
    let _ = writeln!(out, "# What {} is for, as guessed from its definition.", index.name);
    let _ = writeln!(out, "sql = {}", quote(&sql));
    let _ = writeln!(out, "params = [{}]", params.join(", "));
    let covered_before =
        learned.indexes_before.iter().any(|b| b.table == index.table && b.columns.first() == index.columns.first());
    if covered_before {
        let _ =
            writeln!(out, "# Another index on `{}` leads with `{}`: no `before` guess.", index.table, index.columns[0]);
    } else {
        let _ = writeln!(out, "before = {{ plan = {} }}", quote(&format!("seq-scan on {}", index.table)));
    }
    let _ = writeln!(out, "after = {{ plan = {} }}", quote(&format!("index {}", index.name)));
    let _ = writeln!(out, "after-generic = {{ plan = {} }}", quote(&format!("index {}", index.name)));
    notes.push(format!("{}: query `{sql}`; check it is one the application runs", index.name));
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A TOML key, quoted unless bare.
fn key(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        name.to_string()
    } else {
        quote(name)
    }
}

/// `10_000` for 10000.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, data_type: &str, not_null: bool) -> Column {
        Column {
            name: name.into(),
            data_type: data_type.into(),
            not_null,
            filled_by_server: false,
            enum_labels: Vec::new(),
            unique: false,
            references: None,
        }
    }

    #[test]
    fn generators_follow_the_type_the_name_and_the_constraints() {
        let g = |c: &Column, predicates: &[&str]| generator(c, predicates, false).map(|(spec, _)| spec);
        assert_eq!(g(&column("id", "uuid", true), &[]).as_deref(), Some("gen = \"uuid\""));
        assert_eq!(
            g(&column("pak_hash", "character varying(64)", false), &[]).as_deref(),
            Some("gen = \"sha256-hex\", null-fraction = 0.1")
        );
        assert_eq!(
            g(&column("deleted_at", "timestamp with time zone", false), &["(deleted_at IS NULL)"]).as_deref(),
            Some("gen = \"timestamp\", null-fraction = 0.9")
        );
        let unique = Column { unique: true, ..column("code", "character varying(8)", true) };
        assert_eq!(g(&unique, &[]).as_deref(), Some("gen = \"token\", length = 8, unique = true"));
        let id = Column { unique: true, ..column("id", "bigint", true) };
        assert_eq!(g(&id, &[]).as_deref(), Some("gen = \"sequence\""));
        let fk = Column { references: Some(("users".into(), "id".into())), ..column("user_id", "bigint", true) };
        assert_eq!(g(&fk, &[]).as_deref(), Some("references = \"users.id\""));
        let state =
            Column { enum_labels: vec!["open".into(), "closed".into()], ..column("state", "ticket_state", true) };
        assert_eq!(g(&state, &[]).as_deref(), Some("one-of = [\"open\", \"closed\"]"));
        assert_eq!(g(&column("addr", "inet", true), &[]), None);
        assert_eq!(g(&column("email", "text", true), &[]).as_deref(), Some("gen = \"email\""));
    }

    #[test]
    fn keys_and_counts_are_written_as_toml() {
        assert_eq!((key("agents"), key("weird name")), ("agents".to_string(), "\"weird name\"".to_string()));
        assert_eq!(
            (group_digits(10_000), group_digits(1_000_000), group_digits(12)),
            ("10_000".into(), "1_000_000".into(), "12".into())
        );
    }
}
