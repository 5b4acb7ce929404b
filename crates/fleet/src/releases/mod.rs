//! Per mini program version history and single actions: commit, submit, undo, speed-up, release,
//! gray release, revert, visit status.
//!
//! ```text
//!  commit ──▶ submit_audit ──▶ (push / reconcile / poll) ──▶ passed ──▶ release ──▶ revert
//!                 │                                  └──▶ rejected (reason, screenshots)
//!                 └─ intent written first: a lost answer is looked up at WeChat, never re-sent blindly
//! ```
//!
//! * [`history`] — the audits and events as stored, and the views.
//! * [`actions`] — the single actions on `Fleet`.
//! * [`results`] — audit results from pushes, reconciliation and polling, applied idempotently.
//! * [`quota`] — withdrawals left and the platform's audit budget.
//! * [`calls`] — the WeChat calls themselves.

pub mod actions;
pub mod calendar;
pub mod calls;
pub mod ext_json;
pub mod history;
pub mod quota;
pub mod results;

use serde::Serialize;

pub use actions::{CommitSpec, SubmitOptions};
pub use history::{AuditRecord, AuditState, EventKind, VersionEvent, VersionHistory};
pub use quota::UndoQuota;

use crate::error::Result;
use crate::Fleet;

/// How an audit ended, from a push (`weapp_audit_success`/`_fail`/`_delay`) or from polling
/// `get_auditstatus`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    results::on_audit_event(fleet, appid, outcome).await
}

/// After a relay gap: asks WeChat (`get_latest_auditstatus`) for every mini program of the platform
/// with an audit pending here, and applies what changed. Returns how many changed.
pub async fn reconcile_audits(fleet: &Fleet, component_appid: &str) -> Result<u32> {
    results::reconcile_audits(fleet, component_appid).await
}
