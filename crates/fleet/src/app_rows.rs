//! The mini programs list as one table: every authorizer of a platform with where its code stands
//! (committed, under audit, waiting for release, online, gray), its online and latest versions and
//! the template of its latest commit — read from the stored history in one transaction, without
//! calling WeChat, so a list of thousands opens at once.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use crate::authorizers::{AuthorizerStatus, GrantedSet};
use crate::error::{FleetError, Result};
use crate::{permissions, Fleet};

/// Where a mini program's code stands, as the newest recorded event or audit says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AppState {
    /// Nothing committed from this workspace yet.
    None,
    /// Code committed (a trial version), not under audit.
    Committed,
    /// Submitted and under review.
    Auditing,
    /// The audit was rejected.
    AuditFailed,
    /// The audit was delayed by WeChat; a result still follows.
    AuditDelayed,
    /// The audit passed; the version is not released yet.
    PendingRelease,
    /// Released (or reverted) to every user.
    Online,
    /// A phased (gray) release is running.
    Gray,
}

/// One row of the mini programs list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppRow {
    /// The mini program's appid.
    pub appid: String,
    /// Its name (empty until synced).
    pub nick_name: String,
    /// The subject (company) name.
    pub principal_name: String,
    /// Authorized or revoked.
    pub status: AuthorizerStatus,
    /// Where its code stands.
    pub state: AppState,
    /// The `user_version` users get (the newest release or revert), when known.
    pub online_version: Option<String>,
    /// The `user_version` of the newest commit.
    pub latest_version: Option<String>,
    /// The template of the newest commit.
    pub template_id: Option<i64>,
    /// The permission sets granted.
    pub granted: Vec<GrantedSet>,
    /// When it (last) authorized (unix ms).
    pub authorized_at: Option<i64>,
    /// Last change of the authorizer row (unix ms).
    pub updated_at: i64,
}

/// The events that move the state; speedups and visit-status changes do not.
const STATE_KINDS: &str =
    "'commit', 'submit_audit', 'audit_passed', 'audit_rejected', 'audit_delayed', 'undo_audit', 'release', 'gray_release', 'revert'";

/// The newest event of one mini program among some kinds.
#[derive(Debug, Clone)]
struct Newest {
    kind: String,
    at: i64,
    template_id: Option<i64>,
    user_version: Option<String>,
}

/// The newest submission of one mini program.
#[derive(Debug, Clone)]
struct NewestAudit {
    status: String,
    intent_at: i64,
}

/// Every authorizer of `component_appid` (authorized and revoked) as a list row, by name.
pub fn rows(conn: &Connection, component_appid: &str) -> Result<Vec<AppRow>> {
    // One snapshot: a push landing between the queries must not pair an old state with a new version.
    let tx = conn.unchecked_transaction()?;
    let authorizers = authorizers(&tx, component_appid)?;
    let decisive = newest_events(&tx, component_appid, STATE_KINDS)?;
    let commits = newest_events(&tx, component_appid, "'commit'")?;
    let releases = newest_events(&tx, component_appid, "'release', 'revert'")?;
    let audits = newest_audits(&tx, component_appid)?;
    tx.finish()?;
    let mut rows = authorizers;
    for row in &mut rows {
        let commit = commits.get(&row.appid);
        row.state = state_of(decisive.get(&row.appid), audits.get(&row.appid));
        row.online_version = releases.get(&row.appid).and_then(|e| e.user_version.clone());
        row.latest_version = commit.and_then(|e| e.user_version.clone());
        row.template_id = commit.and_then(|e| e.template_id);
    }
    Ok(rows)
}

impl AppRow {
    fn blank() -> AppRow {
        AppRow {
            appid: String::new(),
            nick_name: String::new(),
            principal_name: String::new(),
            status: AuthorizerStatus::Authorized,
            state: AppState::None,
            online_version: None,
            latest_version: None,
            template_id: None,
            granted: Vec::new(),
            authorized_at: None,
            updated_at: 0,
        }
    }
}

/// The platform's authorizers as rows without their code's state, by name then appid.
fn authorizers(conn: &Connection, component_appid: &str) -> Result<Vec<AppRow>> {
    let mut stmt = conn.prepare(
        "SELECT appid, nick_name, principal_name, status, func_ids, authorized_at, updated_at FROM authorizers
         WHERE component_appid = ?1 ORDER BY nick_name, appid",
    )?;
    let raw = stmt.query_map([component_appid], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, Option<i64>>(5)?,
            row.get::<_, i64>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for item in raw {
        let (appid, nick_name, principal_name, status, func_ids, authorized_at, updated_at) = item?;
        let status = match status.as_str() {
            "authorized" => AuthorizerStatus::Authorized,
            "revoked" => AuthorizerStatus::Revoked,
            other => return Err(FleetError::Store(format!("authorizers.status {other:?}"))),
        };
        let ids: Vec<u32> = serde_json::from_str(&func_ids)?;
        let granted = ids.into_iter().map(|id| GrantedSet { id, name: permissions::name(id).to_owned() }).collect();
        out.push(AppRow { appid, nick_name, principal_name, status, granted, authorized_at, updated_at, ..AppRow::blank() });
    }
    Ok(out)
}

/// The newest event among `kinds` (a quoted SQL list of constants) per mini program of the platform.
fn newest_events(conn: &Connection, component_appid: &str, kinds: &str) -> Result<HashMap<String, Newest>> {
    let sql = format!(
        "SELECT e.appid, e.id, e.kind, e.at, e.template_id, e.user_version FROM version_events e
         JOIN (SELECT v.appid, MAX(v.id) AS id FROM version_events v JOIN authorizers z ON z.appid = v.appid
               WHERE z.component_appid = ?1 AND v.kind IN ({kinds}) GROUP BY v.appid) m ON m.id = e.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([component_appid], |row| {
        Ok((row.get::<_, String>(0)?, Newest { kind: row.get(2)?, at: row.get(3)?, template_id: row.get(4)?, user_version: row.get(5)? }))
    })?;
    Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
}

/// The newest submission per mini program of the platform.
fn newest_audits(conn: &Connection, component_appid: &str) -> Result<HashMap<String, NewestAudit>> {
    let mut stmt = conn.prepare(
        "SELECT a.appid, a.status, a.intent_at FROM audits a
         JOIN (SELECT b.appid, MAX(b.id) AS id FROM audits b JOIN authorizers z ON z.appid = b.appid
               WHERE z.component_appid = ?1 GROUP BY b.appid) m ON m.id = a.id",
    )?;
    let rows = stmt
        .query_map([component_appid], |row| Ok((row.get::<_, String>(0)?, NewestAudit { status: row.get(1)?, intent_at: row.get(2)? })))?;
    Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
}

/// The state from the newest state-moving event, corrected by the newest audit row while the code
/// is in its audit phase (the row follows the audit; a submission whose answer is not recorded yet
/// has a row and no event).
fn state_of(event: Option<&Newest>, audit: Option<&NewestAudit>) -> AppState {
    let Some(event) = event else {
        return match audit {
            Some(a) if is_open(&a.status) => AppState::Auditing,
            _ => AppState::None,
        };
    };
    let from_event = match event.kind.as_str() {
        "commit" | "undo_audit" => AppState::Committed,
        "submit_audit" => AppState::Auditing,
        "audit_passed" => AppState::PendingRelease,
        "audit_rejected" => AppState::AuditFailed,
        "audit_delayed" => AppState::AuditDelayed,
        "gray_release" => AppState::Gray,
        _ => AppState::Online,
    };
    match (from_event, audit) {
        (AppState::Committed, Some(a)) if is_open(&a.status) && a.intent_at >= event.at => AppState::Auditing,
        (AppState::Auditing | AppState::AuditDelayed | AppState::PendingRelease | AppState::AuditFailed, Some(a)) => {
            match a.status.as_str() {
                "submitting" | "pending" => AppState::Auditing,
                "delayed" => AppState::AuditDelayed,
                "passed" => AppState::PendingRelease,
                "rejected" => AppState::AuditFailed,
                _ => AppState::Committed,
            }
        }
        (state, _) => state,
    }
}

fn is_open(status: &str) -> bool {
    matches!(status, "submitting" | "pending" | "delayed")
}

impl Fleet {
    /// Every mini program of `component_appid` (authorized and revoked) with where its code stands,
    /// from the stored history (no WeChat call).
    pub async fn app_rows(&self, component_appid: &str) -> Result<Vec<AppRow>> {
        let component_appid = component_appid.to_owned();
        self.store().read(move |conn| rows(conn, &component_appid)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, at: i64) -> Newest {
        Newest { kind: kind.to_owned(), at, template_id: None, user_version: None }
    }

    fn audit(status: &str, intent_at: i64) -> NewestAudit {
        NewestAudit { status: status.to_owned(), intent_at }
    }

    #[test]
    fn the_newest_event_decides_corrected_by_the_audit_row() {
        assert_eq!(state_of(None, None), AppState::None);
        assert_eq!(state_of(Some(&event("commit", 1)), None), AppState::Committed);
        assert_eq!(state_of(Some(&event("undo_audit", 5)), Some(&audit("withdrawn", 2))), AppState::Committed);
        assert_eq!(state_of(Some(&event("release", 5)), Some(&audit("passed", 2))), AppState::Online);
        assert_eq!(state_of(Some(&event("revert", 5)), None), AppState::Online);
        assert_eq!(state_of(Some(&event("gray_release", 5)), Some(&audit("passed", 2))), AppState::Gray);
        // The submission's answer is not recorded yet: the row says so, the events do not.
        assert_eq!(state_of(Some(&event("commit", 1)), Some(&audit("submitting", 2))), AppState::Auditing);
        // An open audit older than a newer commit belongs to the previous code.
        assert_eq!(state_of(Some(&event("commit", 9)), Some(&audit("pending", 2))), AppState::Committed);
        // A result the poll wrote to the row before its event.
        assert_eq!(state_of(Some(&event("submit_audit", 2)), Some(&audit("rejected", 2))), AppState::AuditFailed);
        assert_eq!(state_of(Some(&event("submit_audit", 2)), Some(&audit("delayed", 2))), AppState::AuditDelayed);
        assert_eq!(state_of(Some(&event("audit_delayed", 3)), Some(&audit("passed", 2))), AppState::PendingRelease);
        assert_eq!(state_of(None, Some(&audit("pending", 2))), AppState::Auditing);
        assert_eq!(state_of(None, Some(&audit("rejected", 2))), AppState::None);
    }
}
