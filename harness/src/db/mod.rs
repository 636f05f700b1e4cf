//! The database stage: gives the pipeline a PostgreSQL database nobody else uses, and takes
//! it away afterwards. What runs in it is the business of the later stages.

mod auto;
mod backend;
pub mod cleanup;
mod error;
mod local;
mod url;

pub use auto::{open, BackendKind, BackendOptions};
pub use backend::{quote_ident, Backend, ScratchDb};
pub use error::DbError;
pub use local::{find_binaries, LocalBackend, PG_BIN_ENV};
pub use url::{redact, UrlBackend};
