//! `[[queries]]`: a query, its bound parameters (`params`), its expectations, and the
//! `[[queries.when]]` entries that replace some expectations on some PostgreSQL majors. What one
//! phase table (`before`, `after`, …) expects is `expectations`'s; capturing the plans is the
//! explain stage's business.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Deserialize;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::expectations::{phase_key, Phase, PhaseCheck, PlanMode, RawPhase};
use crate::scenario::error::Location;
use crate::scenario::span::Spanned;
use crate::scenario::validate::{Result, Validator};
use crate::scenario::value::{Literal, Versions};
use crate::scenario::version::VersionSet;

/// `[[queries]]`: a query, its parameters and its expectations.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Query")]
pub(crate) struct RawQuery {
    pub(crate) name: Spanned<String>,
    pub(crate) sql: Spanned<String>,
    #[serde(default)]
    pub(crate) params: Vec<Spanned<RawParam>>,
    #[serde(default)]
    pub(crate) before: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub(crate) after: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub(crate) before_generic: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub(crate) after_generic: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub(crate) when: Vec<Spanned<RawWhen>>,
    /// The phases the query runs in (default all): `before`, `after`, `rollback`.
    #[serde(default)]
    pub(crate) phases: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[[queries.when]]`: expectations that replace the query's own on some PostgreSQL majors.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "When")]
pub(crate) struct RawWhen {
    pub(crate) postgres: Spanned<Versions>,
    pub(crate) why: Spanned<String>,
    #[serde(default)]
    pub(crate) before: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub(crate) after: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub(crate) before_generic: Option<Spanned<RawPhase>>,
    #[serde(default)]
    pub(crate) after_generic: Option<Spanned<RawPhase>>,
}

/// One of `params`: `{ sample = "table.column", where = "..." }` or `{ value = 42 }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Param")]
pub(crate) struct RawParam {
    #[serde(default)]
    pub(crate) sample: Option<Spanned<String>>,
    #[serde(default, rename = "where")]
    pub(crate) filter: Option<String>,
    #[serde(default)]
    pub(crate) value: Option<Spanned<Literal>>,
}

/// A query, validated: its placeholders match its parameters.
#[derive(Debug, Clone)]
pub struct QuerySpec {
    pub name: String,
    pub at: Location,
    pub sql: String,
    pub params: Vec<ParamSpec>,
    /// The expectations on every PostgreSQL major, except where `when` replaces them.
    pub checks: Vec<PhaseCheck>,
    /// `[[queries.when]]`: expectations for some majors only.
    pub when: Vec<VersionChecks>,
    /// The phases it is captured in (`phases`, default all three): a query that reads a column
    /// the migration adds runs after it only.
    pub phases: Vec<Phase>,
}

/// Expectations that hold on some PostgreSQL majors only: each phase and plan mode it sets
/// replaces the query's own expectation of that phase and mode on those majors.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionChecks {
    pub versions: VersionSet,
    /// Why these majors plan differently, shown in reports.
    pub why: String,
    pub at: Location,
    pub checks: Vec<PhaseCheck>,
}

/// Where a bound parameter's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamSpec {
    /// A value of `table.column` from the seeded rows (optionally only rows matching `filter`),
    /// picked deterministically from the scenario's seed.
    Sample { table: String, column: String, filter: Option<String>, at: Location },
    /// A constant.
    Value(Literal),
}

impl QuerySpec {
    /// Whether the query is captured in `phase`.
    pub fn runs_in(&self, phase: Phase) -> bool {
        self.phases.contains(&phase)
    }

    /// The expectations that hold on `major` (the server's major version; `None` when it is
    /// unknown, which keeps the query's own), and the `when` entries that replaced some.
    pub(crate) fn checks_for(&self, major: Option<u32>) -> (Vec<&PhaseCheck>, Vec<&VersionChecks>) {
        let applied: Vec<&VersionChecks> = match major {
            Some(m) => self.when.iter().filter(|w| w.versions.contains(m)).collect(),
            None => Vec::new(),
        };
        let replaced =
            |c: &PhaseCheck| applied.iter().any(|w| w.checks.iter().any(|o| o.phase == c.phase && o.mode == c.mode));
        let mut checks: Vec<&PhaseCheck> = self.checks.iter().filter(|c| !replaced(c)).collect();
        checks.extend(applied.iter().flat_map(|w| w.checks.iter()));
        (checks, applied)
    }

    /// Every expectation, on whichever major (for checks of the scenario as a whole).
    pub(crate) fn all_checks(&self) -> impl Iterator<Item = &PhaseCheck> {
        self.checks.iter().chain(self.when.iter().flat_map(|w| w.checks.iter()))
    }

    /// The plan modes to capture in `phase` on `major`: the custom plan always, the generic
    /// one when an expectation asks for it.
    pub(crate) fn modes(&self, phase: Phase, major: Option<u32>) -> Vec<PlanMode> {
        if !self.runs_in(phase) {
            return Vec::new();
        }
        let mut modes = vec![PlanMode::Custom];
        if self.checks_for(major).0.iter().any(|c| c.phase == phase && c.mode == PlanMode::Generic) {
            modes.push(PlanMode::Generic);
        }
        modes
    }
}

impl Validator<'_> {
    pub(crate) fn query(&self, raw: Spanned<RawQuery>) -> Result<QuerySpec> {
        let raw = raw.into_inner();
        let at = self.at(raw.name.span());
        let name = raw.name.get_ref().clone();
        if name.trim().is_empty() {
            return self.err(raw.name.span(), "empty query `name` (expected a short kebab-case name)");
        }
        if name.chars().any(char::is_control) {
            return self.err(
                raw.name.span(),
                format!("query `name` {name:?} holds control characters (expected a short kebab-case name: it is printed in CI logs and reports)"),
            );
        }
        let who = format!("query `{name}`");
        let sql = raw.sql.get_ref().clone();
        one_statement(&sql).or_else(|m| self.err(raw.sql.span(), format!("{who}: `sql` {m}")))?;
        let placeholders = placeholders(&sql).or_else(|m| self.err(raw.sql.span(), format!("{who}: {m}")))?;
        let max = placeholders.iter().copied().max().unwrap_or(0);
        if max > raw.params.len() {
            return self.err(
                raw.sql.span(),
                format!(
                    "{who} uses `${max}` but `params` has {} entr{} (expected one `params` entry per placeholder)",
                    raw.params.len(),
                    if raw.params.len() == 1 { "y" } else { "ies" }
                ),
            );
        }
        if let Some(missing) = (1..=raw.params.len()).find(|i| !placeholders.contains(i)) {
            return self.err(
                raw.params[missing - 1].span(),
                format!("{who}: `params` entry {missing} is never used (expected the SQL to use `${missing}`)"),
            );
        }
        let mut params = Vec::new();
        for p in raw.params {
            params.push(self.param(&who, p)?);
        }
        let phases = self.phases(&who, raw.phases.as_ref())?;
        self.phase_tables_run(&who, &phases, [&raw.before, &raw.after, &raw.before_generic, &raw.after_generic])?;
        let checks = self.phase_checks(&who, [raw.before, raw.after, raw.before_generic, raw.after_generic])?;
        let mut when: Vec<VersionChecks> = Vec::new();
        for w in raw.when {
            let span = w.span();
            let w = w.into_inner();
            let items = w.postgres.get_ref().items(w.postgres.span());
            let texts: Vec<String> = items.iter().map(|(text, _)| text.clone()).collect();
            // An error about one item points at that item.
            let versions = VersionSet::parse_items(&texts).or_else(|(item, m)| {
                let at = item.map_or_else(|| w.postgres.span(), |i| items[i].1.clone());
                self.err(at, format!("{who}: `when`: {m}"))
            })?;
            if w.why.get_ref().trim().is_empty() {
                return self.err(
                    w.why.span(),
                    format!(
                        "{who}: `when`: empty `why` (expected why PostgreSQL {versions} plans this query differently)"
                    ),
                );
            }
            self.phase_tables_run(&who, &phases, [&w.before, &w.after, &w.before_generic, &w.after_generic])?;
            let checks = self.phase_checks(&who, [w.before, w.after, w.before_generic, w.after_generic])?;
            if checks.is_empty() {
                return self.err(span, format!(
                    "{who}: `when` for PostgreSQL {versions} sets no expectation (expected at least one of `before`, `after`, `before-generic`, `after-generic`)"
                ));
            }
            // Two entries that both replace the same expectation on one major would make the
            // verdict depend on their order in the file.
            for earlier in &when {
                let shared = earlier.versions.overlap(&versions);
                let both =
                    checks.iter().find(|c| earlier.checks.iter().any(|e| e.phase == c.phase && e.mode == c.mode));
                if let (Some(first), Some(c)) = (shared.first(), both) {
                    return self.err(w.postgres.span(), format!(
                        "{who}: `when` entries for PostgreSQL {} and {versions} both set `{}` on PostgreSQL {first} (expected each major's expectation set once)",
                        earlier.versions,
                        phase_key(c.phase, c.mode)
                    ));
                }
            }
            when.push(VersionChecks { versions, why: w.why.into_inner(), at: self.at(span), checks });
        }
        Ok(QuerySpec { name, at, sql, params, checks, when, phases })
    }

    /// `phases = ["after"]`: the phases a query runs in, each once; all three without the key.
    fn phases(&self, who: &str, raw: Option<&Spanned<Vec<Spanned<String>>>>) -> Result<Vec<Phase>> {
        let Some(raw) = raw else { return Ok(vec![Phase::Before, Phase::After, Phase::Rollback]) };
        if raw.get_ref().is_empty() {
            return self.err(raw.span(), format!("{who}: empty `phases` (expected some of \"before\", \"after\", \"rollback\", or no key for all three)"));
        }
        let mut phases = Vec::new();
        for item in raw.get_ref() {
            let phase = match item.get_ref().as_str() {
                "before" => Phase::Before,
                "after" => Phase::After,
                "rollback" => Phase::Rollback,
                other => {
                    return self.err(
                        item.span(),
                        format!(
                        "{who}: unknown phase `{other}` in `phases` (expected \"before\", \"after\" or \"rollback\")"
                    ),
                    )
                }
            };
            if phases.contains(&phase) {
                return self.err(
                    item.span(),
                    format!("{who}: `phases` names `{}` twice (expected each phase once)", phase.as_str()),
                );
            }
            phases.push(phase);
        }
        Ok(phases)
    }

    /// A phase table (`before`, `after-generic`, …) of a phase the query does not run in would
    /// never be judged; a `speedup` after the migration needs the query's figures before it.
    fn phase_tables_run(&self, who: &str, phases: &[Phase], raws: [&Option<Spanned<RawPhase>>; 4]) -> Result<()> {
        let keys = [
            (Phase::Before, "before"),
            (Phase::After, "after"),
            (Phase::Before, "before-generic"),
            (Phase::After, "after-generic"),
        ];
        for ((phase, key), raw) in keys.into_iter().zip(raws) {
            let Some(table) = raw else { continue };
            if !phases.contains(&phase) {
                return self.err(table.span(), format!(
                    "{who}: `{key}` expectations, but `phases` leaves out `{}` (expected `{}` in `phases`, or no `{key}` table)",
                    phase.as_str(), phase.as_str()
                ));
            }
            let t = table.get_ref();
            if phase == Phase::After && !phases.contains(&Phase::Before) {
                if let Some(speedup) = t.speedup.as_ref().or(t.claimed_speedup.as_ref()) {
                    return self.err(speedup.span(), format!(
                        "{who}: a speedup compares the query before and after the migration, but `phases` leaves out `before` (expected `before` in `phases`, or no speedup)"
                    ));
                }
            }
        }
        Ok(())
    }

    fn param(&self, who: &str, raw: Spanned<RawParam>) -> Result<ParamSpec> {
        let span = raw.span();
        let raw = raw.into_inner();
        match (raw.sample, raw.value) {
            (Some(_), None) if raw.filter.as_deref().is_some_and(|f| one_statement(&format!("SELECT 1 WHERE {f}")).is_err()) => {
                self.err(span, format!("{who}: `where` `{}` is not one condition (expected an SQL condition such as `deleted_at IS NULL`, no `;`)", raw.filter.unwrap_or_default()))
            }
            (Some(sample), None) => match sample.get_ref().split_once('.') {
                Some((t, c)) if !t.is_empty() && !c.is_empty() && !c.contains('.') => Ok(ParamSpec::Sample {
                    table: t.to_string(),
                    column: c.to_string(),
                    filter: raw.filter,
                    at: self.at(sample.span()),
                }),
                _ => self.err(sample.span(), format!("{who}: invalid `sample` `{}` (expected `table.column`)", sample.get_ref())),
            },
            (None, Some(value)) if raw.filter.is_none() => Ok(ParamSpec::Value(value.into_inner())),
            (None, Some(_)) => self.err(span, format!("{who}: `where` applies only to `sample` (expected `{{ sample = \"table.column\", where = \"...\" }}`)")),
            _ => self.err(span, format!("{who}: a parameter needs exactly one of `sample` or `value` (expected `{{ sample = \"table.column\" }}` or `{{ value = 42 }}`)")),
        }
    }
}

/// `Ok` when `sql` holds exactly one statement (a `;` at its end is fine): a scenario's SQL
/// runs inside a transaction that is rolled back, and a second statement would be a way out.
pub(crate) fn one_statement(sql: &str) -> std::result::Result<(), String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .map_err(|e| format!("cannot be read: {e} (expected a single SQL statement)"))?;
    let mut seen_statement = false;
    let mut ended = false;
    for t in &tokens {
        match &t.token {
            Token::Whitespace(_) => {}
            Token::SemiColon => ended = seen_statement,
            _ if ended => {
                let (line, column) = (t.span.start.line, t.span.start.column);
                return Err(format!(
                    "holds a second statement at its line {line}, column {column} (expected a single SQL statement)"
                ));
            }
            _ => seen_statement = true,
        }
    }
    if seen_statement {
        Ok(())
    } else {
        Err("is empty (expected a single SQL statement)".into())
    }
}

/// The `$N` placeholders a query uses, found with a real SQL tokenizer so that `$1` inside a
/// string or a comment does not count.
pub(crate) fn placeholders(sql: &str) -> std::result::Result<BTreeSet<usize>, String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize()
        .map_err(|e| format!("cannot read the SQL: {e} (expected a single SQL statement)"))?;
    let mut found = BTreeSet::new();
    for token in tokens {
        if let Token::Placeholder(p) = token {
            if let Some(n) = p.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
                if n == 0 {
                    return Err("`$0` is not a placeholder (expected `$1`, `$2`, ...)".into());
                }
                found.insert(n);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::section::expectations::Expect;
    use crate::scenario::validate::testing::section;

    /// Query `q` with `keys` after its name (line 3 on), validated; `keys` that start with
    /// `[[queries]]` are the whole text.
    fn query(keys: &str) -> std::result::Result<QuerySpec, String> {
        let text = if keys.starts_with("[[queries]]") {
            keys.to_string()
        } else {
            format!("[[queries]]\nname = \"q\"\n{keys}")
        };
        section(Path::new("s.toml"), &text, "queries", |v, raw: Spanned<Vec<Spanned<RawQuery>>>| {
            v.query(raw.into_inner().remove(0))
        })
    }

    /// Query `q` on `SELECT 1` with the `[[queries.when]]` entries of `entries`.
    fn when(entries: &str) -> std::result::Result<Vec<(String, String, usize)>, String> {
        query(&format!("sql = \"SELECT 1\"\n{entries}"))
            .map(|q| q.when.into_iter().map(|w| (w.versions.to_string(), w.why, w.checks.len())).collect())
    }

    #[test]
    fn params_are_read_in_placeholder_order() {
        let q = query("sql = \"SELECT $1, $2, $3\"\nparams = [{ value = \"x\" }, { sample = \"t.a\", where = \"a > 0\" }, { sample = \"t.b\" }]")
            .expect("valid params");
        assert_eq!(
            q.params,
            [
                ParamSpec::Value(Literal::Text("x".into())),
                ParamSpec::Sample {
                    table: "t".into(),
                    column: "a".into(),
                    filter: Some("a > 0".into()),
                    at: Location { line: 4, col: 39 }
                },
                ParamSpec::Sample {
                    table: "t".into(),
                    column: "b".into(),
                    filter: None,
                    at: Location { line: 4, col: 76 }
                },
            ]
        );
        assert_eq!((q.name.as_str(), q.at, q.sql.as_str()), ("q", Location { line: 2, col: 8 }, "SELECT $1, $2, $3"));
    }

    #[test]
    fn placeholders_are_found_with_a_tokenizer() {
        type Case = (&'static str, &'static str, std::result::Result<&'static [usize], &'static str>);
        let cases: &[Case] = &[
            ("none", "SELECT 1", Ok(&[])),
            ("in order, once each", "SELECT $2, $1, $2", Ok(&[1, 2])),
            ("not in strings or comments", "SELECT '$1' -- $2\n, $3", Ok(&[3])),
            ("$0", "SELECT $0", Err("`$0` is not a placeholder (expected `$1`, `$2`, ...)")),
            (
                "an unterminated string",
                "SELECT 'abc",
                Err("cannot read the SQL: Unterminated string literal at Line: 1, Column: 8 (expected a single SQL statement)"),
            ),
        ];
        for (name, sql, expected) in cases {
            let found = placeholders(sql).map(|p| p.into_iter().collect::<Vec<_>>());
            assert_eq!(found, expected.map(<[usize]>::to_vec).map_err(str::to_string), "{name}");
        }
    }

    #[test]
    fn when_entries_are_read_with_their_versions() {
        let entries = "[queries.after]\nplan = \"index i\"\n[[queries.when]]\npostgres = \"<= 15\"\nwhy = \"w\"\nafter = { plan = \"seq-scan\" }\n[[queries.when]]\npostgres = [\">= 16\", 13]\nwhy = \"w2\"\nbefore-generic = { plan = \"sort\" }\nbefore = { plan = \"sort\" }";
        assert_eq!(when(entries), Ok(vec![("<= 15".into(), "w".into(), 1), (">= 16, 13".into(), "w2".into(), 2)]));
    }

    #[test]
    fn invalid_queries_say_what_was_expected() {
        let forms = "(expected `{ sample = \"table.column\" }` or `{ value = 42 }`)";
        let cases = [
            ("an empty name", "[[queries]]\nname = \"\"\nsql = \"SELECT 1\"", "2:8: empty query `name` (expected a short kebab-case name)".to_string()),
            ("SQL that does not tokenize", "sql = \"SELECT 'abc\"", "3:7: query `q`: `sql` cannot be read: Unterminated string literal at Line: 1, Column: 8 (expected a single SQL statement)".into()),
            ("control characters in the name", "[[queries]]\nname = \"q\\n::error::forged\"\nsql = \"SELECT 1\"", "2:8: query `name` \"q\\n::error::forged\" holds control characters (expected a short kebab-case name: it is printed in CI logs and reports)".into()),
            ("two statements", "sql = \"SELECT 1; DROP TABLE agents\"", "3:7: query `q`: `sql` holds a second statement at its line 1, column 11 (expected a single SQL statement)".into()),
            ("empty SQL", "sql = \" -- nothing\\n\"", "3:7: query `q`: `sql` is empty (expected a single SQL statement)".into()),
            ("a second statement in a sample's where", "sql = \"SELECT $1\"\nparams = [{ sample = \"t.a\", where = \"true; DROP TABLE t\" }]", "4:11: query `q`: `where` `true; DROP TABLE t` is not one condition (expected an SQL condition such as `deleted_at IS NULL`, no `;`)".into()),
            ("$0", "sql = \"SELECT $0\"", "3:7: query `q`: `$0` is not a placeholder (expected `$1`, `$2`, ...)".into()),
            ("a placeholder and no params", "sql = \"SELECT $1\"", "3:7: query `q` uses `$1` but `params` has 0 entries (expected one `params` entry per placeholder)".into()),
            ("two placeholders and one param", "sql = \"SELECT $1, $2\"\nparams = [{ value = 1 }]", "3:7: query `q` uses `$2` but `params` has 1 entry (expected one `params` entry per placeholder)".into()),
            ("$3 and two params", "sql = \"SELECT $3\"\nparams = [{ value = 1 }, { value = 2 }]", "3:7: query `q` uses `$3` but `params` has 2 entries (expected one `params` entry per placeholder)".into()),
            ("a param never used", "sql = \"SELECT $2\"\nparams = [{ value = 1 }, { value = 2 }]", "4:11: query `q`: `params` entry 1 is never used (expected the SQL to use `$1`)".into()),
            ("a placeholder in a string does not count", "sql = \"SELECT '$1'\"\nparams = [{ value = 1 }]", "4:11: query `q`: `params` entry 1 is never used (expected the SQL to use `$1`)".into()),
            ("sample without a dot", "sql = \"SELECT $1\"\nparams = [{ sample = \"t\" }]", "4:22: query `q`: invalid `sample` `t` (expected `table.column`)".into()),
            ("sample with two dots", "sql = \"SELECT $1\"\nparams = [{ sample = \"a.b.c\" }]", "4:22: query `q`: invalid `sample` `a.b.c` (expected `table.column`)".into()),
            ("where on a value", "sql = \"SELECT $1\"\nparams = [{ value = 1, where = \"x\" }]", "4:11: query `q`: `where` applies only to `sample` (expected `{ sample = \"table.column\", where = \"...\" }`)".into()),
            ("neither sample nor value", "sql = \"SELECT $1\"\nparams = [{ where = \"x\" }]", format!("4:11: query `q`: a parameter needs exactly one of `sample` or `value` {forms}")),
            ("both sample and value", "sql = \"SELECT $1\"\nparams = [{ value = 1, sample = \"t.a\" }]", format!("4:11: query `q`: a parameter needs exactly one of `sample` or `value` {forms}")),
        ];
        for (name, keys, expected) in cases {
            assert_eq!(query(keys).map(|_| ()), Err(expected), "{name}");
        }
    }

    #[test]
    fn invalid_when_entries_say_what_was_expected() {
        let versions = "(expected a major like \"17\", a range like \"13-16\" or a bound like \"<= 17\")";
        let cases = [
            ("a bad item points at it", "[[queries.when]]\npostgres = [\"16\", \"latest\"]\nwhy = \"w\"\nafter = { plan = \"seq-scan\" }", format!("5:19: query `q`: `when`: invalid version `latest` {versions}")),
            ("a range the wrong way round", "[[queries.when]]\npostgres = \"16-13\"\nwhy = \"w\"\nafter = { plan = \"seq-scan\" }", "5:12: query `q`: `when`: invalid version range `16-13` (expected the lower major first, like \"13-16\")".into()),
            ("no versions", "[[queries.when]]\npostgres = []\nwhy = \"w\"\nafter = { plan = \"seq-scan\" }", format!("5:12: query `q`: `when`: empty list of versions {versions}")),
            ("an empty why", "[[queries.when]]\npostgres = \"<= 15\"\nwhy = \" \"\nafter = { plan = \"seq-scan\" }", "6:7: query `q`: `when`: empty `why` (expected why PostgreSQL <= 15 plans this query differently)".into()),
            ("no expectation", "[[queries.when]]\npostgres = \"13-15\"\nwhy = \"w\"", "4:1: query `q`: `when` for PostgreSQL 13-15 sets no expectation (expected at least one of `before`, `after`, `before-generic`, `after-generic`)".into()),
            (
                "two entries set one phase on one major",
                "[[queries.when]]\npostgres = \"<= 15\"\nwhy = \"w\"\nafter = { plan = \"seq-scan\" }\n[[queries.when]]\npostgres = [\"14\", \"17\"]\nwhy = \"w2\"\nafter = { plan = \"sort\" }",
                "9:12: query `q`: `when` entries for PostgreSQL <= 15 and 14, 17 both set `after` on PostgreSQL 14 (expected each major's expectation set once)".into(),
            ),
            (
                "and the generic plan",
                "[[queries.when]]\npostgres = \"<= 15\"\nwhy = \"w\"\nafter-generic = { plan = \"seq-scan\" }\n[[queries.when]]\npostgres = \">= 15\"\nwhy = \"w2\"\nafter-generic = { plan = \"sort\" }",
                "9:12: query `q`: `when` entries for PostgreSQL <= 15 and >= 15 both set `after-generic` on PostgreSQL 15 (expected each major's expectation set once)".into(),
            ),
        ];
        for (name, entries, expected) in cases {
            assert_eq!(when(entries), Err(expected), "{name}");
        }
        let apart = "[[queries.when]]\npostgres = \"<= 15\"\nwhy = \"w\"\nafter = { plan = \"seq-scan\" }\n[[queries.when]]\npostgres = \"16\"\nwhy = \"w2\"\nafter = { plan = \"sort\" }";
        assert!(when(apart).is_ok(), "entries on different majors may set the same phase");
    }

    fn check(phase: Phase, mode: PlanMode, pattern: &str) -> PhaseCheck {
        PhaseCheck {
            phase,
            mode,
            at: Location::default(),
            expects: vec![Expect::Plan(pattern.parse().expect("a valid pattern"))],
        }
    }

    fn entry(versions: &str, checks: Vec<PhaseCheck>) -> VersionChecks {
        VersionChecks {
            versions: VersionSet::parse(&[versions.to_string()]).expect("valid versions"),
            why: "a reason".into(),
            at: Location::default(),
            checks,
        }
    }

    fn spec() -> QuerySpec {
        QuerySpec {
            name: "q".into(),
            at: Location::default(),
            sql: "SELECT 1".into(),
            params: Vec::new(),
            checks: vec![
                check(Phase::Before, PlanMode::Custom, "seq-scan on t"),
                check(Phase::After, PlanMode::Custom, "index ix_new"),
            ],
            when: vec![
                entry("<= 17", vec![check(Phase::After, PlanMode::Custom, "seq-scan on t")]),
                entry("13", vec![check(Phase::After, PlanMode::Generic, "bitmap-heap-scan on t")]),
            ],
            phases: vec![Phase::Before, Phase::After, Phase::Rollback],
        }
    }

    fn patterns(checks: &[&PhaseCheck]) -> Vec<String> {
        let first = |c: &PhaseCheck| match &c.expects[0] {
            Expect::Plan(p) => p.to_string(),
            other => format!("{other:?}"),
        };
        checks.iter().map(|c| format!("{}{:?}: {}", c.phase.as_str(), c.mode, first(c))).collect()
    }

    #[test]
    fn a_matching_entry_replaces_only_the_phase_it_sets() {
        let q = spec();
        let (checks, applied) = q.checks_for(Some(15));
        assert_eq!(patterns(&checks), ["beforeCustom: seq-scan on t", "afterCustom: seq-scan on t"]);
        assert_eq!(applied.len(), 1);
    }

    #[test]
    fn other_majors_and_an_unknown_server_keep_the_query_s_own() {
        let q = spec();
        for major in [Some(18), None] {
            let (checks, applied) = q.checks_for(major);
            assert_eq!(patterns(&checks), ["beforeCustom: seq-scan on t", "afterCustom: index ix_new"], "{major:?}");
            assert!(applied.is_empty());
        }
    }

    #[test]
    fn entries_for_different_phases_combine_and_ask_for_the_generic_plan() {
        let q = spec();
        let (checks, applied) = q.checks_for(Some(13));
        assert_eq!(applied.len(), 2);
        assert_eq!(checks.len(), 3);
        assert_eq!(q.modes(Phase::After, Some(13)), [PlanMode::Custom, PlanMode::Generic]);
        assert_eq!(q.modes(Phase::After, Some(15)), [PlanMode::Custom]);
    }
}
