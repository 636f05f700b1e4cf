//! What a scenario expects, as one registry: the [`Expect`] enum names every kind of
//! expectation a file can state — a key of a query's phase tables (`before`, `after`,
//! `before-generic`, `after-generic`, in `[[queries]]` and `[[queries.when]]`), a budget of
//! `[migration]`, an `[[indexes]]` entry — and this file reads the phase tables into it. Each
//! variant is judged by one arm of `check::evaluate`, in a file of its own under `check/`;
//! which majors a table is for is `query`'s business.
//!
//! Adding an expectation kind of a phase table: its key in [`RawPhase`] and its variant here,
//! read in [`Validator::phase`]; its check file and its arm in `check/registry.rs`; its row in
//! `scenarios/README.md` (four places). A key of `[migration]` is read in `migration.rs`
//! instead of here.

use std::str::FromStr;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::index::IndexSpec;
use crate::scenario::duration::parse_duration;
use crate::scenario::error::Location;
use crate::scenario::pattern::PlanPattern;
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::OneOrMany;

/// `before`, `after`, `before-generic` or `after-generic`: what one phase's plan must show.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Phase")]
pub(crate) struct RawPhase {
    #[serde(default)]
    pub(crate) plan: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub(crate) no: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub(crate) max_rows_removed: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) max_buffers: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) max_heap_fetches: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) max_rows_examined: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) latency: Option<Spanned<RawLatency>>,
    #[serde(default)]
    pub(crate) speedup: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) claimed_speedup: Option<Spanned<String>>,
}

/// `latency = { … }`: timing budgets of a phase.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Latency")]
pub(crate) struct RawLatency {
    #[serde(default)]
    pub(crate) measure: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) p50: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) p95: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) max: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) planning: Option<Spanned<String>>,
}

/// Before or after the migration under test, or after it was run down again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Before,
    After,
    /// After the down step of a reversible migration: plans are captured to compare with
    /// `Before`, no expectation is written for them.
    Rollback,
}

impl Phase {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::After => "after",
            Phase::Rollback => "rollback",
        }
    }
}

/// A custom plan (planned for the bound values, what the first executions of a prepared
/// statement get) or the generic plan (planned for any value, what an ORM's prepared
/// statement settles on after five executions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanMode {
    Custom,
    Generic,
}

impl PlanMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanMode::Custom => "custom",
            PlanMode::Generic => "generic",
        }
    }
}

/// What one phase table expects, for its phase and plan mode.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseCheck {
    pub phase: Phase,
    pub mode: PlanMode,
    /// Where the phase table is written: the line CI annotations of its findings point at.
    pub at: Location,
    /// In the order the checks report them: patterns, clock-free budgets, timing budgets.
    pub expects: Vec<Expect>,
}

/// One thing a scenario expects. The name is the key's: `max-buffers` is `MaxBuffers`, and its
/// findings carry the code `buffers`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// `plan`: the pattern matches some node of the plan (one per pattern of the list).
    Plan(PlanPattern),
    /// `no`: the pattern matches no node of the plan.
    No(PlanPattern),
    /// `max-rows-removed`: rows read and removed by filters, over nodes and loops.
    MaxRowsRemoved(f64),
    /// `max-buffers`: shared buffers hit plus read by the whole statement.
    MaxBuffers(f64),
    /// `max-heap-fetches`: heap visits of index-only scans.
    MaxHeapFetches(f64),
    /// `max-rows-examined`: rows every scan read, kept or filtered out.
    MaxRowsExamined(f64),
    /// `latency = { p50 | p95 | max = … }`: a statistic of the series `measure` names.
    Latency { measure: Measure, stat: Statistic, limit: Duration },
    /// `latency = { planning = … }`: the median planning time.
    Planning(Duration),
    /// `speedup`: the median before over the median after, at least (after the migration).
    Speedup { measure: Measure, min: f64 },
    /// `claimed-speedup`: a speedup someone claimed, reported beside the measured one, never
    /// failing the run.
    ClaimedSpeedup { measure: Measure, claimed: f64 },
    /// `[migration] max-duration`.
    MaxDuration(Duration),
    /// `[migration] max-down-duration`.
    MaxDownDuration(Duration),
    /// `[migration] max-wal`: bytes of WAL the server writes while the migration runs.
    MaxWal(u64),
    /// `[migration] max-write-stall`: no writer may go longer without completing a write.
    MaxWriteStall(Duration),
    /// `[migration] max-read-stall`: the same for readers.
    MaxReadStall(Duration),
    /// `[migration] max-write-slowdown`: writes after the migration slower by at most this
    /// fraction.
    MaxWriteSlowdown(f64),
    /// `[[indexes]]`: catalog facts of an index after the migration.
    Index(IndexSpec),
}

impl Expect {
    /// The index a `plan` pattern names, which must exist after the migration.
    pub fn named_index(&self) -> Option<&str> {
        match self {
            Expect::Plan(p) => p.index_name(),
            _ => None,
        }
    }
}

/// Which timing a latency budget limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// The round trip of the real query as the client sees it (the default).
    #[default]
    Client,
    /// EXPLAIN ANALYZE's `Execution Time`: the server's work only.
    Server,
}

/// Which figure of a series a latency budget limits.
pub use crate::stats::Statistic;

/// The largest count a budget may name: 2^53, the last whole number an f64 holds exactly.
const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

impl Validator<'_> {
    /// The expectations of the four phase keys, in the order `before`, `after`,
    /// `before-generic`, `after-generic`.
    pub(crate) fn phase_checks(&self, who: &str, raws: [Option<Spanned<RawPhase>>; 4]) -> Result<Vec<PhaseCheck>> {
        let keys = [
            (Phase::Before, PlanMode::Custom),
            (Phase::After, PlanMode::Custom),
            (Phase::Before, PlanMode::Generic),
            (Phase::After, PlanMode::Generic),
        ];
        let mut checks = Vec::new();
        for ((phase, mode), raw) in keys.into_iter().zip(raws) {
            if let Some(p) = raw {
                let at = self.at(p.span());
                let expects = self.phase(who, phase, p.into_inner())?;
                checks.push(PhaseCheck { phase, mode, at, expects });
            }
        }
        Ok(checks)
    }

    /// The expectations of one phase table, in the order they are reported: patterns, then
    /// clock-free budgets, then timing budgets. (The keys are checked in the order they always
    /// were, so a file with two mistakes is told of the same one first.)
    fn phase(&self, who: &str, phase: Phase, raw: RawPhase) -> Result<Vec<Expect>> {
        let count = |value: &Option<Spanned<f64>>, key: &str| -> Result<Option<f64>> {
            match value {
                Some(v) if v.get_ref().is_nan() || *v.get_ref() < 0.0 => {
                    self.err(v.span(), format!("{who}: invalid `{key}` `{}` (expected a count >= 0)", v.get_ref()))
                }
                // Beyond 2^53 a count bounds nothing: no plan reads that many rows or buffers.
                Some(v) if *v.get_ref() > MAX_COUNT => self.err(
                    v.span(),
                    format!("{who}: `{key}` `{:e}` bounds nothing (expected a count of at most 2^53)", v.get_ref()),
                ),
                v => Ok(v.as_ref().map(|v| *v.get_ref())),
            }
        };
        let heap_fetches = count(&raw.max_heap_fetches, "max-heap-fetches")?.map(Expect::MaxHeapFetches);
        let rows_examined = count(&raw.max_rows_examined, "max-rows-examined")?.map(Expect::MaxRowsExamined);
        let mut measure = Measure::default();
        let mut timing = Vec::new();
        if let Some(latency) = &raw.latency {
            let l = latency.get_ref();
            if let Some(m) = &l.measure {
                measure = match m.get_ref().as_str() {
                    "client" => Measure::Client,
                    "server" => Measure::Server,
                    other => {
                        return self.err(
                            m.span(),
                            format!("{who}: invalid `measure` `{other}` (expected `client` or `server`)"),
                        )
                    }
                };
            }
            for (stat, value) in [(Statistic::P50, &l.p50), (Statistic::P95, &l.p95), (Statistic::Max, &l.max)] {
                if let Some(v) = value {
                    let limit = parse_duration(v.get_ref())
                        .or_else(|m| self.err(v.span(), format!("{who}: `{}`: {m}", stat.as_str())))?;
                    timing.push(Expect::Latency { measure, stat, limit });
                }
            }
            if let Some(v) = &l.planning {
                let limit =
                    parse_duration(v.get_ref()).or_else(|m| self.err(v.span(), format!("{who}: `planning`: {m}")))?;
                timing.push(Expect::Planning(limit));
            }
            if timing.is_empty() {
                return self.err(
                    latency.span(),
                    format!("{who}: empty `latency` (expected at least one of `p50`, `p95`, `max`, `planning`)"),
                );
            }
        }
        let ratios: [(&Option<Spanned<String>>, RatioKind, &str); 2] = [
            (&raw.speedup, |measure, min| Expect::Speedup { measure, min }, "speedup"),
            (&raw.claimed_speedup, |measure, claimed| Expect::ClaimedSpeedup { measure, claimed }, "claimed-speedup"),
        ];
        for (value, kind, key) in ratios {
            if let Some(v) = value {
                if phase == Phase::Before {
                    return self.err(v.span(), format!("{who}: `{key}` applies only after the migration (expected it in `after` or `after-generic`)"));
                }
                let ratio = parse_ratio(v.get_ref()).or_else(|m| self.err(v.span(), format!("{who}: `{key}`: {m}")))?;
                timing.push(kind(measure, ratio));
            }
        }
        let mut expects = Vec::new();
        for (list, kind) in [(raw.plan, Expect::Plan as fn(PlanPattern) -> Expect), (raw.no, Expect::No)] {
            if let Some(list) = list {
                let whole = list.span();
                for (text, span) in list.into_inner().items(whole) {
                    let pattern = PlanPattern::from_str(&text).or_else(|e| self.err(span, format!("{who}: {e}")))?;
                    expects.push(kind(pattern));
                }
            }
        }
        expects.extend(count(&raw.max_rows_removed, "max-rows-removed")?.map(Expect::MaxRowsRemoved));
        expects.extend(count(&raw.max_buffers, "max-buffers")?.map(Expect::MaxBuffers));
        expects.extend(heap_fetches.into_iter().chain(rows_examined).chain(timing));
        Ok(expects)
    }
}

/// Makes the expectation of a ratio key from the phase's measure and the ratio.
type RatioKind = fn(Measure, f64) -> Expect;

/// The scenario key of a phase and plan mode: `after`, `before-generic`.
pub(crate) fn phase_key(phase: Phase, mode: PlanMode) -> String {
    match mode {
        PlanMode::Custom => phase.as_str().to_string(),
        PlanMode::Generic => format!("{}-generic", phase.as_str()),
    }
}

/// A speedup like `10x` (or `2.5x`).
fn parse_ratio(text: &str) -> std::result::Result<f64, String> {
    text.trim()
        .strip_suffix('x')
        .and_then(|n| n.trim().parse::<f64>().ok())
        .filter(|r| r.is_finite() && *r > 0.0)
        .ok_or_else(|| format!("invalid ratio `{text}` (expected a factor like `10x`)"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::validate::testing::section;

    /// The phase table `[{key}]` of `keys`, validated as `phase` of query `q`.
    fn phase(key: &str, phase: Phase, keys: &str) -> std::result::Result<Vec<Expect>, String> {
        let text = format!("[{key}]\n{keys}");
        section(Path::new("s.toml"), &text, key, |v, raw: Spanned<RawPhase>| {
            v.phase("query `q`", phase, raw.into_inner())
        })
    }

    fn after(keys: &str) -> std::result::Result<Vec<Expect>, String> {
        phase("after", Phase::After, keys)
    }

    fn pattern(text: &str) -> PlanPattern {
        text.parse().expect("a valid pattern")
    }

    #[test]
    fn patterns_and_counts_become_expectations_in_order() {
        let cases = [
            ("nothing", "", vec![]),
            ("one pattern", "plan = \"index i\"", vec![Expect::Plan(pattern("index i"))]),
            (
                "lists and counts, keys in any order",
                "max-buffers = 100.5\nno = \"sort\"\nplan = [\"index i\", \"index-scan using i on t backward\"]\nmax-rows-removed = 10",
                vec![
                    Expect::Plan(pattern("index i")),
                    Expect::Plan(pattern("index-scan using i on t backward")),
                    Expect::No(pattern("sort")),
                    Expect::MaxRowsRemoved(10.0),
                    Expect::MaxBuffers(100.5),
                ],
            ),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(after(keys), Ok(expected), "{name}");
        }
    }

    #[test]
    fn budgets_are_read_with_their_measure() {
        let ms = Duration::from_millis;
        let (client, server) = (Measure::Client, Measure::Server);
        let cases = [
            ("none", "", vec![]),
            (
                "every budget",
                "max-heap-fetches = 0\nmax-rows-examined = 5\nlatency = { measure = \"server\", p50 = \"1ms\", p95 = \"2ms\", max = \"1.5s\", planning = \"250us\" }\nspeedup = \"2.5x\"\nclaimed-speedup = \" 10 x \"",
                vec![
                    Expect::MaxHeapFetches(0.0),
                    Expect::MaxRowsExamined(5.0),
                    Expect::Latency { measure: server, stat: Statistic::P50, limit: ms(1) },
                    Expect::Latency { measure: server, stat: Statistic::P95, limit: ms(2) },
                    Expect::Latency { measure: server, stat: Statistic::Max, limit: ms(1500) },
                    Expect::Planning(Duration::from_micros(250)),
                    Expect::Speedup { measure: server, min: 2.5 },
                    Expect::ClaimedSpeedup { measure: server, claimed: 10.0 },
                ],
            ),
            (
                "the client's round trip by default",
                "latency = { max = \"2m\" }\nspeedup = \"3x\"",
                vec![
                    Expect::Latency { measure: client, stat: Statistic::Max, limit: ms(120_000) },
                    Expect::Speedup { measure: client, min: 3.0 },
                ],
            ),
            ("planning alone", "latency = { measure = \"client\", planning = \"1ms\" }", vec![Expect::Planning(ms(1))]),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(after(keys), Ok(expected), "{name}");
        }
        let before = phase("before", Phase::Before, "latency = { p95 = \"3ms\" }");
        let expected = vec![Expect::Latency { measure: client, stat: Statistic::P95, limit: ms(3) }];
        assert_eq!(before, Ok(expected), "a latency budget before the migration");
    }

    #[test]
    fn invalid_phase_tables_say_what_was_expected() {
        let forms = "expected `index NAME` (any index scan using that index), or a node kind such as `seq-scan`, `index-scan`, `index-only-scan`, `bitmap-index-scan`, `bitmap-heap-scan`, `sort`, `hash-join` or `nested-loop` (kebab-case, or as PostgreSQL prints it: `Index Only Scan`), optionally followed by `using INDEX` (index scans), `on TABLE` (scans) and `backward` or `forward` (index scans and index-only scans)";
        let cases = [
            ("after", "max-heap-fetches = -1", "2:20: query `q`: invalid `max-heap-fetches` `-1` (expected a count >= 0)".to_string()),
            ("before", "max-rows-examined = nan", "2:21: query `q`: invalid `max-rows-examined` `NaN` (expected a count >= 0)".into()),
            ("before", "max-rows-examined = 1e308", "2:21: query `q`: `max-rows-examined` `1e308` bounds nothing (expected a count of at most 2^53)".into()),
            ("after", "max-rows-removed = -2.5", "2:20: query `q`: invalid `max-rows-removed` `-2.5` (expected a count >= 0)".into()),
            ("after-generic", "max-buffers = nan", "2:15: query `q`: invalid `max-buffers` `NaN` (expected a count >= 0)".into()),
            ("after", "latency = { measure = \"wall\", p50 = \"1ms\" }", "2:23: query `q`: invalid `measure` `wall` (expected `client` or `server`)".into()),
            ("after", "latency = { p50 = \"1\" }", "2:19: query `q`: `p50`: invalid duration `1` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            ("after", "latency = { p95 = \"fast\" }", "2:19: query `q`: `p95`: invalid duration `fast` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            ("before", "latency = { max = \"1 parsec\" }", "2:19: query `q`: `max`: invalid duration `1 parsec` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            ("after", "latency = { planning = \"x\" }", "2:24: query `q`: `planning`: invalid duration `x` (expected a duration like `250ms`, `1s` or `2m`)".into()),
            ("after", "latency = { measure = \"server\" }", "2:11: query `q`: empty `latency` (expected at least one of `p50`, `p95`, `max`, `planning`)".into()),
            ("after", "latency = {}", "2:11: query `q`: empty `latency` (expected at least one of `p50`, `p95`, `max`, `planning`)".into()),
            ("before", "speedup = \"2x\"", "2:11: query `q`: `speedup` applies only after the migration (expected it in `after` or `after-generic`)".into()),
            ("before-generic", "claimed-speedup = \"2x\"", "2:19: query `q`: `claimed-speedup` applies only after the migration (expected it in `after` or `after-generic`)".into()),
            ("after", "speedup = \"2\"", "2:11: query `q`: `speedup`: invalid ratio `2` (expected a factor like `10x`)".into()),
            ("after", "speedup = \"0x\"", "2:11: query `q`: `speedup`: invalid ratio `0x` (expected a factor like `10x`)".into()),
            ("after-generic", "claimed-speedup = \"fast\"", "2:19: query `q`: `claimed-speedup`: invalid ratio `fast` (expected a factor like `10x`)".into()),
            ("after", "plan = \"index-scna\"", "2:8: query `q`: invalid plan pattern `index-scna`: unknown node kind `index-scna` (did you mean `index-scan`?)".into()),
            (
                "after",
                "plan = [\"seq-scan\", \"index-scan backward forward\"]",
                format!("2:21: query `q`: invalid plan pattern `index-scan backward forward`: `backward/forward` is given twice; {forms}"),
            ),
            (
                "before",
                "no = \"sort using x\"",
                format!("2:6: query `q`: invalid plan pattern `sort using x`: `using` applies only to index scans, not to `sort`; {forms}"),
            ),
        ];
        for (key, keys, expected) in cases {
            let p = if key.starts_with("before") { Phase::Before } else { Phase::After };
            assert_eq!(phase(key, p, keys).map(|_| ()), Err(expected), "{key}: {keys}");
        }
    }

    #[test]
    fn the_four_phase_keys_become_checks_in_their_order() {
        let text = "[q]\nafter-generic = { plan = \"sort\" }\nbefore = { plan = \"seq-scan\" }";
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Q {
            before: Option<Spanned<RawPhase>>,
            after: Option<Spanned<RawPhase>>,
            before_generic: Option<Spanned<RawPhase>>,
            after_generic: Option<Spanned<RawPhase>>,
        }
        let checks = section(Path::new("s.toml"), text, "q", |v, q: Spanned<Q>| {
            let q = q.into_inner();
            v.phase_checks("query `q`", [q.before, q.after, q.before_generic, q.after_generic])
        })
        .expect("valid phases");
        let keys: Vec<String> = checks.iter().map(|c| phase_key(c.phase, c.mode)).collect();
        assert_eq!(keys, ["before", "after-generic"]);
    }

    #[test]
    fn ratios() {
        let cases = [("10x", Ok(10.0)), (" 2.5 x ", Ok(2.5)), ("10", Err(())), ("-1x", Err(())), ("infx", Err(()))];
        for (text, expected) in cases {
            assert_eq!(parse_ratio(text).map_err(|_| ()), expected, "{text}");
        }
    }
}
