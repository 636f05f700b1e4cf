//! Flyway's (and refinery's) layout: versioned scripts `V<version>__name.sql`, with an optional
//! undo script `U<version>__name.sql` as the down step, each run in one transaction. An undo
//! script is found with its versioned script and never taken on its own. Running the files is
//! `plan.rs`'s.

use super::layout::{Entry, Layout};
use super::migration::Migration;
use super::registry::{Format, Source};
use crate::migrate::error::MigrateError;

#[derive(Debug)]
pub(crate) struct Flyway;

impl Source for Flyway {
    fn format(&self) -> Format {
        Format::Flyway
    }

    fn concurrently_fix(&self) -> &'static str {
        "for Flyway, set `executeInTransaction=false` in the script's `.conf`"
    }
}

/// The version of a Flyway script name with prefix `prefix` (`V`, `U`): `V1.2__x` is `1.2`.
fn version(stem: &str, prefix: char) -> Option<&str> {
    let rest = stem.strip_prefix(prefix)?;
    let (version, _) = rest.split_once("__")?;
    rest.starts_with(|c: char| c.is_ascii_digit()).then_some(version)
}

impl Layout for Flyway {
    fn describe(&self) -> &'static str {
        "Flyway files `V1__name.sql`"
    }

    fn is_part(&self, entry: &Entry) -> bool {
        entry.sql_stem().is_some_and(|stem| version(stem, 'U').is_some())
    }

    fn recognise(&self, entry: &Entry) -> Result<Option<Migration>, MigrateError> {
        let Some((stem, version)) = entry.sql_stem().and_then(|stem| Some((stem, version(stem, 'V')?))) else {
            return Ok(None);
        };
        Ok(Some(Migration {
            id: stem.to_string(),
            version: version.to_string(),
            up: entry.path.to_path_buf(),
            down: entry.sibling(&format!("U{}", &entry.name[1..])),
            no_transaction: false,
            layout: &Flyway,
        }))
    }

    fn down_convention(&self, m: &Migration) -> String {
        format!("an undo file `U{}__….sql`", m.version)
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::{folder, is_part, recognise};
    use super::*;

    #[test]
    fn a_versioned_script_takes_its_undo_script_as_its_down_step() {
        let dir = folder(&[("V2__idx.sql", "x"), ("U2__idx.sql", "x"), ("V1.10__more.sql", "x")]);
        let m = recognise(&Flyway, dir.path(), "V2__idx.sql").unwrap();
        assert_eq!((m.id.as_str(), m.version.as_str()), ("V2__idx", "2"));
        assert!(m.down.as_ref().is_some_and(|d| d.ends_with("U2__idx.sql")));
        assert!(is_part(&Flyway, dir.path(), "U2__idx.sql"));
        assert_eq!(recognise(&Flyway, dir.path(), "V1.10__more.sql").unwrap().version, "1.10");
        assert!(m.is_named("V2__idx") && m.is_named("2") && m.is_named("V2__idx.sql"));
        let m = recognise(&Flyway, dir.path(), "V1.10__more.sql").unwrap();
        assert_eq!(m.down_convention(), "an undo file `U1.10__….sql`");
    }

    #[test]
    fn names_without_a_digit_or_a_double_underscore_are_not_flyways() {
        let dir = folder(&[("V1_init.sql", "x"), ("Vx__init.sql", "x"), ("Users__x.sql", "x")]);
        for name in ["V1_init.sql", "Vx__init.sql", "Users__x.sql"] {
            assert!(recognise(&Flyway, dir.path(), name).is_none(), "{name}");
            assert!(!is_part(&Flyway, dir.path(), name), "{name}");
        }
    }
}
