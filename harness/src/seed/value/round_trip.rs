//! Test-only: every kind of value written through binary COPY into a real PostgreSQL (a
//! temporary local cluster) and read back, compared with what the server makes of the same
//! value as text. NUMERIC gets the most cases, since its encoding comes from rust_decimal with a
//! few corrections of this crate's own. The offline tests beside each encoder pin the bytes;
//! this file proves that the server stores what they mean.

use std::error::Error as StdError;

use postgres::types::Type;
use postgres::Client;

use super::{encode_row, Value, COPY_HEADER, COPY_TRAILER};
use crate::db::{find_binaries, Backend, DbError, LocalBackend, ScratchDb};

/// A temporary cluster and a fresh database in it. Without PostgreSQL binaries the test fails
/// when `CI` is set, and otherwise says loudly that it did not run.
fn database(test: &str) -> Option<(LocalBackend, ScratchDb, Client)> {
    let bin = match find_binaries(None) {
        Ok(bin) => bin,
        Err(DbError::NothingAvailable) if std::env::var_os("CI").is_none() => {
            eprintln!("\n*** {test}: NOT RUN: no PostgreSQL binaries (set CI=1 to make this a failure) ***\n");
            return None;
        }
        Err(e) => panic!("{test}: no PostgreSQL to test with: {e}"),
    };
    let mut backend = LocalBackend::start(bin).expect("a local cluster starts");
    let db = backend.create_database(test).expect("a scratch database");
    let client = db.connect().expect("a connection to the scratch database");
    Some((backend, db, client))
}

/// Writes `values` into `t.v` of type `sql_type` by binary COPY, one row each with `id` its
/// position; the error chain of the COPY if it fails.
fn copy(client: &mut Client, sql_type: &str, values: &[Value]) -> Result<(), String> {
    client
        .batch_execute(&format!("DROP TABLE IF EXISTS t; CREATE TABLE t (id int, v {sql_type})"))
        .map_err(|e| e.to_string())?;
    let chain = |e: &dyn StdError| {
        let mut text = e.to_string();
        let mut cause = e.source();
        while let Some(c) = cause {
            text.push_str(&format!(": {c}"));
            cause = c.source();
        }
        text
    };
    // The seed stage's own path: rows encoded by `encode_row`, sent as one COPY stream.
    let types = [Type::INT4, column_type(client, sql_type)];
    let columns = ["t.id".to_string(), "t.v".to_string()];
    let mut stream = bytes::BytesMut::from(COPY_HEADER);
    for (id, value) in values.iter().enumerate() {
        let row = [Value::Int(id as i64), value.clone()];
        encode_row(&mut stream, &row, &types, &columns).map_err(|e| chain(&e))?;
    }
    stream.extend_from_slice(COPY_TRAILER);
    let mut writer = client.copy_in("COPY t (id, v) FROM STDIN (FORMAT binary)").map_err(|e| chain(&e))?;
    std::io::Write::write_all(&mut writer, &stream).map_err(|e| chain(&e))?;
    writer.finish().map(drop).map_err(|e| chain(&e))
}

fn column_type(client: &mut Client, sql_type: &str) -> Type {
    let statement = client.prepare(&format!("SELECT NULL::{sql_type}")).expect("the type exists");
    statement.columns()[0].type_().clone()
}

/// What the server stored in row `id`: its text, and the stored value read back as a [`Value`].
fn stored(client: &mut Client, id: usize) -> (Option<String>, Result<Value, String>) {
    let row = client.query_one("SELECT v::text, v FROM t WHERE id = $1", &[&(id as i32)]).expect("the row");
    (row.get(0), row.try_get::<_, Value>(1).map_err(|e| e.source().map_or(e.to_string(), ToString::to_string)))
}

/// `text` as the server reads it into `sql_type` itself, back to text.
fn server_reading(client: &mut Client, text: &str, sql_type: &str) -> Option<String> {
    client.query_one(&format!("SELECT $1::text::{sql_type}::text"), &[&text]).expect("the server reads it").get(0)
}

#[test]
fn numeric_round_trips_through_postgres() {
    let Some((mut backend, db, mut client)) = database("numeric_round_trip") else { return };
    let text = |s: &str| Value::Text(s.to_string());
    // (case, value written, the text the server must read it as, the value read back)
    let cases: Vec<(&str, Value, &str, Value)> = vec![
        ("int zero", Value::Int(0), "0", Value::Int(0)),
        ("int negative", Value::Int(-1), "-1", Value::Int(-1)),
        ("int", Value::Int(12_345_678), "12345678", Value::Int(12_345_678)),
        ("int ten thousand", Value::Int(10_000), "10000", Value::Int(10_000)),
        ("int min", Value::Int(i64::MIN), "-9223372036854775808", Value::Int(i64::MIN)),
        ("int max", Value::Int(i64::MAX), "9223372036854775807", Value::Int(i64::MAX)),
        ("float", Value::Float(0.1), "0.1", text("0.1")),
        ("float negative", Value::Float(-123.45), "-123.45", text("-123.45")),
        ("float small", Value::Float(1.5e-7), "0.00000015", text("0.00000015")),
        ("float large", Value::Float(1e20), "100000000000000000000", text("100000000000000000000")),
        ("float whole", Value::Float(3.0), "3", Value::Int(3)),
        ("decimal keeps its places", text("123.450"), "123.450", text("123.450")),
        ("negative decimal", text("-0.5"), "-0.5", text("-0.5")),
        ("long decimal", text("3.14159265358979"), "3.14159265358979", text("3.14159265358979")),
        (
            "28 digits",
            text("1234567890123456789012345678"),
            "1234567890123456789012345678",
            text("1234567890123456789012345678"),
        ),
        (
            "28 places",
            text("-0.0000000000000000000000000001"),
            "-0.0000000000000000000000000001",
            text("-0.0000000000000000000000000001"),
        ),
        (
            "28 digits with places",
            text("12345678901234.56789012345678"),
            "12345678901234.56789012345678",
            text("12345678901234.56789012345678"),
        ),
        (
            "whole decimal beyond i64",
            text("92233720368547758070"),
            "92233720368547758070",
            text("92233720368547758070"),
        ),
        ("zero text", text("0"), "0", Value::Int(0)),
        ("zero keeps its places", text("0.00"), "0.00", text("0.00")),
        ("negative zero", text("-0.000"), "0.000", text("0.000")),
        ("exponent", text("1.5e3"), "1500", Value::Int(1500)),
        ("negative exponent", text("25E-3"), "0.025", text("0.025")),
        ("trailing zero groups", text("100000000"), "100000000", Value::Int(100_000_000)),
        ("nan text", text("NaN"), "NaN", Value::Float(f64::NAN)),
        ("nan float", Value::Float(f64::NAN), "NaN", Value::Float(f64::NAN)),
        ("infinity text", text("Infinity"), "Infinity", Value::Float(f64::INFINITY)),
        ("minus infinity text", text("-inf"), "-Infinity", Value::Float(f64::NEG_INFINITY)),
        ("infinity float", Value::Float(f64::INFINITY), "Infinity", Value::Float(f64::INFINITY)),
    ];
    let values: Vec<Value> = cases.iter().map(|(_, v, _, _)| v.clone()).collect();
    let mut failures = Vec::new();
    if let Err(e) = copy(&mut client, "numeric", &values) {
        failures.push(format!("copy: {e}"));
    }
    for (id, (name, written, as_text, read_back)) in cases.iter().enumerate() {
        if !failures.is_empty() && id == 0 {
            break;
        }
        let (text, back) = stored(&mut client, id);
        if text.as_deref() != Some(*as_text) {
            failures.push(format!("{name}: stored as {text:?}, expected `{as_text}`"));
        }
        // What the server makes of the value's own text, as `numeric_in` reads it.
        let source = written.to_text().unwrap_or_default();
        let source = if source == "inf" { "Infinity".to_string() } else { source };
        if server_reading(&mut client, &source, "numeric") != text {
            failures.push(format!("{name}: `{source}` reads differently on the server than written ({text:?})"));
        }
        let same = match (&back, read_back) {
            (Ok(Value::Float(a)), Value::Float(b)) if a.is_nan() => b.is_nan(),
            (back, expected) => back.as_ref() == Ok(expected),
        };
        if !same {
            failures.push(format!("{name}: read back as {back:?}, expected {read_back:?}"));
        }
    }

    // Beyond rust_decimal's range: writing fails and names the column, reading fails, and
    // neither rounds.
    let expected = "at most 28 significant digits and 28 places after the point";
    for beyond in ["123456789012345678901234567890", "0.00000000000000000000000000001"] {
        match copy(&mut client, "numeric", &[text(beyond)]) {
            Ok(()) => failures.push(format!("`{beyond}` was written")),
            Err(e) if e.contains("column `t.v`: value") && e.contains(expected) => {}
            Err(e) => failures.push(format!("`{beyond}`: unexpected error `{e}`")),
        }
        client.batch_execute(&format!("INSERT INTO t VALUES (1, '{beyond}')")).expect("the server stores it");
        match stored(&mut client, 1) {
            (_, Err(e)) if e == format!("cannot read a value of type `numeric` (expected {expected})") => {}
            (_, other) => failures.push(format!("`{beyond}` read as {other:?}")),
        }
    }
    // A column with more places than rust_decimal loses nothing when the extra ones are zero.
    if let Err(e) = copy(&mut client, "numeric(40,30)", &[text("1.5")]) {
        failures.push(format!("numeric(40,30): {e}"));
    } else if stored(&mut client, 0).1 != Ok(text("1.5000000000000000000000000000")) {
        failures.push(format!("numeric(40,30) read as {:?}", stored(&mut client, 0).1));
    }

    if !failures.is_empty() {
        let hint = backend.keep(&db);
        panic!("{} numeric round trips failed ({hint}):\n{}", failures.len(), failures.join("\n"));
    }
    backend.drop_database(&db).expect("the scratch database is dropped");
}

#[test]
fn other_types_round_trip_through_postgres() {
    let Some((mut backend, db, mut client)) = database("value_round_trip") else { return };
    let ts = |s: &str| Value::Timestamp(chrono::DateTime::parse_from_rfc3339(s).expect("test instant").to_utc());
    // (SQL type, value written, the text the server must store)
    let cases: Vec<(&str, Value, &str)> = vec![
        ("boolean", Value::Bool(true), "true"),
        ("smallint", Value::Int(-300), "-300"),
        ("integer", Value::Int(70_000), "70000"),
        ("bigint", Value::Int(i64::MIN), "-9223372036854775808"),
        ("real", Value::Float(1.5), "1.5"),
        ("double precision", Value::Float(-2.25), "-2.25"),
        ("double precision", Value::Int(2), "2"),
        ("text", Value::Text("Zoë".into()), "Zoë"),
        ("varchar(10)", Value::Int(-42), "-42"),
        ("uuid", Value::Text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into()), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        ("timestamptz", ts("2024-01-02T03:04:05.678901Z"), "2024-01-02 03:04:05.678901+00"),
        ("timestamp", ts("1999-12-31T23:59:59.999999Z"), "1999-12-31 23:59:59.999999"),
        ("date", ts("2024-01-02T23:59:59Z"), "2024-01-02"),
        ("jsonb", Value::Text(r#"{"a": [1, 2]}"#.into()), r#"{"a": [1, 2]}"#),
        ("json", Value::Int(7), "7"),
    ];
    client.batch_execute("SET TIME ZONE 'UTC'").expect("a time zone");
    let mut failures = Vec::new();
    for (sql_type, value, as_text) in &cases {
        match copy(&mut client, sql_type, std::slice::from_ref(value)) {
            Err(e) => failures.push(format!("{sql_type}: {e}")),
            Ok(()) => {
                let (text, _) = stored(&mut client, 0);
                if text.as_deref() != Some(*as_text) {
                    failures.push(format!("{sql_type}: {value:?} stored as {text:?}, expected `{as_text}`"));
                }
            }
        }
    }
    if !failures.is_empty() {
        let hint = backend.keep(&db);
        panic!("{} round trips failed ({hint}):\n{}", failures.len(), failures.join("\n"));
    }
    backend.drop_database(&db).expect("the scratch database is dropped");
}
