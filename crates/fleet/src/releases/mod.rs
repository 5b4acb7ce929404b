//! Per mini program version history and single actions: commit, submit, undo, speed-up, release,
//! gray release, revert, visit status.

use serde::Serialize;

use crate::error::Result;
use crate::Fleet;

/// How an audit ended, from a push (`weapp_audit_success`/`_fail`/`_delay`) or from polling
/// `get_auditstatus`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AuditOutcome {
    /// Passed (`SuccTime`).
    Passed {
        /// Unix seconds.
        at: i64,
    },
    /// Rejected, with WeChat's reason and screenshot media ids.
    Rejected {
        /// Unix seconds.
        at: i64,
        /// `Reason`.
        reason: String,
        /// `ScreenShot`, split on `|`.
        screenshots: Vec<String>,
    },
    /// Delayed, with the reason.
    Delayed {
        /// Unix seconds.
        at: i64,
        /// `Reason`.
        reason: String,
    },
}

/// An audit result arrived for `appid`: the release record advances (and any campaign item
/// waiting on it). Idempotent (pushes can repeat).
pub async fn on_audit_event(fleet: &Fleet, appid: &str, outcome: AuditOutcome) -> Result<()> {
    // SKELETON: the releases area implements this.
    let _ = (fleet, appid, outcome);
    Ok(())
}

/// After a relay gap: asks WeChat (`get_latest_auditstatus`) for every mini program of the platform
/// with an audit pending here, and applies what changed. Returns how many changed.
pub async fn reconcile_audits(fleet: &Fleet, component_appid: &str) -> Result<u32> {
    // SKELETON: the releases area implements this.
    let _ = (fleet, component_appid);
    Ok(0)
}
