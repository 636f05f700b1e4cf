//! The phase tables of a query (`before`, `after`, `before-generic`, `after-generic`, in
//! `[[queries]]` and in `[[queries.when]]`): what the plan must and must not contain, its
//! clock-free budgets, and its timing budgets (`latency`, `speedup`). Each table becomes a
//! [`PhaseCheck`]: a [`PlanExpectation`] and [`Budgets`] for one phase and plan mode. Which
//! majors a table is for is `query`'s; judging a plan against it is the check stage's business.

use std::str::FromStr;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::scenario::duration::parse_duration;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    pub expect: PlanExpectation,
    pub budgets: Budgets,
}

/// What a scenario expects of one query's plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanExpectation {
    /// Each pattern must match at least one node.
    pub must: Vec<PlanPattern>,
    /// No node may match any of these.
    pub must_not: Vec<PlanPattern>,
    /// Budget on rows read and discarded by filters, summed over nodes and loops.
    pub max_rows_removed_by_filter: Option<f64>,
    /// Budget on shared buffers hit plus read by the whole statement.
    pub max_shared_blocks: Option<f64>,
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

/// Timing and clock-free budgets of one phase.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Budgets {
    pub measure: Measure,
    pub latency: Vec<(Statistic, Duration)>,
    /// Median planning time (server side).
    pub planning: Option<Duration>,
    /// Before median / this phase's median, at least (only after the migration).
    pub speedup: Option<f64>,
    /// A speedup someone claimed: reported beside the measured one, never failing the run.
    pub claimed_speedup: Option<f64>,
    pub max_heap_fetches: Option<f64>,
    pub max_rows_examined: Option<f64>,
}

impl Budgets {
    /// Whether any budget depends on the clock.
    pub fn timed(&self) -> bool {
        !self.latency.is_empty() || self.planning.is_some() || self.speedup.is_some() || self.claimed_speedup.is_some()
    }
}

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
                let (expect, budgets) = self.phase(who, phase, p.into_inner())?;
                checks.push(PhaseCheck { phase, mode, expect, budgets });
            }
        }
        Ok(checks)
    }

    fn phase(&self, who: &str, phase: Phase, raw: RawPhase) -> Result<(PlanExpectation, Budgets)> {
        let mut budgets = Budgets::default();
        for (value, target, key) in [
            (&raw.max_heap_fetches, &mut budgets.max_heap_fetches, "max-heap-fetches"),
            (&raw.max_rows_examined, &mut budgets.max_rows_examined, "max-rows-examined"),
        ] {
            if let Some(v) = value {
                if v.get_ref().is_nan() || *v.get_ref() < 0.0 {
                    return self
                        .err(v.span(), format!("{who}: invalid `{key}` `{}` (expected a count >= 0)", v.get_ref()));
                }
                *target = Some(*v.get_ref());
            }
        }
        if let Some(latency) = &raw.latency {
            let l = latency.get_ref();
            if let Some(m) = &l.measure {
                budgets.measure = match m.get_ref().as_str() {
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
                    let d = parse_duration(v.get_ref())
                        .or_else(|m| self.err(v.span(), format!("{who}: `{}`: {m}", stat.as_str())))?;
                    budgets.latency.push((stat, d));
                }
            }
            if let Some(v) = &l.planning {
                budgets.planning = Some(
                    parse_duration(v.get_ref()).or_else(|m| self.err(v.span(), format!("{who}: `planning`: {m}")))?,
                );
            }
            if budgets.latency.is_empty() && budgets.planning.is_none() {
                return self.err(
                    latency.span(),
                    format!("{who}: empty `latency` (expected at least one of `p50`, `p95`, `max`, `planning`)"),
                );
            }
        }
        for (value, target, key) in [
            (&raw.speedup, &mut budgets.speedup, "speedup"),
            (&raw.claimed_speedup, &mut budgets.claimed_speedup, "claimed-speedup"),
        ] {
            if let Some(v) = value {
                if phase == Phase::Before {
                    return self.err(v.span(), format!("{who}: `{key}` applies only after the migration (expected it in `after` or `after-generic`)"));
                }
                *target =
                    Some(parse_ratio(v.get_ref()).or_else(|m| self.err(v.span(), format!("{who}: `{key}`: {m}")))?);
            }
        }
        let expect = self.plan_expectation(who, raw)?;
        Ok((expect, budgets))
    }

    fn plan_expectation(&self, who: &str, raw: RawPhase) -> Result<PlanExpectation> {
        let mut expect = PlanExpectation::default();
        for (list, target) in [(raw.plan, &mut expect.must), (raw.no, &mut expect.must_not)] {
            if let Some(list) = list {
                let whole = list.span();
                for (text, span) in list.into_inner().items(whole) {
                    let pattern = PlanPattern::from_str(&text).or_else(|e| self.err(span, format!("{who}: {e}")))?;
                    target.push(pattern);
                }
            }
        }
        for (value, target, key) in [
            (raw.max_rows_removed, &mut expect.max_rows_removed_by_filter, "max-rows-removed"),
            (raw.max_buffers, &mut expect.max_shared_blocks, "max-buffers"),
        ] {
            if let Some(v) = value {
                if v.get_ref().is_nan() || *v.get_ref() < 0.0 {
                    return self
                        .err(v.span(), format!("{who}: invalid `{key}` `{}` (expected a count >= 0)", v.get_ref()));
                }
                *target = Some(*v.get_ref());
            }
        }
        Ok(expect)
    }
}

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
    fn phase(key: &str, phase: Phase, keys: &str) -> std::result::Result<(PlanExpectation, Budgets), String> {
        let text = format!("[{key}]\n{keys}");
        section(Path::new("s.toml"), &text, key, |v, raw: Spanned<RawPhase>| {
            v.phase("query `q`", phase, raw.into_inner())
        })
    }

    fn after(keys: &str) -> std::result::Result<(PlanExpectation, Budgets), String> {
        phase("after", Phase::After, keys)
    }

    fn patterns(list: &[&str]) -> Vec<PlanPattern> {
        list.iter().map(|p| p.parse().expect("a valid pattern")).collect()
    }

    #[test]
    fn plan_expectations_are_read_into_patterns_and_counts() {
        let cases = [
            ("nothing", "", PlanExpectation::default()),
            ("one pattern", "plan = \"index i\"", PlanExpectation { must: patterns(&["index i"]), ..Default::default() }),
            (
                "lists and counts",
                "plan = [\"index i\", \"index-scan using i on t backward\"]\nno = \"sort\"\nmax-rows-removed = 10\nmax-buffers = 100.5",
                PlanExpectation {
                    must: patterns(&["index i", "index-scan using i on t backward"]),
                    must_not: patterns(&["sort"]),
                    max_rows_removed_by_filter: Some(10.0),
                    max_shared_blocks: Some(100.5),
                },
            ),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(after(keys).map(|(e, _)| e), Ok(expected), "{name}");
        }
    }

    #[test]
    fn budgets_are_read_with_their_measure() {
        let ms = Duration::from_millis;
        let cases = [
            ("none", "", Budgets::default()),
            (
                "every budget",
                "max-heap-fetches = 0\nmax-rows-examined = 5\nlatency = { measure = \"server\", p50 = \"1ms\", p95 = \"2ms\", max = \"1.5s\", planning = \"250us\" }\nspeedup = \"2.5x\"\nclaimed-speedup = \" 10 x \"",
                Budgets {
                    measure: Measure::Server,
                    latency: vec![(Statistic::P50, ms(1)), (Statistic::P95, ms(2)), (Statistic::Max, ms(1500))],
                    planning: Some(Duration::from_micros(250)),
                    speedup: Some(2.5),
                    claimed_speedup: Some(10.0),
                    max_heap_fetches: Some(0.0),
                    max_rows_examined: Some(5.0),
                },
            ),
            (
                "the client's round trip by default",
                "latency = { max = \"2m\" }",
                Budgets { latency: vec![(Statistic::Max, ms(120_000))], ..Budgets::default() },
            ),
            (
                "planning alone",
                "latency = { measure = \"client\", planning = \"1ms\" }",
                Budgets { planning: Some(ms(1)), ..Budgets::default() },
            ),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(after(keys).map(|(_, b)| b), Ok(expected), "{name}");
        }
        let before = phase("before", Phase::Before, "latency = { p95 = \"3ms\" }").map(|(_, b)| b.latency);
        assert_eq!(before, Ok(vec![(Statistic::P95, ms(3))]), "a latency budget before the migration");
    }

    #[test]
    fn invalid_phase_tables_say_what_was_expected() {
        let forms = "expected `index NAME` (any index scan using that index), or a node kind such as `seq-scan`, `index-scan`, `index-only-scan`, `bitmap-index-scan`, `bitmap-heap-scan`, `sort`, `hash-join` or `nested-loop` (kebab-case, or as PostgreSQL prints it: `Index Only Scan`), optionally followed by `using INDEX` (index scans), `on TABLE` (scans) and `backward` or `forward` (index scans and index-only scans)";
        let cases = [
            ("after", "max-heap-fetches = -1", "2:20: query `q`: invalid `max-heap-fetches` `-1` (expected a count >= 0)".to_string()),
            ("before", "max-rows-examined = nan", "2:21: query `q`: invalid `max-rows-examined` `NaN` (expected a count >= 0)".into()),
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

    #[test]
    fn expectations_default_to_nothing_expected() {
        let expectation = PlanExpectation::default();
        assert!(expectation.must.is_empty() && expectation.must_not.is_empty());
        assert_eq!(expectation.max_rows_removed_by_filter, None);
        assert_eq!(expectation.max_shared_blocks, None);
    }
}
