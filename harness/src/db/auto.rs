//! Picks a backend: a URL when one is given, else a Docker container when an engine answers
//! and the image is there (or can be pulled), else a local temporary cluster when PostgreSQL
//! binaries are found. When Docker is not usable, one line says why and what was picked
//! instead.

use std::path::PathBuf;

use super::backend::Backend;
use super::docker::{DockerBackend, DEFAULT_IMAGE, DEFAULT_VERSION, IMAGE_ENV};
use super::engine::Endpoint;
use super::error::DbError;
use super::local::{binaries_for_major, find_binaries, LocalBackend, PG_BIN_ENV};
use super::url::UrlBackend;

/// In `--pg-bin`/`PLANPROOF_PG_BIN`, stands for the major version a run asks for.
pub(super) const MAJOR_PLACEHOLDER: &str = "{major}";

/// Which backend to use, as the CLI and the test API name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendKind {
    #[default]
    Auto,
    Docker,
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
    /// `--image`: the image name (without tag) for the docker backend; `PLANPROOF_IMAGE` is
    /// read when this is `None`, else `postgres`.
    pub image: Option<String>,
}

/// Which PostgreSQL major a run asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PgVersion {
    /// Nobody named one: docker starts its default major, local and url use what they have.
    #[default]
    Any,
    /// The scenario's `postgres = "15"`: docker starts that major; local uses it when it is
    /// installed, else its newest; url uses its server (a finding says when they differ).
    Scenario(String),
    /// `--pg 15`: that major or nothing.
    Required(String),
}

impl PgVersion {
    /// A major version as `--pg` or a scenario gives it, checked.
    pub fn major(text: &str) -> Result<String, DbError> {
        match text.trim().parse::<u32>() {
            Ok(major) if (10..=99).contains(&major) => Ok(major.to_string()),
            _ => Err(DbError::BadVersion(text.to_string())),
        }
    }

    /// The major asked for, or `?` when none was.
    pub fn major_or_default(&self) -> &str {
        self.wanted().unwrap_or("?")
    }

    fn wanted(&self) -> Option<&str> {
        match self {
            PgVersion::Any => None,
            PgVersion::Scenario(v) | PgVersion::Required(v) => Some(v),
        }
    }
}

/// Opens the backend the options ask for, with whatever PostgreSQL version it has.
pub fn open(options: &BackendOptions) -> Result<Box<dyn Backend>, DbError> {
    open_for(options, &PgVersion::Any)
}

/// Opens the backend the options ask for, running (or checked to run) `version`.
pub(crate) fn open_for(options: &BackendOptions, version: &PgVersion) -> Result<Box<dyn Backend>, DbError> {
    let url =
        options.database_url.clone().or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty()));
    let backend: Box<dyn Backend> = match options.kind {
        BackendKind::Url => match url {
            Some(url) => Box::new(UrlBackend::connect(&url)?),
            None => return Err(DbError::NothingAvailable),
        },
        BackendKind::Docker => Box::new(start_docker(options, version)?),
        BackendKind::Local => Box::new(LocalBackend::start(local_binaries(options, version)?)?),
        BackendKind::Auto => {
            if let Some(url) = url {
                Box::new(UrlBackend::connect(&url)?)
            } else {
                match Endpoint::from_env().and_then(|engine| engine.probe()) {
                    Ok(()) => match start_docker(options, version) {
                        Ok(docker) => Box::new(docker),
                        Err(refused) => {
                            let (bin, line) = without_the_image(refused, || local_binaries(options, version))?;
                            say_once(&line);
                            Box::new(LocalBackend::start(bin)?)
                        }
                    },
                    Err(unusable) => {
                        let bin = local_binaries(options, version)?;
                        say_once(&format!(
                            "planproof: no Docker ({}: {}); using the local backend with {}",
                            unusable.endpoint,
                            unusable.reason,
                            bin.display()
                        ));
                        Box::new(LocalBackend::start(bin)?)
                    }
                }
            }
        }
    };
    if let PgVersion::Required(wanted) = version {
        if major_of(backend.server_version()) != wanted.as_str() {
            return Err(DbError::WrongVersion { backend: backend.describe(), wanted: wanted.clone() });
        }
    }
    Ok(backend)
}

/// What `auto` does when the engine answers but `docker` could not start: when the image was
/// not there and could not be pulled (an offline machine, a mirror not set up) and `local`
/// finds PostgreSQL binaries, the local backend, and the line saying so; otherwise the docker
/// error as it was.
fn without_the_image(
    refused: DbError,
    local: impl FnOnce() -> Result<PathBuf, DbError>,
) -> Result<(PathBuf, String), DbError> {
    let DbError::DockerStart { image, missing: true, .. } = &refused else { return Err(refused) };
    match local() {
        Ok(bin) => {
            let line = format!(
                "planproof: Docker image `{image}` is not on this machine and could not be pulled; using the local backend with {}",
                bin.display()
            );
            Ok((bin, line))
        }
        Err(_) => Err(refused),
    }
}

/// The image name the options ask for.
pub fn image_name(options: &BackendOptions) -> Result<String, DbError> {
    let name = options
        .image
        .clone()
        .or_else(|| std::env::var(IMAGE_ENV).ok())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_IMAGE.to_string());
    // A colon after the last slash is a tag; before it, a registry's port.
    let last = name.rsplit('/').next().unwrap_or(&name);
    if last.contains(':') || last.contains('@') || name.contains(char::is_whitespace) {
        return Err(DbError::BadImage(name));
    }
    Ok(name)
}

fn start_docker(options: &BackendOptions, version: &PgVersion) -> Result<DockerBackend, DbError> {
    let image = image_name(options)?;
    DockerBackend::start(&image, version.wanted().unwrap_or(DEFAULT_VERSION))
}

fn local_binaries(options: &BackendOptions, version: &PgVersion) -> Result<PathBuf, DbError> {
    // A folder the user named wins; `open_for` then checks its version against `--pg`. A
    // `{major}` in it is the version wanted, so one setting serves a matrix
    // (`--pg-bin '/opt/postgresql/{major}/bin' --pg 13,17`).
    let named = options.pg_bin.clone().or_else(|| std::env::var_os(PG_BIN_ENV).map(PathBuf::from));
    if let Some(named) = named {
        let dir = match (named.to_str(), version.wanted()) {
            (Some(text), Some(major)) if text.contains(MAJOR_PLACEHOLDER) => {
                PathBuf::from(text.replace(MAJOR_PLACEHOLDER, major))
            }
            _ => named,
        };
        return find_binaries(Some(&dir));
    }
    match version {
        PgVersion::Required(major) => binaries_for_major(major).ok_or_else(|| DbError::NoLocalMajor(major.clone())),
        PgVersion::Scenario(major) => binaries_for_major(major).map_or_else(|| find_binaries(None), Ok),
        PgVersion::Any => find_binaries(None),
    }
}

/// `15` of `15.18 (Debian 15.18-0+deb12u1)`, `18` of `18beta1`.
/// The major of a server version as `SHOW server_version` prints it: `15` of `15.18 (Debian…)`.
pub fn major_of(server_version: &str) -> &str {
    let end = server_version.find(|c: char| !c.is_ascii_digit()).unwrap_or(server_version.len());
    &server_version[..end]
}

/// The backend choice's note, printed once per process.
fn say_once(line: &str) {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    super::backend::say_once(&SAID, line);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::plain("15", Ok("15".to_string()))]
    #[case::spaces(" 16 ", Ok("16".to_string()))]
    #[case::minor("15.4", Err(()))]
    #[case::word("latest", Err(()))]
    #[case::too_old("9", Err(()))]
    fn parses_major_versions(#[case] text: &str, #[case] expected: Result<String, ()>) {
        assert_eq!(PgVersion::major(text).map_err(|_| ()), expected);
    }

    #[rstest]
    #[case::debian("15.18 (Debian 15.18-0+deb12u1)", "15")]
    #[case::plain("17.10", "17")]
    #[case::beta("18beta1", "18")]
    fn reads_the_major_of_a_server_version(#[case] version: &str, #[case] major: &str) {
        assert_eq!(major_of(version), major);
    }

    #[test]
    fn a_major_placeholder_in_the_bin_folder_follows_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("16/bin");
        std::fs::create_dir_all(&bin).unwrap();
        for b in ["initdb", "pg_ctl", "postgres"] {
            std::fs::write(bin.join(b), "").unwrap();
        }
        let options = BackendOptions { pg_bin: Some(dir.path().join("{major}/bin")), ..Default::default() };
        assert_eq!(local_binaries(&options, &PgVersion::Required("16".into())).unwrap(), bin);
        let missing = local_binaries(&options, &PgVersion::Required("13".into())).unwrap_err();
        assert!(missing.to_string().contains(&dir.path().join("13/bin").display().to_string()), "{missing}");
    }

    fn refused(missing: bool) -> DbError {
        DbError::DockerStart {
            image: "postgres:15".into(),
            hint: String::new(),
            missing,
            source: Box::new(testcontainers::TestcontainersError::other("pull access denied")),
        }
    }

    #[test]
    fn a_missing_image_falls_back_to_the_local_binaries_and_says_so() {
        let bin = PathBuf::from("/usr/lib/postgresql/15/bin");
        let (found, line) = without_the_image(refused(true), || Ok(bin.clone())).unwrap();
        assert_eq!(found, bin);
        assert_eq!(
            line,
            "planproof: Docker image `postgres:15` is not on this machine and could not be pulled; using the local backend with /usr/lib/postgresql/15/bin"
        );
    }

    #[test]
    fn other_docker_failures_and_no_local_binaries_keep_the_docker_error() {
        let never = || -> Result<PathBuf, DbError> { panic!("the local binaries are not looked for") };
        let kept = without_the_image(refused(false), never).unwrap_err();
        assert!(matches!(kept, DbError::DockerStart { missing: false, .. }), "{kept}");
        let kept = without_the_image(refused(true), || Err(DbError::NoLocalMajor("15".into()))).unwrap_err();
        assert!(matches!(kept, DbError::DockerStart { missing: true, .. }), "{kept}");
        assert!(matches!(without_the_image(DbError::NothingAvailable, never), Err(DbError::NothingAvailable)));
    }

    #[rstest]
    #[case::default_name(None, Ok("postgres"))]
    #[case::mirror(Some("mirror.example.com:5000/library/postgres"), Ok("mirror.example.com:5000/library/postgres"))]
    #[case::tag_given(Some("postgres:16"), Err(()))]
    #[case::digest_given(Some("postgres@sha256:abc"), Err(()))]
    fn image_names_carry_no_tag(#[case] image: Option<&str>, #[case] expected: Result<&str, ()>) {
        let options = BackendOptions { image: image.map(str::to_string), ..Default::default() };
        // Only the explicit name is under test: with `image` set the environment is not read.
        if image.is_none() && std::env::var_os(IMAGE_ENV).is_some() {
            return;
        }
        assert_eq!(image_name(&options).map_err(|_| ()), expected.map(str::to_string));
    }
}
