//! Time-driven behaviour in virtual time: ticket pushes every interval, and whatever the areas
//! move forward in [`crate::world::World::advance`] (audits, reviews, registrations).

use std::time::Duration;

use crate::Sim;

/// How often the ticker looks at the virtual clock, in real time.
const TICK: Duration = Duration::from_millis(100);

/// Runs until the simulator stops.
pub async fn run(sim: Sim) {
    loop {
        tokio::time::sleep(TICK).await;
        tick(&sim);
    }
}

/// One step: pushes the tickets that are due and advances every area to the virtual now. The
/// admin clock runs it right after moving the clock, so a test sees the effects at once.
pub fn tick(sim: &Sim) {
    let interval = i64::try_from(sim.config().ticket_interval_secs).unwrap_or(i64::MAX);
    sim.with_world(|world, now| {
        world.push_due_tickets(now, interval);
        world.advance(now);
    });
}
