//! The `[load]` table and the load budgets of `[migration]` (`max-write-stall`,
//! `max-read-stall`, `max-write-slowdown`), validated into the model: how many writers and
//! readers run while the migration under test runs, on which tables, how fast, for how long at
//! most, and how many writes each write series measures. Running the workload is the `load`
//! stage's business; judging it is the checks'.

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use super::migration::{MigrationSpec, RawMigration};
use super::query::QuerySpec;
use super::table::TableSpec;
use crate::scenario::duration::parse_duration;
use crate::scenario::error::{Location, ScenarioError};
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};

/// Most workers of each kind: each holds a connection, and the machine running the migration
/// is the one running them.
pub(crate) const MAX_WORKERS: i64 = 16;

/// `[load]`: the concurrent workload run while the migration under test runs, and the write
/// series measured before and after it.
/// `[load]`: the workers run during the migration, and the write series.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Load")]
pub(crate) struct RawLoad {
    #[serde(default)]
    pub(crate) writers: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) readers: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) tables: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub(crate) updates: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) rate: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) baseline: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_time: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max_operations: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) overhead_writes: Option<Spanned<i64>>,
}

/// The workload, validated. Present when the file has `[load]` or any load budget.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSpec {
    /// Connections inserting and updating rows of `tables` during the migration.
    pub writers: u32,
    /// Connections running the scenario's queries during the migration.
    pub readers: u32,
    /// The tables written; `None` means the tables the migration builds indexes on.
    pub tables: Option<Vec<String>>,
    /// The share of writes that update a row the workload inserted (the rest insert).
    pub updates: f64,
    /// Operations per second per worker (each waits out the rest of its interval).
    pub rate: u32,
    /// How long the workload runs before the migration starts: the calm it is compared with.
    pub baseline: Duration,
    /// The workload stops after this long whatever happens.
    pub max_time: Duration,
    /// Each worker stops after this many operations whatever happens.
    pub max_operations: u64,
    /// Writes per table in each write series (before and after the migration); `None`: no
    /// write series unless `max-write-slowdown` asks for one (then 300 writes).
    pub overhead_writes: Option<u32>,
    /// Where `[load]` is, for errors found with a database (a table without rows to write).
    pub at: Location,
}

/// Writes per table and phase when `max-write-slowdown` is set without `overhead-writes`.
pub(crate) const DEFAULT_OVERHEAD_WRITES: u32 = 300;

impl LoadSpec {
    /// Writes per table in each write series, if write series are measured at all.
    pub(crate) fn write_series(&self, budgets: &LoadBudgets) -> Option<u32> {
        self.overhead_writes.or(budgets.max_write_slowdown.map(|_| DEFAULT_OVERHEAD_WRITES))
    }
}

/// The load budgets of `[migration]`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadBudgets {
    /// No writer may go longer than this without completing a write during the migration.
    pub max_write_stall: Option<Duration>,
    /// The same for readers.
    pub max_read_stall: Option<Duration>,
    /// Write latency after the migration may exceed the one before by at most this fraction.
    pub max_write_slowdown: Option<f64>,
    pub max_write_stall_at: Location,
    pub max_read_stall_at: Location,
    pub max_write_slowdown_at: Location,
}

impl LoadBudgets {
    fn any(&self) -> bool {
        self.max_write_stall.is_some() || self.max_read_stall.is_some() || self.max_write_slowdown.is_some()
    }
}

impl Validator<'_> {
    /// The load budgets of `[migration]`.
    pub(crate) fn load_budgets(&self, raw: &RawMigration) -> Result<LoadBudgets> {
        let mut budgets = LoadBudgets::default();
        for (value, target, at, key) in [
            (&raw.max_write_stall, &mut budgets.max_write_stall, &mut budgets.max_write_stall_at, "max-write-stall"),
            (&raw.max_read_stall, &mut budgets.max_read_stall, &mut budgets.max_read_stall_at, "max-read-stall"),
        ] {
            if let Some(v) = value {
                *target = Some(
                    parse_duration(v.get_ref()).or_else(|m| self.err(v.span(), format!("migration: `{key}`: {m}")))?,
                );
                *at = self.at(v.span());
            }
        }
        if let Some(v) = &raw.max_write_slowdown {
            let fraction = parse_percentage(v.get_ref())
                .or_else(|m| self.err(v.span(), format!("migration: `max-write-slowdown`: {m}")))?;
            budgets.max_write_slowdown = Some(fraction);
            budgets.max_write_slowdown_at = self.at(v.span());
        }
        Ok(budgets)
    }

    /// `[load]`, checked against the budgets, tables and queries it serves.
    pub(crate) fn workload(
        &self,
        raw: Option<Spanned<RawLoad>>,
        migration: &MigrationSpec,
        tables: &[TableSpec],
        queries: &[QuerySpec],
    ) -> Result<Option<LoadSpec>> {
        let budgets = &migration.load;
        if raw.is_none() && !budgets.any() {
            return Ok(None);
        }
        let (at, span, raw) = match raw {
            Some(r) => (self.at(r.span()), r.span(), Some(r.into_inner())),
            None => (budgets_at(budgets), 0..0, None),
        };
        let count = |v: &Option<Spanned<i64>>, key: &str, default: i64, min: i64, max: i64| -> Result<i64> {
            match v {
                None => Ok(default),
                Some(v) if (min..=max).contains(v.get_ref()) => Ok(*v.get_ref()),
                Some(v) => self.err(
                    v.span(),
                    format!("load: invalid `{key}` `{}` (expected an integer from {min} to {max})", v.get_ref()),
                ),
            }
        };
        let duration = |v: &Option<Spanned<String>>, key: &str, default: Duration| -> Result<Duration> {
            match v {
                None => Ok(default),
                Some(v) => parse_duration(v.get_ref()).or_else(|m| self.err(v.span(), format!("load: `{key}`: {m}"))),
            }
        };
        let none = RawLoad {
            writers: None,
            readers: None,
            tables: None,
            updates: None,
            rate: None,
            baseline: None,
            max_time: None,
            max_operations: None,
            overhead_writes: None,
        };
        let r = raw.as_ref().unwrap_or(&none);
        let default_readers = i64::from(!queries.is_empty() && budgets.max_read_stall.is_some());
        let writers = count(&r.writers, "writers", 1, 0, MAX_WORKERS)? as u32;
        let readers = count(&r.readers, "readers", default_readers, 0, MAX_WORKERS)? as u32;
        if writers + readers == 0 {
            return self.err(span, "load: no worker (expected `writers` or `readers` of at least 1)");
        }
        if readers > 0 && queries.is_empty() {
            let span = r.readers.as_ref().map_or(span.clone(), Spanned::span);
            return self.err(span, "load: `readers` run the scenario's queries, and it has none (expected `[[queries]]`, or `readers = 0`)");
        }
        let no_worker = |key: &str, at: Location, kind: &str| ScenarioError::Invalid {
            path: self.src.path.clone(),
            at,
            message: format!("migration: `{key}` needs {kind} (expected `{kind} = 1` or more under `[load]`)"),
        };
        if budgets.max_write_stall.is_some() && writers == 0 {
            return Err(no_worker("max-write-stall", budgets.max_write_stall_at, "writers"));
        }
        if budgets.max_read_stall.is_some() && readers == 0 {
            return Err(no_worker("max-read-stall", budgets.max_read_stall_at, "readers"));
        }
        if budgets.max_write_slowdown.is_some() && migration.expect_error.is_some() {
            return Err(ScenarioError::Invalid {
                path: self.src.path.clone(),
                at: budgets.max_write_slowdown_at,
                message: "migration: `max-write-slowdown` compares writes after the migration with writes before, but `expect-error` says the migration fails (expected it in a scenario of the fixed migration)".into(),
            });
        }
        let table_list = match &r.tables {
            None => None,
            Some(list) => {
                if list.get_ref().is_empty() {
                    return self.err(list.span(), "load: empty `tables` (expected table names from `[tables]`, or no `tables` for the tables the migration indexes)");
                }
                for (i, name) in list.get_ref().iter().enumerate() {
                    if list.get_ref()[..i].contains(name) {
                        // Two row streams at the same offset would write the same keys.
                        return self.err(
                            list.span(),
                            format!("load: table `{name}` is listed twice in `tables` (expected each table once)"),
                        );
                    }
                    if !tables.iter().any(|t| &t.name == name) {
                        let known: Vec<String> = tables.iter().map(|t| format!("`{}`", t.name)).collect();
                        return self.err(list.span(), format!(
                            "load: table `{name}` is not under `[tables]` (expected one of {}: the workload writes rows made by a table's generators)",
                            if known.is_empty() { "none declared".to_string() } else { known.join(", ") }
                        ));
                    }
                }
                Some(list.get_ref().clone())
            }
        };
        let updates = match &r.updates {
            None => 0.5,
            Some(v) if (0.0..=1.0).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                return self.err(
                    v.span(),
                    format!("load: invalid `updates` `{}` (expected a fraction from 0.0 to 1.0)", v.get_ref()),
                )
            }
        };
        let rate = count(&r.rate, "rate", 100, 1, 10_000)? as u32;
        let baseline = duration(&r.baseline, "baseline", Duration::from_millis(500))?;
        let max_time = duration(&r.max_time, "max-time", Duration::from_secs(600))?;
        if max_time <= baseline {
            let span = r.max_time.as_ref().map_or(span.clone(), Spanned::span);
            return self.err(span, format!(
                "load: `max-time` {}ms leaves no time for the migration after the {}ms `baseline` (expected `max-time` longer than `baseline`)",
                max_time.as_millis(),
                baseline.as_millis()
            ));
        }
        let max_operations = count(&r.max_operations, "max-operations", 100_000, 1, 10_000_000)? as u64;
        let overhead_writes = match &r.overhead_writes {
            None => None,
            Some(_) => Some(count(&r.overhead_writes, "overhead-writes", 0, 10, 100_000)? as u32),
        };
        Ok(Some(LoadSpec {
            writers,
            readers,
            tables: table_list,
            updates,
            rate,
            baseline,
            max_time,
            max_operations,
            overhead_writes,
            at,
        }))
    }
}

/// Where the first load budget is, for a workload that only budgets imply.
fn budgets_at(b: &LoadBudgets) -> Location {
    [
        (b.max_write_stall.is_some(), b.max_write_stall_at),
        (b.max_read_stall.is_some(), b.max_read_stall_at),
        (b.max_write_slowdown.is_some(), b.max_write_slowdown_at),
    ]
    .into_iter()
    .find(|(set, _)| *set)
    .map(|(_, at)| at)
    .unwrap_or_default()
}

/// A relative budget like `15%` as a fraction (0.15).
pub(crate) fn parse_percentage(text: &str) -> std::result::Result<f64, String> {
    text.trim()
        .strip_suffix('%')
        .and_then(|n| n.trim().parse::<f64>().ok())
        .filter(|p| p.is_finite() && *p >= 0.0 && *p <= 1000.0)
        .map(|p| p / 100.0)
        .ok_or_else(|| format!("invalid percentage `{text}` (expected a percentage like `15%`)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::validate::testing::describe;
    use crate::scenario::{parse, Scenario, SourceFile};

    /// A scenario with table `agents` and query `q`, then `extra` from line 11 on: `[load]` is
    /// checked against the tables, queries and budgets beside it, so it is read whole.
    fn scenario(extra: &str) -> std::result::Result<Scenario, String> {
        let text = format!(
            "name = \"t\"\n[database]\nmigrations = \".\"\nunder-test = \"x\"\n[tables.agents]\nrows = 10\ncolumns.id = {{ gen = \"sequence\" }}\n[[queries]]\nname = \"q\"\nsql = \"SELECT 1\"\n{extra}"
        );
        let path = std::env::temp_dir().join("t.toml");
        parse(&SourceFile::new(&path, text)).map_err(|e| describe(&e, &path))
    }

    #[test]
    fn no_load_without_the_table_or_a_budget() {
        assert_eq!(scenario("").map(|s| s.load), Ok(None));
    }

    #[test]
    fn a_budget_alone_implies_the_default_workload() {
        let s =
            scenario("[migration]\nmax-write-stall = \"100ms\"\nmax-write-slowdown = \"15%\"").expect("valid budgets");
        let load = s.load.expect("a workload");
        assert_eq!((load.writers, load.readers, load.rate, load.tables.clone()), (1, 0, 100, None));
        assert_eq!(load.at, Location { line: 12, col: 19 }, "at the first budget");
        assert_eq!(s.migration.load.max_write_slowdown, Some(0.15));
        assert_eq!(load.write_series(&s.migration.load), Some(DEFAULT_OVERHEAD_WRITES));
    }

    #[test]
    fn a_read_budget_brings_a_reader() {
        assert_eq!(scenario("[migration]\nmax-read-stall = \"1s\"").map(|s| s.load.map(|l| l.readers)), Ok(Some(1)));
    }

    #[test]
    fn every_key_is_read_into_the_model() {
        let load = scenario("[load]\nwriters = 2\nreaders = 3\ntables = [\"agents\"]\nupdates = 0.25\nrate = 50\nbaseline = \"1s\"\nmax-time = \"30s\"\nmax-operations = 1000\noverhead-writes = 100")
            .expect("every key")
            .load
            .expect("a workload");
        assert_eq!(
            load,
            LoadSpec {
                writers: 2,
                readers: 3,
                tables: Some(vec!["agents".into()]),
                updates: 0.25,
                rate: 50,
                baseline: Duration::from_secs(1),
                max_time: Duration::from_secs(30),
                max_operations: 1000,
                overhead_writes: Some(100),
                at: Location { line: 11, col: 1 },
            }
        );
        let defaults = scenario("[load]").expect("an empty [load]").load.expect("a workload");
        assert_eq!(
            (defaults.updates, defaults.baseline, defaults.max_time, defaults.max_operations, defaults.overhead_writes),
            (0.5, Duration::from_millis(500), Duration::from_secs(600), 100_000, None)
        );
    }

    #[test]
    fn budgets_are_read_with_their_positions() {
        let b = scenario(
            "[migration]\nmax-write-stall = \"250ms\"\nmax-read-stall = \"1s\"\nmax-write-slowdown = \" 15 %\"",
        )
        .expect("valid budgets")
        .migration
        .load;
        assert_eq!(
            b,
            LoadBudgets {
                max_write_stall: Some(Duration::from_millis(250)),
                max_read_stall: Some(Duration::from_secs(1)),
                max_write_slowdown: Some(0.15),
                max_write_stall_at: Location { line: 12, col: 19 },
                max_read_stall_at: Location { line: 13, col: 18 },
                max_write_slowdown_at: Location { line: 14, col: 22 },
            }
        );
    }

    #[test]
    fn errors_name_the_key_and_what_was_expected() {
        let no_worker = "load: no worker (expected `writers` or `readers` of at least 1)";
        let cases = [
            ("no writer", "[load]\nwriters = 0", format!("11:1: {no_worker}")),
            ("no worker at all", "[load]\nwriters = 0\nreaders = 0", format!("11:1: {no_worker}")),
            ("no worker with budgets only", "[migration]\nmax-write-slowdown = \"5%\"\n[load]\nwriters = 0", format!("13:1: {no_worker}")),
            ("too many writers", "[load]\nwriters = 99", "12:11: load: invalid `writers` `99` (expected an integer from 0 to 16)".into()),
            ("readers below 0", "[load]\nreaders = -1", "12:11: load: invalid `readers` `-1` (expected an integer from 0 to 16)".into()),
            ("an unknown table", "[load]\ntables = [\"nope\"]", "12:10: load: table `nope` is not under `[tables]` (expected one of `agents`: the workload writes rows made by a table's generators)".into()),
            ("a table twice", "[load]\ntables = [\"agents\", \"agents\"]", "12:10: load: table `agents` is listed twice in `tables` (expected each table once)".into()),
            ("no tables", "[load]\ntables = []", "12:10: load: empty `tables` (expected table names from `[tables]`, or no `tables` for the tables the migration indexes)".into()),
            ("updates above 1", "[load]\nupdates = 2.0", "12:11: load: invalid `updates` `2` (expected a fraction from 0.0 to 1.0)".into()),
            ("no rate", "[load]\nrate = 0", "12:8: load: invalid `rate` `0` (expected an integer from 1 to 10000)".into()),
            ("baseline not a duration", "[load]\nbaseline = \"x\"", "12:12: load: `baseline`: invalid duration `x` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            ("max-time not a duration", "[load]\nmax-time = \"x\"", "12:12: load: `max-time`: invalid duration `x` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            ("max-time within baseline", "[load]\nbaseline = \"2s\"\nmax-time = \"1s\"", "13:12: load: `max-time` 1000ms leaves no time for the migration after the 2000ms `baseline` (expected `max-time` longer than `baseline`)".into()),
            ("the default max-time within baseline", "[load]\nbaseline = \"11m\"", "11:1: load: `max-time` 600000ms leaves no time for the migration after the 660000ms `baseline` (expected `max-time` longer than `baseline`)".into()),
            ("no operations", "[load]\nmax-operations = 0", "12:18: load: invalid `max-operations` `0` (expected an integer from 1 to 10000000)".into()),
            ("too few writes per series", "[load]\noverhead-writes = 5", "12:19: load: invalid `overhead-writes` `5` (expected an integer from 10 to 100000)".into()),
            ("a percentage without %", "[migration]\nmax-write-slowdown = \"15\"", "12:22: migration: `max-write-slowdown`: invalid percentage `15` (expected a percentage like `15%`)".into()),
            ("a write stall not a duration", "[migration]\nmax-write-stall = \"soon\"", "12:19: migration: `max-write-stall`: invalid duration `soon` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            ("a read stall not a duration", "[migration]\nmax-read-stall = \"x\"", "12:18: migration: `max-read-stall`: invalid duration `x` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            (
                "a write budget without writers",
                "[load]\nwriters = 0\nreaders = 1\n[migration]\nmax-write-stall = \"1s\"",
                "15:19: migration: `max-write-stall` needs writers (expected `writers = 1` or more under `[load]`)".into(),
            ),
            (
                "a read budget without readers",
                "[load]\nreaders = 0\n[migration]\nmax-read-stall = \"1s\"",
                "14:18: migration: `max-read-stall` needs readers (expected `readers = 1` or more under `[load]`)".into(),
            ),
            (
                "a slowdown budget on a migration that fails",
                "[migration]\nexpect-error = \"x\"\nmax-write-slowdown = \"10%\"",
                "13:22: migration: `max-write-slowdown` compares writes after the migration with writes before, but `expect-error` says the migration fails (expected it in a scenario of the fixed migration)".into(),
            ),
        ];
        for (name, extra, expected) in cases {
            assert_eq!(scenario(extra).map(|_| ()), Err(expected), "{name}");
        }
    }

    #[test]
    fn readers_need_queries() {
        let text = "name = \"t\"\n[database]\nmigrations = \".\"\nunder-test = \"x\"\n[load]\nreaders = 1\n";
        let path = std::env::temp_dir().join("t.toml");
        let e = parse(&SourceFile::new(&path, text.into())).map(|_| ()).map_err(|e| describe(&e, &path));
        assert_eq!(e, Err("6:11: load: `readers` run the scenario's queries, and it has none (expected `[[queries]]`, or `readers = 0`)".into()));
        let e = parse(&SourceFile::new(&path, text.replace("[load]\nreaders = 1", "[load]\ntables = [\"u\"]")))
            .map(|_| ())
            .map_err(|e| describe(&e, &path));
        assert_eq!(e, Err("6:10: load: table `u` is not under `[tables]` (expected one of none declared: the workload writes rows made by a table's generators)".into()), "without tables");
    }

    #[test]
    fn percentages() {
        let cases = [
            ("15%", Ok(0.15)),
            (" 2.5 %", Ok(0.025)),
            ("0%", Ok(0.0)),
            ("1000%", Ok(10.0)),
            ("-1%", Err(())),
            ("1001%", Err(())),
            ("0.15", Err(())),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_percentage(text).map_err(|_| ()), expected, "{text}");
        }
    }
}
