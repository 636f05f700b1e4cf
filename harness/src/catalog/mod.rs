//! The catalog stage: reads what the live database says about its schema — table sizes,
//! indexes and their shape and validity, a snapshot of every schema object — and the WAL the
//! server wrote between two moments, into types the checks judge offline. It runs no migration
//! and judges nothing.

mod indexes;
mod snapshot;
mod tables;
mod wal;

pub(crate) use indexes::{index_definitions, invalid_indexes};
pub use indexes::{index_shapes, IndexShape};
pub use snapshot::{snapshot, CatalogDiff, CatalogSnapshot};
pub(crate) use tables::table_sizes;
pub use tables::TableSize;
pub(crate) use wal::{wal_position, wal_since};
