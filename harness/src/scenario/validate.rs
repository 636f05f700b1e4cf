//! Turns the raw file structs into the validated model. Each check reports the position of
//! the value at fault and what was expected there.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};
use toml::Spanned;

use super::column::{ColumnSpec, GenKind, Literal};
use super::duration::parse_duration;
use super::error::ScenarioError;
use super::index::{IndexColumn, IndexSpec, METHODS};
use super::model::*;
use super::raw::*;
use super::size::parse_size;
use super::source::SourceFile;

/// Parses and validates one scenario file's text.
pub fn parse(src: &SourceFile) -> Result<Scenario> {
    let raw: RawScenario = toml::from_str(&src.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        src.error(span.clone(), toml_message(&e, src, span))
    })?;
    Validator { src }.scenario(raw)
}

/// toml's and serde's message, made to read like ours: one line, lowercase, the key named,
/// and "expected" in words rather than Rust type names.
fn toml_message(e: &toml::de::Error, src: &SourceFile, span: Range<usize>) -> String {
    let mut msg = e.message().trim().replace('\n', " ");
    for (rust, words) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected an integer >= 0"),
        ("expected u32", "expected an integer >= 0"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected struct Raw", "expected a table like `{ ... }` of "),
        ("missing field", "missing required key"),
        ("unknown field", "unknown key"),
    ] {
        msg = msg.replace(rust, words);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        // serde says `invalid type: string "ten", expected an integer`; say so for the key.
        if let Some((found, expected)) = rest.split_once(", expected ") {
            msg = format!("invalid value {found} (expected {expected})");
        }
    }
    if msg.starts_with("unknown key") {
        if let Some((head, list)) = msg.split_once(", expected ") {
            msg = format!("{head} (expected {list})");
        }
    }
    let key = key_at(&src.text, span.start);
    let mut chars = msg.chars();
    let msg: String = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "invalid TOML".to_string(),
    };
    match key {
        Some(key) if msg.starts_with("invalid value") || msg.starts_with("duplicate key") => format!("`{key}`: {msg}"),
        _ => msg,
    }
}

/// The key whose value starts at `offset` (`rows = "ten"` → `rows`), or the key at `offset`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before = text[line_start..offset].trim_end();
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' || c == '"';
    if let Some(before_eq) = before.strip_suffix('=') {
        let key: String = before_eq
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| is_key_char(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return (!key.is_empty()).then_some(key);
    }
    let key: String = text[offset..line_end].chars().take_while(|c| is_key_char(*c)).collect();
    (!key.is_empty()).then_some(key)
}

pub(super) struct Validator<'a> {
    pub(super) src: &'a SourceFile,
}

pub(super) type Result<T> = std::result::Result<T, ScenarioError>;

const GENERATORS: &str = "`uuid`, `sha256-hex`, `token`, `first-name`, `last-name`, `name`, \
    `email`, `word`, `sentence`, `company`, `int`, `float`, `sequence`, `timestamp`, `bool` \
    (or `one-of = [...]`, or `references = \"table.column\"`)";

impl Validator<'_> {
    pub(super) fn err<T>(&self, span: Range<usize>, message: impl Into<String>) -> Result<T> {
        Err(self.src.error(span, message))
    }

    pub(super) fn at(&self, span: Range<usize>) -> Location {
        self.src.location(span.start)
    }

    fn scenario(&self, raw: RawScenario) -> Result<Scenario> {
        let name_span = raw.name.span();
        let name = raw.name.into_inner();
        if name.trim().is_empty() {
            return self.err(name_span, "empty scenario `name` (expected a short kebab-case name)");
        }
        let seed = match raw.seed {
            None => 0,
            Some(s) => {
                let span = s.span();
                u64::try_from(*s.get_ref()).or_else(|_| {
                    self.err(span, format!("invalid `seed` `{}` (expected an integer >= 0)", s.get_ref()))
                })?
            }
        };
        let database = self.database(raw.database)?;
        let explain = self.explain(raw.explain)?;
        let tables = self.tables(raw.tables)?;
        let mut queries = Vec::new();
        let mut names = BTreeSet::new();
        for q in raw.queries {
            let query = self.query(q)?;
            if !names.insert(query.name.clone()) {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: query.at,
                    message: format!(
                        "duplicate query name `{}` (expected each query to have its own name)",
                        query.name
                    ),
                });
            }
            queries.push(query);
        }
        let migration = match raw.migration {
            None => MigrationSpec::default(),
            Some(m) => self.migration(m.into_inner())?,
        };
        if migration.expect_error.is_some() {
            // A migration expected to fail leaves no "after" to check: such expectations
            // would silently never run.
            if let Some(q) = queries.iter().find(|q| q.all_checks().any(|c| c.phase == Phase::After)) {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: q.at,
                    message: format!(
                        "query `{}` has `after` expectations, but `expect-error` says the migration fails (expected only `before` expectations; check the fixed migration in a scenario of its own)",
                        q.name
                    ),
                });
            }
        }
        let matrix = match raw.matrix {
            None => Vec::new(),
            Some(m) => self.matrix(m.into_inner(), database.postgres.as_deref())?,
        };
        let mut indexes: Vec<IndexSpec> = Vec::new();
        for i in raw.indexes {
            let spec = self.index(i)?;
            if indexes.iter().any(|o| o.name == spec.name) {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: spec.at,
                    message: format!("duplicate `[[indexes]]` entry `{}` (expected each index once)", spec.name),
                });
            }
            indexes.push(spec);
        }
        if migration.expect_error.is_some() {
            if let Some(i) = indexes.first() {
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: i.at,
                    message: format!(
                        "index `{}` is described under `[[indexes]]`, but `expect-error` says the migration fails (expected no `[[indexes]]`: they are checked after a migration that applied)",
                        i.name
                    ),
                });
            }
        }
        if let (Some(tool), Some(r)) = (&database.tool, &migration.reversible) {
            if r.down.is_some() {
                // A SQL file would undo the schema but not the tool's own record of what it
                // applied (`alembic_version`, `django_migrations`): up again would do nothing.
                return Err(ScenarioError::Invalid {
                    path: self.src.path.clone(),
                    at: r.down_at,
                    message: format!(
                        "migration: `down` names a SQL file, but `{}` runs the migrations (expected no `down`: the tool's own down step runs, and it keeps the tool's record of what is applied)",
                        tool.name()
                    ),
                });
            }
        }
        let load = self.workload(raw.load, &migration, &tables, &queries)?;
        Ok(Scenario {
            path: self.src.path.clone(),
            name,
            description: raw.description.unwrap_or_default(),
            seed,
            database,
            explain,
            tables,
            queries,
            migration,
            matrix,
            indexes,
            load,
        })
    }

    fn index(&self, raw: Spanned<RawIndex>) -> Result<IndexSpec> {
        let raw = raw.into_inner();
        let at = self.at(raw.name.span());
        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            return self
                .err(raw.name.span(), "empty index `name` (expected the index's name, as `CREATE INDEX` gives it)");
        }
        let who = format!("index `{name}`");
        let columns = match raw.columns {
            None => None,
            Some(list) if list.get_ref().is_empty() => {
                return self.err(list.span(), format!("{who}: empty `columns` (expected the key columns in order, like [\"customer_id\", \"created_at DESC\"])"));
            }
            Some(list) => {
                let mut columns = Vec::new();
                for text in list.get_ref() {
                    columns.push(
                        text.get_ref()
                            .parse::<IndexColumn>()
                            .or_else(|m| self.err(text.span(), format!("{who}: {m}")))?,
                    );
                }
                Some(columns)
            }
        };
        let predicate = match raw.predicate {
            Some(p) if p.get_ref().trim().is_empty() => {
                return self.err(
                    p.span(),
                    format!(
                        "{who}: empty `where` (expected the partial index's predicate, like \"deleted_at IS NULL\")"
                    ),
                );
            }
            p => p.map(Spanned::into_inner),
        };
        let method = match raw.method {
            None => None,
            Some(m) => {
                let lower = m.get_ref().to_ascii_lowercase();
                if !METHODS.contains(&lower.as_str()) {
                    return self.err(
                        m.span(),
                        format!("{who}: unknown `method` `{}` (expected one of {})", m.get_ref(), METHODS.join(", ")),
                    );
                }
                Some(lower)
            }
        };
        let max_size = match raw.max_size {
            None => None,
            Some(s) => {
                Some(parse_size(s.get_ref()).or_else(|m| self.err(s.span(), format!("{who}: `max-size`: {m}")))?)
            }
        };
        Ok(IndexSpec {
            name,
            at,
            table: raw.table,
            columns,
            include: raw.include,
            predicate,
            unique: raw.unique,
            method,
            max_size,
        })
    }

    /// `[matrix] postgres = ["13", "15", "18"]`: plain majors, each once.
    fn matrix(&self, raw: RawMatrix, postgres: Option<&str>) -> Result<Vec<String>> {
        let span = raw.postgres.span();
        let items = raw.postgres.get_ref().items(span.clone());
        if items.is_empty() {
            return self
                .err(span, "matrix: empty `postgres` (expected majors to run on, like [\"13\", \"15\", \"18\"])");
        }
        let mut majors: Vec<String> = Vec::new();
        for (text, at) in items {
            match text.trim().parse::<u32>() {
                Ok(m) if (10..=99).contains(&m) && !majors.contains(&m.to_string()) => majors.push(m.to_string()),
                Ok(m) if (10..=99).contains(&m) => {
                    return self
                        .err(at, format!("matrix: PostgreSQL `{m}` is listed twice (expected each major once)"));
                }
                _ => {
                    return self.err(at, format!("matrix: invalid version `{text}` (expected a major version like \"16\"; ranges belong in `[[queries.when]]`)"));
                }
            }
        }
        if let Some(p) = postgres.filter(|p| !majors.iter().any(|m| m == p)) {
            return self.err(span, format!(
                "matrix: `postgres = \"{p}\"` in [database] is not in the matrix {majors:?} (expected the scenario's own major among those it runs on)"
            ));
        }
        Ok(majors)
    }

    fn database(&self, raw: Spanned<RawDatabase>) -> Result<DatabaseSpec> {
        let raw = raw.into_inner();
        let tool = super::tool::tool_spec(self.src, &raw, &self.src.resolve(raw.migrations.get_ref()))?;
        let tool_timeout = match &raw.tool_timeout {
            None => DEFAULT_TOOL_TIMEOUT,
            Some(t) if tool.is_none() => {
                return self.err(t.span(), "`tool-timeout` applies only to migrations a tool runs (expected `tool = \"alembic\"`, `\"django\"` or `\"command\"` beside it)");
            }
            Some(t) => parse_duration(t.get_ref()).or_else(|m| self.err(t.span(), format!("`tool-timeout`: {m}")))?,
        };
        let postgres = match raw.postgres {
            None => None,
            Some(v) => {
                let span = v.span();
                let text = v.into_inner().0;
                match text.parse::<u32>() {
                    // Stored as the major, so that `"016"` and `16` name the same version.
                    Ok(major) if (10..=99).contains(&major) => Some(major.to_string()),
                    _ => {
                        return self.err(
                            span,
                            format!("invalid `postgres` version `{text}` (expected a major version like \"16\")"),
                        );
                    }
                }
            }
        };
        let mut schema = Vec::new();
        if let Some(files) = raw.schema {
            let whole = files.span();
            for (file, span) in files.into_inner().items(whole) {
                let path = self.src.resolve(&file);
                if !path.is_file() {
                    return self.err(span, format!("schema file `{file}` not found (looked for `{}`)", path.display()));
                }
                schema.push(path);
            }
        }
        let mig_span = raw.migrations.span();
        let migrations = self.src.resolve(raw.migrations.get_ref());
        if !migrations.is_dir() {
            return self.err(
                mig_span,
                format!(
                    "migrations folder `{}` not found (looked for `{}`)",
                    raw.migrations.get_ref(),
                    migrations.display()
                ),
            );
        }
        let under_test_at = self.at(raw.under_test.span());
        let under_test = raw.under_test.into_inner();
        let transaction = match raw.transaction {
            None => None,
            Some(t) => Some(match t.get_ref().as_str() {
                "per-file" => TransactionMode::PerFile,
                "none" => TransactionMode::None,
                other => {
                    return self
                        .err(t.span(), format!("invalid `transaction` `{other}` (expected `per-file` or `none`)"));
                }
            }),
        };
        Ok(DatabaseSpec { postgres, schema, migrations, under_test, under_test_at, transaction, tool, tool_timeout })
    }

    fn explain(&self, raw: Option<Spanned<RawExplain>>) -> Result<ExplainSpec> {
        let mut settings: BTreeMap<String, String> =
            DEFAULT_SETTINGS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (mut warmup, mut runs, mut samples, mut max_repeats) = (2, 10, 30, 2);
        if let Some(raw) = raw {
            let raw = raw.into_inner();
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
        Ok(ExplainSpec { warmup, runs, samples, max_repeats, settings: settings.into_iter().collect() })
    }

    fn count(&self, v: &Spanned<i64>, key: &str, min: i64) -> Result<u32> {
        let n = *v.get_ref();
        if n < min || n > 10_000 {
            return self.err(v.span(), format!("invalid `{key}` `{n}` (expected an integer from {min} to 10000)"));
        }
        Ok(n as u32)
    }

    fn tables(&self, raw: BTreeMap<Spanned<String>, Spanned<RawTable>>) -> Result<Vec<TableSpec>> {
        let mut tables = Vec::new();
        for (name, table) in raw {
            let at = self.at(name.span());
            let table_name = name.into_inner();
            check_identifier(&table_name).or_else(|m| self.err(table.span(), m))?;
            let table = table.into_inner();
            let rows = *table.rows.get_ref();
            if !(0..=1_000_000_000).contains(&rows) {
                return self.err(
                    table.rows.span(),
                    format!("invalid `rows` `{rows}` for table `{table_name}` (expected 0 to 1000000000)"),
                );
            }
            let mut columns = Vec::new();
            for (col, spec) in table.columns {
                let col_at = self.at(col.span());
                let col_name = col.into_inner();
                check_identifier(&col_name).or_else(|m| self.err(spec.span(), m))?;
                let spec = self.column(&table_name, col_name, spec)?;
                columns.push(ColumnEntry { spec, at: col_at });
            }
            tables.push(TableSpec { name: table_name, at, rows: rows as u64, columns });
        }
        self.seeding_order(tables)
    }

    /// Orders tables so that every referenced table comes first; a cycle is an error.
    fn seeding_order(&self, mut pending: Vec<TableSpec>) -> Result<Vec<TableSpec>> {
        let names: BTreeSet<String> = pending.iter().map(|t| t.name.clone()).collect();
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut ordered = Vec::new();
        while !pending.is_empty() {
            let ready = pending.iter().position(|t| {
                t.columns.iter().all(|c| match &c.spec.gen {
                    GenKind::Ref { table, .. } => table == &t.name || !names.contains(table) || done.contains(table),
                    _ => true,
                })
            });
            match ready {
                Some(i) => {
                    let t = pending.remove(i);
                    if let Some(c) =
                        t.columns.iter().find(|c| matches!(&c.spec.gen, GenKind::Ref { table, .. } if table == &t.name))
                    {
                        return Err(ScenarioError::Invalid {
                            path: self.src.path.clone(),
                            at: c.at,
                            message: format!(
                                "column `{}.{}` references its own table (expected a reference to another table)",
                                t.name, c.spec.name
                            ),
                        });
                    }
                    done.insert(t.name.clone());
                    ordered.push(t);
                }
                None => {
                    let t = &pending[0];
                    return Err(ScenarioError::Invalid {
                        path: self.src.path.clone(),
                        at: t.at,
                        message: format!(
                            "tables {} reference each other in a cycle (expected references that can be seeded parents first)",
                            pending.iter().map(|t| format!("`{}`", t.name)).collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
            }
        }
        Ok(ordered)
    }

    fn column(&self, table: &str, name: String, raw: Spanned<RawColumn>) -> Result<ColumnSpec> {
        let whole = raw.span();
        let raw = raw.into_inner();
        let who = format!("column `{table}.{name}`");
        let gen_name = raw.gen.as_ref().map(|g| g.get_ref().as_str());
        // Which keys were given, to reject ones that do not apply to the generator.
        let given: Vec<(&str, Range<usize>)> = [
            ("min", raw.min.as_ref().map(toml::Spanned::span)),
            ("max", raw.max.as_ref().map(toml::Spanned::span)),
            ("start", raw.start.as_ref().map(toml::Spanned::span)),
            ("end", raw.end.as_ref().map(toml::Spanned::span)),
            ("length", raw.length.as_ref().map(toml::Spanned::span)),
            ("prefix", raw.prefix.as_ref().map(|_| whole.clone())),
            ("true-ratio", raw.true_ratio.as_ref().map(toml::Spanned::span)),
            ("weights", raw.weights.as_ref().map(toml::Spanned::span)),
        ]
        .into_iter()
        .filter_map(|(k, s)| s.map(|s| (k, s)))
        .collect();
        let allow = |allowed: &[&str], kind: &str| -> Result<()> {
            for (key, span) in &given {
                if !allowed.contains(key) {
                    return self.err(
                        span.clone(),
                        format!(
                            "{who}: `{key}` does not apply to {kind} (expected only {})",
                            if allowed.is_empty() {
                                "the common keys `null-fraction`, `unique`, `distinct`, `skew`".to_string()
                            } else {
                                allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                            }
                        ),
                    );
                }
            }
            Ok(())
        };

        let sources = [raw.gen.is_some(), raw.one_of.is_some(), raw.references.is_some()];
        if sources.iter().filter(|s| **s).count() != 1 {
            return self.err(
                whole,
                format!("{who}: expected exactly one of `gen`, `one-of` or `references` (generators: {GENERATORS})"),
            );
        }

        let gen = if let Some(values) = &raw.one_of {
            allow(&["weights"], "`one-of`")?;
            let values_list = values.get_ref().clone();
            if values_list.is_empty() {
                return self.err(values.span(), format!("{who}: empty `one-of` (expected at least one value)"));
            }
            let weights = match &raw.weights {
                None => vec![1; values_list.len()],
                Some(w) => {
                    if w.get_ref().len() != values_list.len() {
                        return self.err(
                            w.span(),
                            format!(
                                "{who}: {} weights for {} values (expected one weight per `one-of` value)",
                                w.get_ref().len(),
                                values_list.len()
                            ),
                        );
                    }
                    let mut out = Vec::new();
                    for x in w.get_ref() {
                        match u32::try_from(*x) {
                            Ok(x) if x > 0 => out.push(x),
                            _ => {
                                return self.err(
                                    w.span(),
                                    format!("{who}: invalid weight `{x}` (expected integers from 1 to 4294967295)"),
                                )
                            }
                        }
                    }
                    out
                }
            };
            GenKind::OneOf { values: values_list, weights }
        } else if let Some(r) = &raw.references {
            allow(&[], "`references`")?;
            match r.get_ref().split_once('.') {
                Some((t, c)) if !t.is_empty() && !c.is_empty() && !c.contains('.') => {
                    GenKind::Ref { table: t.to_string(), column: c.to_string() }
                }
                _ => {
                    return self.err(
                        r.span(),
                        format!("{who}: invalid `references` `{}` (expected `table.column`)", r.get_ref()),
                    )
                }
            }
        } else {
            let gen = raw.gen.as_ref().expect("checked above");
            let span = gen.span();
            match gen_name.unwrap_or_default() {
                "uuid" => {
                    allow(&[], "`uuid`")?;
                    GenKind::Uuid
                }
                "sha256-hex" => {
                    allow(&[], "`sha256-hex`")?;
                    GenKind::Sha256Hex
                }
                "token" => {
                    allow(&["length", "prefix"], "`token`")?;
                    let length = match &raw.length {
                        None => 32,
                        Some(l) if (1..=1024).contains(l.get_ref()) => *l.get_ref() as usize,
                        Some(l) => {
                            return self.err(
                                l.span(),
                                format!("{who}: invalid `length` `{}` (expected 1 to 1024)", l.get_ref()),
                            )
                        }
                    };
                    GenKind::Token { length, prefix: raw.prefix.clone().unwrap_or_default() }
                }
                "first-name" => {
                    allow(&[], "`first-name`")?;
                    GenKind::FirstName
                }
                "last-name" => {
                    allow(&[], "`last-name`")?;
                    GenKind::LastName
                }
                "name" => {
                    allow(&[], "`name`")?;
                    GenKind::FullName
                }
                "email" => {
                    allow(&[], "`email`")?;
                    GenKind::Email
                }
                "word" => {
                    allow(&[], "`word`")?;
                    GenKind::Word
                }
                "sentence" => {
                    allow(&[], "`sentence`")?;
                    GenKind::Sentence
                }
                "company" => {
                    allow(&[], "`company`")?;
                    GenKind::CompanyName
                }
                "int" => {
                    allow(&["min", "max"], "`int`")?;
                    let min = self.int_bound(&who, raw.min.as_ref(), "min", 0)?;
                    let max = self.int_bound(&who, raw.max.as_ref(), "max", 1_000_000)?;
                    if min > max {
                        // At the bound written last in the pair: `max` if given, else `min`.
                        let at = raw.max.as_ref().or(raw.min.as_ref()).map_or(span, toml::Spanned::span);
                        return self.err(at, format!("{who}: `min` {min} is above `max` {max} (expected min <= max)"));
                    }
                    GenKind::Int { min, max }
                }
                "sequence" => {
                    allow(&["min"], "`sequence`")?;
                    GenKind::Sequence { start: self.int_bound(&who, raw.min.as_ref(), "min", 1)? }
                }
                "float" => {
                    allow(&["min", "max"], "`float`")?;
                    let min = self.float_bound(&who, raw.min.as_ref(), "min", 0.0)?;
                    let max = self.float_bound(&who, raw.max.as_ref(), "max", 1.0)?;
                    if min >= max {
                        let at = raw.max.as_ref().or(raw.min.as_ref()).map_or(span, toml::Spanned::span);
                        return self
                            .err(at, format!("{who}: `min` {min} is not below `max` {max} (expected min < max)"));
                    }
                    GenKind::Float { min, max }
                }
                "timestamp" => {
                    allow(&["start", "end"], "`timestamp`")?;
                    let start = self.instant(&who, raw.start.as_ref(), "2024-01-01")?;
                    let end = self.instant(&who, raw.end.as_ref(), "2026-01-01")?;
                    if start >= end {
                        let at = raw.end.as_ref().or(raw.start.as_ref()).map_or(span, toml::Spanned::span);
                        return self
                            .err(at, format!("{who}: `start` is not before `end` (expected a window start < end)"));
                    }
                    GenKind::Timestamp { start, end }
                }
                "bool" => {
                    allow(&["true-ratio"], "`bool`")?;
                    let true_ratio = match &raw.true_ratio {
                        None => 0.5,
                        Some(r) => self.fraction(&who, r, "true-ratio")?,
                    };
                    GenKind::Bool { true_ratio }
                }
                other => {
                    return self.err(span, format!("{who}: unknown generator `{other}` (expected one of {GENERATORS})"))
                }
            }
        };

        let null_fraction = match &raw.null_fraction {
            None => 0.0,
            Some(f) => self.fraction(&who, f, "null-fraction")?,
        };
        let unique = raw.unique.unwrap_or(false);
        let distinct = match &raw.distinct {
            None => None,
            Some(d) if (1..=10_000_000).contains(d.get_ref()) => Some(*d.get_ref() as u64),
            Some(d) => {
                return self.err(
                    d.span(),
                    format!("{who}: invalid `distinct` `{}` (expected a count from 1 to 10000000)", d.get_ref()),
                )
            }
        };
        if distinct.is_some() && matches!(gen, GenKind::Sequence { .. } | GenKind::OneOf { .. } | GenKind::Bool { .. })
        {
            let span = raw.distinct.as_ref().map_or(whole.clone(), toml::Spanned::span);
            return self.err(span, format!("{who}: `distinct` does not apply to this generator (expected it only on generators with an open range of values)"));
        }
        if unique && raw.skew.is_some() {
            return self.err(whole, format!("{who}: `unique` and `skew` contradict each other (expected one of them)"));
        }
        if unique && distinct.is_some() {
            return self
                .err(whole, format!("{who}: `unique` and `distinct` contradict each other (expected one of them)"));
        }
        let skew = match &raw.skew {
            None => None,
            Some(s) => {
                let v = *s.get_ref();
                if !(0.0..=10.0).contains(&v) {
                    return self.err(
                        s.span(),
                        format!("{who}: invalid `skew` `{v}` (expected a Zipf exponent from 0 to 10, e.g. 1.1)"),
                    );
                }
                if distinct.is_none() && !matches!(gen, GenKind::Ref { .. }) {
                    return self.err(
                        s.span(),
                        format!("{who}: `skew` needs a pool to skew over (expected `distinct = N` or `references`)"),
                    );
                }
                Some(v)
            }
        };
        Ok(ColumnSpec { name, gen, null_fraction, unique, distinct, skew })
    }

    fn int_bound(&self, who: &str, v: Option<&Spanned<Literal>>, key: &str, default: i64) -> Result<i64> {
        match v {
            None => Ok(default),
            Some(v) => match v.get_ref() {
                Literal::Int(i) => Ok(*i),
                other => self
                    .err(v.span(), format!("{who}: invalid `{key}` `{}` (expected an integer)", literal_text(other))),
            },
        }
    }

    fn float_bound(&self, who: &str, v: Option<&Spanned<Literal>>, key: &str, default: f64) -> Result<f64> {
        match v {
            None => Ok(default),
            Some(v) => match v.get_ref() {
                Literal::Int(i) => Ok(*i as f64),
                Literal::Float(f) if f.is_finite() => Ok(*f),
                other => {
                    self.err(v.span(), format!("{who}: invalid `{key}` `{}` (expected a number)", literal_text(other)))
                }
            },
        }
    }

    fn fraction(&self, who: &str, v: &Spanned<f64>, key: &str) -> Result<f64> {
        let f = *v.get_ref();
        if !(0.0..=1.0).contains(&f) {
            return self.err(v.span(), format!("{who}: invalid `{key}` `{f}` (expected a fraction from 0.0 to 1.0)"));
        }
        Ok(f)
    }

    fn instant(&self, who: &str, v: Option<&Spanned<String>>, default: &str) -> Result<DateTime<Utc>> {
        let (text, span) = match v {
            None => (default, 0..0),
            Some(v) => (v.get_ref().as_str(), v.span()),
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(t.with_timezone(&Utc));
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if let Some(t) = d.and_hms_opt(0, 0, 0) {
                return Ok(t.and_utc());
            }
        }
        self.err(span, format!("{who}: invalid instant `{text}` (expected a date like `2025-01-31` or RFC 3339 like `2025-01-31T12:00:00Z`)"))
    }

    fn query(&self, raw: Spanned<RawQuery>) -> Result<QuerySpec> {
        let raw = raw.into_inner();
        let at = self.at(raw.name.span());
        let name = raw.name.get_ref().clone();
        if name.trim().is_empty() {
            return self.err(raw.name.span(), "empty query `name` (expected a short kebab-case name)");
        }
        let who = format!("query `{name}`");
        let sql = raw.sql.get_ref().clone();
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
        Ok(QuerySpec { name, at, sql, params, checks, when })
    }

    /// The expectations of the four phase keys, in the order `before`, `after`,
    /// `before-generic`, `after-generic`.
    fn phase_checks(&self, who: &str, raws: [Option<Spanned<RawPhase>>; 4]) -> Result<Vec<PhaseCheck>> {
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

    fn param(&self, who: &str, raw: Spanned<RawParam>) -> Result<ParamSpec> {
        let span = raw.span();
        let raw = raw.into_inner();
        match (raw.sample, raw.value) {
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

    fn migration(&self, raw: RawMigration) -> Result<MigrationSpec> {
        let load = self.load_budgets(&raw)?;
        let max_duration = match raw.max_duration {
            None => None,
            Some(d) => Some(parse_duration(d.get_ref()).or_else(|m| self.err(d.span(), format!("migration: {m}")))?),
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
                        if !path.is_file() {
                            return self.err(
                                d.span(),
                                format!(
                                    "migration: down file `{}` not found (looked for `{}`)",
                                    d.get_ref(),
                                    path.display()
                                ),
                            );
                        }
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
                Some(Reversibility { at: self.at(r.span()), down, down_at, max_down_duration, expect_leftovers })
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
        Ok(MigrationSpec { max_duration, expect_error, reversible, load })
    }
}

/// The scenario key of a phase and plan mode: `after`, `before-generic`.
fn phase_key(phase: Phase, mode: PlanMode) -> String {
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

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Text(s) => s.clone(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
    }
}

/// Table and column names are quoted when used in SQL; they must still be plain names.
fn check_identifier(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() || name.len() > 63 || name.contains('"') || name.contains('\0') {
        return Err(format!("invalid name `{name}` (expected a PostgreSQL identifier of 1 to 63 bytes without `\"`)"));
    }
    Ok(())
}

/// The `$N` placeholders a query uses, found with a real SQL tokenizer so that `$1` inside a
/// string or a comment does not count.
pub fn placeholders(sql: &str) -> std::result::Result<BTreeSet<usize>, String> {
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
