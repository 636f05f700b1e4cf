//! Picks a backend: a URL when one is given, else a local temporary cluster when PostgreSQL
//! binaries are found. (Docker slots in between the two when it lands.)

use std::path::PathBuf;

use super::backend::Backend;
use super::error::DbError;
use super::local::{find_binaries, LocalBackend};
use super::url::UrlBackend;

/// Which backend to use, as the CLI and the test API name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendKind {
    #[default]
    Auto,
    Local,
    Url,
}

/// What the user said about where PostgreSQL is.
#[derive(Debug, Clone, Default)]
pub struct BackendOptions {
    pub kind: BackendKind,
    /// `--database-url`; `DATABASE_URL` is read when this is `None`.
    pub database_url: Option<String>,
    /// `--pg-bin`; `PLANPROOF_PG_BIN` is read when this is `None`.
    pub pg_bin: Option<PathBuf>,
}

/// Opens the backend the options ask for.
pub fn open(options: &BackendOptions) -> Result<Box<dyn Backend>, DbError> {
    let url = options
        .database_url
        .clone()
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty()));
    match options.kind {
        BackendKind::Url => match url {
            Some(url) => Ok(Box::new(UrlBackend::connect(&url)?)),
            None => Err(DbError::NothingAvailable),
        },
        BackendKind::Local => Ok(Box::new(LocalBackend::start(find_binaries(options.pg_bin.as_deref())?)?)),
        BackendKind::Auto => {
            if let Some(url) = url {
                return Ok(Box::new(UrlBackend::connect(&url)?));
            }
            Ok(Box::new(LocalBackend::start(find_binaries(options.pg_bin.as_deref())?)?))
        }
    }
}
