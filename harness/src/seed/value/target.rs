//! Which binary format a column takes: the PostgreSQL type the COPY writer (or a query) hands
//! over, with domains resolved to their base type, as one [`Target`]; the type's name as a user
//! writes it in SQL, for messages; and the epoch constants shared by writing and reading.
//! Producing and parsing the bytes is `encode`'s and `decode`'s business.

use postgres::types::{Kind, Type};

/// Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01 00:00:00 UTC.
pub(super) const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800_000_000;
pub(super) const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The type's name as a user writes it in SQL (`integer`, not `int4`).
pub(super) fn sql_type_name(ty: &Type) -> String {
    let name = match *ty {
        Type::BOOL => "boolean",
        Type::INT2 => "smallint",
        Type::INT4 => "integer",
        Type::INT8 => "bigint",
        Type::FLOAT4 => "real",
        Type::FLOAT8 => "double precision",
        Type::VARCHAR => "character varying",
        Type::BPCHAR => "character",
        Type::TIMESTAMPTZ => "timestamp with time zone",
        Type::TIMESTAMP => "timestamp without time zone",
        _ => ty.name(),
    };
    name.to_string()
}

/// The binary format a column expects, with domains resolved to their base type.
pub(super) enum Target<'a> {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    /// An enum's binary format is its label; the labels are known when the type was looked up.
    Enum(&'a [String]),
    Uuid,
    Timestamp,
    Date,
    Json,
    Jsonb,
    Other,
}

pub(super) fn target(ty: &Type) -> Target<'_> {
    match ty.kind() {
        Kind::Domain(base) => return target(base),
        Kind::Enum(labels) => return Target::Enum(labels),
        _ => {}
    }
    match *ty {
        Type::BOOL => Target::Bool,
        Type::INT2 => Target::Int2,
        Type::INT4 => Target::Int4,
        Type::INT8 => Target::Int8,
        Type::FLOAT4 => Target::Float4,
        Type::FLOAT8 => Target::Float8,
        Type::NUMERIC => Target::Numeric,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => Target::Text,
        Type::UUID => Target::Uuid,
        Type::TIMESTAMPTZ | Type::TIMESTAMP => Target::Timestamp,
        Type::DATE => Target::Date,
        Type::JSON => Target::Json,
        Type::JSONB => Target::Jsonb,
        // citext is an extension type with no fixed OID; its binary format is text's.
        _ if ty.name() == "citext" => Target::Text,
        _ => Target::Other,
    }
}
