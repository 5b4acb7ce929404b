//! The steps of one campaign item, each with its intent written before the WeChat call and its
//! result after:
//!
//! ```text
//!  pending ─▶ committing ─▶ committed ─▶ submitting ─▶ submitted ─▶ audit_passed ─▶ releasing ─▶ released
//!                 │                          │             │              └▶ audit_rejected
//!                 └ unknown outcome: getversioninfo        └ unknown outcome: get_latest_auditstatus
//! ```
//!
//! An errcode answer means WeChat did not do it: the item goes back to where it was (and is retried,
//! or fails with the errcode). A lost answer (timeout, connection reset) leaves the `…ing` state: the
//! next try asks WeChat what happened before doing anything again — so no mini program is submitted
//! twice.

use std::sync::Mutex;

use rusqlite::Connection;
use serde_json::{json, Value};
use wechat::api::category::AuditCategory;
use wechat::api::code::CommitRequest;
use wechat::ErrorClass;

use super::pace::Pace;
use super::spec::CampaignSpec;
use super::store::{self, ItemLite, ItemRow, ItemState};
use crate::error::{FleetError, Problem, Result};
use crate::releases::history::{self, AuditState, EventKind, NewAudit, NewEvent};
use crate::releases::results::{self, Applied, CLOCK_SKEW_MS};
use crate::releases::{calls, ext_json};
use crate::Fleet;

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Commit (or find out whether the last commit went through).
    Commit,
    /// Submit for audit (or find out whether the last submission went through).
    Submit,
    /// Ask WeChat about an audit whose push has not come.
    Poll,
    /// Release (or find out whether the last release went through).
    Release,
    /// Only find out whether a submission whose answer was lost went through (cancelling).
    Settle,
}

/// How a step ended for the campaign.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// The item's new state is stored.
    Moved,
    /// A quota is used up: the campaign stops cleanly (the item is back where it was).
    StopQuota(Value),
    /// The environment failed (no ticket, the disk, the database): the campaign pauses.
    Pause(Value),
}

/// The platform's audit budget as the campaign knows it: asked once, counted down locally, asked
/// again when it reaches zero — minus the submissions still on the wire, which WeChat may not have
/// counted yet.
#[derive(Debug, Default)]
pub struct AuditBudget {
    count: Mutex<BudgetCount>,
    /// One `queryquota` at a time: workers finding the count unknown wait for the one asking.
    asking: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct BudgetCount {
    rest: Option<i64>,
    in_flight: i64,
}

impl AuditBudget {
    fn count(&self) -> std::sync::MutexGuard<'_, BudgetCount> {
        self.count.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes one submission when the count is known; `None` when WeChat must be asked.
    fn take_known(&self) -> Option<bool> {
        let mut count = self.count();
        match count.rest {
            Some(n) if n > 0 => {
                count.rest = Some(n - 1);
                count.in_flight += 1;
                Some(true)
            }
            _ => None,
        }
    }

    /// WeChat says `rest` are left (not counting submissions still on the wire).
    fn answered(&self, rest: i64) {
        let mut count = self.count();
        count.rest = Some((rest - count.in_flight).max(0));
    }

    /// A taken submission ended: `sent` when WeChat took it; `exhausted` on a quota errcode.
    fn settle(&self, sent: bool, exhausted: bool) {
        let mut count = self.count();
        count.in_flight = (count.in_flight - 1).max(0);
        if exhausted {
            count.rest = Some(0);
        } else if !sent {
            if let Some(n) = count.rest.as_mut() {
                *n += 1;
            }
        }
    }
}

/// What every step of a campaign shares.
pub struct Ctx {
    /// The workspace.
    pub fleet: Fleet,
    /// The campaign.
    pub campaign_id: i64,
    /// What it does.
    pub spec: CampaignSpec,
    /// Its call rate.
    pub pace: Pace,
    /// The audit budget.
    pub budget: AuditBudget,
}

/// What to do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Disposition {
    /// A quota is out: stop the campaign.
    Quota,
    /// WeChat answered "busy": try again after a backoff.
    Retry,
    /// The answer was lost: the call may have happened; ask before doing it again.
    Unknown,
    /// Not this item's fault: pause the campaign.
    Environment,
    /// This item cannot go on.
    Final,
}

fn disposition(error: &FleetError) -> Disposition {
    match error {
        FleetError::WeChat { .. } => match error.class() {
            ErrorClass::Quota => Disposition::Quota,
            ErrorClass::Transient | ErrorClass::TokenInvalid => Disposition::Retry,
            ErrorClass::Permission | ErrorClass::Final => Disposition::Final,
        },
        FleetError::Network { .. } => Disposition::Unknown,
        FleetError::TicketMissing { .. }
        | FleetError::Secrets(_)
        | FleetError::Store(_)
        | FleetError::DiskFull
        | FleetError::ReadOnly
        | FleetError::Io(_)
        | FleetError::Relay(_)
        | FleetError::DatabaseNewer { .. } => Disposition::Environment,
        FleetError::Revoked { .. }
        | FleetError::MissingPermission { .. }
        | FleetError::NotFound { .. }
        | FleetError::Invalid { .. }
        | FleetError::Conflict(_) => Disposition::Final,
    }
}

fn reason(code: &str, problem: Problem) -> Value {
    let mut value = serde_json::to_value(problem).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("reason".to_owned(), Value::String(code.to_owned()));
    }
    value
}

impl Ctx {
    /// A context for `campaign_id`.
    pub fn new(fleet: Fleet, campaign_id: i64, spec: CampaignSpec) -> Ctx {
        let pace = Pace::new(spec.rate_per_sec);
        Ctx { fleet, campaign_id, spec, pace, budget: AuditBudget::default() }
    }

    /// Runs `step` for `item_id`; returns how it ended and the item as it is now.
    pub async fn run(&self, item_id: i64, step: Step) -> (StepOutcome, Option<ItemLite>) {
        let outcome = match self.read(move |conn| store::item_row(conn, item_id)).await {
            Ok(item) => match step {
                Step::Commit => self.commit(&item).await,
                Step::Submit => self.submit(&item).await,
                Step::Poll => self.poll(&item).await,
                Step::Release => self.release(&item).await,
                Step::Settle => self.settle(&item).await,
            },
            Err(e) => Err(e),
        };
        let outcome = outcome.unwrap_or_else(|e| StepOutcome::Pause(reason("environment", e.problem())));
        let lite = self.read(move |conn| store::lite(conn, item_id)).await.ok();
        (outcome, lite)
    }

    async fn read<T: Send + 'static>(&self, f: impl FnOnce(&Connection) -> Result<T> + Send + 'static) -> Result<T> {
        self.fleet.store().read(f).await
    }

    async fn write<T: Send + 'static>(&self, f: impl FnOnce(&Connection) -> Result<T> + Send + 'static) -> Result<T> {
        self.fleet.store().write(move |tx| f(tx)).await
    }

    fn now(&self) -> i64 {
        self.fleet.now_ms()
    }

    /// WeChat's time `secs` is at or after the intent (allowing for WeChat's clock).
    fn after_intent(item: &ItemRow, secs: i64) -> bool {
        secs * 1000 >= item.intent_at.unwrap_or(0) - CLOCK_SKEW_MS
    }

    // ---- commit ------------------------------------------------------------------------------

    async fn commit(&self, item: &ItemRow) -> Result<StepOutcome> {
        if item.state == ItemState::Committing {
            self.pace.wait().await;
            match calls::version_info(&self.fleet, &item.appid).await {
                Ok(info) => {
                    let ours = info
                        .exp_info
                        .is_some_and(|exp| exp.exp_version == self.spec.user_version && Self::after_intent(item, exp.exp_time));
                    if ours {
                        return self.committed(item, None).await;
                    }
                }
                Err(e) => return self.setback(item, e, ItemState::Committing).await,
            }
        }
        let ext = match ext_json::compose(&self.fleet, &item.appid, self.spec.template_id).await {
            Ok(ext) => ext,
            Err(e) => return self.setback(item, e, ItemState::Pending).await,
        };
        let (id, now) = (item.id, self.now());
        self.write(move |tx| store::intend(tx, id, ItemState::Committing, now)).await?;
        let req = CommitRequest {
            template_id: self.spec.template_id,
            ext_json: ext.ext_json,
            user_version: self.spec.user_version.clone(),
            user_desc: self.spec.user_desc.clone(),
        };
        self.pace.wait().await;
        match calls::commit(&self.fleet, &item.appid, &req).await {
            Ok(()) => self.committed(item, ext.revision).await,
            Err(e @ FleetError::WeChat { .. }) => self.setback(item, e, ItemState::Pending).await,
            Err(e) => self.setback(item, e, ItemState::Committing).await,
        }
    }

    async fn committed(&self, item: &ItemRow, revision: Option<i64>) -> Result<StepOutcome> {
        let (id, appid, now, campaign_id) = (item.id, item.appid.clone(), self.now(), self.campaign_id);
        let (template_id, user_version, user_desc, actor) =
            (self.spec.template_id, self.spec.user_version.clone(), self.spec.user_desc.clone(), self.fleet.actor().to_owned());
        self.write(move |tx| {
            store::advanced(tx, id, ItemState::Committed, now)?;
            ext_json::mark_committed(tx, &appid, revision, template_id, now)?;
            let mut event = NewEvent::new(&appid, EventKind::Commit, now, &actor);
            event.template_id = Some(template_id);
            event.user_version = Some(&user_version);
            event.user_desc = Some(&user_desc);
            event.ext_revision = revision;
            event.campaign_id = Some(campaign_id);
            history::insert_event(tx, &event)?;
            Ok(())
        })
        .await?;
        Ok(StepOutcome::Moved)
    }

    // ---- submit ------------------------------------------------------------------------------

    async fn submit(&self, item: &ItemRow) -> Result<StepOutcome> {
        if item.state == ItemState::Submitting {
            match self.settle_submission(item).await {
                Ok(true) => return Ok(StepOutcome::Moved),
                Ok(false) => {}
                Err(e) => return self.setback(item, e, ItemState::Submitting).await,
            }
        }
        match self.take_budget(&item.appid).await {
            Ok(true) => {}
            Ok(false) => {
                let problem = json!({
                    "reason": "audit_quota", "code": "quota", "class": "quota",
                    "message": "the platform's audit submissions for this month are used up (queryquota rest 0); resume when the quota is back",
                });
                return Ok(StepOutcome::StopQuota(problem));
            }
            Err(e) => return self.setback(item, e, ItemState::Committed).await,
        }
        let category = match self.category(item).await {
            Ok(category) => category,
            Err(e) => {
                self.budget.settle(false, false);
                return self.setback(item, e, ItemState::Committed).await;
            }
        };
        let req = self.spec.submit.request(calls::audit_item(&category));
        let (id, appid, now, campaign_id) = (item.id, item.appid.clone(), self.now(), self.campaign_id);
        let (template_id, user_version, user_desc, actor) =
            (self.spec.template_id, self.spec.user_version.clone(), self.spec.user_desc.clone(), self.fleet.actor().to_owned());
        let row = self
            .write(move |tx| {
                let audit = NewAudit {
                    appid: &appid,
                    template_id: Some(template_id),
                    user_version: &user_version,
                    user_desc: &user_desc,
                    intent_at: now,
                    actor: &actor,
                    campaign_id: Some(campaign_id),
                };
                let row = history::open_audit(tx, &audit)?;
                store::set_audit(tx, id, row, None)?;
                store::intend(tx, id, ItemState::Submitting, now)?;
                Ok(row)
            })
            .await
            .inspect_err(|_| self.budget.settle(false, false))?;
        self.pace.wait().await;
        let answer = calls::submit_audit(&self.fleet, &item.appid, &req).await;
        // The submission taken from the budget is no longer on the wire: WeChat took it, refused it
        // (85085: the month's quota is gone), or may have taken it (no answer: counted as sent).
        match &answer {
            Ok(_) => self.budget.settle(true, false),
            Err(e @ FleetError::WeChat { .. }) => self.budget.settle(false, e.errcode() == Some(85085)),
            Err(_) => self.budget.settle(true, false),
        }
        match answer {
            Ok(auditid) => {
                let (actor, now) = (self.fleet.actor().to_owned(), self.now());
                self.write(move |tx| {
                    history::audit_submitted(tx, row, auditid, now, &actor)?;
                    store::set_audit(tx, id, row, Some(auditid))?;
                    submitted(tx, id, now)
                })
                .await?;
                Ok(StepOutcome::Moved)
            }
            Err(e @ FleetError::WeChat { .. }) => {
                self.write(move |tx| {
                    store::clear_audit(tx, id)?;
                    history::drop_audit(tx, row)
                })
                .await?;
                if e.errcode() == Some(61039) {
                    return self.privacy_scan_pending(item, e).await;
                }
                self.setback(item, e, ItemState::Committed).await
            }
            Err(e) => self.setback(item, e, ItemState::Submitting).await,
        }
    }

    /// A submission whose answer is unknown: did it reach WeChat? Returns `true` when it did (the
    /// item is `submitted`, or further), `false` when it did not (the item is `committed` again).
    async fn settle_submission(&self, item: &ItemRow) -> Result<bool> {
        let row = item.audit_row;
        let record = match row {
            Some(row) => self.read(move |conn| history::audit_by_id(conn, row).map(Some)).await.or_else(|e| match e {
                FleetError::NotFound { .. } => Ok(None),
                e => Err(e),
            })?,
            None => None,
        };
        let id = item.id;
        let Some(record) = record else {
            let now = self.now();
            self.write(move |tx| store::move_item(tx, id, &[ItemState::Submitting], ItemState::Committed, now)).await?;
            return Ok(false);
        };
        if record.status != AuditState::Submitting {
            // Settled meanwhile (the push came first, or an earlier look).
            let now = self.now();
            let state = match record.status {
                AuditState::Passed => ItemState::AuditPassed,
                AuditState::Rejected => ItemState::AuditRejected,
                AuditState::Withdrawn => ItemState::Failed,
                _ => ItemState::Submitted,
            };
            self.write(move |tx| store::move_item(tx, id, &[ItemState::Submitting], state, now)).await?;
            return Ok(true);
        }
        self.pace.wait().await;
        let latest = calls::latest_auditstatus(&self.fleet, &item.appid).await?;
        let (actor, now) = (self.fleet.actor().to_owned(), self.now());
        let found = self
            .write(move |tx| {
                let record = history::audit_by_id(tx, record.id)?;
                if record.status != AuditState::Submitting {
                    return Ok(Some(Applied::default()));
                }
                match latest {
                    Some(latest) if results::is_our_submission(tx, &record, &latest)? => {
                        let applied = results::record_found_submission(tx, &record, &latest, &actor, now)?;
                        store::set_audit(tx, id, record.id, Some(latest.auditid))?;
                        submitted(tx, id, now)?;
                        Ok(Some(applied))
                    }
                    _ => {
                        store::clear_audit(tx, id)?;
                        history::drop_audit(tx, record.id)?;
                        store::move_item(tx, id, &[ItemState::Submitting], ItemState::Committed, now)?;
                        Ok(None)
                    }
                }
            })
            .await?;
        match found {
            Some(applied) => {
                results::announce(&self.fleet, &item.appid, &applied);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// [`Ctx::settle_submission`] alone: never submits.
    async fn settle(&self, item: &ItemRow) -> Result<StepOutcome> {
        if item.state != ItemState::Submitting {
            return Ok(StepOutcome::Moved);
        }
        match self.settle_submission(item).await {
            Ok(_) => Ok(StepOutcome::Moved),
            Err(e) => self.setback(item, e, ItemState::Submitting).await,
        }
    }

    async fn take_budget(&self, appid: &str) -> Result<bool> {
        if let Some(taken) = self.budget.take_known() {
            return Ok(taken);
        }
        let _asking = self.budget.asking.lock().await;
        if let Some(taken) = self.budget.take_known() {
            return Ok(taken);
        }
        self.pace.wait().await;
        let quota = calls::query_quota(&self.fleet, appid).await?;
        self.budget.answered(quota.rest);
        Ok(self.budget.take_known().unwrap_or(false))
    }

    async fn category(&self, item: &ItemRow) -> Result<AuditCategory> {
        if let Some(category) = item.category.as_deref().and_then(|c| serde_json::from_str(c).ok()) {
            return Ok(category);
        }
        self.pace.wait().await;
        calls::approved_categories(&self.fleet, &item.appid)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| FleetError::invalid("category", format!("{} has no approved category: add one (85008 otherwise)", item.appid)))
    }

    /// 61039: the privacy scan of the fresh code is not finished. Not a failure: wait and submit again.
    async fn privacy_scan_pending(&self, item: &ItemRow, error: FleetError) -> Result<StepOutcome> {
        let retry = &self.spec.retry;
        let (id, now) = (item.id, self.now());
        let problem = error.problem();
        let (state, next_at) = if item.privacy_waits + 1 >= retry.privacy_scan_max_waits {
            (ItemState::Failed, None)
        } else {
            (ItemState::Committed, Some(now + i64::try_from(retry.privacy_scan_retry_ms).unwrap_or(i64::MAX)))
        };
        let write = store::Setback { state, next_at, problem, attempt: false, privacy_wait: true };
        self.write(move |tx| store::setback(tx, id, &write, now)).await?;
        Ok(StepOutcome::Moved)
    }

    // ---- poll --------------------------------------------------------------------------------

    async fn poll(&self, item: &ItemRow) -> Result<StepOutcome> {
        let Some(row) = item.audit_row else {
            // Cannot happen (the audit record is written with the submission); never poll in a loop.
            let problem = FleetError::Store(format!("campaign item {} is under audit without an audit record", item.id)).problem();
            let (id, now) = (item.id, self.now());
            let write = store::Setback { state: ItemState::Failed, next_at: None, problem, attempt: false, privacy_wait: false };
            self.write(move |tx| store::setback(tx, id, &write, now)).await?;
            return Ok(StepOutcome::Moved);
        };
        self.pace.wait().await;
        let answer = match item.auditid {
            Some(auditid) => calls::auditstatus(&self.fleet, &item.appid, auditid).await.map(|a| Some((a.status, a.reason, a.screenshot))),
            None => calls::latest_auditstatus(&self.fleet, &item.appid).await.map(|l| l.map(|l| (l.status, l.reason, l.screenshot))),
        };
        let now = self.now();
        match answer {
            Ok(Some(answer)) => {
                let applied = results::apply_answer(&self.fleet, row, answer, now).await?;
                results::announce(&self.fleet, &item.appid, &applied);
            }
            Ok(None) => self.write(move |tx| history::mark_polled(tx, row, now)).await?,
            Err(e) => {
                // Polling is the fallback: a failed look is retried at the next poll time.
                tracing::warn!(appid = %item.appid, error = %e, "polling an audit failed");
                self.write(move |tx| history::mark_polled(tx, row, now)).await?;
            }
        }
        Ok(StepOutcome::Moved)
    }

    // ---- release -----------------------------------------------------------------------------

    async fn release(&self, item: &ItemRow) -> Result<StepOutcome> {
        if item.state == ItemState::Releasing {
            self.pace.wait().await;
            match calls::version_info(&self.fleet, &item.appid).await {
                Ok(info) => {
                    let ours = info
                        .release_info
                        .is_some_and(|live| live.release_version == self.spec.user_version && Self::after_intent(item, live.release_time));
                    if ours {
                        return self.released(item).await;
                    }
                }
                Err(e) => return self.setback(item, e, ItemState::Releasing).await,
            }
        }
        let (id, now) = (item.id, self.now());
        self.write(move |tx| store::intend(tx, id, ItemState::Releasing, now)).await?;
        self.pace.wait().await;
        match calls::release(&self.fleet, &item.appid).await {
            // 85052: the passed version is released already.
            Ok(()) | Err(FleetError::WeChat { errcode: 85052, .. }) => self.released(item).await,
            Err(e @ FleetError::WeChat { .. }) => self.setback(item, e, ItemState::AuditPassed).await,
            Err(e) => self.setback(item, e, ItemState::Releasing).await,
        }
    }

    async fn released(&self, item: &ItemRow) -> Result<StepOutcome> {
        let (id, appid, row, now, campaign_id) = (item.id, item.appid.clone(), item.audit_row, self.now(), self.campaign_id);
        let (template_id, user_version, user_desc, actor) =
            (self.spec.template_id, self.spec.user_version.clone(), self.spec.user_desc.clone(), self.fleet.actor().to_owned());
        self.write(move |tx| {
            store::advanced(tx, id, ItemState::Released, now)?;
            let mut event = NewEvent::new(&appid, EventKind::Release, now, &actor);
            event.template_id = Some(template_id);
            event.user_version = Some(&user_version);
            event.user_desc = Some(&user_desc);
            event.audit_row = row;
            event.campaign_id = Some(campaign_id);
            history::insert_event(tx, &event)?;
            Ok(())
        })
        .await?;
        self.fleet.emit(crate::FleetEvent::ReleaseChanged { appid: item.appid.clone(), what: "released".to_owned() });
        Ok(StepOutcome::Moved)
    }

    // ---- errors ------------------------------------------------------------------------------

    /// A try failed with `error`; `back_to` is where the item stands now (its stable state when
    /// WeChat answered, its `…ing` state when the outcome is unknown).
    async fn setback(&self, item: &ItemRow, error: FleetError, back_to: ItemState) -> Result<StepOutcome> {
        let retry = &self.spec.retry;
        let (id, now) = (item.id, self.now());
        let problem = error.problem();
        let attempts = item.attempts + 1;
        let backoff = now + retry.backoff_ms(attempts);
        let disposition = disposition(&error);
        let (state, next_at, outcome) = match disposition {
            Disposition::Quota => (back_to, None, StepOutcome::StopQuota(reason("quota", problem.clone()))),
            Disposition::Environment => (back_to, None, StepOutcome::Pause(reason("environment", problem.clone()))),
            Disposition::Retry | Disposition::Unknown if attempts < retry.max_attempts => (back_to, Some(backoff), StepOutcome::Moved),
            Disposition::Retry | Disposition::Unknown | Disposition::Final => (ItemState::Failed, None, StepOutcome::Moved),
        };
        let attempt = !matches!(disposition, Disposition::Quota | Disposition::Environment);
        let write = store::Setback { state, next_at, problem, attempt, privacy_wait: false };
        self.write(move |tx| store::setback(tx, id, &write, now)).await?;
        if matches!(error, FleetError::Revoked { .. }) {
            let platform = self.spec.platform.clone();
            let _ = crate::authorizers::mark_revoked(&self.fleet, &platform, &item.appid, now).await;
        }
        Ok(outcome)
    }
}

/// The submission reached WeChat: `submitting` becomes `submitted` (unless a result came first).
fn submitted(conn: &Connection, item_id: i64, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE campaign_items SET state = CASE state WHEN 'submitting' THEN 'submitted' ELSE state END,
           submitted_at = ?2, attempts = 0, next_at = NULL, errcode = NULL, problem = NULL, updated_at = ?2
         WHERE id = ?1",
        rusqlite::params![item_id, now],
    )?;
    Ok(())
}
