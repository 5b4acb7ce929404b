//! The operator audit log: every action, who did it, on which mini programs, how it ended.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::{FleetError, Result};
use crate::Fleet;

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEntry {
    /// Row id.
    pub id: i64,
    /// Unix ms.
    pub at: i64,
    /// Who (the OS user, or the name set in Settings).
    pub actor: String,
    /// What, e.g. `app.commit`.
    pub action: String,
    /// On which mini programs.
    pub appids: Vec<String>,
    /// `ok` or the error code.
    pub result: String,
    /// Free text: the campaign id, the error message, …
    pub detail: String,
}

/// Appends an entry inside the caller's transaction.
pub fn append(conn: &Connection, at: i64, actor: &str, action: &str, appids: &[String], result: &str, detail: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, appids, result, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![at, actor, action, serde_json::to_string(appids)?, result, detail],
    )?;
    Ok(())
}

impl Fleet {
    /// Records the outcome of an operator action. Never fails the action itself: a log write that
    /// fails is reported in the tracing log.
    pub async fn record<T>(&self, action: &str, appids: &[String], outcome: &Result<T>, detail: &str) {
        let (result, detail) = match outcome {
            Ok(_) => ("ok".to_owned(), detail.to_owned()),
            Err(e) => (e.code().to_owned(), if detail.is_empty() { e.to_string() } else { format!("{detail}: {e}") }),
        };
        let (at, actor, action_name, appids) = (self.now_ms(), self.actor().to_owned(), action.to_owned(), appids.to_vec());
        let written = self.store().write(move |tx| append(tx, at, &actor, &action_name, &appids, &result, &detail)).await;
        if let Err(e) = written {
            tracing::error!(action, error = %e, "could not write the audit log");
        }
    }

    /// The newest `limit` entries, newest first; only those touching `appid` when given.
    pub async fn audit_log(&self, appid: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>> {
        let appid = appid.map(str::to_owned);
        self.store()
            .read(move |conn| {
                let mut stmt = conn.prepare(
                    "SELECT id, at, actor, action, appids, result, detail FROM audit_log
                     WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM json_each(appids) WHERE value = ?1)
                     ORDER BY id DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![appid, limit], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get::<_, String>(4)?, row.get(5)?, row.get(6)?))
                })?;
                rows.map(|row| {
                    let (id, at, actor, action, appids, result, detail) = row?;
                    let appids = serde_json::from_str(&appids).map_err(|e| FleetError::Store(format!("audit_log.appids: {e}")))?;
                    Ok(AuditEntry { id, at, actor, action, appids, result, detail })
                })
                .collect()
            })
            .await
    }
}
