//! The relay's events into the inbox: each stored byte-exact, opened and de-duplicated, with the
//! relay cursor moved in the SAME transaction — so after a crash an event is either stored and
//! behind the cursor, or neither, and none is lost or stored twice. A pulled batch is stored in one
//! transaction when the loop saves the cursor, before it acks ([`super::batch`]). Handling comes
//! after the commit ([`super::dispatch`]); its errors stay on the row and never hold the loop up.

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::watch;
use wxfleet_relay::client::{CursorError, CursorStore, EventHandler, Gap, HandlerError};
use wxfleet_relay::store::StoredEvent;

use super::batch::{self, Pending};
use super::open::{Failure, Opened};
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
    /// Shared with the platform's [`SqliteCursor`], which commits them.
    pub(crate) pending: Pending,
    pub(crate) stopped: watch::Receiver<bool>,
}

/// An event as the inbox stores it.
#[derive(Clone)]
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
    // `<>` twice, as the partial index `inbox_dedup` is written: SQLite uses a partial index only
    // when the query's terms imply its WHERE, and `NOT IN (…)` does not count (a scan per event).
    let original: Option<i64> = match dedup_key {
        Some(key) => conn
            .query_row(
                "SELECT id FROM inbox WHERE component_appid = ?1 AND dedup_key = ?2 AND state <> 'duplicate' AND state <> 'failed'",
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
        // Committed with the batch, when the loop saves the cursor (before it acks).
        self.pending.push(incoming);
        Ok(())
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
        // Durably scheduled first (a row the retry timer owns), after what came before it.
        self.pending.push(incoming);
        batch::commit(&self.fleet, &self.platform, &self.pending, None, &self.stopped).await.map_err(|e| HandlerError::new(e.to_string()))
    }
}

/// Sets the platform's cursor to exactly `seq` (lower too: the loop's reset to 0 when the relay's
/// log changed).
pub(crate) fn set_cursor(conn: &Connection, platform: &str, seq: i64, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO inbox_cursors (component_appid, seq, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (component_appid) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at",
        params![platform, seq, now],
    )?;
    Ok(())
}

/// The relay cursor of one platform and the id of the relay log it counts in, in the workspace
/// database. `save` commits the events the intake collected since, with the cursor, in one
/// transaction; it also covers events passed over without a row (another platform's) and the
/// loop's reset to 0 when the relay's log changed.
pub(crate) struct SqliteCursor {
    pub(crate) fleet: Fleet,
    pub(crate) platform: String,
    pub(crate) pending: Pending,
    pub(crate) stopped: watch::Receiver<bool>,
}

impl SqliteCursor {
    async fn write_log_id(&self, log_id: String) -> std::result::Result<(), CursorError> {
        // Events collected so far belong to the log they were pulled from.
        batch::commit(&self.fleet, &self.platform, &self.pending, None, &self.stopped)
            .await
            .map_err(|e| CursorError::new(e.to_string()))?;
        let (platform, now) = (self.platform.clone(), self.fleet.now_ms());
        self.fleet
            .store()
            .write(move |tx| {
                tx.execute(
                    "INSERT INTO inbox_cursors (component_appid, seq, log_id, updated_at) VALUES (?1, 0, ?2, ?3)
                     ON CONFLICT (component_appid) DO UPDATE SET log_id = excluded.log_id, updated_at = excluded.updated_at",
                    params![platform, log_id, now],
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
        batch::commit(&self.fleet, &self.platform, &self.pending, Some(seq), &self.stopped)
            .await
            .map_err(|e| CursorError::new(e.to_string()))
    }

    async fn load_log_id(&self) -> std::result::Result<Option<String>, CursorError> {
        let platform = self.platform.clone();
        self.fleet.store().read(move |conn| Ok(cursor(conn, &platform)?.1)).await.map_err(|e| CursorError::new(e.to_string()))
    }

    async fn save_log_id(&self, log_id: &str) -> std::result::Result<(), CursorError> {
        self.write_log_id(log_id.to_owned()).await
    }
}
