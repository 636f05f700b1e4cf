//! Errors of the seed stage: a table or column the scenario names that the schema lacks, a
//! column generator that cannot be built or cannot go on, a value that cannot be written to (or
//! read from) a column of a given PostgreSQL type, and a COPY or catalog query that failed.
//! Errors about a generator name the column as `table.column`; an encoding error knows only the
//! types, so the COPY writer wraps it in one that names the column, as the cause of the COPY
//! error that names the table.

use std::path::PathBuf;

use thiserror::Error;

use crate::scenario::Location;

#[derive(Debug, Error)]
pub enum SeedError {
    #[error(
        "{}:{at}: table `{table}` does not exist before `{under_test}` is applied \
         (expected the schema or an earlier migration to create it)",
        path.display()
    )]
    UnknownTable { path: PathBuf, at: Location, table: String, under_test: String },

    #[error("{}:{at}: table `{table}` has no column `{column}` (expected one of {available})", path.display())]
    UnknownColumn {
        path: PathBuf,
        at: Location,
        table: String,
        column: String,
        /// The table's columns, each in backticks, comma-separated.
        available: String,
    },

    #[error(
        "{}:{at}: table `{table}`: column `{column}` is NOT NULL and has no default \
         (expected a generator for it)",
        path.display()
    )]
    MissingGenerator { path: PathBuf, at: Location, table: String, column: String },

    #[error("{}:{at}: `{from}` references `{to}`, whose values cannot be read", path.display())]
    BadReference {
        path: PathBuf,
        at: Location,
        from: String,
        to: String,
        #[source]
        source: postgres::Error,
    },

    #[error("cannot copy generated rows into `{table}`")]
    Copy {
        table: String,
        #[source]
        source: postgres::Error,
    },

    #[error("cannot copy generated rows into `{table}`")]
    CopyStream {
        table: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{what} failed")]
    Sql {
        what: String,
        #[source]
        source: postgres::Error,
    },

    #[error("`{column}`: invalid {found} (expected {expected})")]
    InvalidSpec { column: String, found: String, expected: &'static str },

    #[error("`{column}`: {requirement} needs {needed} different values but {domain} has only {size}")]
    DomainTooSmall {
        column: String,
        /// What asked for the values: ``"`unique`"`` or ``"`distinct = 100`"``.
        requirement: String,
        needed: u64,
        /// The value domain, for example ``"int range `1..=10`"``.
        domain: String,
        size: u128,
    },

    #[error(
        "`{column}`: no new value after {attempts} draws \
         (expected a range much wider than the number of unique values asked for)"
    )]
    UniqueExhausted { column: String, attempts: u64 },

    #[error("`{column}`: `{modifier}` does not apply to {kind} ({hint})")]
    ModifierNotApplicable { column: String, modifier: &'static str, kind: &'static str, hint: &'static str },

    #[error("`{column}`: `{first}` cannot be combined with `{second}` ({reason})")]
    ModifierConflict { column: String, first: &'static str, second: &'static str, reason: &'static str },

    #[error(
        "`{column}`: references `{parent}` but its values were not given \
         (expected the parent table to be seeded first)"
    )]
    MissingParentValues { column: String, parent: String },

    #[error("`{column}`: parent values were given but the column is not a reference")]
    UnexpectedParentValues { column: String },

    #[error("`{column}`: references `{parent}`, which has no non-null values (expected at least one parent row)")]
    EmptyParent { column: String, parent: String },

    #[error("`{column}`: asked for row {found} (expected row {expected}: rows are generated once each, in order)")]
    RowOutOfOrder { column: String, expected: u64, found: u64 },

    #[error("`{column}`: asked for row {row} of a generator made for {rows} rows")]
    RowOutOfRange { column: String, row: u64, rows: u64 },

    #[error("`{column}`: sequence starting at `{start}` overflows a 64-bit integer at row {row}")]
    SequenceOverflow { column: String, start: i64, row: u64 },

    #[error("cannot write {value} into a column of type `{ty}`")]
    IncompatibleType { value: &'static str, ty: String },

    #[error("value `{value}` does not fit a column of type `{ty}` (expected {expected})")]
    OutOfRange { value: String, ty: String, expected: String },

    #[error("cannot write `{value}` into a column of type `{ty}` (expected {expected})")]
    InvalidText { value: String, ty: String, expected: String },

    /// An encoding error of a value on its way into `table.column`.
    #[error("column `{column}`")]
    InColumn {
        column: String,
        #[source]
        source: Box<SeedError>,
    },

    #[error("cannot read a value of type `{ty}` (expected {expected})")]
    UnsupportedRead { ty: String, expected: &'static str },

    #[error("malformed binary value of type `{ty}` ({problem})")]
    MalformedBinary { ty: String, problem: String },

    #[error("cannot open a connection to build indexes after seeding")]
    Connect {
        #[source]
        source: Box<crate::db::DbError>,
    },

    #[error(
        "the rows generated for `{table}` repeat a key of its unique index `{index}` ({definition}) \
         (expected `unique = true` on the generator of each of its key columns)"
    )]
    UniqueViolated {
        table: String,
        index: String,
        definition: String,
        #[source]
        source: postgres::Error,
    },

    #[error(
        "the rows generated for `{table}` break its foreign key `{constraint}` \
         (expected a `ref` generator on each referencing column)"
    )]
    ForeignKeyViolated {
        table: String,
        constraint: String,
        #[source]
        source: postgres::Error,
    },

    #[error(
        "rebuilding the seeded tables' indexes did not give back the same schema ({differences}); \
         this is a planproof bug: please report it with the schema"
    )]
    RebuildChangedCatalog { differences: String },

    /// A table's `sql`/`sql-file`, or a seed file, that PostgreSQL refused (the cause names the
    /// statement and its line) or that could not be read.
    #[error("{}:{at}: {what} did not run", path.display())]
    SqlSeed {
        path: PathBuf,
        at: Location,
        /// ``"`sql` of table `t`"``, ``"seed file `seed.sql`"``.
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    #[error("a seeding thread panicked while {what}")]
    ThreadPanicked { what: &'static str },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_point_into_the_scenario_file() {
        let path = PathBuf::from("scenarios/brokkr.toml");
        let at = Location { line: 12, col: 3 };
        let cases = [
            (
                "unknown table",
                SeedError::UnknownTable {
                    path: path.clone(),
                    at,
                    table: "agents".into(),
                    under_test: "15_pak_hash_indexes".into(),
                },
                "scenarios/brokkr.toml:12:3: table `agents` does not exist before `15_pak_hash_indexes` is applied (expected the schema or an earlier migration to create it)",
            ),
            (
                "unknown column",
                SeedError::UnknownColumn {
                    path: path.clone(),
                    at,
                    table: "agents".into(),
                    column: "pak".into(),
                    available: "`id`, `pak_hash`".into(),
                },
                "scenarios/brokkr.toml:12:3: table `agents` has no column `pak` (expected one of `id`, `pak_hash`)",
            ),
            (
                "seed SQL",
                SeedError::SqlSeed {
                    path: path.clone(),
                    at,
                    what: "`sql` of table `agents`".into(),
                    source: "`scenarios/brokkr.toml` line 12: relation \"x\" does not exist".into(),
                },
                "scenarios/brokkr.toml:12:3: `sql` of table `agents` did not run",
            ),
            (
                "missing generator",
                SeedError::MissingGenerator {
                    path,
                    at,
                    table: "agents".into(),
                    column: "name".into(),
                },
                "scenarios/brokkr.toml:12:3: table `agents`: column `name` is NOT NULL and has no default (expected a generator for it)",
            ),
        ];
        for (name, error, expected) in cases {
            assert_eq!(error.to_string(), expected, "{name}");
        }
    }
}
