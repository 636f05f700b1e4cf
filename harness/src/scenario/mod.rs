//! The scenario stage: reads a scenario file (TOML), checks it and yields the typed model the
//! rest of the pipeline runs. It never touches a database. Each section of the file has its own
//! file under `section/`; `parse` and `validate` hold what spans them.

mod catalog;
mod duration;
mod error;
mod files;
mod model;
mod parse;
mod partition;
pub mod pattern;
mod section;
mod size;
mod source;
mod span;
mod validate;
mod value;
mod version;

/// The column model the seed stage turns into values, at the path it has always had.
pub(crate) mod column {
    pub(crate) use super::section::column::{ColumnSpec, GenKind, Literal};
}

pub use catalog::{catalog_of, check_against, Catalog};
pub use duration::parse_duration;
pub use error::{Location, ScenarioError};
pub(crate) use files::load_file;
pub use files::scenario_files;
pub use model::Scenario;
pub use parse::{json_schema, json_schema_text, parse};
pub use partition::Partition;
pub use pattern::PlanPattern;
pub use section::column::{ColumnSpec, GenKind, Literal};
pub use section::database::{DatabaseLocale, DatabaseSpec, TransactionMode};
pub use section::expectations::{Expect, Measure, Phase, PhaseCheck, PlanMode, Statistic};
pub use section::explain::ExplainSpec;
pub use section::generator::{generator_keys, generator_names};
pub use section::index::{IndexColumn, IndexSpec};
pub use section::load::{LoadBudgets, LoadSpec};
pub use section::migration::{MigrationSpec, Reversibility};
pub use section::query::{ParamSpec, QuerySpec, VersionChecks};
pub use section::table::{ColumnEntry, SqlSeed, SqlText, TableSpec};
pub use section::tool::ToolSpec;
pub(crate) use section::tool::TARGET;
pub(crate) use source::fold as fold_path;
pub(crate) use source::outside_of;
pub use source::{Root, SourceFile};
pub use version::VersionSet;
