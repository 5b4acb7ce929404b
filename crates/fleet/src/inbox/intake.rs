//! The relay's events into the inbox: each stored byte-exact, opened and de-duplicated, with the
//! relay cursor moved in the SAME transaction — so after a crash an event is either stored and
//! behind the cursor, or neither, and none is lost or stored twice. Handling comes after the
//! commit ([`super::dispatch`]); its errors stay on the row and never hold the loop up.

use rusqlite::{params, Connection, OptionalExtension};
use wxfleet_relay::client::{CursorError, CursorStore, EventHandler, Gap, HandlerError};
use wxfleet_relay::store::StoredEvent;

use super::open::{self, Failure, Opened};
use crate::error::Result;
use crate::secrets::Vault;
use crate::Fleet;

/// A stored event that opened waits this long for its first handling before the retry timer takes
/// it (the live path handles it at once; this only matters after a crash in between).
pub(crate) const FIRST_ATTEMPT_GRACE_MS: i64 = 30_000;

/// Where one platform's relay events go.
pub(crate) struct Intake {
    pub(crate) fleet: Fleet,
    /// The component appid.
    pub(crate) platform: String,
    /// The platform's id at the relay (a relay serves several; the others' events are skipped).
    pub(crate) relay_platform: String,
}

/// An event as the inbox stores it.
pub(crate) struct Incoming {
    pub(crate) relay_seq: Option<i64>,
    pub(crate) source: String,
    pub(crate) appid: Option<String>,
    pub(crate) query: String,
    pub(crate) body: String,
    pub(crate) received_at: i64,
}

/// The secret name under which the query of an authorization result is sealed (it carries the
/// merchant's `auth_code`).
pub(crate) fn sealed_query_name(platform: &str, relay_log: &str, relay_seq: Option<i64>, received_at: i64) -> String {
    format!("inbox/query/{platform}/{relay_log}/{}/{received_at}", relay_seq.unwrap_or(0))
}

/// Stores an incoming event (and moves the cursor to its seq, when it has one). Returns the new
/// row's id and state (`pending`, `duplicate` or `failed`), or `None` when this relay event was
/// stored before.
///
/// A relay event is identified by the relay's log id and its seq in that log. The delivery loop
/// saves the log id (when the relay first names it, or after a reset) before it hands over that
/// log's events, so it is read from the cursor here, in the same transaction.
pub(crate) fn store(
    conn: &Connection,
    vault: &Vault,
    platform: &str,
    incoming: &Incoming,
    opened: &Result<Opened, Failure>,
    now: i64,
) -> Result<Option<(i64, &'static str)>> {
    let relay_log = match incoming.relay_seq {
        Some(_) => cursor(conn, platform)?.1.unwrap_or_default(),
        None => String::new(),
    };
    if let Some(seq) = incoming.relay_seq {
        let known: Option<i64> = conn
            .query_row(
                "SELECT id FROM inbox WHERE component_appid = ?1 AND relay_log = ?2 AND relay_seq = ?3",
                params![platform, relay_log, seq],
                |r| r.get(0),
            )
            .optional()?;
        advance_cursor(conn, platform, seq, now)?;
        if known.is_some() {
            return Ok(None);
        }
    }
    let (query, query_sealed) = if incoming.source == "authorize" {
        let name = sealed_query_name(platform, &relay_log, incoming.relay_seq, incoming.received_at);
        (None, Some(vault.seal(&name, incoming.query.as_bytes())?))
    } else {
        (Some(incoming.query.as_str()), None)
    };
    let (kind, subject, create_time, dedup_key, failure) = match opened {
        Ok(o) => (Some(o.kind.as_str()), o.subject.as_deref(), o.create_time, o.dedup_key.as_deref(), None),
        Err(f) => (None, None, None, None, Some(f)),
    };
    let original: Option<i64> = match dedup_key {
        Some(key) => conn
            .query_row(
                "SELECT id FROM inbox WHERE component_appid = ?1 AND dedup_key = ?2 AND state NOT IN ('duplicate', 'failed')",
                params![platform, key],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    let (state, next_attempt_at) = match (failure, original) {
        (Some(_), _) => ("failed", None),
        (None, Some(_)) => ("duplicate", None),
        (None, None) => ("pending", Some(now + FIRST_ATTEMPT_GRACE_MS)),
    };
    conn.execute(
        "INSERT INTO inbox (component_appid, relay_log, relay_seq, source, appid, query, query_sealed, body, received_at, stored_at,
           kind, subject, create_time, dedup_key, failed_step, failed_code, failed_detail, state, duplicate_of, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        params![
            platform,
            relay_log,
            incoming.relay_seq,
            incoming.source,
            incoming.appid,
            query,
            query_sealed,
            incoming.body,
            incoming.received_at,
            now,
            kind,
            subject,
            create_time,
            dedup_key,
            failure.map(|f| f.step),
            failure.and_then(|f| f.code),
            failure.map(|f| f.detail.as_str()),
            state,
            original,
            next_attempt_at
        ],
    )?;
    Ok(Some((conn.last_insert_rowid(), state)))
}

/// The platform's relay cursor and the log it counts in.
pub(crate) fn cursor(conn: &Connection, platform: &str) -> Result<(i64, Option<String>)> {
    let row = conn
        .query_row("SELECT seq, log_id FROM inbox_cursors WHERE component_appid = ?1", [platform], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.unwrap_or((0, None)))
}

/// Moves the platform's cursor forward to `seq` (a stored event: never back).
fn advance_cursor(conn: &Connection, platform: &str, seq: i64, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO inbox_cursors (component_appid, seq, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (component_appid) DO UPDATE SET seq = max(seq, excluded.seq), updated_at = excluded.updated_at",
        params![platform, seq, now],
    )?;
    Ok(())
}

impl Intake {
    /// Stores one event durably (cursor included) and hands it to its handler.
    async fn take(&self, incoming: Incoming) -> Result<()> {
        let crypt = self.fleet.msg_crypt(&self.platform).await?;
        let opened = open::open(&crypt, &self.platform, &incoming.source, incoming.appid.as_deref(), &incoming.query, &incoming.body);
        let (vault, platform, now) = (self.fleet.vault().clone(), self.platform.clone(), self.fleet.now_ms());
        let stored_opened = opened.clone();
        let received_at = incoming.received_at;
        let id = self.fleet.store().write(move |tx| store(tx, &vault, &platform, &incoming, &stored_opened, now)).await?;
        let Some((id, state)) = id else { return Ok(()) };
        match opened {
            Ok(opened) if state == "pending" => self.fleet.dispatch_opened(&self.platform, id, opened, received_at).await,
            Ok(opened) => {
                tracing::info!(platform = %self.platform, inbox_id = id, kind = %opened.kind, "a push WeChat sent before; not handled again");
                self.fleet.emit(crate::FleetEvent::PushReceived { inbox_id: id, kind: opened.kind, ok: true });
            }
            Err(failure) => {
                tracing::warn!(platform = %self.platform, inbox_id = id, step = failure.step, detail = %failure.detail, "a push did not open; kept for diagnosis");
                self.fleet.emit(crate::FleetEvent::PushReceived { inbox_id: id, kind: failure.step.to_owned(), ok: false });
            }
        }
        Ok(())
    }
}

impl EventHandler for Intake {
    async fn handle(&self, event: StoredEvent) -> std::result::Result<(), HandlerError> {
        if event.platform != self.relay_platform {
            // Another platform's event at a shared relay: the cursor passes it (CursorStore::save).
            return Ok(());
        }
        let incoming = Incoming {
            relay_seq: Some(event.seq),
            source: event.source.as_str().to_owned(),
            appid: event.appid,
            query: event.query,
            body: event.body,
            received_at: event.received_at,
        };
        self.take(incoming).await.map_err(|e| HandlerError::new(e.to_string()))
    }

    async fn on_gap(&self, gap: Gap) -> std::result::Result<(), HandlerError> {
        tracing::warn!(platform = %self.platform, after = gap.after, "the relay lost events after our cursor; reconciling through the query APIs");
        let incoming = Incoming {
            relay_seq: None,
            source: "gap".to_owned(),
            appid: None,
            query: String::new(),
            body: serde_json::json!({ "after": gap.after }).to_string(),
            received_at: self.fleet.now_ms(),
        };
        // Durably scheduled first (a row the retry timer owns), so the pull can go on at once.
        self.take(incoming).await.map_err(|e| HandlerError::new(e.to_string()))
    }
}

/// The relay cursor of one platform and the id of the relay log it counts in, in the workspace
/// database. The intake commits the cursor with each stored event; `save` covers events passed
/// over without a row (another platform's) and the loop's reset to 0 when the relay's log changed.
pub(crate) struct SqliteCursor {
    pub(crate) fleet: Fleet,
    pub(crate) platform: String,
}

impl SqliteCursor {
    async fn write(&self, seq: Option<i64>, log_id: Option<String>) -> std::result::Result<(), CursorError> {
        let (platform, now) = (self.platform.clone(), self.fleet.now_ms());
        self.fleet
            .store()
            .write(move |tx| {
                tx.execute(
                    "INSERT INTO inbox_cursors (component_appid, seq, log_id, updated_at) VALUES (?1, coalesce(?2, 0), ?3, ?4)
                     ON CONFLICT (component_appid) DO UPDATE SET seq = coalesce(?2, seq), log_id = coalesce(?3, log_id), updated_at = ?4",
                    params![platform, seq, log_id, now],
                )?;
                Ok(())
            })
            .await
            .map_err(|e| CursorError::new(e.to_string()))
    }
}

impl CursorStore for SqliteCursor {
    async fn load(&self) -> std::result::Result<i64, CursorError> {
        let platform = self.platform.clone();
        self.fleet.store().read(move |conn| Ok(cursor(conn, &platform)?.0)).await.map_err(|e| CursorError::new(e.to_string()))
    }

    /// Exactly `seq`: lower too, when the relay's log was replaced and the loop starts again at 0.
    async fn save(&self, seq: i64) -> std::result::Result<(), CursorError> {
        self.write(Some(seq), None).await
    }

    async fn load_log_id(&self) -> std::result::Result<Option<String>, CursorError> {
        let platform = self.platform.clone();
        self.fleet.store().read(move |conn| Ok(cursor(conn, &platform)?.1)).await.map_err(|e| CursorError::new(e.to_string()))
    }

    async fn save_log_id(&self, log_id: &str) -> std::result::Result<(), CursorError> {
        self.write(None, Some(log_id.to_owned())).await
    }
}
