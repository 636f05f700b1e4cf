//! The small language scenario files use to say what a plan must or must not contain:
//! `index idx_agents_pak_hash`, `seq-scan on agents`, `sort`, `index-only-scan using x`,
//! `Index Scan Backward using x on t`. It parses and prints patterns; matching them against a
//! plan is `check`'s job, so it knows nothing of the plan model (std only).

mod error;
mod kind;
mod parse;

pub use error::{PatternError, PatternErrorReason};
pub use kind::NodeKind;
pub use parse::{PlanPattern, ScanDirection};
