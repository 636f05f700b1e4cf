//! The catalog stage: reads what the live database says about its schema — table sizes,
//! indexes and their shape and validity, a snapshot of every schema object — into types the
//! checks judge offline. It runs no migration and judges nothing.

mod indexes;
mod snapshot;
mod tables;

pub use indexes::{index_definitions, index_shapes, invalid_indexes, IndexShape};
pub use snapshot::{snapshot, CatalogDiff, CatalogSnapshot};
pub use tables::{table_sizes, TableSize};
