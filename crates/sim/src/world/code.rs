//! The code lifecycle of a mini program: commit, audit, release, revert, gray release, visit status
//! (reference §8), the mini program codes it may make (§10), and the rules that decide audits.
//!
//! * [`commit`] — `ext_json` checks and the committed (trial) version.
//! * [`audit`] — submission checks, the audit's course in virtual time, its pushes, undo, speed-up.
//! * [`release`] — release, revert, phased release, visit status, version info.
//! * [`rules`] — how audits end, and limits tests may change.
//! * [`quota`] — the platform's monthly audit budget.

pub mod audit;
pub mod calendar;
pub mod commit;
pub mod quota;
pub mod release;
pub mod rules;

use serde::{Deserialize, Serialize};
use wechat::api::release::GrayReleasePlan;

pub use audit::{Audit, PreviewMedia};
pub use commit::{CodeVersion, CommitInput};
pub use quota::AuditQuota;
pub use release::{Live, Release};
pub use rules::{AuditRules, CodeLimits, Outcome, Plan};

use crate::world::{MiniProgram, World};
use crate::WxError;

/// The base library version a mini program requires until `setweappsupportversion` changes it.
pub const DEFAULT_SUPPORT_VERSION: &str = "2.21.0";

/// The code state of one mini program: committed version, audits, releases.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CodeState {
    /// The committed code (the trial, 体验, version).
    pub trial: Option<CodeVersion>,
    /// Audits, oldest first.
    pub audits: Vec<Audit>,
    /// Releases kept for rollback, oldest first.
    pub releases: Vec<Release>,
    /// What users get.
    pub live: Option<Live>,
    /// The phased release.
    pub gray: Option<GrayReleasePlan>,
    /// Service paused with `change_visitstatus` `close`.
    pub visit_closed: bool,
    /// When audits were withdrawn (this month's).
    pub undo_times: Vec<i64>,
    /// Files uploaded for `preview_info`.
    pub media: Vec<PreviewMedia>,
    /// Codes made by `getwxacode` and `createwxaqrcode` (limited in total).
    pub codes_made: u64,
    /// The minimum base library version (`setweappsupportversion`).
    pub support_version: Option<String>,
}

impl CodeState {
    /// The privacy keys (`UserInfo`, `Location`, …) the last committed code uses, as the privacy
    /// scan finds them (empty before any commit).
    pub fn detected_privacy_keys(&self) -> Vec<String> {
        self.trial.as_ref().map(|v| v.privacy_keys.clone()).unwrap_or_default()
    }

    /// When the code was last committed.
    pub fn committed_at(&self) -> Option<i64> {
        self.trial.as_ref().map(|v| v.commit_time)
    }

    /// When the privacy scan of the last commit finishes (61039 before it, for `submit_audit` and
    /// `get_code_privacy_info`).
    pub fn privacy_scan_done_at(&self) -> Option<i64> {
        self.trial.as_ref().map(|v| v.scan_done_at)
    }

    /// `get_page`: the pages of the committed code; 86001 before any commit.
    pub fn pages(&self) -> Result<Vec<String>, WxError> {
        self.trial.as_ref().map(|v| v.pages.clone()).ok_or_else(audit::no_committed_code)
    }

    /// Counts one code made by `getwxacode` / `createwxaqrcode`; 45029 once `limit` are made.
    pub fn count_code(&mut self, limit: u64) -> Result<(), WxError> {
        if self.codes_made >= limit {
            return Err(WxError::new(45029, "qrcode count out of limit"));
        }
        self.codes_made += 1;
        Ok(())
    }
}

/// `wxa/commit` for `appid`: checks the template and `ext_json`, and makes the result the trial version.
pub fn commit(
    world: &mut World,
    component_appid: &str,
    appid: &str,
    template_id: i64,
    input: CommitInput<'_>,
    now: i64,
) -> Result<(), WxError> {
    let scan_secs = world.audit_rules.limits.privacy_scan_secs;
    let template =
        world.platform(component_appid)?.library.template(template_id).ok_or_else(|| WxError::new(85014, "template not exist"))?;
    let version = commit::build_version(template, input, now, scan_secs)?;
    world.app_mut(appid)?.code.trial = Some(version);
    Ok(())
}

/// Moves audits whose time has come (pass, fail, delay) and queues their pushes.
pub fn advance(world: &mut World, now: i64) {
    let World { apps, outbox, ids, .. } = world;
    for app in apps.values_mut() {
        let MiniProgram { appid, original_id, code, .. } = app;
        // A delay that takes no time is followed by its result in the same step.
        while let Some((component_appid, event)) = code.step_audit(original_id, ids, now) {
            audit::queue_push(outbox, component_appid, appid, &event);
        }
    }
}
