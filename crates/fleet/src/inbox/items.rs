//! The inbox as the UI and the CLI see it: listing, one item with its raw bytes and decrypted XML,
//! retrying one, and the callback diagnostics.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::intake::sealed_query_name;
use super::open::{self, Content, PushDiagnosis};
use crate::error::{FleetError, Result};
use crate::Fleet;

/// Which inbox items to list. Everything is optional; newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct InboxFilter {
    /// Only this platform's.
    pub platform: Option<String>,
    /// Only this kind (`component_verify_ticket`, `authorized`, `weapp_audit_fail`, `authorize`, …).
    pub kind: Option<String>,
    /// Only those about this mini program.
    pub appid: Option<String>,
    /// Only in this state.
    pub state: Option<InboxState>,
    /// Only those that need attention: did not open, or whose handler failed.
    pub problems_only: bool,
    /// Only items older than this id (paging).
    pub before_id: Option<i64>,
    /// At most this many (100 by default, 1,000 at most).
    pub limit: Option<u32>,
}

/// Where an inbox item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InboxState {
    /// Stored, not handled yet.
    Pending,
    /// Handled.
    Handled,
    /// Its handler failed; retried at `next_attempt_at`.
    Retrying,
    /// Its handler failed [`super::MAX_ATTEMPTS`] times: waits for an operator's retry.
    Error,
    /// It did not open (signature, AES, padding, appid, XML): kept for diagnosis.
    Failed,
    /// WeChat sent it before (same key): not handled again.
    Duplicate,
    /// Opened, but no handler for its kind: kept raw.
    Unhandled,
    /// A newer authorization event about the same mini program was handled first.
    Superseded,
}

impl InboxState {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxState::Pending => "pending",
            InboxState::Handled => "handled",
            InboxState::Retrying => "retrying",
            InboxState::Error => "error",
            InboxState::Failed => "failed",
            InboxState::Duplicate => "duplicate",
            InboxState::Unhandled => "unhandled",
            InboxState::Superseded => "superseded",
        }
    }

    fn parse(text: &str) -> rusqlite::Result<InboxState> {
        Ok(match text {
            "pending" => InboxState::Pending,
            "handled" => InboxState::Handled,
            "retrying" => InboxState::Retrying,
            "error" => InboxState::Error,
            "failed" => InboxState::Failed,
            "duplicate" => InboxState::Duplicate,
            "unhandled" => InboxState::Unhandled,
            "superseded" => InboxState::Superseded,
            other => return Err(rusqlite::Error::InvalidColumnType(0, format!("inbox.state {other}"), rusqlite::types::Type::Text)),
        })
    }
}

/// One stored event, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxItem {
    /// The inbox id.
    pub id: i64,
    /// The platform.
    pub component_appid: String,
    /// The relay's sequence number.
    pub relay_seq: Option<i64>,
    /// `component`, `app`, `authorize` (a link's result), or `gap` (a reconciliation).
    pub source: String,
    /// The mini program of the `/wx/{p}/app/{appid}` URL it came to.
    pub appid: Option<String>,
    /// The mini program it is about, when known.
    pub subject: Option<String>,
    /// What it is, once opened.
    pub kind: Option<String>,
    /// When the relay received it (unix ms).
    pub received_at: i64,
    /// When this workspace stored it (unix ms).
    pub stored_at: i64,
    /// Its `CreateTime` (unix s).
    pub create_time: Option<i64>,
    /// Whether it opened (verified, decrypted, parsed).
    pub opened: bool,
    /// The step that failed when it did not.
    pub failed_step: Option<String>,
    /// The WXBizMsgCrypt sample code of that failure.
    pub failed_code: Option<i32>,
    /// What failed.
    pub failed_detail: Option<String>,
    /// Where it stands.
    pub state: InboxState,
    /// Whether it has been handled (or needed nothing).
    pub handled: bool,
    /// The original, for a duplicate.
    pub duplicate_of: Option<i64>,
    /// Handler attempts so far.
    pub attempts: i64,
    /// The last handler error (`[code:errcode] message`).
    pub last_error: Option<String>,
    /// The next automatic attempt (unix ms).
    pub next_attempt_at: Option<i64>,
    /// When it was handled (unix ms).
    pub handled_at: Option<i64>,
}

const ITEM_COLUMNS: &str = "id, component_appid, relay_seq, source, appid, subject, kind, received_at, stored_at, create_time,
    failed_step, failed_code, failed_detail, state, duplicate_of, attempts, last_error, next_attempt_at, handled_at";

impl InboxItem {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<InboxItem> {
        let state = InboxState::parse(&row.get::<_, String>("state")?)?;
        let failed_step: Option<String> = row.get("failed_step")?;
        Ok(InboxItem {
            id: row.get("id")?,
            component_appid: row.get("component_appid")?,
            relay_seq: row.get("relay_seq")?,
            source: row.get("source")?,
            appid: row.get("appid")?,
            subject: row.get("subject")?,
            kind: row.get("kind")?,
            received_at: row.get("received_at")?,
            stored_at: row.get("stored_at")?,
            create_time: row.get("create_time")?,
            opened: failed_step.is_none(),
            failed_step,
            failed_code: row.get("failed_code")?,
            failed_detail: row.get("failed_detail")?,
            handled: matches!(state, InboxState::Handled | InboxState::Duplicate | InboxState::Unhandled | InboxState::Superseded),
            state,
            duplicate_of: row.get("duplicate_of")?,
            attempts: row.get("attempts")?,
            last_error: row.get("last_error")?,
            next_attempt_at: row.get("next_attempt_at")?,
            handled_at: row.get("handled_at")?,
        })
    }
}

/// One stored event with its bytes, as the inbox's detail view shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxItemDetail {
    /// The item.
    pub item: InboxItem,
    /// The raw query string, byte-exact.
    pub query: String,
    /// The raw body, byte-exact.
    pub body: String,
    /// The decrypted XML, when it decrypts (decrypted now: plaintext is never stored).
    pub xml: Option<String>,
    /// The parsed event, as JSON (`{"type": "authorized", …}`).
    pub event: Option<serde_json::Value>,
    /// For a push that did not open: where the pipeline stops now, and the likely cause.
    pub diagnosis: Option<PushDiagnosis>,
}

/// A stored event with everything needed to open it again.
pub(crate) struct StoredRow {
    pub(crate) item: InboxItem,
    pub(crate) query: String,
    pub(crate) body: String,
}

pub(crate) fn load(conn: &rusqlite::Connection, vault: &crate::Vault, id: i64) -> Result<StoredRow> {
    let row = conn
        .query_row(&format!("SELECT {ITEM_COLUMNS}, relay_log, query, query_sealed, body FROM inbox WHERE id = ?1"), [id], |row| {
            Ok((
                InboxItem::from_row(row)?,
                row.get::<_, String>("relay_log")?,
                row.get::<_, Option<String>>("query")?,
                row.get::<_, Option<Vec<u8>>>("query_sealed")?,
                row.get::<_, String>("body")?,
            ))
        })
        .optional()?;
    let (item, relay_log, query, sealed, body) = row.ok_or_else(|| FleetError::not_found(format!("inbox item {id}")))?;
    let query = match (query, sealed) {
        (Some(query), _) => query,
        (None, Some(sealed)) => {
            let name = sealed_query_name(&item.component_appid, &relay_log, item.relay_seq, item.received_at);
            String::from_utf8(vault.open(&name, &sealed)?.to_vec()).map_err(|_| FleetError::Secrets(format!("{name} is not text")))?
        }
        (None, None) => String::new(),
    };
    Ok(StoredRow { item, query, body })
}

impl Fleet {
    /// The inbox, newest first.
    pub async fn inbox(&self, filter: InboxFilter) -> Result<Vec<InboxItem>> {
        let limit = filter.limit.unwrap_or(100).clamp(1, 1000);
        self.store()
            .read(move |conn| {
                let mut stmt = conn.prepare(&format!(
                    "SELECT {ITEM_COLUMNS} FROM inbox
                     WHERE (?1 IS NULL OR component_appid = ?1) AND (?2 IS NULL OR kind = ?2)
                       AND (?3 IS NULL OR subject = ?3 OR appid = ?3) AND (?4 IS NULL OR state = ?4)
                       AND (?5 = 0 OR state IN ('failed', 'retrying', 'error')) AND (?6 IS NULL OR id < ?6)
                     ORDER BY id DESC LIMIT ?7"
                ))?;
                let rows = stmt.query_map(
                    params![
                        filter.platform,
                        filter.kind,
                        filter.appid,
                        filter.state.map(InboxState::as_str),
                        filter.problems_only,
                        filter.before_id,
                        limit
                    ],
                    InboxItem::from_row,
                )?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .await
    }

    /// One inbox item with its raw query and body, the decrypted XML and the parsed event.
    pub async fn inbox_item(&self, id: i64) -> Result<InboxItemDetail> {
        let vault = self.vault().clone();
        let stored = self.store().read(move |conn| load(conn, &vault, id)).await?;
        let platform = stored.item.component_appid.clone();
        let crypt = self.msg_crypt(&platform).await?;
        let opened = open::open(&crypt, &platform, &stored.item.source, stored.item.appid.as_deref(), &stored.query, &stored.body);
        let (xml, event, diagnosis) = match opened {
            Ok(opened) => match opened.content {
                Content::Push { xml, event } => (Some(xml), Some(serde_json::to_value(&event)?), None),
                Content::LinkResult { link, state, .. } => {
                    (None, Some(serde_json::json!({ "type": "authorize", "link": link, "state": state })), None)
                }
                Content::Gap => (None, Some(serde_json::json!({ "type": "relay_gap" })), None),
            },
            Err(_) if matches!(stored.item.source.as_str(), "component" | "app") => {
                let diagnosis = open::diagnose(&crypt, &platform, &stored.query, &stored.body);
                (diagnosis.xml.clone(), None, Some(diagnosis))
            }
            Err(_) => (None, None, None),
        };
        Ok(InboxItemDetail { item: stored.item, query: stored.query, body: stored.body, xml, event, diagnosis })
    }

    /// Tries an inbox item again now: opens it again (a push that failed to decrypt opens once the
    /// right EncodingAESKey is stored) and runs its handler. For items that did not open, whose
    /// handler failed, or that wait. Recorded in the audit log.
    pub async fn retry_inbox_item(&self, id: i64) -> Result<InboxItem> {
        let outcome = self.redo(id, true).await;
        let appids: Vec<String> = outcome.as_ref().ok().and_then(|item| item.subject.clone()).into_iter().collect();
        self.record("inbox.retry", &appids, &outcome, &format!("inbox item {id}")).await;
        outcome
    }

    /// Runs the inbox's decrypt pipeline on a push (its raw query string and body) and says which
    /// step fails, with the likely cause — the callback diagnostics.
    pub async fn diagnose_push(&self, component_appid: &str, query: &str, body: &str) -> Result<PushDiagnosis> {
        let crypt = self.msg_crypt(component_appid).await?;
        Ok(open::diagnose(&crypt, component_appid, query, body))
    }

    /// Opens a stored item again and handles it. `manual`: an operator asked (any state that is not
    /// done); otherwise the retry timer (only `pending` and `retrying`).
    pub(crate) async fn redo(&self, id: i64, manual: bool) -> Result<InboxItem> {
        let vault = self.vault().clone();
        let stored = self.store().read(move |conn| load(conn, &vault, id)).await?;
        let item = &stored.item;
        let allowed: &[InboxState] = if manual {
            &[InboxState::Pending, InboxState::Retrying, InboxState::Error, InboxState::Failed]
        } else {
            &[InboxState::Pending, InboxState::Retrying]
        };
        if !allowed.contains(&item.state) {
            if manual {
                return Err(FleetError::Conflict(format!(
                    "inbox item {id} is {}: only items that did not open, or whose handling failed or waits, are retried",
                    item.state.as_str()
                )));
            }
            return Ok(stored.item);
        }
        let platform = item.component_appid.clone();
        let crypt = self.msg_crypt(&platform).await?;
        let opened = open::open(&crypt, &platform, &item.source, item.appid.as_deref(), &stored.query, &stored.body);
        let now = self.now_ms();
        let (opened_, platform_, previous) = (opened.clone(), platform.clone(), item.state);
        let state = self
            .store()
            .write(move |tx| match &opened_ {
                Err(failure) => {
                    tx.execute(
                        "UPDATE inbox SET state = 'failed', failed_step = ?2, failed_code = ?3, failed_detail = ?4, next_attempt_at = NULL
                         WHERE id = ?1",
                        params![id, failure.step, failure.code, failure.detail],
                    )?;
                    Ok(InboxState::Failed)
                }
                Ok(opened) => {
                    let original: Option<i64> = match &opened.dedup_key {
                        Some(key) => tx
                            .query_row(
                                "SELECT id FROM inbox WHERE component_appid = ?1 AND dedup_key = ?2 AND id <> ?3
                                   AND state <> 'duplicate' AND state <> 'failed'",
                                params![platform_, key, id],
                                |r| r.get(0),
                            )
                            .optional()?,
                        None => None,
                    };
                    // A row that opens now for the first time waits like a new one; a row being
                    // retried keeps its state until the handler's outcome replaces it.
                    let state = match original {
                        Some(_) => InboxState::Duplicate,
                        None if previous == InboxState::Failed => InboxState::Pending,
                        None => previous,
                    };
                    tx.execute(
                        "UPDATE inbox SET kind = ?2, subject = ?3, create_time = ?4, dedup_key = ?5, failed_step = NULL, failed_code = NULL,
                           failed_detail = NULL, state = ?6, duplicate_of = ?7,
                           next_attempt_at = CASE WHEN ?6 = 'duplicate' THEN NULL WHEN ?8 THEN ?9 ELSE next_attempt_at END
                         WHERE id = ?1",
                        params![
                            id,
                            opened.kind,
                            opened.subject,
                            opened.create_time,
                            opened.dedup_key,
                            state.as_str(),
                            original,
                            previous == InboxState::Failed,
                            now
                        ],
                    )?;
                    Ok(state)
                }
            })
            .await?;
        if let (InboxState::Pending | InboxState::Retrying | InboxState::Error, Ok(opened)) = (state, opened) {
            self.dispatch_opened(&platform, id, opened, stored.item.received_at).await;
        }
        let vault = self.vault().clone();
        Ok(self.store().read(move |conn| load(conn, &vault, id)).await?.item)
    }
}
