//! One migration of a folder, as its layout found it: its id and version, its files, and whether
//! it opts out of its tool's transaction. What these mean (how it is named, where its down step
//! is, what each step runs) its layout answers; finding migrations is `discover.rs`'s.

use std::path::PathBuf;

use super::layout::{Direction, Layout, Script};
use super::registry::Format;
use crate::migrate::error::MigrateError;
use crate::scenario::TransactionMode;

#[derive(Debug, Clone)]
pub struct Migration {
    /// As its layout names it: a folder name (Diesel), a file stem (without `.up` for sqlx).
    pub id: String,
    /// The version prefix (`15`, `20240101000000`, `1.2`).
    pub version: String,
    pub up: PathBuf,
    /// The file its down step is in, when it has one.
    pub down: Option<PathBuf>,
    /// The migration opts out of its tool's wrapping transaction.
    pub no_transaction: bool,
    pub(crate) layout: &'static dyn Layout,
}

impl Migration {
    pub fn format(&self) -> Format {
        self.layout.format()
    }

    /// Where this migration's tool keeps a down step, for "no down step" messages.
    pub fn down_convention(&self) -> String {
        self.layout.down_convention(self)
    }

    /// Whether `name` (from the scenario's `under-test`) designates this migration.
    pub fn is_named(&self, name: &str) -> bool {
        self.layout.is_named(self, name)
    }

    /// How its up step runs: the scenario's override, else its tool's convention.
    pub fn transaction(&self, scenario_override: Option<TransactionMode>) -> TransactionMode {
        scenario_override.unwrap_or_else(|| self.layout.transaction(self))
    }

    /// Why a transaction block planproof opens wraps a step of this migration that its layout
    /// runs in `mode`, and how to run it outside one; `None` when planproof opens none for it
    /// (the layout's opt-out, or the scenario's `transaction = "none"`).
    pub(crate) fn why_in_transaction(
        &self,
        mode: TransactionMode,
        scenario_override: Option<TransactionMode>,
    ) -> Option<String> {
        match scenario_override {
            Some(TransactionMode::PerFile) => Some(
                "the scenario's `transaction = \"per-file\"` runs each file in one transaction: set \
                 `transaction = \"none\"` under `[database]` to run it statement by statement"
                    .to_string(),
            ),
            Some(_) => None,
            None => (mode == TransactionMode::PerFile).then(|| self.layout.why_in_transaction(self)),
        }
    }

    /// What `step` runs, `None` for a down step it does not have.
    pub(crate) fn script(&self, step: Direction) -> Result<Option<Script>, MigrateError> {
        self.layout.script(self, step)
    }
}
