//! Reading EXPLAIN documents: the JSON array that `EXPLAIN (FORMAT JSON)` returns, a bare
//! `{"Plan": …}` object (auto_explain logs one, with `Query Text`), a bare plan node, and the
//! same JSON as psql prints it in a result table (header, borders, `+`/`↵` continuation
//! markers, `(1 row)` footer), so a plan pasted from a terminal reads as well as a file.

use serde::de::Error as _;
use serde_json::{Map, Value};

use super::error::PlanError;
use super::node::{Explain, Node};

/// Characters psql draws table frames with, in every `\pset linestyle` and `border` setting.
fn is_frame_char(c: char) -> bool {
    matches!(c, '-' | '+' | '=' | '|') || ('\u{2500}'..='\u{257F}').contains(&c)
}

/// A column separator at the edge of a row in `border 2` tables.
fn is_edge_char(c: char) -> bool {
    matches!(c, '|' | '│' | '║')
}

/// Longest excerpt of the input quoted back in an error.
const EXCERPT_CHARS: usize = 40;

impl Explain {
    /// Parses EXPLAIN JSON, or psql's framed text output of it.
    pub fn from_json_str(input: &str) -> Result<Explain, PlanError> {
        let input = input.strip_prefix('\u{feff}').unwrap_or(input);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PlanError::Empty);
        }
        if trimmed.starts_with(['[', '{']) {
            return match serde_json::from_str::<Value>(input) {
                Ok(value) => Explain::from_value(value),
                // psql's "tuples only" output has no header but keeps the `+` markers.
                Err(error) => match unframe(input) {
                    Some(unframed) => from_json_text(&unframed.json).map_err(|_| syntax(error)),
                    None => Err(syntax(error)),
                },
            };
        }
        match unframe(input) {
            Some(Unframed { json, header: true }) => {
                let first = first_line(&json);
                if first.starts_with(['[', '{']) {
                    from_json_text(&json)
                } else {
                    Err(PlanError::TextFormat { found: excerpt(first) })
                }
            }
            _ => Err(PlanError::NotJson { found: excerpt(first_line(trimmed)) }),
        }
    }

    /// Interprets an already parsed JSON value in any of the shapes
    /// [`from_json_str`](Explain::from_json_str) accepts.
    pub fn from_value(value: Value) -> Result<Explain, PlanError> {
        let object = match value {
            Value::Array(mut items) => match (items.pop(), items.is_empty()) {
                (Some(Value::Object(object)), true) => object,
                (Some(other), true) => {
                    return Err(PlanError::Shape { found: format!("an array holding {}", describe(&other)) })
                }
                (None, _) => return Err(PlanError::Shape { found: "an empty array".into() }),
                (Some(_), false) => {
                    return Err(PlanError::Shape { found: format!("an array of {} elements", items.len() + 1) })
                }
            },
            Value::Object(object) => object,
            other => return Err(PlanError::Shape { found: describe(&other) }),
        };
        if object.contains_key("Plan") {
            explain_from_object(object)
        } else if object.contains_key("Node Type") {
            Ok(Explain::from_plan(node_from_value(Value::Object(object), "Plan")?))
        } else {
            Err(PlanError::Shape { found: describe(&Value::Object(object)) })
        }
    }
}

fn from_json_text(json: &str) -> Result<Explain, PlanError> {
    let value = serde_json::from_str::<Value>(json).map_err(syntax)?;
    Explain::from_value(value)
}

fn syntax(source: serde_json::Error) -> PlanError {
    PlanError::Syntax { line: source.line(), column: source.column(), source }
}

fn explain_from_object(mut object: Map<String, Value>) -> Result<Explain, PlanError> {
    let plan = object.remove("Plan").unwrap_or(Value::Null);
    let plan = node_from_value(plan, "Plan")?;
    let planning_time_ms = take_number(&mut object, "Planning Time")?;
    let execution_time_ms = take_number(&mut object, "Execution Time")?;
    let settings = match object.remove("Settings") {
        None => Default::default(),
        Some(Value::Object(settings)) => settings
            .into_iter()
            .map(|(key, value)| match value {
                Value::String(text) => (key, text),
                other => (key, other.to_string()),
            })
            .collect(),
        Some(other) => {
            return Err(PlanError::Field {
                key: "Settings".into(),
                expected: "an object of setting names and values",
                found: excerpt(&other.to_string()),
            })
        }
    };
    Ok(Explain { plan, planning_time_ms, execution_time_ms, settings, extra: object })
}

fn take_number(object: &mut Map<String, Value>, key: &str) -> Result<Option<f64>, PlanError> {
    match object.remove(key) {
        None => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or_else(|| PlanError::Field {
            key: key.into(),
            expected: "a number of milliseconds",
            found: excerpt(&value.to_string()),
        }),
    }
}

/// Deserialises one node at a time, so an error names the node's place in the tree.
fn node_from_value(value: Value, path: &str) -> Result<Node, PlanError> {
    let invalid = |source| PlanError::Node { path: path.to_owned(), source };
    let Value::Object(mut object) = value else {
        return Err(invalid(serde_json::Error::custom(format!(
            "expected an object with a `Node Type` key, found {}",
            describe(&value)
        ))));
    };
    let children = match object.remove("Plans") {
        None => Vec::new(),
        Some(Value::Array(children)) => children,
        Some(other) => {
            return Err(invalid(serde_json::Error::custom(format!(
                "`Plans` must be an array of plan nodes, found {}",
                describe(&other)
            ))))
        }
    };
    let mut node: Node = serde_json::from_value(Value::Object(object)).map_err(invalid)?;
    node.children = children
        .into_iter()
        .enumerate()
        .map(|(i, child)| node_from_value(child, &format!("{path}.Plans[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok(node)
}

/// A short description of a JSON value for "found …" in messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "`null`".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string `{}`", excerpt(s)),
        Value::Array(items) => format!("an array of {} elements", items.len()),
        Value::Object(object) if object.is_empty() => "an empty object".into(),
        Value::Object(object) => {
            let keys: Vec<String> = object.keys().take(5).map(|k| format!("`{k}`")).collect();
            let more = if object.len() > 5 { ", …" } else { "" };
            format!("an object with keys {}{more}", keys.join(", "))
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("")
}

fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

struct Unframed {
    /// The cell's text, one output line per input line so JSON error lines still match.
    json: String,
    /// Whether a `QUERY PLAN` header was found, i.e. this really was psql output.
    header: bool,
}

/// Strips psql's result-table decoration from a one-column, one-row result.
///
/// Works line by line: frame and separator lines, the `QUERY PLAN` header and the `(N rows)`
/// footer become empty lines; content lines lose their edge characters and the trailing
/// continuation marker (`+` in ascii, `↵` in unicode). A JSON line never ends with `+` or `↵`
/// nor starts with `|`, so the markers cannot be confused with plan text.
fn unframe(input: &str) -> Option<Unframed> {
    let mut header = false;
    let mut content = false;
    // Whatever follows the footer (`Time: 1.2 ms` from `\timing`, a prompt) is not the plan.
    let mut footer = false;
    let mut json = String::with_capacity(input.len());
    for line in input.lines() {
        let trimmed = line.trim();
        let inner = trimmed.trim_start_matches(is_edge_char).trim_end_matches(is_edge_char).trim();
        let keep = if trimmed.chars().all(is_frame_char) {
            ""
        } else if !content && inner == "QUERY PLAN" {
            header = true;
            ""
        } else if footer || is_row_count_footer(trimmed) {
            footer = true;
            ""
        } else {
            content = true;
            inner.trim_end_matches(['+', '↵']).trim_end()
        };
        json.push_str(keep);
        json.push('\n');
    }
    content.then_some(Unframed { json, header })
}

/// psql's `(1 row)` / `(3 rows)` footer.
fn is_row_count_footer(line: &str) -> bool {
    let Some(inner) = line.strip_prefix('(').and_then(|l| l.strip_suffix(')')) else {
        return false;
    };
    let mut words = inner.split(' ');
    matches!(
        (words.next(), words.next(), words.next()),
        (Some(n), Some("row" | "rows"), None) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixture;
    use rstest::rstest;

    const NODE: &str = r#"{"Node Type": "Seq Scan", "Relation Name": "agents"}"#;

    #[rstest]
    #[case::explain_array(format!(r#"[{{"Plan": {NODE}, "Planning Time": 0.1}}]"#))]
    #[case::bare_plan_object(format!(r#"{{"Plan": {NODE}}}"#))]
    #[case::bare_node(NODE.to_owned())]
    #[case::auto_explain_object(format!(r#"{{"Query Text": "SELECT 1", "Plan": {NODE}}}"#))]
    #[case::leading_whitespace_and_bom(format!("\u{feff}\n  [{{\"Plan\": {NODE}}}]\n"))]
    #[case::psql_output_with_timing(format!("QUERY PLAN\n[{{\"Plan\": {NODE}}}]\n(1 row)\n\nTime: 1.234 ms\n"))]
    #[case::tuples_only_psql_output(format!("[{{   +\n\"Plan\": {NODE}  +\n}}]"))]
    fn accepts_every_document_shape(#[case] input: String) {
        let explain = Explain::from_json_str(&input).expect("parses");
        assert_eq!(explain.plan.node_type, "Seq Scan");
        assert_eq!(explain.plan.relation_name.as_deref(), Some("agents"));
    }

    #[rstest]
    #[case::empty("", "empty plan document (expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key)")]
    #[case::whitespace(" \n ", "empty plan document (expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key)")]
    #[case::plain_text("bad format", "found text starting with `bad format` (expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key, or psql's framed output of one)")]
    #[case::truncated_json("[{\"Plan\": {\n", "invalid JSON at line 2, column 0 (expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key)")]
    #[case::empty_array("[]", "expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key, found an empty array")]
    #[case::two_statements(r#"[{"Plan": {"Node Type": "Result"}}, {"Plan": {"Node Type": "Result"}}]"#, "expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key, found an array of 2 elements")]
    #[case::array_of_strings(r#"["Seq Scan on agents"]"#, "expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key, found an array holding the string `Seq Scan on agents`")]
    #[case::object_without_plan(r#"{"plan": {}, "Query": "x"}"#, "expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key, found an object with keys `plan`, `Query`")]
    #[case::node_without_type(
        r#"{"Plan": {"Relation Name": "agents"}}"#,
        "invalid plan node at `Plan`: missing field `Node Type`"
    )]
    #[case::plan_not_an_object(
        r#"{"Plan": "Seq Scan"}"#,
        "invalid plan node at `Plan`: expected an object with a `Node Type` key, found the string `Seq Scan`"
    )]
    #[case::count_of_wrong_type(
        r#"{"Plan": {"Node Type": "Limit", "Plans": [{"Node Type": "Seq Scan", "Actual Rows": "many"}]}}"#,
        "invalid plan node at `Plan.Plans[0]`: invalid type: string \"many\", expected f64"
    )]
    #[case::plans_not_an_array(
        r#"{"Plan": {"Node Type": "Limit", "Plans": {}}}"#,
        "invalid plan node at `Plan`: `Plans` must be an array of plan nodes, found an empty object"
    )]
    #[case::planning_time_not_a_number(
        r#"{"Plan": {"Node Type": "Result"}, "Planning Time": "1ms"}"#,
        "`Planning Time` must be a number of milliseconds, found `\"1ms\"`"
    )]
    #[case::text_format_plan("                QUERY PLAN\n-------------------------------\n Seq Scan on agents  (cost=0.00..1.50 rows=50 width=8)\n(1 row)\n", "found a TEXT-format plan starting with `Seq Scan on agents  (cost=0.00..1.50 row…` (expected an EXPLAIN (FORMAT JSON) document: an array holding one object with a `Plan` key: run EXPLAIN with `FORMAT JSON`)")]
    fn rejects_with_a_message_saying_what_was_expected(#[case] input: &str, #[case] expected: &str) {
        let error = Explain::from_json_str(input).expect_err("must not parse");
        assert_eq!(chain(&error), expected);
    }

    /// The message and its cause, joined the way the CLI prints the chain. A syntax error's
    /// cause repeats the position, which the message already gives.
    fn chain(error: &PlanError) -> String {
        match (error, std::error::Error::source(error)) {
            (PlanError::Syntax { .. }, _) | (_, None) => error.to_string(),
            (_, Some(cause)) => format!("{error}: {cause}"),
        }
    }

    #[test]
    fn syntax_errors_in_framed_output_point_at_the_input_line() {
        let input = "   QUERY PLAN\n--------------\n [          +\n   {        +\n     \"Plan\": ,+\n   }        +\n ]\n(1 row)\n";
        match Explain::from_json_str(input) {
            Err(PlanError::Syntax { line, .. }) => assert_eq!(line, 5),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn auto_explain_bad_format_is_a_clean_error() {
        let text = fixture::read("third-party/pganalyze_collector_auto_explain/bad_format.in.json");
        let error = Explain::from_json_str(&text).expect_err("not JSON");
        assert!(matches!(error, PlanError::NotJson { .. }), "{error}");
    }

    #[test]
    fn keeps_statement_level_keys() {
        let explain = fixture::pg15("generic_plan_partial_index");
        assert_eq!(explain.settings.get("plan_cache_mode").map(String::as_str), Some("force_generic_plan"));
        assert!(explain.planning_time_ms.is_some());
        assert!(explain.execution_time_ms.is_some());
        assert!(explain.extra.contains_key("Triggers"), "{:?}", explain.extra.keys());
        assert!(!explain.extra.contains_key("Settings"));
    }

    #[test]
    fn keeps_auto_explain_query_text() {
        let explain = fixture::third_party("pganalyze_collector_auto_explain/json_simple.in.json");
        assert_eq!(
            explain.extra.get("Query Text").and_then(Value::as_str),
            Some("SELECT abalance FROM pgbench_accounts WHERE aid = 2262632;")
        );
    }

    #[test]
    fn reads_postgresql_18_fractional_counts() {
        let explain = fixture::hand_made("pg18_fractional_counts");
        let inner = explain.walk().find(|n| n.node_type == "Index Scan").expect("index scan");
        assert_eq!(inner.actual_rows, Some(6.67));
        assert_eq!(inner.actual_loops, Some(3.0));
        assert_eq!(inner.extra.get("Disabled"), Some(&Value::Bool(false)));
        assert_eq!(inner.extra.get("Index Searches"), Some(&Value::from(3)));
    }

    #[test]
    fn unknown_node_keys_survive_a_round_trip() {
        let explain = fixture::pg15("bitmap_heap_scan");
        let json = serde_json::to_value(&explain).expect("serialises");
        assert_eq!(json["Plan"]["Exact Heap Blocks"], explain.plan.extra["Exact Heap Blocks"]);
        assert_eq!(json["Plan"]["Plans"][0]["Index Name"], "events_customer_id_idx");
        assert_eq!(Explain::from_value(json).expect("reparses"), explain);
    }

    /// Every third-party sample parses, and writing it back out and reading it again gives the
    /// same model (unknown keys included).
    #[test]
    fn every_third_party_sample_parses_and_round_trips() {
        let files = fixture::third_party_files();
        assert!(files.len() >= 40, "found only {} samples", files.len());
        for (name, text) in files {
            if name.ends_with("bad_format.in.json") {
                continue;
            }
            let explain = Explain::from_json_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let again = serde_json::to_string(&explain).expect("serialises");
            let again = Explain::from_json_str(&again).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(again, explain, "{name}");
        }
    }

    /// psql draws the same plan in 15 ways; all give the same tree.
    #[test]
    fn every_psql_frame_style_gives_the_same_tree() {
        let trees: Vec<(String, String)> = fixture::third_party_files()
            .into_iter()
            .filter(|(name, _)| name.contains("psql_framed/"))
            .map(|(name, text)| {
                let explain = Explain::from_json_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(explain.execution_time_ms.is_some(), "{name}");
                (name, explain.render_tree())
            })
            .collect();
        assert_eq!(trees.len(), 15);
        for (name, tree) in &trees {
            assert_eq!(tree, &trees[0].1, "{name}");
        }
        insta::assert_snapshot!("psql_framed", trees[0].1);
    }

    #[rstest]
    #[case::one_row("(1 row)", true)]
    #[case::many_rows("(12 rows)", true)]
    #[case::json_line("(1 rows", false)]
    #[case::not_a_count("(a row)", false)]
    fn recognises_the_row_count_footer(#[case] line: &str, #[case] expected: bool) {
        assert_eq!(is_row_count_footer(line), expected);
    }
}
