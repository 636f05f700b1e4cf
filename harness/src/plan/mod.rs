//! The plan model: `EXPLAIN (FORMAT JSON)` output as a tree of nodes, parsed tolerantly across
//! PostgreSQL 13–18 and rendered as stable text. It knows nothing of databases, scenarios or
//! expectations: capturing plans is `explain`'s job, judging them is `check`'s.

#[cfg(test)]
mod across_versions;
mod diff;
mod error;
#[cfg(test)]
pub(crate) mod fixture;
mod node;
mod parse;
mod render;

pub use diff::{diff, misestimate, node_buffers, node_time, Change, DiffEntry, Side, CHANGE_RATIO};
pub use error::PlanError;
pub use node::{Explain, Node, Walk};
