//! The values a scenario key may write in more than one shape, shared by the sections: a string
//! or a list of strings ([`OneOrMany`]), a PostgreSQL major ([`Version`]) or several
//! ([`Versions`]), and a constant of any TOML scalar type ([`Literal`]). Each has its own visitor
//! whose `expecting` text is what the user reads: `#[serde(untagged)]` would only say "did not
//! match any variant". Their JSON Schemas are written by hand to accept the same shapes, and
//! carry the same text as their description. What a value means is its section's business.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

/// What each visitor expects, in serde's errors and in the schema's descriptions.
const ONE_OR_MANY: &str = "a string or a list of strings";
const VERSION: &str = "a PostgreSQL major version like \"16\"";
const VERSIONS: &str = "PostgreSQL majors like \"17\", \"13-16\", \"<= 17\", or a list of them";
const LITERAL: &str = "a string, integer, float or boolean";

/// A constant written in the scenario file.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A string or a list of strings (`plan = "x"` or `plan = ["x", "y"]`). Items of a list keep
/// their own position, so an error about one points at it; a lone string has the key's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OneOrMany(pub(crate) Vec<(String, Option<std::ops::Range<usize>>)>);

impl OneOrMany {
    /// Each item with its position, or `whole` (the key's value) when it has none of its own.
    pub(crate) fn items(self, whole: std::ops::Range<usize>) -> impl Iterator<Item = (String, std::ops::Range<usize>)> {
        self.0.into_iter().map(move |(text, span)| (text, span.unwrap_or_else(|| whole.clone())))
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(ONE_OR_MANY)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![(v.to_string(), None)]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    let span = item.span();
                    items.push((item.into_inner(), Some(span)));
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A PostgreSQL major version written as `"16"` or `16`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Version(pub(crate) String);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Version;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(VERSION)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Version, E> {
                Ok(Version(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Version, E> {
                Ok(Version(v.to_string()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// PostgreSQL majors: `"17"`, `17`, `"<= 17"`, `"13-16"`, or a list of those. Items of a list
/// keep their own position, as [`OneOrMany`]'s do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Versions(pub(crate) Vec<(String, Option<std::ops::Range<usize>>)>);

impl Versions {
    /// Each item with its position, or `whole` when it has none of its own.
    pub(crate) fn items(&self, whole: std::ops::Range<usize>) -> Vec<(String, std::ops::Range<usize>)> {
        self.0.iter().map(|(text, span)| (text.clone(), span.clone().unwrap_or_else(|| whole.clone()))).collect()
    }
}

impl<'de> Deserialize<'de> for Versions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Versions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(VERSIONS)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Versions, E> {
                Ok(Versions(vec![(v.to_string(), None)]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Versions, E> {
                Ok(Versions(vec![(v.to_string(), None)]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Versions, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Version>>()? {
                    let span = item.span();
                    items.push((item.into_inner().0, Some(span)));
                }
                Ok(Versions(items))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Literal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Literal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(LITERAL)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Literal, E> {
                Ok(Literal::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Literal, E> {
                Ok(Literal::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Literal, E> {
                i64::try_from(v).map(Literal::Int).map_err(|_| E::custom("integer too large"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Literal, E> {
                Ok(Literal::Float(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Literal, E> {
                Ok(Literal::Bool(v))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for OneOrMany {
    fn schema_name() -> Cow<'static, str> {
        "OneOrMany".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": ONE_OR_MANY,
            "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }],
        })
    }
}

impl JsonSchema for Version {
    fn schema_name() -> Cow<'static, str> {
        "Version".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": VERSION, "type": ["string", "integer"] })
    }
}

impl JsonSchema for Versions {
    fn schema_name() -> Cow<'static, str> {
        "Versions".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": VERSIONS,
            "anyOf": [
                { "type": ["string", "integer"] },
                { "type": "array", "items": { "description": VERSION, "type": ["string", "integer"] } },
            ],
        })
    }
}

impl JsonSchema for Literal {
    fn schema_name() -> Cow<'static, str> {
        "Literal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": LITERAL, "type": ["string", "integer", "number", "boolean"] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case's name, the value as written after `v = `, and what it reads as (or toml's message).
    type Case<T> = (&'static str, &'static str, Result<T, &'static str>);

    /// `v = …` read as `T`, or toml's message for it.
    fn read<T: for<'de> Deserialize<'de>>(value: &str) -> Result<T, String> {
        #[derive(Deserialize)]
        struct Doc<T> {
            v: T,
        }
        toml::from_str::<Doc<T>>(&format!("v = {value}")).map(|d| d.v).map_err(|e| e.message().to_string())
    }

    #[test]
    fn one_or_many_takes_a_string_or_a_list_keeping_item_positions() {
        type Items = Vec<(&'static str, Option<std::ops::Range<usize>>)>;
        let cases: &[Case<Items>] = &[
            ("a lone string has no position of its own", "\"x\"", Ok(vec![("x", None)])),
            ("list items keep theirs", "[\"a\", \"bc\"]", Ok(vec![("a", Some(5..8)), ("bc", Some(10..14))])),
            ("an empty list", "[]", Ok(vec![])),
            ("a number", "1", Err("invalid type: integer `1`, expected a string or a list of strings")),
            ("a number in the list", "[\"a\", 1]", Err("invalid type: integer `1`, expected a string")),
        ];
        for (name, input, expected) in cases {
            let got = read::<OneOrMany>(input).map(|v| v.0);
            let expected =
                expected.clone().map(|items| items.into_iter().map(|(t, s)| (t.to_string(), s)).collect::<Vec<_>>());
            assert_eq!(got, expected.map_err(str::to_string), "{name}");
        }
    }

    #[test]
    fn a_version_is_a_string_or_an_integer() {
        let cases: &[Case<&str>] = &[
            ("string", "\"16\"", Ok("16")),
            ("integer", "16", Ok("16")),
            ("kept as written", "\"016\"", Ok("016")),
            ("boolean", "true", Err("invalid type: boolean `true`, expected a PostgreSQL major version like \"16\"")),
        ];
        for (name, input, expected) in cases {
            let got = read::<Version>(input).map(|v| v.0);
            assert_eq!(got, expected.map(str::to_string).map_err(str::to_string), "{name}");
        }
    }

    #[test]
    fn versions_take_one_or_a_list_of_majors_ranges_and_bounds() {
        let cases: &[Case<Vec<&str>>] = &[
            ("one string", "\"<= 17\"", Ok(vec!["<= 17"])),
            ("one integer", "17", Ok(vec!["17"])),
            ("a mixed list", "[\"13-15\", 17]", Ok(vec!["13-15", "17"])),
            (
                "a boolean",
                "true",
                Err("invalid type: boolean `true`, expected PostgreSQL majors like \"17\", \"13-16\", \"<= 17\", or a list of them"),
            ),
            (
                "a boolean in the list",
                "[\"16\", true]",
                Err("invalid type: boolean `true`, expected a PostgreSQL major version like \"16\""),
            ),
        ];
        for (name, input, expected) in cases {
            let got = read::<Versions>(input).map(|v| v.0.into_iter().map(|(t, _)| t).collect::<Vec<_>>());
            let expected = expected.clone().map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>());
            assert_eq!(got, expected.map_err(str::to_string), "{name}");
        }
        let items = read::<Versions>("[\"13\", 14]").expect("a list").items(0..1);
        assert_eq!(items, [("13".to_string(), 5..9), ("14".to_string(), 11..13)], "list items keep their positions");
        assert_eq!(read::<Versions>("\"13\"").expect("a string").items(4..8), [("13".to_string(), 4..8)]);
    }

    #[test]
    fn a_literal_is_any_toml_scalar() {
        let cases: &[Case<Literal>] = &[
            ("string", "\"a\"", Ok(Literal::Text("a".into()))),
            ("integer", "-3", Ok(Literal::Int(-3))),
            ("float", "1.5", Ok(Literal::Float(1.5))),
            ("boolean", "false", Ok(Literal::Bool(false))),
            ("array", "[1]", Err("invalid type: sequence, expected a string, integer, float or boolean")),
            ("table", "{ a = 1 }", Err("invalid type: map, expected a string, integer, float or boolean")),
        ];
        for (name, input, expected) in cases {
            assert_eq!(read::<Literal>(input), expected.clone().map_err(str::to_string), "{name}");
        }
    }
}
