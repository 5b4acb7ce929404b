//! Release, revert, phased (gray) release, visit status and version info (reference §8).

use serde::{Deserialize, Serialize};
use wechat::api::audit::AuditStatus;
use wechat::api::release::{
    ExpInfo, GetHistoryVersionResponse, GetversioninfoResponse, GrayReleasePlan, GrayReleaseStatus, GrayreleaseRequest, HistoryVersion,
    ReleaseInfo, VisitAction,
};

use super::commit::CodeVersion;
use super::CodeState;
use crate::world::Ids;
use crate::WxError;

/// How many released (or rolled-back-from) versions are kept for `revertcoderelease`.
pub const HISTORY_KEPT: usize = 5;

/// A released version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// Its number (`app_version`).
    pub app_version: i64,
    /// The code.
    pub version: CodeVersion,
    /// When it was released.
    pub release_time: i64,
}

/// The live version and what led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Live {
    /// The `app_version` users get.
    pub app_version: i64,
    /// Since when (the release, or the rollback to it).
    pub since: i64,
    /// It became live by a rollback; another plain rollback is refused (87012).
    pub by_rollback: bool,
}

fn gray_running(plan: &Option<GrayReleasePlan>) -> bool {
    plan.as_ref().is_some_and(|p| p.status == GrayReleaseStatus::Running)
}

impl CodeState {
    /// The live release, if any.
    pub fn live_release(&self) -> Option<&Release> {
        let live = self.live.as_ref()?;
        self.releases.iter().find(|r| r.app_version == live.app_version)
    }

    /// The audit whose version may be released: the latest one, passed and not yet released.
    fn releasable_audit_index(&self) -> Option<usize> {
        let i = self.audits.len().checked_sub(1)?;
        let audit = &self.audits[i];
        (audit.status == AuditStatus::Passed && !audit.released).then_some(i)
    }

    /// `release`: publishes the version that passed audit (and completes a phased release of it).
    /// 85019 nothing under audit or withdrawn, 85020 the latest audit has not passed, 85052 its
    /// version is already released.
    pub fn release(&mut self, ids: &mut Ids, now: i64) -> Result<(), WxError> {
        let latest = self.audits.last().ok_or_else(|| WxError::new(85019, "no version is under auditing"))?;
        match latest.status {
            AuditStatus::Passed if latest.released => return Err(WxError::new(85052, "app is already released")),
            AuditStatus::Passed => {}
            AuditStatus::Withdrawn => return Err(WxError::new(85019, "no version is under auditing")),
            _ => return Err(WxError::new(85020, "status not allowed")),
        }
        let i = self.releasable_audit_index().expect("checked above");
        self.audits[i].released = true;
        let app_version = ids.number() as i64;
        self.releases.push(Release { app_version, version: self.audits[i].version.clone(), release_time: now });
        self.live = Some(Live { app_version, since: now, by_rollback: false });
        if let Some(plan) = self.gray.as_mut().filter(|p| p.status == GrayReleaseStatus::Running) {
            plan.status = GrayReleaseStatus::Done;
        }
        self.visit_closed = false;
        self.trim_history();
        Ok(())
    }

    /// Keeps the [`HISTORY_KEPT`] latest releases, and always the live one.
    fn trim_history(&mut self) {
        let live = self.live.as_ref().map(|l| l.app_version);
        while self.releases.len() > HISTORY_KEPT {
            match self.releases.iter().position(|r| Some(r.app_version) != live) {
                Some(i) => self.releases.remove(i),
                None => break,
            };
        }
    }

    /// `revertcoderelease`: back to the previous release, or to `app_version`. 87011 during a
    /// phased release; 87012 without a live version, without a previous one, when the live version
    /// came from a rollback already (plain form), or when `app_version` is not in the history.
    pub fn revert(&mut self, app_version: Option<i64>, now: i64) -> Result<(), WxError> {
        if gray_running(&self.gray) {
            return Err(WxError::new(87011, "wxa has a gray release plan, forbid revert release"));
        }
        let cannot = || WxError::new(87012, "forbid revert this version release");
        let live = self.live.as_ref().ok_or_else(cannot)?;
        let position = self.releases.iter().position(|r| r.app_version == live.app_version).ok_or_else(cannot)?;
        let target = match app_version {
            None if live.by_rollback => return Err(cannot()),
            None => self.releases[..position].last().ok_or_else(cannot)?.app_version,
            Some(v) if v != live.app_version && self.releases.iter().any(|r| r.app_version == v) => v,
            Some(_) => return Err(cannot()),
        };
        self.live = Some(Live { app_version: target, since: now, by_rollback: true });
        Ok(())
    }

    /// `get_history_version`: the kept releases one can roll back to (the live one excluded), oldest first.
    pub fn history(&self) -> GetHistoryVersionResponse {
        let live = self.live.as_ref().map(|l| l.app_version);
        let version_list = self
            .releases
            .iter()
            .filter(|r| Some(r.app_version) != live)
            .map(|r| HistoryVersion {
                app_version: r.app_version,
                user_version: r.version.user_version.clone(),
                user_desc: r.version.user_desc.clone(),
                commit_time: r.version.commit_time,
            })
            .collect();
        GetHistoryVersionResponse { version_list }
    }

    /// `grayrelease`: 85079 nothing live, 85080 no passed unreleased version, 85081 percentage not
    /// 1–100 (0 only with a "first" flag), 85082 not higher than the running plan's.
    pub fn gray_release(&mut self, req: &GrayreleaseRequest, now: i64) -> Result<(), WxError> {
        if self.live.is_none() {
            return Err(WxError::new(85079, "miniprogram has no online release"));
        }
        if self.releasable_audit_index().is_none() {
            return Err(WxError::new(85080, "miniprogram commit not approved"));
        }
        let experiencer = req.support_experiencer_first.unwrap_or(false);
        let debuger = req.support_debuger_first.unwrap_or(false);
        let pct = req.gray_percentage;
        if !(0..=100).contains(&pct) || (pct == 0 && !experiencer && !debuger) {
            return Err(WxError::new(85081, "invalid gray percentage"));
        }
        match self.gray.as_mut().filter(|p| p.status == GrayReleaseStatus::Running) {
            Some(plan) if pct <= plan.gray_percentage => Err(WxError::new(85082, "gray percentage too low")),
            Some(plan) => {
                plan.gray_percentage = pct;
                plan.support_experiencer_first |= experiencer;
                plan.support_debuger_first |= debuger;
                Ok(())
            }
            None => {
                self.gray = Some(GrayReleasePlan {
                    status: GrayReleaseStatus::Running,
                    create_timestamp: now,
                    gray_percentage: pct,
                    support_experiencer_first: experiencer,
                    support_debuger_first: debuger,
                });
                Ok(())
            }
        }
    }

    /// `getgrayreleaseplan`: the plan, or an initial (status 0) one when there was none.
    pub fn gray_plan(&self) -> GrayReleasePlan {
        self.gray.clone().unwrap_or(GrayReleasePlan {
            status: GrayReleaseStatus::Initial,
            create_timestamp: 0,
            gray_percentage: 0,
            support_experiencer_first: false,
            support_debuger_first: false,
        })
    }

    /// `revertgrayrelease`: cancels a running plan (status 4). Without one it does nothing — WeChat's
    /// answer for that case is undocumented.
    pub fn revert_gray_release(&mut self) {
        if let Some(plan) = self.gray.as_mut().filter(|p| p.status == GrayReleaseStatus::Running) {
            plan.status = GrayReleaseStatus::Deleted;
        }
    }

    /// `change_visitstatus`; 85021 when nothing is released.
    pub fn change_visit_status(&mut self, action: VisitAction) -> Result<(), WxError> {
        if self.live.is_none() {
            return Err(WxError::new(85021, "status not allowed"));
        }
        self.visit_closed = action == VisitAction::Close;
        Ok(())
    }

    /// `getversioninfo`: the trial version and the live one.
    pub fn version_info(&self) -> GetversioninfoResponse {
        let exp_info = self.trial.as_ref().map(|v| ExpInfo {
            exp_time: v.commit_time,
            exp_version: v.user_version.clone(),
            exp_desc: v.user_desc.clone(),
        });
        let release_info = self.live_release().zip(self.live.as_ref()).map(|(r, live)| ReleaseInfo {
            release_time: live.since,
            release_version: r.version.user_version.clone(),
            release_desc: r.version.user_desc.clone(),
        });
        GetversioninfoResponse { exp_info, release_info }
    }
}
