//! The load stage: a concurrent workload around the migration under test — writers inserting
//! and updating rows of the migrated tables, readers running the scenario's queries, each on
//! its own connection, with a monitor watching their lock waits — and write series before and
//! after the migration. It measures; the load budgets are judged by the check stage
//! (`stall.rs`, `write_slowdown.rs`). Rows it writes are made by the scenario's own
//! generators, numbered after the seeded rows, and deleted again afterwards.

mod control;
mod erase;
mod error;
mod monitor;
mod op;
mod overhead;
mod result;
mod session;
mod stats;
mod target;
mod window;
mod worker;
mod writer;

pub use error::LoadError;
pub use monitor::LockWait;
pub use op::{Op, OpKind};
pub use result::{ControlSeries, LoadResult, WindowResult, WorkerResult, WriteSeries};
pub use session::Load;
pub use stats::Figures;
pub use target::WriteTarget;
pub use worker::Stopped;
