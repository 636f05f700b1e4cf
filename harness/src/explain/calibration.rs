//! A calibration query: the same fixed piece of CPU work (summing 50,000 numbers on the
//! server), timed from the client a few times in a row, right before and right after the
//! migration under test. Its fastest run is what this machine does when it is not busy; its
//! slowest, how much a neighbour slowed it in this very run. A figure measured once, as a
//! migration's duration is, is judged against that (`check::noise::one_shot`).

use std::time::Instant;

use postgres::Client;

use super::error::ExplainError;

/// The work: CPU-bound, no table, no I/O, a few milliseconds on an idle machine.
pub(crate) const CALIBRATION_SQL: &str = "SELECT sum(g) FROM generate_series(1, 50000) AS g";

/// Runs in a row, each time it is measured.
pub(crate) const CALIBRATION_RUNS: usize = 10;

/// The client times (ms) of [`CALIBRATION_RUNS`] runs of [`CALIBRATION_SQL`], after one
/// unmeasured run.
pub(crate) fn calibrate(client: &mut Client) -> Result<Vec<f64>, ExplainError> {
    let fail = |source| ExplainError::Sql { query: "calibration".into(), what: "cannot run".into(), source };
    client.query_one(CALIBRATION_SQL, &[]).map_err(fail)?;
    let mut samples = Vec::with_capacity(CALIBRATION_RUNS);
    for _ in 0..CALIBRATION_RUNS {
        let started = Instant::now();
        client.query_one(CALIBRATION_SQL, &[]).map_err(fail)?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(samples)
}
