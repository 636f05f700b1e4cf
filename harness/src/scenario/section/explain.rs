//! `[explain]`: how many times each query is run and timed (`warmup`, `runs`, `samples`,
//! `max-repeats`), how long one run may take (`statement-timeout`) and the session settings
//! pinned before every EXPLAIN. Running and timing the queries is the explain stage's business.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::Literal;

/// Session settings pinned before every EXPLAIN unless the scenario overrides them, so that
/// plans and timings repeat: no JIT compile times, no parallel workers, and no synchronised
/// scans that start a Seq Scan wherever another scan happens to be.
pub(crate) const DEFAULT_SETTINGS: [(&str, &str); 3] =
    [("jit", "off"), ("max_parallel_workers_per_gather", "0"), ("synchronize_seqscans", "off")];

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Explain")]
pub(crate) struct RawExplain {
    #[serde(default)]
    pub(crate) runs: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) warmup: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) samples: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) max_repeats: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) statement_timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) settings: BTreeMap<Spanned<String>, Spanned<Literal>>,
}

#[derive(Debug, Clone)]
pub struct ExplainSpec {
    pub warmup: u32,
    /// EXPLAIN ANALYZE runs per query, phase and plan mode (server-side timings).
    pub runs: u32,
    /// Client round trips per query and phase (what the application sees).
    pub samples: u32,
    /// How many more series to measure when a budget is too close to call.
    pub max_repeats: u32,
    /// Defaults merged with the scenario's overrides, in a stable order.
    pub settings: Vec<(String, String)>,
    /// How long one execution of a query (EXPLAIN ANALYZE or a timed round trip) may run
    /// before the server cancels it.
    pub statement_timeout: Duration,
}

/// `statement-timeout` when the scenario sets none: far above any lookup worth gating, short
/// enough that a query that never ends does not hold CI for long.
pub(crate) const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);

impl Validator<'_> {
    pub(crate) fn explain(&self, raw: Option<Spanned<RawExplain>>) -> Result<ExplainSpec> {
        let mut settings: BTreeMap<String, String> =
            DEFAULT_SETTINGS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (mut warmup, mut runs, mut samples, mut max_repeats) = (2, 10, 30, 2);
        let mut statement_timeout = DEFAULT_STATEMENT_TIMEOUT;
        if let Some(raw) = raw {
            let raw = raw.into_inner();
            if let Some(t) = &raw.statement_timeout {
                statement_timeout = self.bound(t, "explain: `statement-timeout`", "30s")?;
            }
            if let Some(w) = raw.warmup {
                warmup = self.count(&w, "warmup", 0)?;
            }
            if let Some(r) = raw.runs {
                runs = self.count(&r, "runs", 1)?;
            }
            if let Some(n) = raw.samples {
                samples = self.count(&n, "samples", 1)?;
            }
            if let Some(n) = raw.max_repeats {
                max_repeats = self.count(&n, "max-repeats", 0)?;
            }
            for (key, value) in raw.settings {
                let name = key.get_ref();
                if name.starts_with("enable_") {
                    return self.err(key.span(), format!(
                        "setting `{name}` is not allowed (expected settings production runs with: planner method switches prove what a plan can be, never what it will be)"
                    ));
                }
                if name == "plan_cache_mode" {
                    return self.err(key.span(), "setting `plan_cache_mode` is not allowed (expected `before-generic`/`after-generic` expectations, which pin it per capture)");
                }
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                    return self.err(
                        key.span(),
                        format!(
                            "invalid setting name `{name}` (expected a PostgreSQL setting like `random_page_cost`)"
                        ),
                    );
                }
                let text = match value.get_ref() {
                    Literal::Text(s) => s.clone(),
                    Literal::Int(i) => i.to_string(),
                    Literal::Float(f) => f.to_string(),
                    Literal::Bool(b) => if *b { "on" } else { "off" }.to_string(),
                };
                settings.insert(name.clone(), text);
            }
        }
        Ok(ExplainSpec {
            warmup,
            runs,
            samples,
            max_repeats,
            settings: settings.into_iter().collect(),
            statement_timeout,
        })
    }

    fn count(&self, v: &Spanned<i64>, key: &str, min: i64) -> Result<u32> {
        let n = *v.get_ref();
        if n < min || n > 10_000 {
            return self.err(v.span(), format!("invalid `{key}` `{n}` (expected an integer from {min} to 10000)"));
        }
        Ok(n as u32)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::validate::testing::section;

    /// The `[explain]` table of `keys`, validated.
    fn explain(keys: &str) -> std::result::Result<ExplainSpec, String> {
        section(Path::new("s.toml"), &format!("[explain]\n{keys}"), "explain", |v, raw| v.explain(Some(raw)))
    }

    #[test]
    fn counts_default_and_take_what_is_written() {
        let cases = [
            ("defaults", "", (2, 10, 30, 2)),
            ("every count", "warmup = 0\nruns = 3\nsamples = 5\nmax-repeats = 0", (0, 3, 5, 0)),
            (
                "the highest counts",
                "warmup = 10000\nruns = 10000\nsamples = 10000\nmax-repeats = 10000",
                (10000, 10000, 10000, 10000),
            ),
        ];
        for (name, keys, expected) in cases {
            let e = explain(keys).unwrap_or_else(|m| panic!("{name}: {m}"));
            assert_eq!((e.warmup, e.runs, e.samples, e.max_repeats), expected, "{name}");
        }
        assert_eq!(
            section(Path::new("s.toml"), "x = 1", "x", |v, _: Spanned<i64>| v.explain(None)).map(|e| e.runs),
            Ok(10),
            "no [explain] at all"
        );
    }

    #[test]
    fn settings_merge_over_the_pinned_defaults_as_postgres_text() {
        let e = explain("settings.random_page_cost = 1.1\nsettings.work_mem = \"64MB\"\nsettings.jit = true\nsettings.seq_page_cost = 2\nsettings.\"auto_explain.log_min_duration\" = 0\nsettings.synchronize_seqscans = false")
            .expect("valid settings");
        let settings: Vec<(&str, &str)> = e.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            settings,
            [
                ("auto_explain.log_min_duration", "0"),
                ("jit", "on"),
                ("max_parallel_workers_per_gather", "0"),
                ("random_page_cost", "1.1"),
                ("seq_page_cost", "2"),
                ("synchronize_seqscans", "off"),
                ("work_mem", "64MB"),
            ]
        );
    }

    #[test]
    fn invalid_explain_tables_say_what_was_expected() {
        let cases = [
            ("warmup below 0", "warmup = -1", "2:10: invalid `warmup` `-1` (expected an integer from 0 to 10000)"),
            ("no runs", "runs = 0", "2:8: invalid `runs` `0` (expected an integer from 1 to 10000)"),
            ("too many samples", "samples = 10001", "2:11: invalid `samples` `10001` (expected an integer from 1 to 10000)"),
            ("max-repeats below 0", "max-repeats = -1", "2:15: invalid `max-repeats` `-1` (expected an integer from 0 to 10000)"),
            (
                "a planner switch",
                "settings.enable_seqscan = false",
                "2:10: setting `enable_seqscan` is not allowed (expected settings production runs with: planner method switches prove what a plan can be, never what it will be)",
            ),
            (
                "plan_cache_mode",
                "settings.plan_cache_mode = \"force_generic_plan\"",
                "2:10: setting `plan_cache_mode` is not allowed (expected `before-generic`/`after-generic` expectations, which pin it per capture)",
            ),
            (
                "a name that is no setting",
                "settings.\"a-b\" = 1",
                "2:10: invalid setting name `a-b` (expected a PostgreSQL setting like `random_page_cost`)",
            ),
            (
                "an empty name",
                "settings.\"\" = 1",
                "2:10: invalid setting name `` (expected a PostgreSQL setting like `random_page_cost`)",
            ),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(explain(keys).map(|_| ()), Err(expected.to_string()), "{name}");
        }
    }
}
