//! Audits: `submit_audit` with the checks the real one makes, the audit's course in virtual time
//! (pass, fail, delay, manual), its pushes, status queries, undo and speed-up (reference §8, §2.2).

use serde::{Deserialize, Serialize};
use wechat::api::audit::{AuditItem, AuditStatus, GetAuditstatusResponse, GetLatestAuditstatusResponse, PreviewInfo, SubmitAuditRequest};
use wechat::xml::{Event, MessageHeader, WeappAuditDelay, WeappAuditFail, WeappAuditSuccess};

use super::calendar::{day_key, month_key};
use super::commit::CodeVersion;
use super::rules::{Outcome, Plan};
use super::CodeState;
use crate::world::category::ApprovedCategory;
use crate::world::{Ids, OutgoingPush, PushTarget, World};
use crate::WxError;

/// The sender of audit pushes: a system account (WeChat sends an openid of its own).
pub const AUDIT_PUSH_SENDER: &str = "oWxaAuditNotify0000000000000";

/// Withdrawals per mini program per Beijing day.
pub const UNDO_PER_DAY: usize = 5;
/// Withdrawals per mini program per Beijing month.
pub const UNDO_PER_MONTH: usize = 10;

/// Why the default failed audit is rejected: WeChat's text with its `<br>` markup.
pub const DEFAULT_FAIL_REASON: &str = "1:你好，小程序页面功能异常：“商品详情页”无法正常打开，请完善后再提交审核。<br>\
2:小程序简介与实际提供的服务内容不符，请修改简介后重新提交。<br>";
/// Why an audit is delayed.
pub const DELAY_REASON: &str = "你好，因审核资源紧张，你的小程序审核将延后，预计在 3 个工作日内完成，请耐心等待。";

/// One audit (审核单).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    /// Its id.
    pub auditid: i64,
    /// The platform that submitted it (its message URL gets the pushes).
    pub component_appid: String,
    /// The code under audit.
    pub version: CodeVersion,
    /// When it was submitted.
    pub submit_time: i64,
    /// Where it stands.
    pub status: AuditStatus,
    /// Why it was rejected or delayed.
    pub reason: Option<String>,
    /// Screenshot media ids joined by `|` (rejections).
    pub screenshot: Option<String>,
    /// What happens next.
    pub outcome: Outcome,
    /// Seconds each step takes (a delay takes as long again before passing).
    pub after_secs: u64,
    /// When the next step happens (`None` for a manual decision).
    pub due_at: Option<i64>,
    /// The rejection reason when the outcome is decided by the checks (privacy guide), not by rules.
    pub forced_reason: Option<String>,
    /// It was expedited with `speedupaudit`.
    pub sped_up: bool,
    /// Its version was released (once).
    pub released: bool,
}

impl Audit {
    /// Under review or delayed: still waiting for a result.
    pub fn is_pending(&self) -> bool {
        matches!(self.status, AuditStatus::UnderReview | AuditStatus::Delayed)
    }

    /// Applies `outcome` now and returns the event to push.
    fn conclude(&mut self, outcome: Outcome, reason: Option<String>, original_id: &str, ids: &mut Ids, now: i64) -> Option<Event> {
        let header = MessageHeader { to_user_name: original_id.to_owned(), from_user_name: AUDIT_PUSH_SENDER.to_owned(), create_time: now };
        match outcome {
            Outcome::Pass => {
                self.status = AuditStatus::Passed;
                self.reason = None;
                self.due_at = None;
                Some(Event::WeappAuditSuccess(WeappAuditSuccess { header, succ_time: now }))
            }
            Outcome::Fail => {
                let reason = reason.or_else(|| self.forced_reason.clone()).unwrap_or_else(|| DEFAULT_FAIL_REASON.to_owned());
                // Example screenshots of what the reviewer saw: permanent-material media ids.
                let screenshots = vec![ids.opaque("", 43), ids.opaque("", 43)];
                self.status = AuditStatus::Rejected;
                self.reason = Some(reason.clone());
                self.screenshot = Some(screenshots.join("|"));
                self.due_at = None;
                Some(Event::WeappAuditFail(WeappAuditFail { header, reason, fail_time: now, screen_shot: screenshots }))
            }
            Outcome::Delay => {
                let reason = reason.unwrap_or_else(|| DELAY_REASON.to_owned());
                self.status = AuditStatus::Delayed;
                self.reason = Some(reason.clone());
                // A delayed audit still ends: it passes as long again later (unless the checks
                // already decided a rejection).
                self.outcome = if self.forced_reason.is_some() { Outcome::Fail } else { Outcome::Pass };
                self.due_at = Some(now + self.after_secs as i64);
                Some(Event::WeappAuditDelay(WeappAuditDelay { header, reason, delay_time: now }))
            }
            Outcome::Manual => None,
        }
    }
}

/// A file uploaded with `uploadmedia` for `preview_info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewMedia {
    /// The media id.
    pub mediaid: String,
    /// `image` or `video`.
    pub kind: String,
    /// When it was uploaded.
    pub uploaded_at: i64,
}

/// How many uploaded media a mini program keeps (the oldest are forgotten).
const MEDIA_KEPT: usize = 200;
/// How many audits a mini program keeps (the oldest finished ones are forgotten).
const AUDITS_KEPT: usize = 100;

fn must_commit() -> WxError {
    WxError::new(85086, "must commit before submit audit")
}

/// `submit_audit` by `component_appid` for `appid`: checks, takes a submission from the platform's
/// quota, and schedules the outcome `configured` or the rules say. Returns the `auditid`.
pub fn submit(
    world: &mut World,
    component_appid: &str,
    appid: &str,
    req: &SubmitAuditRequest,
    configured: Plan,
    now: i64,
) -> Result<i64, WxError> {
    let app = world.app(appid)?;
    let version = app.code.trial.clone().ok_or_else(must_commit)?;
    if app.code.pending_audit().is_some() {
        return Err(WxError::new(85009, "already submit a version under auditing"));
    }
    if now < version.scan_done_at {
        return Err(WxError::new(61039, "隐私接口检查任务未完成，请稍等一分钟再重试"));
    }
    // Privacy interfaces (the location APIs) the code calls without a grant: 61040, unless the
    // submission promises not to use them. The privacy area knows the grants.
    if req.privacy_api_not_use != Some(true) {
        if let Ok(info) = crate::world::privacy::code_privacy_info(app, now) {
            if !info.without_auth_list.is_empty() {
                let apis = info.without_auth_list.join("、");
                return Err(WxError::new(
                    61040,
                    format!("代码中含有ext.json未配置隐私接口{apis}(暂无权限)，请配置并申请权限或者承诺不使用这些接口(设置参数privacy_api_not_use为true)后再提交审核。"),
                ));
            }
        }
    }
    check_items(&req.item_list, &version.pages, &app.categories.approved())?;
    check_extras(req, &app.code.media)?;
    // Name, avatar and description: only the name is known here (the profile belongs to another
    // area of the simulator), so only a missing name answers 86002.
    if app.nickname.trim().is_empty() {
        return Err(WxError::new(86002, "miniprogram have not completed init procedure"));
    }
    let configured_keys = app.privacy.configured_keys();
    let missing: Vec<&str> = version.privacy_keys.iter().filter(|k| !configured_keys.contains(k)).map(String::as_str).collect();
    // A guide that does not cover the code is not refused at submission: the audit is rejected
    // (reference §5.3). `privacy_api_not_use` does not help here — it only declares that privacy
    // *interfaces* missing from ext.json are unused (61040), it does not fill the guide.
    let forced_reason = (!missing.is_empty()).then(|| {
        format!("1:你好，小程序代码中使用了需要用户授权的隐私接口（{}），但【用户隐私保护指引】中未声明。请通过接口完善【用户隐私保护指引】后再重新提审<br>", missing.join("、"))
    });

    let quota = &mut world.platform_mut(component_appid)?.audit_quota;
    quota.check_submission(now)?;
    quota.take_submission(now);
    let plan = world.audit_rules.plan_next(appid, configured);
    let auditid = world.ids.number() as i64;
    let outcome = if forced_reason.is_some() && plan.outcome != Outcome::Delay { Outcome::Fail } else { plan.outcome };
    let due_at = (outcome != Outcome::Manual).then_some(now + plan.after_secs as i64);
    let code = &mut world.app_mut(appid)?.code;
    code.audits.push(Audit {
        auditid,
        component_appid: component_appid.to_owned(),
        version,
        submit_time: now,
        status: AuditStatus::UnderReview,
        reason: None,
        screenshot: None,
        outcome,
        after_secs: plan.after_secs,
        due_at,
        forced_reason,
        sped_up: false,
        released: false,
    });
    code.forget_old_audits();
    Ok(auditid)
}

/// The checks of `item_list`: 1–5 items (or none), each with a known page, valid tags and title,
/// and an approved category.
fn check_items(items: &[AuditItem], pages: &[String], approved: &[ApprovedCategory]) -> Result<(), WxError> {
    if items.len() > 5 {
        return Err(WxError::new(85023, "item size is not in valid range"));
    }
    if approved.is_empty() {
        return Err(WxError::new(85008, "category is in invalid format"));
    }
    for item in items {
        if item == &AuditItem::default() {
            return Err(WxError::new(85010, "missing required data"));
        }
        if let Some(address) = &item.address {
            if !pages.iter().any(|p| p == address) {
                return Err(WxError::new(85007, "page is in invalid format"));
            }
        }
        if let Some(tag) = &item.tag {
            let tags: Vec<&str> = tag.split_whitespace().collect();
            if tags.len() > 10 || tags.iter().any(|t| t.chars().count() > 20) {
                return Err(WxError::new(85006, "tag is in invalid format"));
            }
        }
        if item.title.as_ref().is_some_and(|t| t.chars().count() > 32) {
            return Err(WxError::new(85011, "title is in invalid format"));
        }
        if !category_matches(item, approved) {
            return Err(WxError::new(85077, "some category you choose is no longger supported, please choose other category"));
        }
    }
    Ok(())
}

/// An item names an approved category by ids or by names; an item naming none uses the mini
/// program's own categories.
fn category_matches(item: &AuditItem, approved: &[ApprovedCategory]) -> bool {
    let by_id = item.first_id.is_some() || item.second_id.is_some() || item.third_id.is_some();
    let by_name = item.first_class.is_some() || item.second_class.is_some() || item.third_class.is_some();
    if by_id {
        approved.iter().any(|c| {
            item.first_id == Some(c.first_id)
                && item.second_id == Some(c.second_id)
                && (item.third_id.is_none() || item.third_id == c.third_id)
        })
    } else if by_name {
        approved.iter().any(|c| {
            item.first_class.as_deref() == Some(c.first_class.as_str())
                && item.second_class.as_deref() == Some(c.second_class.as_str())
                && (item.third_class.is_none() || item.third_class == c.third_class)
        })
    } else {
        true
    }
}

/// `preview_info`, `version_desc` and the feedback fields.
fn check_extras(req: &SubmitAuditRequest, media: &[PreviewMedia]) -> Result<(), WxError> {
    if let Some(preview) = &req.preview_info {
        check_preview(preview, media)?;
    }
    // Limits WeChat documents without an errcode of their own; 85051 ("version_desc或者preview_info
    // 超限") for the description and 40097 for the feedback fields are this simulator's choice.
    if req.version_desc.as_ref().is_some_and(|d| d.chars().count() > 500) {
        return Err(WxError::new(85051, "data too large: version_desc"));
    }
    if req.feedback_info.as_ref().is_some_and(|f| f.chars().count() > 200) {
        return Err(WxError::new(40097, "invalid args: feedback_info is longer than 200 characters"));
    }
    if req.feedback_stuff.as_ref().is_some_and(|s| s.split('|').filter(|id| !id.is_empty()).count() > 5) {
        return Err(WxError::new(40097, "invalid args: feedback_stuff has more than 5 images"));
    }
    Ok(())
}

/// Preview media must be this mini program's `uploadmedia` uploads of the right kind (85092);
/// at most 10 screenshots and 5 recordings (85093; the counts are this simulator's, unverified).
fn check_preview(preview: &PreviewInfo, media: &[PreviewMedia]) -> Result<(), WxError> {
    if preview.pic_id_list.len() > 10 || preview.video_id_list.len() > 5 {
        return Err(WxError::new(85093, "invalid preview_info size"));
    }
    let known = |id: &String, kind: &str| media.iter().any(|m| &m.mediaid == id && m.kind == kind);
    if !preview.pic_id_list.iter().all(|id| known(id, "image")) || !preview.video_id_list.iter().all(|id| known(id, "video")) {
        return Err(WxError::new(85092, "invalid preview_info format"));
    }
    Ok(())
}

impl CodeState {
    /// The audit under review or delayed, if any.
    pub fn pending_audit(&self) -> Option<&Audit> {
        self.audits.iter().rev().find(|a| a.is_pending())
    }

    fn pending_audit_mut(&mut self) -> Option<&mut Audit> {
        self.audits.iter_mut().rev().find(|a| a.is_pending())
    }

    /// The latest audit.
    pub fn latest_audit(&self) -> Option<&Audit> {
        self.audits.last()
    }

    fn forget_old_audits(&mut self) {
        while self.audits.len() > AUDITS_KEPT {
            match self.audits.iter().position(|a| !a.is_pending()) {
                Some(i) => self.audits.remove(i),
                None => break,
            };
        }
    }

    /// `get_auditstatus`; 85012 for an id this mini program does not have.
    pub fn audit_status(&self, auditid: i64) -> Result<GetAuditstatusResponse, WxError> {
        let audit = self.audits.iter().find(|a| a.auditid == auditid).ok_or_else(|| WxError::new(85012, "invalid audit id"))?;
        Ok(GetAuditstatusResponse { status: audit.status, reason: audit.reason.clone(), screenshot: audit.screenshot.clone() })
    }

    /// `get_latest_auditstatus`; 86001 before any commit, 85058 when nothing was ever submitted.
    pub fn latest_audit_status(&self) -> Result<GetLatestAuditstatusResponse, WxError> {
        if self.trial.is_none() && self.audits.is_empty() {
            return Err(no_committed_code());
        }
        let audit = self.latest_audit().ok_or_else(|| WxError::new(85058, "no valid audit_id exist"))?;
        Ok(GetLatestAuditstatusResponse {
            auditid: audit.auditid,
            status: audit.status,
            reason: audit.reason.clone(),
            screenshot: audit.screenshot.clone(),
            user_version: Some(audit.version.user_version.clone()),
            user_desc: Some(audit.version.user_desc.clone()),
            submit_audit_time: Some(audit.submit_time),
        })
    }

    /// `undocodeaudit`: withdraws the pending audit. 87012 when none is pending (what WeChat answers
    /// for an audit already decided), 87013 when today's 5 or this month's 10 are used.
    pub fn undo_audit(&mut self, now: i64) -> Result<(), WxError> {
        if self.pending_audit().is_none() {
            return Err(WxError::new(87012, "forbid revert this version release"));
        }
        let month = month_key(now);
        self.undo_times.retain(|t| month_key(*t) == month);
        let today = self.undo_times.iter().filter(|t| day_key(**t) == day_key(now)).count();
        if today >= UNDO_PER_DAY || self.undo_times.len() >= UNDO_PER_MONTH {
            return Err(WxError::new(87013, "no quota to undo code"));
        }
        self.undo_times.push(now);
        if let Some(audit) = self.pending_audit_mut() {
            audit.status = AuditStatus::Withdrawn;
            audit.due_at = None;
        }
        Ok(())
    }

    /// Whether `speedupaudit` may expedite `auditid`: 89402 when it is not waiting, 89404 when it was
    /// already expedited. The platform's speed-up quota is checked by the caller.
    pub fn check_speedup(&self, auditid: i64) -> Result<(), WxError> {
        let audit = self
            .audits
            .iter()
            .find(|a| a.auditid == auditid && a.is_pending())
            .ok_or_else(|| WxError::new(89402, "该审核单不在待审核队列，请检查是否已提交审核或已审完"))?;
        if audit.sped_up {
            return Err(WxError::new(89404, "本单已加速成功，请勿重复提交"));
        }
        Ok(())
    }

    /// Expedites `auditid`: what remains of its wait is halved.
    pub fn speedup(&mut self, auditid: i64, now: i64) {
        if let Some(audit) = self.audits.iter_mut().find(|a| a.auditid == auditid) {
            audit.sped_up = true;
            if let Some(due) = audit.due_at {
                audit.due_at = Some(now + (due - now).max(0) / 2);
            }
            audit.after_secs /= 2;
        }
    }

    /// Remembers an `uploadmedia` upload.
    pub fn remember_media(&mut self, media: PreviewMedia) {
        self.media.push(media);
        if self.media.len() > MEDIA_KEPT {
            let excess = self.media.len() - MEDIA_KEPT;
            self.media.drain(..excess);
        }
    }

    /// Moves the pending audit if its time has come; returns what to push.
    pub(super) fn step_audit(&mut self, original_id: &str, ids: &mut Ids, now: i64) -> Option<(String, Event)> {
        let audit = self.pending_audit_mut()?;
        if audit.due_at.is_none_or(|due| due > now) {
            return None;
        }
        let event = audit.conclude(audit.outcome, None, original_id, ids, now)?;
        Some((audit.component_appid.clone(), event))
    }

    /// Decides the pending audit now (`POST /admin/audit`); a delay passes `after_secs` later.
    /// `None` when no audit is pending.
    pub fn decide_now(
        &mut self,
        outcome: Outcome,
        reason: Option<String>,
        after_secs: u64,
        original_id: &str,
        ids: &mut Ids,
        now: i64,
    ) -> Option<(i64, String, Event)> {
        let audit = self.pending_audit_mut()?;
        if outcome == Outcome::Delay {
            audit.after_secs = after_secs;
            // The admin decides; a rejection the checks found earlier does not overrule a later pass.
            audit.forced_reason = None;
        }
        let event = audit.conclude(outcome, reason, original_id, ids, now)?;
        Some((audit.auditid, audit.component_appid.clone(), event))
    }
}

/// `86001`: the platform has committed no code for this mini program.
pub fn no_committed_code() -> WxError {
    WxError::new(86001, "component experience version not exists")
}

/// Queues the push for `event` to the platform's message URL for `appid`.
pub fn queue_push(world_outbox: &mut crate::world::Outbox, component_appid: String, appid: &str, event: &Event) {
    world_outbox.push(OutgoingPush { component_appid, target: PushTarget::App { appid: appid.to_owned() }, xml: event.to_xml() });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approved() -> Vec<ApprovedCategory> {
        vec![ApprovedCategory {
            first_id: 304,
            first_class: "商家自营".into(),
            second_id: 323,
            second_class: "食品".into(),
            third_id: None,
            third_class: None,
        }]
    }

    fn item() -> AuditItem {
        AuditItem { address: Some("pages/index/index".into()), first_id: Some(304), second_id: Some(323), ..AuditItem::default() }
    }

    fn check(items: Vec<AuditItem>) -> i64 {
        check_items(&items, &["pages/index/index".to_owned()], &approved()).map(|_| 0).unwrap_or_else(|e| e.errcode)
    }

    #[test]
    fn item_checks() {
        assert_eq!(check(vec![item()]), 0);
        assert_eq!(check(vec![]), 0);
        assert_eq!(check(vec![item(); 6]), 85023);
        assert_eq!(check(vec![AuditItem::default()]), 85010);
        assert_eq!(check(vec![AuditItem { address: Some("pages/x".into()), ..item() }]), 85007);
        assert_eq!(check(vec![AuditItem { tag: Some("a b c d e f g h i j k".into()), ..item() }]), 85006);
        assert_eq!(check(vec![AuditItem { tag: Some("x".repeat(21)), ..item() }]), 85006);
        assert_eq!(check(vec![AuditItem { title: Some("标".repeat(33)), ..item() }]), 85011);
        assert_eq!(check(vec![AuditItem { second_id: Some(1), ..item() }]), 85077);
        let by_name = AuditItem { first_class: Some("商家自营".into()), second_class: Some("食品".into()), ..AuditItem::default() };
        assert_eq!(check(vec![by_name]), 0);
        assert_eq!(check_items(&[item()], &["pages/index/index".to_owned()], &[]).unwrap_err().errcode, 85008);
    }
}
