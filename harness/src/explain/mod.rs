//! The explain stage: binds each query's parameters, pins the session settings and captures
//! EXPLAIN ANALYZE output, parsed into the plan model; and times a calibration query, the
//! machine's slowness that one-shot figures are judged against. What the plans should look like is the
//! check stage's business.

mod calibration;
mod capture;
mod client;
mod diagnostic;
mod error;
mod params;
mod session;

pub(crate) use calibration::calibrate;
pub use capture::{capture, Capture};
pub use client::Prepared;
pub use diagnostic::plan_without_seq_scans;
pub use error::ExplainError;
pub use params::{literal, sample_params, ParamValue};
pub(crate) use session::pin_settings;
