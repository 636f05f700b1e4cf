//! The one list of migration sources: every folder layout planproof runs itself and every tool
//! that runs its own migrations is a [`Format`] variant, and [`Format::kind`] is the only place
//! that matches on them, as [`tool`] is the only place that matches on the scenario's
//! [`ToolSpec`]. What a source knows (how it recognises its files, names its down step, wraps a
//! file in a transaction, what to tell a user whose `CREATE INDEX CONCURRENTLY` failed inside
//! one) lives in that source's own file; walking a folder is `discover.rs`'s, running the steps
//! is `plan.rs`'s.
//!
//! # Adding a migration source
//!
//! A **folder layout** (SQL files planproof runs itself, like `sqlx.rs`):
//! 1. its own file, `source/<name>.rs` (and its `mod` line in `source/mod.rs`): a unit struct
//!    implementing [`Source`] (its format, its fix for `CREATE INDEX CONCURRENTLY`) and
//!    [`Layout`](super::layout::Layout) (the file names it claims, the files it leaves to the
//!    migration they belong to, its down step and how that is called, how `under-test` names a
//!    migration, how it wraps a file in a transaction and how a file opts out — and why, when
//!    that is a guess from the file's name (`why_in_transaction`) — which part of a file each
//!    step runs, how its migrations look for "no migrations" messages);
//! 2. one variant here, and its arm in [`Format::kind`]. Among the layouts, the variant's place
//!    is the order discovery asks them about a file: the first to recognise it takes it, so a
//!    layout with a narrower rule goes before the one whose rule would also match (this file's
//!    test of that order and of the "no migrations" list names it too);
//! 3. its row in the "Migration folders" table of `scenarios/README.md`;
//! 4. its tests: beside it, one per kind of file it claims and one per ambiguity with a layout
//!    before or after it (a file both could take must still go to the same one); and when it
//!    runs a file otherwise than whole, an up/down run on a real database in
//!    `tests/integration/reversible.rs`, its project in `fixtures/`.
//!
//! A **tool** (a program that runs the project's migrations, like `alembic.rs`):
//! 1. its own file, `source/<name>.rs` (and its `mod` line in `source/mod.rs`): a unit struct
//!    implementing [`Source`] (its format, its bookkeeping tables, its fix for `CREATE INDEX
//!    CONCURRENTLY`), and the tool configured by the scenario's keys implementing
//!    [`Tool`](super::tool::Tool) (finding the migration under test and the one before it
//!    without running anything, the commands for the earlier migrations, up, its SQL and down,
//!    and what must be installed before it runs);
//! 2. one variant here, its arm in [`Format::kind`] and its arm in [`tool`];
//! 3. its row in the "Migrations run by their tool" table of `scenarios/README.md` and its value
//!    in the `tool` key's row;
//! 4. its tests, beside it (the commands of each step), and a test in `tests/integration/tools.rs` that runs
//!    it for real when it can be installed.
//!
//! A tool also needs its keys on the scenario side, which the scenario stage owns: a
//! [`ToolSpec`] variant and its name and keys in `tool_spec` (`scenario/tool.rs`).

use std::fmt::Debug;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use strum::IntoEnumIterator;

use super::alembic::Alembic;
use super::command::{Command, Commands};
use super::dbmate::Dbmate;
use super::diesel::Diesel;
use super::django::{Django, DjangoApp};
use super::flyway::Flyway;
use super::layout::Layout;
use super::plain::Plain;
use super::sqlx::Sqlx;
use super::tool::Tool;
use crate::scenario::{ToolSpec, TransactionMode};

/// The source whose conventions a migration follows. Reports name it (`results.json`'s
/// `format`). The layouts come first, in the order discovery asks them about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A Diesel folder, `NNN_name/up.sql`.
    Diesel,
    /// A dbmate file, `YYYYMMDDHHMMSS_name.sql` with `-- migrate:up` (and `-- migrate:down`)
    /// sections. Before sqlx, whose simple files have the same names.
    Dbmate,
    /// An sqlx file, `NNN_name.up.sql` or `NNN_name.sql`.
    Sqlx,
    /// A Flyway (or refinery) script, `V1__name.sql`.
    Flyway,
    /// A plain SQL file, run as `psql -f` runs it: statement by statement, no wrapping
    /// transaction. Last: it takes any `.sql` file.
    Plain,
    /// An Alembic revision, run by `alembic upgrade`.
    Alembic,
    /// A Django migration, run by `manage.py migrate`.
    Django,
    /// Whatever the scenario's `up-command` runs.
    Command,
}

/// What every source answers, whoever runs its migrations.
pub(crate) trait Source: Debug + Sync {
    fn format(&self) -> Format;

    /// The tables the source's tool keeps its own record in. Its down step rightly keeps them
    /// (the first up creates them), so reversibility leaves them out. None for SQL files
    /// planproof runs itself.
    fn bookkeeping_tables(&self) -> &'static [&'static str] {
        &[]
    }

    /// How to run `CREATE INDEX CONCURRENTLY` outside the transaction block this source ran it
    /// in, in the source's own terms: the end of the hint of a migration that failed so.
    fn concurrently_fix(&self) -> &'static str;
}

/// What a format is: a folder layout planproof runs itself, or a tool.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Layout(&'static dyn Layout),
    /// The tool as a source; the tool configured by a scenario comes from [`tool`].
    Tool(&'static dyn Source),
}

impl Format {
    /// Where everything this format knows lives.
    pub(crate) fn kind(self) -> Kind {
        match self {
            Format::Diesel => Kind::Layout(&Diesel),
            Format::Dbmate => Kind::Layout(&Dbmate),
            Format::Sqlx => Kind::Layout(&Sqlx),
            Format::Flyway => Kind::Layout(&Flyway),
            Format::Plain => Kind::Layout(&Plain),
            Format::Alembic => Kind::Tool(&Alembic),
            Format::Django => Kind::Tool(&Django),
            Format::Command => Kind::Tool(&Command),
        }
    }

    pub(crate) fn source(self) -> &'static dyn Source {
        match self.kind() {
            Kind::Layout(layout) => layout,
            Kind::Tool(tool) => tool,
        }
    }

    /// How to fix a `CREATE INDEX CONCURRENTLY` that a migration of this format, run in `mode`,
    /// had refused inside a transaction block.
    pub fn concurrently_fix(self, mode: TransactionMode) -> &'static str {
        match mode {
            // Run statement by statement, the transaction block can only be the file's own: the
            // fix is a plain file's.
            TransactionMode::None => Plain.concurrently_fix(),
            TransactionMode::PerFile | TransactionMode::Tool => self.source().concurrently_fix(),
        }
    }
}

/// The folder layouts, in the order discovery asks them about a file.
pub(crate) fn layouts() -> impl Iterator<Item = &'static dyn Layout> {
    Format::iter().filter_map(|format| match format.kind() {
        Kind::Layout(layout) => Some(layout),
        Kind::Tool(_) => None,
    })
}

/// What a migrations folder was expected to hold, for "no migrations" messages: `Diesel folders
/// `NNN_name/up.sql`, …, or plain `.sql` files`.
pub(crate) fn expected_layouts() -> String {
    let all: Vec<&str> = layouts().map(Layout::describe).collect();
    match all.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The tool a scenario's `[database]` configures, with its keys.
pub(crate) fn tool(spec: &ToolSpec) -> Arc<dyn Tool> {
    match spec {
        ToolSpec::Alembic => Arc::new(Alembic),
        ToolSpec::Django { app } => Arc::new(DjangoApp { app: app.clone() }),
        ToolSpec::Command { up, down, sql, previous } => {
            Arc::new(Commands { up: up.clone(), down: down.clone(), sql: sql.clone(), previous: previous.clone() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_its_own_source() {
        for format in Format::iter() {
            assert_eq!(format.source().format(), format);
        }
    }

    #[test]
    fn the_tools_scenario_keys_name_their_format() {
        let specs = [
            ToolSpec::Alembic,
            ToolSpec::Django { app: "a".into() },
            ToolSpec::Command { up: "x".into(), down: None, sql: None, previous: None },
        ];
        let formats: Vec<Format> = specs.iter().map(|s| tool(s).source().format()).collect();
        assert_eq!(formats, [Format::Alembic, Format::Django, Format::Command]);
    }

    #[test]
    fn layouts_are_asked_in_variant_order_and_listed_so_in_messages() {
        let order: Vec<Format> = layouts().map(Source::format).collect();
        assert_eq!(order, [Format::Diesel, Format::Dbmate, Format::Sqlx, Format::Flyway, Format::Plain]);
        assert_eq!(
            expected_layouts(),
            "Diesel folders `NNN_name/up.sql`, dbmate files `YYYYMMDDHHMMSS_name.sql` with `-- migrate:up`, sqlx files `NNN_name.up.sql`, Flyway files `V1__name.sql` or plain `.sql` files"
        );
    }

    #[test]
    fn a_file_run_statement_by_statement_gets_the_plain_fix_whatever_its_format() {
        let plain = Format::Plain.concurrently_fix(TransactionMode::None);
        assert_eq!(Format::Diesel.concurrently_fix(TransactionMode::None), plain);
        assert!(Format::Diesel.concurrently_fix(TransactionMode::PerFile).contains("run_in_transaction = false"));
    }
}
