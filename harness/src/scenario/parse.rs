//! Reads a scenario file's text: TOML into the raw structs (the top level here, each section's
//! in its own file under `section/`), then the validator into the model. toml's and serde's
//! own messages are reshaped here to read like the validator's.

use std::collections::BTreeMap;
use std::ops::Range;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};
use serde::Deserialize;
use serde_json::Value;

use super::model::Scenario;
use super::section::database::RawDatabase;
use super::section::explain::RawExplain;
use super::section::index::RawIndex;
use super::section::load::RawLoad;
use super::section::matrix::RawMatrix;
use super::section::migration::RawMigration;
use super::section::query::RawQuery;
use super::section::table::RawTable;
use super::source::SourceFile;
use super::validate::{Result, Validator};
use crate::scenario::span::Spanned;

/// A planproof scenario file: the top-level keys and one table per section.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Scenario")]
pub(crate) struct RawScenario {
    pub(crate) name: Spanned<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) seed: Option<Spanned<i64>>,
    pub(crate) database: Spanned<RawDatabase>,
    #[serde(default)]
    pub(crate) explain: Option<Spanned<RawExplain>>,
    #[serde(default)]
    pub(crate) tables: BTreeMap<Spanned<String>, Spanned<RawTable>>,
    #[serde(default)]
    pub(crate) queries: Vec<Spanned<RawQuery>>,
    #[serde(default)]
    pub(crate) migration: Option<Spanned<RawMigration>>,
    #[serde(default)]
    pub(crate) matrix: Option<Spanned<RawMatrix>>,
    #[serde(default)]
    pub(crate) indexes: Vec<Spanned<RawIndex>>,
    #[serde(default)]
    pub(crate) load: Option<Spanned<RawLoad>>,
    /// How long the whole run of the scenario may take, from its scratch database to its
    /// last capture (default `"30m"`); `planproof run --time-limit` can shorten it.
    #[serde(default)]
    pub(crate) time_limit: Option<Spanned<String>>,
}

/// The JSON Schema of the scenario format, derived from the raw structs the parser reads: keys
/// kebab-case as in the file, unknown keys refused (`additionalProperties: false`), required
/// keys required. It says what shapes the file may take; what the values must be (ranges,
/// patterns, paths that exist) is the validator's. Draft 7, the newest the editors' TOML
/// language server (taplo, behind Even Better TOML) validates with.
pub fn json_schema() -> serde_json::Value {
    let settings = SchemaSettings::draft07().with_transform(RecursiveTransform(no_null));
    settings.into_generator().into_root_schema_for::<RawScenario>().to_value()
}

/// [`json_schema`] as `planproof schema` prints it and `scenarios/planproof.schema.json` holds
/// it: pretty-printed, with a final newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// TOML has no null: an optional key is one left out. schemars describes an `Option` as "the
/// value or null"; this leaves only the value.
fn no_null(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else { return };
    if object.get("default") == Some(&Value::Null) {
        object.remove("default");
    }
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(options)) = object.get_mut("anyOf") {
        options.retain(|o| o != &serde_json::json!({ "type": "null" }));
        if let [Value::Object(only)] = options.as_slice() {
            let only = only.clone();
            object.remove("anyOf");
            object.extend(only);
        }
    }
}

/// Parses and validates one scenario file's text.
pub fn parse(src: &SourceFile) -> Result<Scenario> {
    let raw: RawScenario = toml::from_str(&src.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        src.error(span.clone(), toml_message(&e, src, span))
    })?;
    Validator { src }.scenario(raw)
}

/// toml's and serde's message, made to read like ours: one line, lowercase, the key named,
/// and "expected" in words rather than Rust type names.
fn toml_message(e: &toml::de::Error, src: &SourceFile, span: Range<usize>) -> String {
    let mut msg = e.message().trim().replace('\n', " ");
    for (rust, words) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected an integer >= 0"),
        ("expected u32", "expected an integer >= 0"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected struct Raw", "expected a table like `{ ... }` of "),
        ("missing field", "missing required key"),
        ("unknown field", "unknown key"),
    ] {
        msg = msg.replace(rust, words);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        // serde says `invalid type: string "ten", expected an integer`; say so for the key.
        if let Some((found, expected)) = rest.split_once(", expected ") {
            msg = format!("invalid value {found} (expected {expected})");
        }
    }
    if msg.starts_with("unknown key") {
        if let Some((head, list)) = msg.split_once(", expected ") {
            msg = format!("{head} (expected {list})");
        }
    }
    let key = key_at(&src.text, span.start);
    let mut chars = msg.chars();
    let msg: String = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "invalid TOML".to_string(),
    };
    match key {
        Some(key) if msg.starts_with("invalid value") || msg.starts_with("duplicate key") => format!("`{key}`: {msg}"),
        _ => msg,
    }
}

/// The key whose value starts at `offset` (`rows = "ten"` → `rows`), or the key at `offset`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before = text[line_start..offset].trim_end();
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' || c == '"';
    if let Some(before_eq) = before.strip_suffix('=') {
        let key: String = before_eq
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| is_key_char(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return (!key.is_empty()).then_some(key);
    }
    let key: String = text[offset..line_end].chars().take_while(|c| is_key_char(*c)).collect();
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::validate::testing::describe;

    /// The message toml and serde give for `text`, reshaped.
    fn message(text: &str) -> String {
        let path = std::path::Path::new("s.toml");
        match parse(&SourceFile::new(path, text.to_string())) {
            Ok(_) => "no error".into(),
            Err(e) => describe(&e, path),
        }
    }

    #[test]
    fn toml_and_serde_messages_read_like_the_validator_s() {
        let db = "name = \"t\"\n[database]\nmigrations = \".\"\nunder-test = \"x\"\n";
        let cases = [
            ("an integer as a string", "[tables.t]\nrows = \"ten\"", "6:8: `rows`: invalid value string \"ten\" (expected an integer)"),
            ("a float as a string", "[tables.t]\nrows = 1\ncolumns.a = { gen = \"int\", null-fraction = \"x\" }", "7:44: `null-fraction`: invalid value string \"x\" (expected a number)"),
            ("a boolean as a string", "[migration]\nreversible = \"yes\"", "6:14: `reversible`: invalid value string \"yes\" (expected `true` or `false`)"),
            ("a table as a number", "[tables]\nt = 1", "6:5: `t`: invalid value integer `1` (expected a table like `{ ... }` of Table)"),
            ("a table as a string", "[[queries]]\nname = \"q\"\nsql = \"SELECT 1\"\n[queries.after]\nlatency = \"2ms\"", "9:11: `latency`: invalid value string \"2ms\" (expected a table like `{ ... }` of Latency)"),
            ("a missing key", "[[queries]]\nname = \"q\"", "5:1: missing required key `sql`"),
            ("an unknown key, tables' four expected", "[tables.t]\nrows = 1\nrowz = 2", "7:1: unknown key `rowz` (expected one of `rows`, `columns`, `sql`, `sql-file`)"),
            (
                "an unknown key, several expected",
                "[explain]\nrun = 3",
                "6:1: unknown key `run` (expected one of `runs`, `warmup`, `samples`, `max-repeats`, `statement-timeout`, `settings`)",
            ),
            ("a duplicate key", "[tables.t]\nrows = 1\nrows = 2", "7:1: `rows`: duplicate key"),
            ("broken TOML", "[tables.t\nrows = 1", "5:10: unclosed table, expected `]`"),
            ("a list item of the wrong type", "[[queries]]\nname = \"q\"\nsql = \"SELECT 1\"\n[queries.before]\nplan = [\"seq-scan\", 1]", "9:21: `1`: invalid value integer `1` (expected a string)"),
            ("a string or a list", "[[queries]]\nname = \"q\"\nsql = \"SELECT 1\"\n[queries.before]\nplan = 1", "9:8: `plan`: invalid value integer `1` (expected a string or a list of strings)"),
            ("a list as a table", "[queries]\nname = \"q\"", "5:1: invalid value map (expected a sequence)"),
            (
                "a top-level key written under a table is that table's",
                "seed = 1",
                "5:1: unknown key `seed` (expected one of `postgres`, `schema`, `seed-files`, `migrations`, `under-test`, `tool-timeout`, `transaction`, `tool`, `app`, `up-command`, `down-command`, `sql-command`, `previous`, `locale`, `lc-collate`, `lc-ctype`, `locale-provider`, `icu-locale`)",
            ),
        ];
        for (name, extra, expected) in cases {
            assert_eq!(message(&format!("{db}{extra}")), expected, "{name}");
        }
        assert_eq!(message("[database]\nmigrations = \".\"\nunder-test = \"x\""), "1:1: missing required key `name`");
        assert_eq!(message("name = \"t\""), "1:1: missing required key `database`");
        assert_eq!(
            message(&db.replace("name = \"t\"\n", "name = \"t\"\nseed = 1.5\n")),
            "2:8: `seed`: invalid value floating point `1.5` (expected an integer)"
        );
    }

    #[test]
    fn the_json_schema_is_closed_and_offers_no_null() {
        let schema = json_schema();
        assert_eq!(schema["required"], serde_json::json!(["name", "database"]));
        assert_eq!(schema["properties"]["database"], serde_json::json!({ "$ref": "#/definitions/Database" }));
        assert!(schema["definitions"]["Param"]["properties"]["where"].is_object(), "renames are honoured");
        // Every object the schema describes refuses unknown keys, as `deny_unknown_fields` does.
        let mut objects = vec![&schema];
        objects.extend(schema["definitions"].as_object().into_iter().flat_map(|d| d.values()));
        for object in objects.into_iter().filter(|o| o.get("properties").is_some()) {
            assert_eq!(object["additionalProperties"], Value::Bool(false), "{object}");
        }
        let text = schema.to_string();
        assert!(!text.contains("\"null\""), "TOML has no null: {text}");
    }

    #[test]
    fn the_key_is_found_before_its_value_or_at_the_offset() {
        let cases = [
            ("a key before `=`", "rows = \"ten\"", 7, Some("rows")),
            ("a dotted key", "columns.a = 1", 12, Some("columns.a")),
            ("a quoted key", "\"a-b\" = 1", 8, Some("\"a-b\"")),
            ("the key at the offset", "rowz = 2", 0, Some("rowz")),
            ("no key", "[tables", 7, None),
        ];
        for (name, text, offset, expected) in cases {
            assert_eq!(key_at(text, offset).as_deref(), expected, "{name}");
        }
    }
}
