//! Where a scenario's migrations come from: the folder layouts planproof runs itself and the
//! tools that run their own, each in a file of its own, listed once in `registry.rs` (which
//! says how to add one). Running what
//! they find is `plan.rs`'s and `apply.rs`'s.

mod alembic;
mod command;
mod dbmate;
mod diesel;
mod discover;
mod django;
mod flyway;
mod layout;
mod migration;
mod plain;
mod registry;
mod sqlx;
mod tool;

pub(crate) use discover::{discover, split_at_under_test};
pub(crate) use layout::Direction;
pub use migration::Migration;
pub use registry::Format;
pub(crate) use registry::{expected_layouts, tool};
pub(crate) use tool::Step;
pub use tool::ToolPlan;
