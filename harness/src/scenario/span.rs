//! A value with the position it was written at: toml's `Spanned`, which the validator needs for
//! every error's line and column, behind a wrapper of our own so that the raw structs can also
//! derive their JSON Schema. The wrapper reads exactly as toml's does (it delegates), and its
//! schema is the value's: a position is not something a file writes.
//!
//! Why a wrapper rather than `#[schemars(with = "…")]` on each field: the raw structs hold some
//! eighty spanned fields, often nested (`Option<Spanned<Vec<Spanned<String>>>>`, spanned map
//! keys); one `with` per field would restate every field's type a second time, free to drift
//! from the first, where this impl cannot.

use std::borrow::Cow;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

/// A `T` and the byte range of the file it was read from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Spanned<T>(toml::Spanned<T>);

impl<T> Spanned<T> {
    /// The byte range the value was read from.
    pub(crate) fn span(&self) -> Range<usize> {
        self.0.span()
    }

    pub(crate) fn get_ref(&self) -> &T {
        self.0.get_ref()
    }

    pub(crate) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        toml::Spanned::deserialize(deserializer).map(Spanned)
    }
}

/// The schema of `T` itself, as schemars does for `Box<T>`.
impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        a: Spanned<i64>,
        b: std::collections::BTreeMap<Spanned<String>, Spanned<bool>>,
    }

    #[test]
    fn reads_as_toml_s_spanned_with_the_same_positions() {
        let doc: Doc = toml::from_str("a = 12\nb.x = true").expect("valid TOML");
        assert_eq!((doc.a.span(), *doc.a.get_ref()), (4..6, 12));
        let (key, value) = doc.b.into_iter().next().expect("one entry");
        assert_eq!(
            (key.span(), key.into_inner(), value.span(), value.into_inner()),
            (9..10, "x".to_string(), 13..17, true)
        );
        let e = toml::from_str::<Doc>("a = \"x\"\nb = {}").err().map(|e| e.message().to_string());
        assert_eq!(e.as_deref(), Some("invalid type: string \"x\", expected i64"), "toml's own message");
    }

    #[test]
    fn its_schema_is_the_value_s() {
        assert_eq!(schemars::schema_for!(Spanned<i64>), schemars::schema_for!(i64));
        assert_eq!(schemars::schema_for!(Spanned<Vec<Spanned<String>>>), schemars::schema_for!(Vec<String>));
    }
}
