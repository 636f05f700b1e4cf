//! `[migration]`: what the migration under test must do as it runs (`max-duration`, `max-wal`,
//! or fail with `expect-error`) and whether and how it is reversed (`reversible`, `down`,
//! `max-down-duration`, `expect-rollback-leftovers`). Its load budgets are validated by `load`,
//! beside the workload they judge; running the migration is the migrate stage's business.

use std::path::PathBuf;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use super::expectations::Expect;
use super::load::LoadBudgets;
use crate::scenario::duration::parse_duration;
use crate::scenario::error::Location;
use crate::scenario::size::parse_size;
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};

/// `[migration]`: what the migration under test must do, and how it is reversed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Migration")]
pub(crate) struct RawMigration {
    #[serde(default)]
    pub(crate) timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_duration: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_wal: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) expect_error: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) reversible: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) down: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_down_duration: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) expect_rollback_leftovers: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub(crate) max_write_stall: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_read_stall: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_write_slowdown: Option<Spanned<String>>,
}

/// `[migration]`, validated.
#[derive(Debug, Clone)]
pub struct MigrationSpec {
    /// What is judged of the migration once it ran: `max-duration`, `max-wal`, the load budgets,
    /// `max-down-duration` (after the down step), then each `[[indexes]]` entry.
    pub expects: Vec<Expect>,
    /// The migration must fail with an error containing this text (a known-broken migration
    /// kept as it ships, so that the report shows why).
    pub expect_error: Option<String>,
    /// `reversible = true`: after up and its checks, run down, compare the catalog with the
    /// one before up, capture the plans again, and run up once more.
    pub reversible: Option<Reversibility>,
    /// `max-write-stall`, `max-read-stall`, `max-write-slowdown` as written, with their
    /// positions, for the checks of the workload they need (`[load]`); judged as `expects`.
    pub load: LoadBudgets,
    /// `timeout`: how long the migration under test (each way) may run before it is stopped.
    pub timeout: Duration,
}

impl Default for MigrationSpec {
    fn default() -> Self {
        MigrationSpec {
            expects: Vec::new(),
            expect_error: None,
            reversible: None,
            load: LoadBudgets::default(),
            timeout: DEFAULT_MIGRATION_TIMEOUT,
        }
    }
}

/// `timeout` when the scenario sets none: room for a real index build on seeded data, not for
/// a migration that never ends to hold CI for hours.
pub(crate) const DEFAULT_MIGRATION_TIMEOUT: Duration = Duration::from_secs(600);

impl MigrationSpec {
    /// `max-duration`, if set.
    pub fn max_duration(&self) -> Option<Duration> {
        self.expects.iter().find_map(|e| match e {
            Expect::MaxDuration(d) => Some(*d),
            _ => None,
        })
    }

    /// `max-wal` in bytes, if set.
    pub fn max_wal(&self) -> Option<u64> {
        self.expects.iter().find_map(|e| match e {
            Expect::MaxWal(bytes) => Some(*bytes),
            _ => None,
        })
    }

    /// `max-down-duration`, if set.
    pub fn max_down_duration(&self) -> Option<Duration> {
        self.expects.iter().find_map(|e| match e {
            Expect::MaxDownDuration(d) => Some(*d),
            _ => None,
        })
    }
}

/// How the migration under test is reversed and what the scenario knows of it.
#[derive(Debug, Clone, Default)]
pub struct Reversibility {
    /// Where `reversible` is written (for "no down step" errors).
    pub at: Location,
    /// A down file the scenario names, for layouts without one (`None`: the migration's own).
    pub down: Option<PathBuf>,
    /// Where `down` is written.
    pub down_at: Location,
    /// Objects the down step is known to leave behind: reported, not failed, while they are.
    pub expect_leftovers: Vec<String>,
}

impl Validator<'_> {
    pub(crate) fn migration(&self, raw: RawMigration) -> Result<MigrationSpec> {
        let load = self.load_budgets(&raw)?;
        let max_duration = match raw.max_duration {
            None => None,
            Some(d) => Some(parse_duration(d.get_ref()).or_else(|m| self.err(d.span(), format!("migration: {m}")))?),
        };
        let max_wal = match raw.max_wal {
            None => None,
            Some(s) => {
                Some(parse_size(s.get_ref()).or_else(|m| self.err(s.span(), format!("migration: `max-wal`: {m}")))?)
            }
        };
        let expect_error = match raw.expect_error {
            Some(e) if e.get_ref().trim().is_empty() => {
                return self
                    .err(e.span(), "migration: empty `expect-error` (expected text the error message contains)");
            }
            e => e.map(Spanned::into_inner),
        };
        let reversible = match raw.reversible {
            Some(r) if *r.get_ref() => {
                if let Some(e) = &expect_error {
                    return self.err(r.span(), format!(
                        "migration: `reversible = true` with `expect-error = \"{e}\"` (expected one or the other: a migration that fails has no down step to check)"
                    ));
                }
                let down_at = raw.down.as_ref().map(|d| self.at(d.span())).unwrap_or_default();
                let down = match raw.down {
                    None => None,
                    Some(d) => {
                        let path = self.src.resolve(d.get_ref());
                        self.src.named_file(d.span(), "migration: down file", d.get_ref(), &path)?;
                        Some(path)
                    }
                };
                let max_down_duration = match raw.max_down_duration {
                    None => None,
                    Some(d) => Some(
                        parse_duration(d.get_ref())
                            .or_else(|m| self.err(d.span(), format!("migration: `max-down-duration`: {m}")))?,
                    ),
                };
                let expect_leftovers = match raw.expect_rollback_leftovers {
                    None => Vec::new(),
                    Some(list) => {
                        if list.get_ref().iter().any(|n| n.trim().is_empty()) {
                            return self.err(list.span(), "migration: `expect-rollback-leftovers` holds an empty name (expected object names like \"idx_orders_status\")");
                        }
                        list.into_inner()
                    }
                };
                Some((Reversibility { at: self.at(r.span()), down, down_at, expect_leftovers }, max_down_duration))
            }
            _ => {
                let needs = [
                    raw.down.as_ref().map(|d| (d.span(), "down")),
                    raw.max_down_duration.as_ref().map(|d| (d.span(), "max-down-duration")),
                    raw.expect_rollback_leftovers.as_ref().map(|d| (d.span(), "expect-rollback-leftovers")),
                ];
                if let Some((span, key)) = needs.into_iter().flatten().next() {
                    return self.err(span, format!("migration: `{key}` applies only to a reversible migration (expected `reversible = true` beside it)"));
                }
                None
            }
        };
        let (reversible, max_down_duration) = match reversible {
            Some((r, d)) => (Some(r), d),
            None => (None, None),
        };
        let mut expects: Vec<Expect> = max_duration.map(Expect::MaxDuration).into_iter().collect();
        expects.extend(max_wal.map(Expect::MaxWal));
        expects.extend(load.max_write_stall.map(Expect::MaxWriteStall));
        expects.extend(load.max_read_stall.map(Expect::MaxReadStall));
        expects.extend(load.max_write_slowdown.map(Expect::MaxWriteSlowdown));
        expects.extend(max_down_duration.map(Expect::MaxDownDuration));
        let timeout = match &raw.timeout {
            None => DEFAULT_MIGRATION_TIMEOUT,
            Some(t) => self.bound(t, "migration: `timeout`", "10m")?,
        };
        Ok(MigrationSpec { expects, expect_error, reversible, load, timeout })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::validate::testing::section;

    /// `[migration]` of `keys`, in a folder holding `down.sql`; `down` paths are given relative
    /// to it.
    fn migration(keys: &str) -> std::result::Result<MigrationSpec, String> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("down.sql"), "").expect("a file");
        let text = format!("[migration]\n{keys}");
        let m = section(&dir.path().join("s.toml"), &text, "migration", |v, raw: Spanned<RawMigration>| {
            v.migration(raw.into_inner())
        })?;
        let strip = |p: PathBuf| p.strip_prefix(dir.path()).map(std::path::Path::to_path_buf).unwrap_or(p);
        let reversible = m.reversible.map(|r| Reversibility { down: r.down.map(strip), ..r });
        Ok(MigrationSpec { reversible, ..m })
    }

    #[test]
    fn keys_are_read_into_the_model() {
        let m = migration("").expect("no keys");
        assert_eq!((m.expects, m.expect_error, m.reversible.is_none()), (vec![], None, true));

        let m = migration("max-duration = \"2s\"\nexpect-error = \"deadlock\"").expect("a failing migration");
        assert_eq!((m.max_duration(), m.expect_error.as_deref()), (Some(Duration::from_secs(2)), Some("deadlock")));
        assert_eq!(m.expects, [Expect::MaxDuration(Duration::from_secs(2))]);

        let r = migration("reversible = true").expect("reversible").reversible.expect("a reversibility");
        assert_eq!((r.at, r.down, r.down_at), (Location { line: 2, col: 14 }, None, Location::default()));
        assert!(r.expect_leftovers.is_empty());

        let m = migration("reversible = true\ndown = \"down.sql\"\nmax-down-duration = \"1s\"\nexpect-rollback-leftovers = [\"a\", \"b\"]\nmax-duration = \"3s\"\nmax-write-stall = \"250ms\"\nmax-wal = \"4MB\"")
            .expect("every reversibility key");
        let ms = Duration::from_millis;
        assert_eq!(
            m.expects,
            [
                Expect::MaxDuration(ms(3000)),
                Expect::MaxWal(4 << 20),
                Expect::MaxWriteStall(ms(250)),
                Expect::MaxDownDuration(ms(1000))
            ]
        );
        assert_eq!(m.max_wal(), Some(4 << 20));
        let r = m.reversible.expect("a reversibility");
        assert_eq!(
            (r.down, r.down_at, r.expect_leftovers),
            (Some(PathBuf::from("down.sql")), Location { line: 3, col: 8 }, vec!["a".into(), "b".into()])
        );
        assert!(migration("reversible = false").expect("not reversible").reversible.is_none());
    }

    #[test]
    fn invalid_migration_tables_say_what_was_expected() {
        let cases = [
            ("max-duration not a duration", "max-duration = \"long\"", "2:16: migration: invalid duration `long` (expected a duration like `250ms`, `1s` or `2m`)"),
            ("max-wal not a size", "max-wal = \"lots\"", "2:11: migration: `max-wal`: invalid size `lots` (expected a size like `512kB`, `10MB` or `1GB`, in PostgreSQL's 1024-based units)"),
            ("an empty expect-error", "expect-error = \"  \"", "2:16: migration: empty `expect-error` (expected text the error message contains)"),
            (
                "reversible and expected to fail",
                "expect-error = \"boom\"\nreversible = true",
                "3:14: migration: `reversible = true` with `expect-error = \"boom\"` (expected one or the other: a migration that fails has no down step to check)",
            ),
            ("a down file missing", "reversible = true\ndown = \"nope.sql\"", "3:8: migration: down file `nope.sql` not found (looked for `DIR/nope.sql`)"),
            (
                "max-down-duration not a duration",
                "reversible = true\nmax-down-duration = \"x\"",
                "3:21: migration: `max-down-duration`: invalid duration `x` (expected a duration like `250ms`, `1s` or `2m`)",
            ),
            (
                "an empty leftover",
                "reversible = true\nexpect-rollback-leftovers = [\"a\", \"\"]",
                "3:29: migration: `expect-rollback-leftovers` holds an empty name (expected object names like \"idx_orders_status\")",
            ),
            (
                "down without reversible",
                "down = \"down.sql\"",
                "2:8: migration: `down` applies only to a reversible migration (expected `reversible = true` beside it)",
            ),
            (
                "max-down-duration on a migration that is not reversible",
                "reversible = false\nmax-down-duration = \"1s\"",
                "3:21: migration: `max-down-duration` applies only to a reversible migration (expected `reversible = true` beside it)",
            ),
            (
                "leftovers without reversible",
                "expect-rollback-leftovers = []",
                "2:29: migration: `expect-rollback-leftovers` applies only to a reversible migration (expected `reversible = true` beside it)",
            ),
            (
                "a load budget, checked first",
                "max-duration = \"long\"\nmax-write-stall = \"x\"",
                "3:19: migration: `max-write-stall`: invalid duration `x` (expected a duration like `250ms`, `1s` or `2m`)",
            ),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(migration(keys).map(|_| ()), Err(expected.to_string()), "{name}");
        }
    }
}
