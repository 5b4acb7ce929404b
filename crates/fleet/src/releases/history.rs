//! The version history as stored: audits (one row per submission, following its course) and the
//! append-only events (commit, submit, results, release, gray release, revert, visit status).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{FleetError, Result};

/// What happened to a mini program's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Code committed from a template (the trial version).
    Commit,
    /// Submitted for audit.
    SubmitAudit,
    /// The audit passed.
    AuditPassed,
    /// The audit was rejected.
    AuditRejected,
    /// The audit was delayed.
    AuditDelayed,
    /// The audit was withdrawn.
    UndoAudit,
    /// The audit was expedited.
    SpeedupAudit,
    /// The passed version was released to everyone.
    Release,
    /// A phased release started or widened.
    GrayRelease,
    /// Rolled back to an earlier release.
    Revert,
    /// Service paused or resumed.
    VisitStatus,
}

impl EventKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Commit => "commit",
            EventKind::SubmitAudit => "submit_audit",
            EventKind::AuditPassed => "audit_passed",
            EventKind::AuditRejected => "audit_rejected",
            EventKind::AuditDelayed => "audit_delayed",
            EventKind::UndoAudit => "undo_audit",
            EventKind::SpeedupAudit => "speedup_audit",
            EventKind::Release => "release",
            EventKind::GrayRelease => "gray_release",
            EventKind::Revert => "revert",
            EventKind::VisitStatus => "visit_status",
        }
    }

    fn parse(text: &str) -> Result<EventKind> {
        serde_json::from_value(Value::String(text.to_owned()))
            .map_err(|_| FleetError::Store(format!("unknown version event kind {text:?}")))
    }
}

/// Where an audit stands, as recorded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AuditState {
    /// `submit_audit` was decided and maybe sent; its answer is not recorded (yet, or the process
    /// died): ask WeChat before submitting again.
    Submitting,
    /// Under review.
    Pending,
    /// Delayed by WeChat; a result still follows.
    Delayed,
    /// Passed: the version can be released.
    Passed,
    /// Rejected, with a reason and screenshots.
    Rejected,
    /// Withdrawn (`undocodeaudit`).
    Withdrawn,
}

impl AuditState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditState::Submitting => "submitting",
            AuditState::Pending => "pending",
            AuditState::Delayed => "delayed",
            AuditState::Passed => "passed",
            AuditState::Rejected => "rejected",
            AuditState::Withdrawn => "withdrawn",
        }
    }

    fn parse(text: &str) -> Result<AuditState> {
        serde_json::from_value(Value::String(text.to_owned())).map_err(|_| FleetError::Store(format!("unknown audit state {text:?}")))
    }

    /// Still waiting for WeChat's result.
    pub fn is_open(self) -> bool {
        matches!(self, AuditState::Submitting | AuditState::Pending | AuditState::Delayed)
    }
}

/// One entry of a mini program's version history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionEvent {
    /// Row id.
    pub id: i64,
    /// The mini program.
    pub appid: String,
    /// What happened.
    pub kind: EventKind,
    /// When (unix ms).
    pub at: i64,
    /// Who: the operator, or `wechat` for audit results.
    pub actor: String,
    /// The template committed.
    pub template_id: Option<i64>,
    /// The version's `user_version`.
    pub user_version: Option<String>,
    /// The version's `user_desc`.
    pub user_desc: Option<String>,
    /// The merchant's ext_json revision committed.
    pub ext_revision: Option<i64>,
    /// The audit this event belongs to ([`AuditRecord::id`]).
    pub audit_row: Option<i64>,
    /// The campaign that did it.
    pub campaign_id: Option<i64>,
    /// Kind-specific details: `gray_percentage`, `app_version`, `action`, `reason`, `screenshots`, `auditid`.
    pub detail: Value,
}

impl VersionEvent {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<(VersionEvent, String, String)> {
        Ok((
            VersionEvent {
                id: row.get("id")?,
                appid: row.get("appid")?,
                kind: EventKind::Commit,
                at: row.get("at")?,
                actor: row.get("actor")?,
                template_id: row.get("template_id")?,
                user_version: row.get("user_version")?,
                user_desc: row.get("user_desc")?,
                ext_revision: row.get("ext_revision")?,
                audit_row: row.get("audit_row")?,
                campaign_id: row.get("campaign_id")?,
                detail: Value::Null,
            },
            row.get("kind")?,
            row.get("detail")?,
        ))
    }

    fn finish((mut event, kind, detail): (VersionEvent, String, String)) -> Result<VersionEvent> {
        event.kind = EventKind::parse(&kind)?;
        event.detail = serde_json::from_str(&detail)?;
        Ok(event)
    }
}

/// One submission for audit and its course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditRecord {
    /// Row id.
    pub id: i64,
    /// The mini program.
    pub appid: String,
    /// WeChat's `auditid`; `None` while the submission's answer is unknown.
    pub auditid: Option<i64>,
    /// The template of the code under audit.
    pub template_id: Option<i64>,
    /// Its `user_version`.
    pub user_version: String,
    /// Its `user_desc`.
    pub user_desc: String,
    /// Where it stands.
    pub status: AuditState,
    /// When the submission was decided (unix ms).
    pub intent_at: i64,
    /// When WeChat took it (unix ms).
    pub submitted_at: Option<i64>,
    /// When the result came (unix ms, WeChat's time).
    pub result_at: Option<i64>,
    /// Why it was rejected or delayed, as WeChat wrote it (may contain `<br>`).
    pub reason: Option<String>,
    /// The reviewer's screenshots (media ids).
    pub screenshots: Vec<String>,
    /// Who submitted it.
    pub actor: String,
    /// The campaign that submitted it.
    pub campaign_id: Option<i64>,
}

impl AuditRecord {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<(AuditRecord, String, String)> {
        Ok((
            AuditRecord {
                id: row.get("id")?,
                appid: row.get("appid")?,
                auditid: row.get("auditid")?,
                template_id: row.get("template_id")?,
                user_version: row.get("user_version")?,
                user_desc: row.get("user_desc")?,
                status: AuditState::Submitting,
                intent_at: row.get("intent_at")?,
                submitted_at: row.get("submitted_at")?,
                result_at: row.get("result_at")?,
                reason: row.get("reason")?,
                screenshots: Vec::new(),
                actor: row.get("actor")?,
                campaign_id: row.get("campaign_id")?,
            },
            row.get("status")?,
            row.get("screenshots")?,
        ))
    }

    fn finish((mut record, status, screenshots): (AuditRecord, String, String)) -> Result<AuditRecord> {
        record.status = AuditState::parse(&status)?;
        record.screenshots = serde_json::from_str(&screenshots)?;
        Ok(record)
    }
}

/// A mini program's version history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionHistory {
    /// The mini program.
    pub appid: String,
    /// Every submission, newest first.
    pub audits: Vec<AuditRecord>,
    /// Every event, newest first.
    pub events: Vec<VersionEvent>,
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// The mini program.
    pub appid: &'a str,
    /// What happened.
    pub kind: EventKind,
    /// When (unix ms).
    pub at: i64,
    /// Who.
    pub actor: &'a str,
    /// The template.
    pub template_id: Option<i64>,
    /// The `user_version`.
    pub user_version: Option<&'a str>,
    /// The `user_desc`.
    pub user_desc: Option<&'a str>,
    /// The ext_json revision.
    pub ext_revision: Option<i64>,
    /// The audit row.
    pub audit_row: Option<i64>,
    /// The campaign.
    pub campaign_id: Option<i64>,
    /// Details.
    pub detail: Value,
}

impl<'a> NewEvent<'a> {
    /// An event with no version, audit or campaign attached.
    pub fn new(appid: &'a str, kind: EventKind, at: i64, actor: &'a str) -> NewEvent<'a> {
        NewEvent {
            appid,
            kind,
            at,
            actor,
            template_id: None,
            user_version: None,
            user_desc: None,
            ext_revision: None,
            audit_row: None,
            campaign_id: None,
            detail: Value::Object(serde_json::Map::new()),
        }
    }
}

/// Appends an event; returns it as stored.
pub fn insert_event(conn: &Connection, event: &NewEvent<'_>) -> Result<VersionEvent> {
    conn.execute(
        "INSERT INTO version_events (appid, kind, at, actor, template_id, user_version, user_desc, ext_revision, audit_row, campaign_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            event.appid,
            event.kind.as_str(),
            event.at,
            event.actor,
            event.template_id,
            event.user_version,
            event.user_desc,
            event.ext_revision,
            event.audit_row,
            event.campaign_id,
            event.detail.to_string()
        ],
    )?;
    event_by_id(conn, conn.last_insert_rowid())
}

fn event_by_id(conn: &Connection, id: i64) -> Result<VersionEvent> {
    let raw = conn.query_row("SELECT * FROM version_events WHERE id = ?1", [id], VersionEvent::from_row)?;
    VersionEvent::finish(raw)
}

/// Whether an event of `kind` at `at` is recorded for `appid` already (pushes repeat).
pub fn event_exists(conn: &Connection, appid: &str, kind: EventKind, at: i64) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM version_events WHERE appid = ?1 AND kind = ?2 AND at = ?3", params![appid, kind.as_str(), at], |_| Ok(()))
        .optional()?
        .is_some())
}

/// How many events of `kind` `appid` has since `since_ms`.
pub fn count_events_since(conn: &Connection, appid: &str, kind: EventKind, since_ms: i64) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM version_events WHERE appid = ?1 AND kind = ?2 AND at >= ?3",
        params![appid, kind.as_str(), since_ms],
        |r| r.get(0),
    )?)
}

/// The latest commit recorded for `appid`.
pub fn latest_commit(conn: &Connection, appid: &str) -> Result<Option<VersionEvent>> {
    let raw = conn
        .query_row(
            "SELECT * FROM version_events WHERE appid = ?1 AND kind = 'commit' ORDER BY id DESC LIMIT 1",
            [appid],
            VersionEvent::from_row,
        )
        .optional()?;
    raw.map(VersionEvent::finish).transpose()
}

/// A submission about to be sent.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    /// The mini program.
    pub appid: &'a str,
    /// The template of the committed code.
    pub template_id: Option<i64>,
    /// Its `user_version`.
    pub user_version: &'a str,
    /// Its `user_desc`.
    pub user_desc: &'a str,
    /// Now (unix ms).
    pub intent_at: i64,
    /// Who.
    pub actor: &'a str,
    /// The campaign.
    pub campaign_id: Option<i64>,
}

/// Records the intent to submit (status `submitting`), before `submit_audit` is called.
pub fn open_audit(conn: &Connection, audit: &NewAudit<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO audits (appid, template_id, user_version, user_desc, status, intent_at, actor, campaign_id)
         VALUES (?1, ?2, ?3, ?4, 'submitting', ?5, ?6, ?7)",
        params![audit.appid, audit.template_id, audit.user_version, audit.user_desc, audit.intent_at, audit.actor, audit.campaign_id],
    )?;
    Ok(conn.last_insert_rowid())
}

/// WeChat took the submission: the row gets its `auditid` and, unless a result already came (the
/// push can beat the answer), becomes `pending`. Also records the `submit_audit` event.
pub fn audit_submitted(conn: &Connection, row: i64, auditid: i64, submitted_at: i64, actor: &str) -> Result<AuditRecord> {
    conn.execute(
        "UPDATE audits SET auditid = ?2, submitted_at = ?3, status = CASE status WHEN 'submitting' THEN 'pending' ELSE status END
         WHERE id = ?1",
        params![row, auditid, submitted_at],
    )?;
    let record = audit_by_id(conn, row)?;
    let mut event = NewEvent::new(&record.appid, EventKind::SubmitAudit, submitted_at, actor);
    event.template_id = record.template_id;
    event.user_version = Some(&record.user_version);
    event.user_desc = Some(&record.user_desc);
    event.audit_row = Some(row);
    event.campaign_id = record.campaign_id;
    event.detail = serde_json::json!({ "auditid": auditid });
    insert_event(conn, &event)?;
    Ok(record)
}

/// WeChat refused the submission (an errcode answer): nothing was submitted, the intent goes.
pub fn drop_audit(conn: &Connection, row: i64) -> Result<()> {
    if !conn
        .query_row("SELECT status = 'submitting' FROM audits WHERE id = ?1", [row], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false)
    {
        return Ok(());
    }
    // A campaign item pointing at the intent lets go of it first.
    conn.execute("UPDATE campaign_items SET audit_row = NULL, auditid = NULL WHERE audit_row = ?1", [row])?;
    conn.execute("DELETE FROM audits WHERE id = ?1", [row])?;
    Ok(())
}

/// One audit row.
pub fn audit_by_id(conn: &Connection, id: i64) -> Result<AuditRecord> {
    let raw = conn
        .query_row("SELECT * FROM audits WHERE id = ?1", [id], AuditRecord::from_row)
        .optional()?
        .ok_or_else(|| FleetError::not_found(format!("audit record {id}")))?;
    AuditRecord::finish(raw)
}

/// The latest submission of `appid`.
pub fn latest_audit(conn: &Connection, appid: &str) -> Result<Option<AuditRecord>> {
    let raw =
        conn.query_row("SELECT * FROM audits WHERE appid = ?1 ORDER BY id DESC LIMIT 1", [appid], AuditRecord::from_row).optional()?;
    raw.map(AuditRecord::finish).transpose()
}

/// Whether `auditid` is recorded for `appid` on a row other than `except_row`.
pub fn auditid_claimed(conn: &Connection, appid: &str, auditid: i64, except_row: i64) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM audits WHERE appid = ?1 AND auditid = ?2 AND id <> ?3", params![appid, auditid, except_row], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Sets where an audit stands (results, withdrawal), with the result's time, reason and screenshots.
pub fn set_audit_status(
    conn: &Connection,
    row: i64,
    status: AuditState,
    result_at: Option<i64>,
    reason: Option<&str>,
    screenshots: &[String],
) -> Result<()> {
    conn.execute(
        "UPDATE audits SET status = ?2, result_at = COALESCE(?3, result_at), reason = COALESCE(?4, reason),
           screenshots = CASE WHEN ?5 = '[]' THEN screenshots ELSE ?5 END
         WHERE id = ?1",
        params![row, status.as_str(), result_at, reason, serde_json::to_string(screenshots)?],
    )?;
    Ok(())
}

/// Notes a `get_auditstatus` poll.
pub fn mark_polled(conn: &Connection, row: i64, at: i64) -> Result<()> {
    conn.execute("UPDATE audits SET last_polled_at = ?2 WHERE id = ?1", params![row, at])?;
    Ok(())
}

/// Open audits (submitting, pending, delayed) of the platform's mini programs.
pub fn open_audits(conn: &Connection, component_appid: &str) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn.prepare(
        "SELECT a.* FROM audits a JOIN authorizers z ON z.appid = a.appid
         WHERE z.component_appid = ?1 AND a.status IN ('submitting', 'pending', 'delayed')
           AND a.id = (SELECT MAX(id) FROM audits b WHERE b.appid = a.appid)
         ORDER BY a.id",
    )?;
    let rows = stmt.query_map([component_appid], AuditRecord::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(AuditRecord::finish).collect()
}

/// The whole history of `appid`, newest first.
pub fn history(conn: &Connection, appid: &str) -> Result<VersionHistory> {
    let mut stmt = conn.prepare("SELECT * FROM audits WHERE appid = ?1 ORDER BY id DESC")?;
    let audits = stmt.query_map([appid], AuditRecord::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare("SELECT * FROM version_events WHERE appid = ?1 ORDER BY id DESC")?;
    let events = stmt.query_map([appid], VersionEvent::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(VersionHistory {
        appid: appid.to_owned(),
        audits: audits.into_iter().map(AuditRecord::finish).collect::<Result<_>>()?,
        events: events.into_iter().map(VersionEvent::finish).collect::<Result<_>>()?,
    })
}
