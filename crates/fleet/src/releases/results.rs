//! Audit results: from a push (`on_audit_event`), from reconciling after a relay gap
//! (`get_latest_auditstatus`), or from polling an audit that has been pending too long
//! (`get_auditstatus`). All three end in [`apply_to_row`], which is idempotent, so the same result
//! arriving twice (a repeated push, a poll racing a push) changes nothing the second time.

use std::time::Duration;

use futures::StreamExt;
use rusqlite::Connection;
use wechat::api::audit::{AuditStatus, GetLatestAuditstatusResponse};

use super::history::{self, AuditRecord, AuditState, EventKind, NewEvent};
use super::{calls, AuditOutcome};
use crate::error::Result;
use crate::{Fleet, FleetEvent};

/// How far WeChat's clock may be behind ours when matching a submission found at WeChat to the
/// intent recorded here.
pub const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;
/// The actor of audit results.
pub const WECHAT_ACTOR: &str = "wechat";
/// How many mini programs reconcile and poll ask WeChat about at once.
const CHECK_CONCURRENCY: usize = 8;

/// What applying a result changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// `audit_passed`, `audit_rejected`, `audit_delayed`, or `None` when nothing changed.
    pub what: Option<&'static str>,
    /// Campaign items that moved: (campaign id, item id).
    pub items: Vec<(i64, i64)>,
}

/// Applies `outcome` to the audit row `row` inside the caller's transaction.
pub fn apply_to_row(conn: &Connection, row: i64, outcome: &AuditOutcome) -> Result<Applied> {
    let record = history::audit_by_id(conn, row)?;
    let (state, kind, at, reason, screenshots): (AuditState, EventKind, i64, Option<&str>, &[String]) = match outcome {
        AuditOutcome::Passed { at } => (AuditState::Passed, EventKind::AuditPassed, *at, None, &[]),
        AuditOutcome::Rejected { at, reason, screenshots } => {
            (AuditState::Rejected, EventKind::AuditRejected, *at, Some(reason), screenshots)
        }
        AuditOutcome::Delayed { at, reason } => (AuditState::Delayed, EventKind::AuditDelayed, *at, Some(reason), &[]),
    };
    let applies = match state {
        AuditState::Delayed => matches!(record.status, AuditState::Submitting | AuditState::Pending),
        _ => record.status.is_open(),
    };
    if !applies {
        return Ok(Applied::default());
    }
    let at_ms = at * 1000;
    history::set_audit_status(conn, row, state, Some(at_ms), reason, screenshots)?;
    let mut event = NewEvent::new(&record.appid, kind, at_ms, WECHAT_ACTOR);
    event.template_id = record.template_id;
    event.user_version = Some(&record.user_version);
    event.user_desc = Some(&record.user_desc);
    event.audit_row = Some(row);
    event.campaign_id = record.campaign_id;
    event.detail = serde_json::json!({ "auditid": record.auditid, "reason": reason, "screenshots": screenshots });
    history::insert_event(conn, &event)?;
    let items = match state {
        AuditState::Passed => crate::campaigns::store::on_audit_result(conn, row, true, at_ms)?,
        AuditState::Rejected => crate::campaigns::store::on_audit_result(conn, row, false, at_ms)?,
        _ => Vec::new(),
    };
    Ok(Applied { what: Some(kind.as_str()), items })
}

/// What `get_auditstatus` / `get_latest_auditstatus` say, as an outcome (`None` while under review
/// or withdrawn). WeChat's answer has no result time; `now_secs` stands in.
pub fn outcome_of(status: AuditStatus, reason: Option<&str>, screenshot: Option<&str>, now_secs: i64) -> Option<AuditOutcome> {
    match status {
        AuditStatus::Passed => Some(AuditOutcome::Passed { at: now_secs }),
        AuditStatus::Rejected => Some(AuditOutcome::Rejected {
            at: now_secs,
            reason: reason.unwrap_or_default().to_owned(),
            screenshots: screenshot.map(|s| s.split('|').filter(|s| !s.is_empty()).map(str::to_owned).collect()).unwrap_or_default(),
        }),
        AuditStatus::Delayed => Some(AuditOutcome::Delayed { at: now_secs, reason: reason.unwrap_or_default().to_owned() }),
        _ => None,
    }
}

/// Tells listeners and running campaigns what changed.
pub fn announce(fleet: &Fleet, appid: &str, applied: &Applied) {
    if let Some(what) = applied.what {
        fleet.emit(FleetEvent::ReleaseChanged { appid: appid.to_owned(), what: what.to_owned() });
    }
    for &(campaign_id, item_id) in &applied.items {
        fleet.campaign_runners().wake(campaign_id, item_id);
    }
}

/// `on_audit_event`: the result belongs to the latest submission of `appid`.
pub async fn on_audit_event(fleet: &Fleet, appid: &str, outcome: AuditOutcome) -> Result<()> {
    let app = appid.to_owned();
    let applied = fleet
        .store()
        .write(move |tx| {
            match history::latest_audit(tx, &app)? {
                Some(record) => apply_to_row(tx, record.id, &outcome),
                // Submitted outside wxfleet: the history still shows the result (once).
                None => orphan_result(tx, &app, &outcome),
            }
        })
        .await?;
    announce(fleet, appid, &applied);
    Ok(())
}

fn orphan_result(conn: &Connection, appid: &str, outcome: &AuditOutcome) -> Result<Applied> {
    let (kind, at, detail) = match outcome {
        AuditOutcome::Passed { at } => (EventKind::AuditPassed, *at, serde_json::json!({})),
        AuditOutcome::Rejected { at, reason, screenshots } => {
            (EventKind::AuditRejected, *at, serde_json::json!({ "reason": reason, "screenshots": screenshots }))
        }
        AuditOutcome::Delayed { at, reason } => (EventKind::AuditDelayed, *at, serde_json::json!({ "reason": reason })),
    };
    if history::event_exists(conn, appid, kind, at * 1000)? {
        return Ok(Applied::default());
    }
    let mut event = NewEvent::new(appid, kind, at * 1000, WECHAT_ACTOR);
    event.detail = detail;
    history::insert_event(conn, &event)?;
    Ok(Applied { what: Some(kind.as_str()), items: Vec::new() })
}

/// Whether WeChat's latest audit is the submission `record` intended (its answer was lost): the same
/// `user_version`, an `auditid` not recorded for another submission, submitted after the intent.
pub fn is_our_submission(conn: &Connection, record: &AuditRecord, latest: &GetLatestAuditstatusResponse) -> Result<bool> {
    if latest.user_version.as_deref() != Some(record.user_version.as_str()) {
        return Ok(false);
    }
    if history::auditid_claimed(conn, &record.appid, latest.auditid, record.id)? {
        return Ok(false);
    }
    Ok(latest.submit_audit_time.is_none_or(|secs| secs * 1000 >= record.intent_at - CLOCK_SKEW_MS))
}

/// Records, inside the caller's transaction, that the submission of `record` reached WeChat as
/// `latest`, and applies its result if it has one.
pub fn record_found_submission(
    conn: &Connection,
    record: &AuditRecord,
    latest: &GetLatestAuditstatusResponse,
    actor: &str,
    now_ms: i64,
) -> Result<Applied> {
    let submitted_at = latest.submit_audit_time.map_or(now_ms, |secs| secs * 1000);
    history::audit_submitted(conn, record.id, latest.auditid, submitted_at, actor)?;
    match outcome_of(latest.status, latest.reason.as_deref(), latest.screenshot.as_deref(), now_ms / 1000) {
        Some(outcome) => apply_to_row(conn, record.id, &outcome),
        None if latest.status == AuditStatus::Withdrawn => {
            history::set_audit_status(conn, record.id, AuditState::Withdrawn, None, None, &[])?;
            Ok(Applied::default())
        }
        None => Ok(Applied::default()),
    }
}

/// Which open audits to ask WeChat about.
#[derive(Debug, Clone, Copy)]
enum Check {
    /// All (after a relay gap): `get_latest_auditstatus`.
    All,
    /// Those pending longer than this (push never came): `get_auditstatus`.
    OlderThan(Duration),
}

/// `reconcile_audits`: asks WeChat about every open audit of the platform.
pub async fn reconcile_audits(fleet: &Fleet, component_appid: &str) -> Result<u32> {
    check_open_audits(fleet, component_appid, Check::All).await
}

/// The polling fallback: asks about audits pending longer than `older_than` (and not asked about
/// within that time).
pub async fn poll_stale_audits(fleet: &Fleet, component_appid: &str, older_than: Duration) -> Result<u32> {
    check_open_audits(fleet, component_appid, Check::OlderThan(older_than)).await
}

async fn check_open_audits(fleet: &Fleet, component_appid: &str, check: Check) -> Result<u32> {
    let platform = component_appid.to_owned();
    let open = fleet.store().read(move |conn| history::open_audits(conn, &platform)).await?;
    let now = fleet.now_ms();
    // A submission decided moments ago may still be on the wire in this process: leave it to its caller.
    let in_flight_grace = i64::try_from(fleet.http_timeout().as_millis()).unwrap_or(i64::MAX).saturating_mul(2);
    let due: Vec<AuditRecord> = open
        .into_iter()
        .filter(|r| match (check, r.status) {
            // A campaign's unknown submissions are resolved by the campaign (its item moves with them).
            (_, AuditState::Submitting) => r.campaign_id.is_none() && now - r.intent_at > in_flight_grace,
            (Check::All, _) => true,
            (Check::OlderThan(age), _) => {
                let age = i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
                r.submitted_at.unwrap_or(r.intent_at) <= now - age
            }
        })
        .collect();
    let mut changes =
        futures::stream::iter(due.into_iter().map(|record| check_one(fleet, record, check))).buffer_unordered(CHECK_CONCURRENCY);
    let mut changed = 0;
    let mut first_error = None;
    while let Some(outcome) = changes.next().await {
        match outcome {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "checking an audit with WeChat failed");
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if changed == 0 => Err(e),
        _ => Ok(changed),
    }
}

async fn check_one(fleet: &Fleet, record: AuditRecord, check: Check) -> Result<bool> {
    let now = fleet.now_ms();
    let appid = record.appid.clone();
    let (actor, row) = (fleet.actor().to_owned(), record.id);
    let applied = match (record.status, record.auditid, check) {
        (AuditState::Submitting, _, _) | (_, None, _) => {
            let latest = calls::latest_auditstatus(fleet, &appid).await?;
            fleet
                .store()
                .write(move |tx| {
                    let record = history::audit_by_id(tx, row)?;
                    if record.status != AuditState::Submitting {
                        return Ok(Applied::default());
                    }
                    match latest {
                        Some(latest) if is_our_submission(tx, &record, &latest)? => {
                            let mut applied = record_found_submission(tx, &record, &latest, &actor, now)?;
                            applied.what = applied.what.or(Some("submitted"));
                            Ok(applied)
                        }
                        _ => {
                            history::drop_audit(tx, row)?;
                            Ok(Applied { what: Some("not_submitted"), items: Vec::new() })
                        }
                    }
                })
                .await?
        }
        (_, Some(auditid), Check::All) => {
            let latest = calls::latest_auditstatus(fleet, &appid).await?;
            let answer = match latest {
                Some(latest) if latest.auditid == auditid => (latest.status, latest.reason, latest.screenshot),
                _ => {
                    let one = calls::auditstatus(fleet, &appid, auditid).await?;
                    (one.status, one.reason, one.screenshot)
                }
            };
            apply_answer(fleet, row, answer, now).await?
        }
        (_, Some(auditid), Check::OlderThan(_)) => {
            let one = calls::auditstatus(fleet, &appid, auditid).await?;
            apply_answer(fleet, row, (one.status, one.reason, one.screenshot), now).await?
        }
    };
    announce(fleet, &appid, &applied);
    Ok(applied.what.is_some())
}

/// Applies a `get_auditstatus`-style answer to the row (withdrawals too).
pub async fn apply_answer(fleet: &Fleet, row: i64, answer: (AuditStatus, Option<String>, Option<String>), now_ms: i64) -> Result<Applied> {
    fleet
        .store()
        .write(move |tx| {
            history::mark_polled(tx, row, now_ms)?;
            let (status, reason, screenshot) = answer;
            if status == AuditStatus::Withdrawn {
                let record = history::audit_by_id(tx, row)?;
                if record.status.is_open() {
                    history::set_audit_status(tx, row, AuditState::Withdrawn, None, None, &[])?;
                    let items = crate::campaigns::store::on_audit_withdrawn(tx, row, now_ms)?;
                    return Ok(Applied { what: Some("audit_withdrawn"), items });
                }
                return Ok(Applied::default());
            }
            match outcome_of(status, reason.as_deref(), screenshot.as_deref(), now_ms / 1000) {
                Some(outcome) => apply_to_row(tx, row, &outcome),
                None => Ok(Applied::default()),
            }
        })
        .await
}
