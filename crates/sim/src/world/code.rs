//! The code lifecycle of a mini program: commit, audit, release, revert, gray release, visit status
//! (reference §8), and the rules that decide audits.

use serde::{Deserialize, Serialize};

/// The code state of one mini program: committed version, audits, releases.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CodeState {}

/// The platform's monthly audit-submission quota and speed-up quota (`queryquota`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditQuota {}

/// How audits end: the configured default and per-app scripts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditRules {}

impl CodeState {
    /// The privacy keys (`UserInfo`, `Location`, …) the last committed code uses, as the privacy
    /// scan finds them (empty before any commit).
    pub fn detected_privacy_keys(&self) -> Vec<String> {
        Vec::new()
    }

    /// When the code was last committed.
    pub fn committed_at(&self) -> Option<i64> {
        None
    }
}

/// Moves audits whose time has come (pass, fail, delay) and queues their pushes.
pub fn advance(world: &mut super::World, now: i64) {
    let _ = (world, now);
}
