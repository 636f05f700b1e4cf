//! The database stage: gives the pipeline a PostgreSQL database nobody else uses, and takes
//! it away afterwards. What runs in it is the business of the later stages.

mod auto;
mod backend;
mod client_env;
mod docker;
pub mod engine;
mod error;
mod local;
mod url;

pub use auto::{image_name, major_of, open, open_for, BackendKind, BackendOptions, PgVersion};
pub use backend::{quote_ident, Backend, ScratchDb};
pub use client_env::{client_env, PG_VARIABLES};
pub use docker::{DockerBackend, DEFAULT_IMAGE, DEFAULT_VERSION, IMAGE_ENV, LABEL, PID_LABEL, RUN_LABEL};
pub use error::{db_message, DbError};
pub use local::{binaries_for_major, find_binaries, LocalBackend, PG_BIN_ENV};
pub use url::{redact, UrlBackend};
