//! The phase tables of a query (`before`, `after`, `before-generic`, `after-generic`, in
//! `[[queries]]` and in `[[queries.when]]`): what the plan must and must not contain, its
//! clock-free budgets, and its timing budgets (`latency`, `speedup`). Each table becomes a
//! [`PhaseCheck`]: a [`PlanExpectation`] and [`Budgets`] for one phase and plan mode. Which
//! majors a table is for is `query`'s; judging a plan against it is the check stage's business.

use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::scenario::duration::parse_duration;
use crate::scenario::pattern::PlanPattern;
use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::OneOrMany;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPhase {
    #[serde(default)]
    pub plan: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub no: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub max_rows_removed: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_buffers: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_heap_fetches: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_rows_examined: Option<Spanned<f64>>,
    #[serde(default)]
    pub latency: Option<Spanned<RawLatency>>,
    #[serde(default)]
    pub speedup: Option<Spanned<String>>,
    #[serde(default)]
    pub claimed_speedup: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLatency {
    #[serde(default)]
    pub measure: Option<Spanned<String>>,
    #[serde(default)]
    pub p50: Option<Spanned<String>>,
    #[serde(default)]
    pub p95: Option<Spanned<String>>,
    #[serde(default)]
    pub max: Option<Spanned<String>>,
    #[serde(default)]
    pub planning: Option<Spanned<String>>,
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
    pub fn as_str(self) -> &'static str {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Statistic {
    P50,
    P95,
    Max,
}

impl Statistic {
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::P50 => "p50",
            Statistic::P95 => "p95",
            Statistic::Max => "max",
        }
    }
}

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
    pub(crate) fn phase(&self, who: &str, phase: Phase, raw: RawPhase) -> Result<(PlanExpectation, Budgets)> {
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
    use super::*;

    #[test]
    fn expectations_default_to_nothing_expected() {
        let expectation = PlanExpectation::default();
        assert!(expectation.must.is_empty() && expectation.must_not.is_empty());
        assert_eq!(expectation.max_rows_removed_by_filter, None);
        assert_eq!(expectation.max_shared_blocks, None);
    }
}
