//! Time-driven behaviour in virtual time: ticket pushes every interval, audits that come due.

use crate::Sim;

/// Runs until the simulator stops.
pub async fn run(sim: Sim) {
    let _ = sim;
    std::future::pending::<()>().await
}
