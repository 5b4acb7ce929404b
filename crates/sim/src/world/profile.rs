//! A mini program's basic info: nickname (with its review), avatar, signature, search status, and the yearly change quotas (reference §5.1).

use serde::{Deserialize, Serialize};

/// Basic info of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Profile {}

/// Moves nickname reviews whose time has come and queues `wxa_nickname_audit` pushes.
pub fn advance(world: &mut super::World, now: i64) {
    let _ = (world, now);
}
