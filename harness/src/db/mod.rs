//! The database stage: gives the pipeline a PostgreSQL database nobody else uses, and takes
//! it away afterwards. What runs in it is the business of the later stages.

mod auto;
mod backend;
mod clean;
mod client_env;
mod docker;
pub mod engine;
mod error;
mod local;
mod locale;
mod record;
mod url;

pub(crate) use auto::open_for;
pub use auto::{image_name, major_of, open, BackendKind, BackendOptions, PgVersion};
pub(crate) use backend::quote_ident;
pub use backend::{Backend, ScratchDb};
pub use clean::{clean, CleanOptions, CleanReport, Fate, Leftover};
pub(crate) use client_env::PG_VARIABLES;
pub use docker::{DockerBackend, LABEL, PID_LABEL};
pub(crate) use error::db_message;
pub use error::DbError;
pub use local::{find_binaries, LocalBackend};
pub(crate) use locale::locale_facts;
pub use locale::{DatabaseLocale, LocaleFacts};
pub use record::{leftover_count, STATE_DIR_ENV};
pub use url::UrlBackend;
