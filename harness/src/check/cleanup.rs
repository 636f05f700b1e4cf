//! A scratch database that could not be dropped after the run is left on the server: said, so
//! that someone removes it, but not a failure of the scenario.

use super::finding::Finding;
use super::registry::Check;

pub(crate) fn cleanup(database: &str, error: &str) -> Finding {
    Finding::warning(Check::Cleanup, format!("could not drop scratch database `{database}`: {error}"), None)
}
