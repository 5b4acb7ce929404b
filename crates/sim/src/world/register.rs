//! Fast registration tasks of a platform (reference §4).

use serde::{Deserialize, Serialize};

/// The fast-registration tasks of one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FastRegistrations {}

/// Completes fast-registration tasks whose time has come and queues `notify_third_fasteregister`.
pub fn advance(world: &mut super::World, now: i64) {
    let _ = (world, now);
}
