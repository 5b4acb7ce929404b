//! What campaigns and their items are: states, counts, and the views the front ends show.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::preflight::PreflightReport;
use super::spec::CampaignSpec;
use crate::error::{FleetError, Result};

/// Where a campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// Created and pre-flighted; not started.
    Ready,
    /// Working.
    Running,
    /// Only the canary's audit results are awaited.
    WaitingCanary,
    /// Paused by the operator, a rejected canary, or a failure of the environment (see the reason).
    Paused,
    /// Stopped cleanly on an exhausted quota (45009, 85085, `queryquota` rest 0); resume later.
    StoppedQuota,
    /// Nothing more will happen by itself (passed items may wait for release).
    Done,
    /// Cancelled.
    Cancelled,
}

impl CampaignState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Ready => "ready",
            CampaignState::Running => "running",
            CampaignState::WaitingCanary => "waiting_canary",
            CampaignState::Paused => "paused",
            CampaignState::StoppedQuota => "stopped_quota",
            CampaignState::Done => "done",
            CampaignState::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(text: &str) -> Result<CampaignState> {
        serde_json::from_value(Value::String(text.to_owned())).map_err(|_| FleetError::Store(format!("unknown campaign state {text:?}")))
    }
}

/// Where one mini program of a campaign stands. The `…ing` states are written before the WeChat
/// call: finding one after a crash means the call's outcome is unknown and WeChat is asked first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Left out by pre-flight (the report says why).
    Excluded,
    /// Not started.
    Pending,
    /// Commit decided (maybe sent).
    Committing,
    /// Committed.
    Committed,
    /// Submission decided (maybe sent).
    Submitting,
    /// Under audit.
    Submitted,
    /// Audit passed; released next (automatically or when asked).
    AuditPassed,
    /// Audit rejected (the audit record has the reason and screenshots).
    AuditRejected,
    /// Release decided (maybe sent).
    Releasing,
    /// Released.
    Released,
    /// Failed for good (the problem says why).
    Failed,
    /// Cancelled before it was submitted.
    Cancelled,
}

impl ItemState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Excluded => "excluded",
            ItemState::Pending => "pending",
            ItemState::Committing => "committing",
            ItemState::Committed => "committed",
            ItemState::Submitting => "submitting",
            ItemState::Submitted => "submitted",
            ItemState::AuditPassed => "audit_passed",
            ItemState::AuditRejected => "audit_rejected",
            ItemState::Releasing => "releasing",
            ItemState::Released => "released",
            ItemState::Failed => "failed",
            ItemState::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(text: &str) -> Result<ItemState> {
        serde_json::from_value(Value::String(text.to_owned())).map_err(|_| FleetError::Store(format!("unknown item state {text:?}")))
    }

    /// Nothing will happen to it any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, ItemState::Excluded | ItemState::AuditRejected | ItemState::Released | ItemState::Failed | ItemState::Cancelled)
    }

    /// It has an audit result (or never will have one).
    pub fn has_audit_result(self) -> bool {
        matches!(self, ItemState::AuditPassed | ItemState::AuditRejected | ItemState::Releasing | ItemState::Released)
    }
}

/// How many items are where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Counts {
    /// All items.
    pub total: u32,
    /// Left out by pre-flight.
    pub excluded: u32,
    /// Not started.
    pub pending: u32,
    /// Committing, committed or submitting.
    pub in_progress: u32,
    /// Under audit.
    pub under_audit: u32,
    /// Passed, not released yet.
    pub passed: u32,
    /// Released.
    pub released: u32,
    /// Rejected by the audit.
    pub rejected: u32,
    /// Failed for good.
    pub failed: u32,
    /// Cancelled.
    pub cancelled: u32,
}

impl Counts {
    /// Counts one item.
    pub fn add(&mut self, state: ItemState) {
        self.total += 1;
        match state {
            ItemState::Excluded => self.excluded += 1,
            ItemState::Pending => self.pending += 1,
            ItemState::Committing | ItemState::Committed | ItemState::Submitting => self.in_progress += 1,
            ItemState::Submitted => self.under_audit += 1,
            ItemState::AuditPassed | ItemState::Releasing => self.passed += 1,
            ItemState::Released => self.released += 1,
            ItemState::AuditRejected => self.rejected += 1,
            ItemState::Failed => self.failed += 1,
            ItemState::Cancelled => self.cancelled += 1,
        }
    }

    /// Items that are finished: released, waiting to be released, or failed for good.
    pub fn done(&self) -> u32 {
        self.excluded + self.passed + self.released + self.rejected + self.failed + self.cancelled
    }

    /// Items that failed for good (pre-flight, errors, rejected audits).
    pub fn failed_for_good(&self) -> u32 {
        self.excluded + self.rejected + self.failed
    }
}

/// A campaign as stored, with its item counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Campaign {
    /// Its id.
    pub id: i64,
    /// What it was asked to do.
    pub spec: CampaignSpec,
    /// Where it stands.
    pub state: CampaignState,
    /// Why it is paused or stopped: a [`crate::Problem`] as JSON, or `{"code": …, "message": …}`.
    pub state_reason: Option<Value>,
    /// The canary gate is open (the canary passed, or the operator resumed past a rejection).
    pub canary_open: bool,
    /// Who created it.
    pub actor: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub started_at: Option<i64>,
    /// Unix ms.
    pub finished_at: Option<i64>,
    /// Unix ms.
    pub updated_at: i64,
    /// Items by state.
    pub counts: Counts,
}

/// One mini program of a campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignItem {
    /// Row id.
    pub id: i64,
    /// Order in the campaign.
    pub seq: i64,
    /// The mini program.
    pub appid: String,
    /// Part of the canary.
    pub canary: bool,
    /// Where it stands.
    pub state: ItemState,
    /// The pre-flight report.
    pub preflight: PreflightReport,
    /// WeChat's `auditid`.
    pub auditid: Option<i64>,
    /// The audit record ([`crate::releases::AuditRecord::id`]).
    pub audit_row: Option<i64>,
    /// Failed tries of the current step.
    pub attempts: u32,
    /// 61039 answers so far.
    pub privacy_waits: u32,
    /// Not before (unix ms).
    pub next_at: Option<i64>,
    /// Release asked for.
    pub release_requested: bool,
    /// The last WeChat errcode.
    pub errcode: Option<i64>,
    /// The last error, as a [`crate::Problem`] (JSON).
    pub problem: Option<Value>,
    /// Timings (unix ms).
    pub started_at: Option<i64>,
    /// Committed.
    pub committed_at: Option<i64>,
    /// Submitted.
    pub submitted_at: Option<i64>,
    /// Audit result.
    pub audit_at: Option<i64>,
    /// Released.
    pub released_at: Option<i64>,
    /// Finished (terminal).
    pub finished_at: Option<i64>,
    /// Last change.
    pub updated_at: i64,
}

/// A campaign with every item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignView {
    /// The campaign.
    pub campaign: Campaign,
    /// Its items, in order.
    pub items: Vec<CampaignItem>,
}

/// The little the runner keeps per item in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLite {
    /// Row id.
    pub id: i64,
    /// The mini program.
    pub appid: String,
    /// Canary.
    pub canary: bool,
    /// State.
    pub state: ItemState,
    /// Not before.
    pub next_at: Option<i64>,
    /// Release asked for.
    pub release_requested: bool,
    /// Submitted at (for polling).
    pub submitted_at: Option<i64>,
    /// Last poll of its audit.
    pub last_polled_at: Option<i64>,
}

/// Everything a step needs of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRow {
    /// Row id.
    pub id: i64,
    /// The mini program.
    pub appid: String,
    /// State.
    pub state: ItemState,
    /// The approved category chosen at pre-flight (`AuditCategory` JSON).
    pub category: Option<String>,
    /// The audit record.
    pub audit_row: Option<i64>,
    /// WeChat's auditid.
    pub auditid: Option<i64>,
    /// The in-flight step's intent (unix ms).
    pub intent_at: Option<i64>,
    /// Failed tries of the current step.
    pub attempts: u32,
    /// 61039 answers so far.
    pub privacy_waits: u32,
}
