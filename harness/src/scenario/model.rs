//! The validated scenario: what the pipeline runs. Paths are resolved, durations parsed,
//! patterns parsed, tables ordered so that a referenced table is seeded before the tables that
//! point at it. Positions are kept only for checks that need a database (unknown columns). Each
//! section's own model is in its file under `section/`.

use std::path::PathBuf;

use super::section::database::DatabaseSpec;
use super::section::explain::ExplainSpec;
use super::section::load::LoadSpec;
use super::section::migration::MigrationSpec;
use super::section::query::QuerySpec;
use super::section::table::TableSpec;

/// One scenario file, validated.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub database: DatabaseSpec,
    pub explain: ExplainSpec,
    /// In seeding order: every table comes after the tables its columns reference.
    pub tables: Vec<TableSpec>,
    pub queries: Vec<QuerySpec>,
    pub migration: MigrationSpec,
    /// `[matrix] postgres`: the majors to run on when the command line names none, in order.
    pub matrix: Vec<String>,
    /// The concurrent workload and write series, when `[load]` or a load budget asks for them.
    pub load: Option<LoadSpec>,
    /// `time-limit`: how long the whole run may take before it is stopped.
    pub time_limit: std::time::Duration,
}
