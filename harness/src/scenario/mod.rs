//! The scenario stage: reads a scenario file (TOML), checks it and yields the typed model the
//! rest of the pipeline runs. It never touches a database.

mod catalog;
pub mod column;
mod duration;
mod error;
mod index;
mod load;
pub mod model;
mod partition;
pub mod pattern;
mod raw;
mod size;
mod source;
mod tool;
mod validate;
mod value;
mod version;
mod workload;

pub use catalog::{catalog_of, check_against, Catalog};
pub use duration::parse_duration;
pub use error::{Location, ScenarioError};
pub use index::{IndexColumn, IndexSpec, METHODS};
pub use load::{load_file, scenario_files};
pub use model::*;
pub use partition::Partition;
pub use size::parse_size;
pub use source::SourceFile;
pub use tool::TARGET;
pub use validate::{parse, placeholders};
