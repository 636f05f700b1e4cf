//! One operation a worker ran, timed against the workload's clock. Workers only record; the
//! figures are computed from the records afterwards (`stats`).

use serde::{Deserialize, Serialize};

/// What an operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpKind {
    Insert,
    Update,
    Read,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Insert => "insert",
            OpKind::Update => "update",
            OpKind::Read => "read",
        }
    }
}

/// One operation: when it started and ended (milliseconds since the workload's start), and
/// whether it succeeded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Op {
    pub kind: OpKind,
    pub start_ms: f64,
    pub end_ms: f64,
    pub ok: bool,
}

impl Op {
    pub fn latency_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}
