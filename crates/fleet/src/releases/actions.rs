//! Single actions on one mini program: commit, submit, undo, speed-up, release, gray release,
//! revert, visit status. Each checks the grant (development management, 18) before calling WeChat,
//! writes the version history, and goes into the operator audit log.

use serde::{Deserialize, Serialize};
use wechat::api::audit::SubmitAuditRequest;
use wechat::api::code::CommitRequest;
use wechat::api::release::{GrayreleaseRequest, HistoryVersion, VisitAction};

use super::history::{self, AuditRecord, AuditState, EventKind, NewAudit, NewEvent, VersionEvent, VersionHistory};
use super::quota::{self, UndoQuota};
use super::{calls, ext_json, results};
use crate::error::{FleetError, Result};
use crate::{permissions, Fleet, FleetEvent};

/// The most characters WeChat takes in `user_version`.
pub const USER_VERSION_MAX_CHARS: usize = 64;

/// What to commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommitSpec {
    /// The template (from the library).
    pub template_id: i64,
    /// The version shown to the merchant (at most 64 characters).
    pub user_version: String,
    /// The description shown to the merchant.
    pub user_desc: String,
}

impl CommitSpec {
    /// Refuses what WeChat would refuse.
    pub fn validate(&self) -> Result<()> {
        if self.user_version.trim().is_empty() {
            return Err(FleetError::invalid("user_version", "required, e.g. 1.4.0"));
        }
        if self.user_version.chars().count() > USER_VERSION_MAX_CHARS {
            return Err(FleetError::invalid("user_version", format!("at most {USER_VERSION_MAX_CHARS} characters")));
        }
        if self.template_id <= 0 {
            return Err(FleetError::invalid("template_id", "a template id from the template library"));
        }
        Ok(())
    }
}

/// How to submit for audit (the category comes from the mini program's approved ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SubmitOptions {
    /// What this version does, for the reviewer.
    pub version_desc: Option<String>,
    /// Declare that privacy interfaces detected in the code but not configured are not used
    /// (avoids 61040).
    pub privacy_api_not_use: bool,
    /// Feedback to the reviewer after a rejection (at most 200 characters).
    pub feedback_info: Option<String>,
    /// Media ids of images for the feedback, joined with `|`.
    pub feedback_stuff: Option<String>,
    /// The order center's page, for mini programs that sell.
    pub order_path: Option<String>,
}

impl SubmitOptions {
    /// The `submit_audit` body with `item` as the one page described.
    pub fn request(&self, item: wechat::api::audit::AuditItem) -> SubmitAuditRequest {
        SubmitAuditRequest {
            item_list: vec![item],
            feedback_info: self.feedback_info.clone(),
            feedback_stuff: self.feedback_stuff.clone(),
            version_desc: self.version_desc.clone(),
            privacy_api_not_use: self.privacy_api_not_use.then_some(true),
            order_path: self.order_path.clone(),
            ..SubmitAuditRequest::default()
        }
    }
}

impl Fleet {
    /// Commits `spec.template_id` for `appid` with the merchant's ext_json (also the trial version).
    pub async fn commit(&self, appid: &str, spec: &CommitSpec) -> Result<VersionEvent> {
        let outcome = self.commit_inner(appid, spec).await;
        let detail = format!("template {} as {}", spec.template_id, spec.user_version);
        self.record("app.commit", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    async fn commit_inner(&self, appid: &str, spec: &CommitSpec) -> Result<VersionEvent> {
        spec.validate()?;
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        let ext = ext_json::compose(self, appid, spec.template_id).await?;
        let req = CommitRequest {
            template_id: spec.template_id,
            ext_json: ext.ext_json.clone(),
            user_version: spec.user_version.clone(),
            user_desc: spec.user_desc.clone(),
        };
        calls::commit(self, appid, &req).await?;
        let (app, spec, actor, now) = (appid.to_owned(), spec.clone(), self.actor().to_owned(), self.now_ms());
        let event = self
            .store()
            .write(move |tx| {
                ext_json::mark_committed(tx, &app, ext.revision, spec.template_id, now)?;
                let mut event = NewEvent::new(&app, EventKind::Commit, now, &actor);
                event.template_id = Some(spec.template_id);
                event.user_version = Some(&spec.user_version);
                event.user_desc = Some(&spec.user_desc);
                event.ext_revision = ext.revision;
                history::insert_event(tx, &event)
            })
            .await?;
        self.emit(FleetEvent::ReleaseChanged { appid: appid.to_owned(), what: "committed".to_owned() });
        Ok(event)
    }

    /// Submits the committed code for audit, describing it with the mini program's first approved
    /// category. The intent is recorded before the call: if the answer is lost, [`crate::releases::reconcile_audits`]
    /// finds out from WeChat whether it went through.
    pub async fn submit_audit(&self, appid: &str, options: &SubmitOptions) -> Result<AuditRecord> {
        let outcome = self.submit_audit_inner(appid, options).await;
        let detail = match &outcome {
            Ok(record) => format!("{} auditid {}", record.user_version, record.auditid.unwrap_or_default()),
            Err(_) => String::new(),
        };
        self.record("app.submit_audit", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    async fn submit_audit_inner(&self, appid: &str, options: &SubmitOptions) -> Result<AuditRecord> {
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        self.settle_unknown_submission(appid).await?;
        let app = appid.to_owned();
        let committed = self.store().read(move |conn| history::latest_commit(conn, &app)).await?;
        let (template_id, user_version, user_desc) = match committed {
            Some(commit) => (commit.template_id, commit.user_version.unwrap_or_default(), commit.user_desc.unwrap_or_default()),
            None => {
                let trial = calls::version_info(self, appid).await?.exp_info.ok_or_else(|| {
                    FleetError::invalid("appid", format!("{appid} has no committed code: commit a template first (85086 otherwise)"))
                })?;
                (None, trial.exp_version, trial.exp_desc)
            }
        };
        let categories = calls::approved_categories(self, appid).await?;
        let category = categories.first().ok_or_else(|| {
            FleetError::invalid(
                "category",
                format!("{appid} has no approved category: add one in the mini program's settings (85008 otherwise)"),
            )
        })?;
        let req = options.request(calls::audit_item(category));

        let (app, actor, now) = (appid.to_owned(), self.actor().to_owned(), self.now_ms());
        let version = (user_version.clone(), user_desc.clone());
        let row = self
            .store()
            .write(move |tx| {
                let audit = NewAudit {
                    appid: &app,
                    template_id,
                    user_version: &version.0,
                    user_desc: &version.1,
                    intent_at: now,
                    actor: &actor,
                    campaign_id: None,
                };
                history::open_audit(tx, &audit)
            })
            .await?;
        match calls::submit_audit(self, appid, &req).await {
            Ok(auditid) => {
                let (actor, now) = (self.actor().to_owned(), self.now_ms());
                let record = self.store().write(move |tx| history::audit_submitted(tx, row, auditid, now, &actor)).await?;
                self.emit(FleetEvent::ReleaseChanged { appid: appid.to_owned(), what: "submitted".to_owned() });
                Ok(record)
            }
            Err(e @ FleetError::WeChat { .. }) => {
                // WeChat answered: nothing was submitted.
                self.store().write(move |tx| history::drop_audit(tx, row)).await?;
                Err(e)
            }
            // The answer was lost: the row stays `submitting` until WeChat is asked.
            Err(e) => Err(e),
        }
    }

    /// Before submitting again: a submission whose answer was lost is looked up at WeChat. Refuses
    /// when it did reach WeChat, or when a campaign is submitting this mini program.
    async fn settle_unknown_submission(&self, appid: &str) -> Result<()> {
        let app = appid.to_owned();
        let Some(record) = self.store().read(move |conn| history::latest_audit(conn, &app)).await? else { return Ok(()) };
        if record.status != AuditState::Submitting {
            return Ok(());
        }
        if let Some(campaign_id) = record.campaign_id {
            return Err(FleetError::Conflict(format!("campaign {campaign_id} is submitting {appid}: pause or cancel it first")));
        }
        let latest = calls::latest_auditstatus(self, appid).await?;
        let (actor, now) = (self.actor().to_owned(), self.now_ms());
        let applied = self
            .store()
            .write(move |tx| match latest {
                Some(latest) if results::is_our_submission(tx, &record, &latest)? => {
                    let applied = results::record_found_submission(tx, &record, &latest, &actor, now)?;
                    Ok(Some((latest.auditid, applied)))
                }
                _ => history::drop_audit(tx, record.id).map(|()| None),
            })
            .await?;
        match applied {
            Some((auditid, applied)) => {
                results::announce(self, appid, &applied);
                Err(FleetError::Conflict(format!(
                    "the previous submission of {appid} reached WeChat (auditid {auditid}); nothing was submitted again"
                )))
            }
            None => Ok(()),
        }
    }

    /// Withdraws the audit under way, after checking the withdrawals left (5 a day, 10 a month,
    /// counted here); returns what is left afterwards.
    pub async fn undo_audit(&self, appid: &str) -> Result<UndoQuota> {
        let outcome = self.undo_audit_inner(appid).await;
        let detail = match &outcome {
            Ok(left) => format!("{} withdrawals left", left.left),
            Err(_) => String::new(),
        };
        self.record("app.undo_audit", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    async fn undo_audit_inner(&self, appid: &str) -> Result<UndoQuota> {
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        let quota = self.undo_quota(appid).await?;
        if quota.left == 0 {
            return Err(FleetError::Conflict(format!(
                "{appid} has no withdrawals left ({} of {} today, {} of {} this month); they come back at 00:00 Beijing time",
                quota.used_today, quota.per_day, quota.used_this_month, quota.per_month
            )));
        }
        calls::undo_audit(self, appid).await?;
        let (app, actor, now) = (appid.to_owned(), self.actor().to_owned(), self.now_ms());
        let (left, items) = self
            .store()
            .write(move |tx| {
                let latest = history::latest_audit(tx, &app)?.filter(|r| r.status.is_open());
                let mut items = Vec::new();
                let mut event = NewEvent::new(&app, EventKind::UndoAudit, now, &actor);
                if let Some(record) = &latest {
                    history::set_audit_status(tx, record.id, AuditState::Withdrawn, Some(now), None, &[])?;
                    items = crate::campaigns::store::on_audit_withdrawn(tx, record.id, now)?;
                    event.audit_row = Some(record.id);
                    event.user_version = Some(&record.user_version);
                    event.detail = serde_json::json!({ "auditid": record.auditid });
                }
                history::insert_event(tx, &event)?;
                Ok((quota::undo_quota(tx, &app, now)?, items))
            })
            .await?;
        results::announce(self, appid, &results::Applied { what: Some("audit_withdrawn"), items });
        Ok(left)
    }

    /// Expedites the audit under way (uses one of the platform's monthly speed-ups).
    pub async fn speedup_audit(&self, appid: &str) -> Result<VersionEvent> {
        let outcome = self.speedup_audit_inner(appid).await;
        self.record("app.speedup_audit", &[appid.to_owned()], &outcome, "").await;
        outcome
    }

    async fn speedup_audit_inner(&self, appid: &str) -> Result<VersionEvent> {
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        let app = appid.to_owned();
        let record = self.store().read(move |conn| history::latest_audit(conn, &app)).await?;
        let (row, auditid) = match record {
            Some(AuditRecord { id, auditid: Some(auditid), status, .. }) if status.is_open() => (id, auditid),
            _ => {
                return Err(FleetError::invalid(
                    "appid",
                    format!("{appid} has no audit under review known here; reconcile with WeChat first if one was submitted elsewhere"),
                ))
            }
        };
        calls::speedup_audit(self, appid, auditid).await?;
        let event = self.simple_event(appid, EventKind::SpeedupAudit, Some(row), None, serde_json::json!({ "auditid": auditid })).await?;
        Ok(event)
    }

    /// Releases the version that passed audit to every user.
    pub async fn release(&self, appid: &str) -> Result<VersionEvent> {
        let outcome = self.release_inner(appid).await;
        self.record("app.release", &[appid.to_owned()], &outcome, "").await;
        outcome
    }

    async fn release_inner(&self, appid: &str) -> Result<VersionEvent> {
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        calls::release(self, appid).await?;
        let (app, actor, now) = (appid.to_owned(), self.actor().to_owned(), self.now_ms());
        let (event, items) = self
            .store()
            .write(move |tx| {
                let passed = history::latest_audit(tx, &app)?.filter(|r| r.status == AuditState::Passed);
                let mut event = NewEvent::new(&app, EventKind::Release, now, &actor);
                if let Some(record) = &passed {
                    event.template_id = record.template_id;
                    event.user_version = Some(&record.user_version);
                    event.user_desc = Some(&record.user_desc);
                    event.audit_row = Some(record.id);
                }
                let items = match &passed {
                    Some(record) => crate::campaigns::store::on_released(tx, record.id, now)?,
                    None => Vec::new(),
                };
                Ok((history::insert_event(tx, &event)?, items))
            })
            .await?;
        results::announce(self, appid, &results::Applied { what: Some("released"), items });
        Ok(event)
    }

    /// Starts or widens a phased release of the passed version to `percentage` % of users (1–100,
    /// higher than before).
    pub async fn gray_release(&self, appid: &str, percentage: u8) -> Result<VersionEvent> {
        let outcome = self.gray_release_inner(appid, percentage).await;
        self.record("app.gray_release", &[appid.to_owned()], &outcome, &format!("{percentage}%")).await;
        outcome
    }

    async fn gray_release_inner(&self, appid: &str, percentage: u8) -> Result<VersionEvent> {
        if !(1..=100).contains(&percentage) {
            return Err(FleetError::invalid("percentage", "between 1 and 100, and higher than the running phase"));
        }
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        let req =
            GrayreleaseRequest { gray_percentage: i64::from(percentage), support_experiencer_first: None, support_debuger_first: None };
        calls::gray_release(self, appid, &req).await?;
        self.simple_event(appid, EventKind::GrayRelease, None, None, serde_json::json!({ "gray_percentage": percentage })).await
    }

    /// Rolls the released version back to the previous one, or to `app_version` (one of
    /// [`Fleet::revert_targets`]).
    pub async fn revert(&self, appid: &str, app_version: Option<i64>) -> Result<VersionEvent> {
        let outcome = self.revert_inner(appid, app_version).await;
        let detail = app_version.map_or_else(|| "to the previous version".to_owned(), |v| format!("to app_version {v}"));
        self.record("app.revert", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    async fn revert_inner(&self, appid: &str, app_version: Option<i64>) -> Result<VersionEvent> {
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        calls::revert(self, appid, app_version).await?;
        let live = calls::version_info(self, appid).await.ok().and_then(|v| v.release_info);
        let detail = serde_json::json!({
            "app_version": app_version,
            "live_version": live.as_ref().map(|l| l.release_version.clone()),
        });
        self.simple_event(appid, EventKind::Revert, None, live.map(|l| l.release_version), detail).await
    }

    /// The versions a revert can go back to (`get_history_version`; rolls nothing back).
    pub async fn revert_targets(&self, appid: &str) -> Result<Vec<HistoryVersion>> {
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        calls::history_versions(self, appid).await
    }

    /// Pauses (`Close`) or resumes (`Open`) service of the released version.
    pub async fn change_visit_status(&self, appid: &str, action: VisitAction) -> Result<VersionEvent> {
        let outcome = self.change_visit_status_inner(appid, action).await;
        let name = match action {
            VisitAction::Close => "close",
            VisitAction::Open => "open",
        };
        self.record("app.change_visit_status", &[appid.to_owned()], &outcome, name).await;
        outcome
    }

    async fn change_visit_status_inner(&self, appid: &str, action: VisitAction) -> Result<VersionEvent> {
        self.require_permission(appid, permissions::DEVELOPMENT).await?;
        calls::change_visit_status(self, appid, action).await?;
        self.simple_event(appid, EventKind::VisitStatus, None, None, serde_json::json!({ "action": action })).await
    }

    /// The version history of `appid`: submissions and events, newest first.
    pub async fn versions(&self, appid: &str) -> Result<VersionHistory> {
        let appid = appid.to_owned();
        self.store().read(move |conn| history::history(conn, &appid)).await
    }

    /// The polling fallback for lost audit pushes: asks WeChat (`get_auditstatus`) about the
    /// platform's audits pending longer than `older_than`. Returns how many changed.
    pub async fn poll_audits(&self, component_appid: &str, older_than: std::time::Duration) -> Result<u32> {
        results::poll_stale_audits(self, component_appid, older_than).await
    }

    async fn simple_event(
        &self,
        appid: &str,
        kind: EventKind,
        audit_row: Option<i64>,
        user_version: Option<String>,
        detail: serde_json::Value,
    ) -> Result<VersionEvent> {
        let (app, actor, now) = (appid.to_owned(), self.actor().to_owned(), self.now_ms());
        let event = self
            .store()
            .write(move |tx| {
                let mut event = NewEvent::new(&app, kind, now, &actor);
                event.audit_row = audit_row;
                event.user_version = user_version.as_deref();
                event.detail = detail;
                history::insert_event(tx, &event)
            })
            .await?;
        self.emit(FleetEvent::ReleaseChanged { appid: appid.to_owned(), what: kind.as_str().to_owned() });
        Ok(event)
    }
}
