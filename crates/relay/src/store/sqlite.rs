//! The embedded store: one SQLite file in WAL mode.
//!
//! Durability: `synchronous=FULL`, so a commit has reached the disk (the WAL is fsynced) before
//! `append` returns, and the HTTP layer answers `success` only after that. All writes go through
//! one thread that commits whatever is waiting as one group ([`writer`]); reads use a small pool
//! of read-only connections on the blocking pool (WAL lets them run beside the writer).
//!
//! Other processes may open the same file at the same time (`wxfleet-relay device add` next to a
//! running `serve`): SQLite's locks serialise them, `busy_timeout` makes them wait instead of fail.

mod append;
mod checkpoint;
mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use super::credential::{credential_hash, new_credential, new_log_id};
use super::{AuthorizeLink, DeviceId, DeviceInfo, EventStore, NewDevice, NewEvent, Pull, Source, StoreError, StoredEvent};
use append::Append;
use checkpoint::Checkpoints;
use writer::{Job, Pending};

/// How long a statement waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Idle read connections kept open.
const MAX_IDLE_READERS: usize = 8;

/// The SQLite store. Cheap to share behind an `Arc`; dropping the last handle stops its writer thread.
pub struct SqliteStore {
    writer: mpsc::Sender<Box<dyn Job>>,
    readers: Arc<Readers>,
    log_id: String,
}

impl SqliteStore {
    /// Opens (creating it if needed) the database at `path`, migrates it, and starts the writer thread.
    ///
    /// Fails with [`StoreError::SchemaTooNew`] on a database written by a newer `wxfleet-relay`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Other(format!("{}: cannot switch to WAL (journal_mode is {mode})", path.display())));
        }
        // FULL: the WAL is synced at every commit, so a committed push survives a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        schema::migrate(&mut conn)?;
        let log_id = identify(&conn)?;

        // Most of each checkpoint runs beside the writer, not in it (`checkpoint`).
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::WRITER_CHECKPOINT_PAGES)?;
        let checkpoints = Checkpoints::start(&path)?;

        let (writer, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || writer::run(conn, jobs, checkpoints))
            .map_err(|e| StoreError::Other(format!("cannot start the writer thread: {e}")))?;
        let readers = Arc::new(Readers { path, idle: Mutex::new(Vec::new()) });
        // Fail now, not at the first pull, if a reader cannot open.
        readers.with(|_| Ok(()))?;
        Ok(SqliteStore { writer, readers, log_id })
    }

    /// The schema version this binary writes (`PRAGMA user_version`).
    pub fn schema_version() -> i64 {
        schema::supported_version()
    }

    /// Runs `work` on the writer thread inside the next group commit; answers after the commit.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (job, answer) = Pending::job(work);
        self.writer.send(job).map_err(|_| writer_stopped())?;
        answer.await.map_err(|_| writer_stopped())?
    }

    /// [`write`](Self::write) for `work` that runs exactly ONE SQL statement: it needs no savepoint
    /// of its own (SQLite undoes a failed statement by itself), which is a third of an append's
    /// statements.
    async fn write_statement<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (job, answer) = Pending::statement(work);
        self.writer.send(job).map_err(|_| writer_stopped())?;
        answer.await.map_err(|_| writer_stopped())?
    }

    /// Runs `work` on a read connection, on the blocking pool.
    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || readers.with(work)).await.map_err(|e| StoreError::Other(format!("read task: {e}")))?
    }
}

fn writer_stopped() -> StoreError {
    StoreError::Other("the SQLite writer thread stopped".to_owned())
}

/// Read-only connections, reused.
struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    fn with<T>(&self, work: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let reused = self.idle.lock().map_err(|_| poisoned())?.pop();
        let conn = match reused {
            Some(conn) => conn,
            None => {
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(&self.path, flags)?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                conn
            }
        };
        let result = work(&conn);
        let mut idle = self.idle.lock().map_err(|_| poisoned())?;
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

fn poisoned() -> StoreError {
    StoreError::Other("the reader pool's lock is poisoned".to_owned())
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    let source: String = row.get(2)?;
    let source =
        source.parse::<Source>().map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into()))?;
    Ok(StoredEvent {
        seq: row.get(0)?,
        platform: row.get(1)?,
        source,
        appid: row.get(3)?,
        query: row.get(4)?,
        body: row.get(5)?,
        received_at: row.get(6)?,
    })
}

fn device_from_row(row: &Row<'_>) -> rusqlite::Result<DeviceInfo> {
    Ok(DeviceInfo {
        id: row.get(0)?,
        name: row.get(1)?,
        created_at: row.get(2)?,
        revoked_at: row.get(3)?,
        acked_seq: row.get(4)?,
        last_seen: row.get(5)?,
    })
}

fn link_from_row(row: &Row<'_>) -> rusqlite::Result<AuthorizeLink> {
    Ok(AuthorizeLink {
        id: row.get(0)?,
        platform: row.get(1)?,
        pre_auth_code: row.get(2)?,
        mode: row.get(3)?,
        auth_type: row.get(4)?,
        biz_appid: row.get(5)?,
        consent_origin: row.get(6)?,
        created_at: row.get(7)?,
        expires_at: row.get(8)?,
        state: row.get(9)?,
    })
}

/// The log's id, made now if this database has none yet (a new one, or one from before ids).
/// `OR IGNORE` on the one-row table: of two processes opening a new file at once, the first wins
/// and both read its id.
fn identify(conn: &Connection) -> Result<String, StoreError> {
    conn.execute("INSERT OR IGNORE INTO log_identity (singleton, id) VALUES (1, ?1)", [new_log_id()])?;
    Ok(conn.query_row("SELECT id FROM log_identity WHERE singleton = 1", [], |row| row.get(0))?)
}

/// The highest seq ever handed out (sqlite_sequence keeps it also when it has been purged).
fn latest_seq(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(conn
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?
        .query_row([], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

fn purged_through(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(conn.prepare_cached("SELECT value FROM meta WHERE key = 'purged_through'")?.query_row([], |row| row.get(0)).optional()?.unwrap_or(0))
}

impl EventStore for SqliteStore {
    async fn append(&self, event: NewEvent) -> Result<i64, StoreError> {
        // Batched with the appends waiting beside it (`append`).
        let (job, answer) = Append::job(event);
        self.writer.send(job).map_err(|_| writer_stopped())?;
        answer.await.map_err(|_| writer_stopped())?
    }

    fn log_id(&self) -> &str {
        &self.log_id
    }

    async fn pull(&self, after: i64, limit: usize) -> Result<Pull, StoreError> {
        let log_id = self.log_id.clone();
        self.read(move |conn| {
            // One read transaction: the events, the purge mark and the latest seq come from the same snapshot.
            let tx = conn.unchecked_transaction()?;
            let purged = purged_through(&tx)?;
            let latest = latest_seq(&tx)?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let events = tx
                .prepare_cached(
                    "SELECT seq, platform, source, appid, query, body, received_at FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                )?
                .query_map(params![after, limit], event_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            tx.finish()?;
            Ok(Pull { events, gap: after < purged, log_id, latest_seq: latest, purged_through: purged })
        })
        .await
    }

    async fn ack(&self, device: DeviceId, seq: i64) -> Result<(), StoreError> {
        self.write_statement(move |conn| {
            conn.prepare_cached("UPDATE devices SET acked_seq = MAX(acked_seq, ?2) WHERE id = ?1")?.execute(params![device, seq])?;
            Ok(())
        })
        .await
    }

    async fn latest_seq(&self) -> Result<i64, StoreError> {
        self.read(|conn| Ok(latest_seq(conn)?)).await
    }

    async fn purge(&self, before_ms: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            // Cut just before the oldest event to keep, so the log stays one unbroken suffix (the
            // gap test is then exact). Walking in seq order from the oldest reads only the rows
            // that go and one more (no index on received_at); an event received before the limit
            // but after one to keep (the wall clock stepped back) stays until the next purge after it.
            let keep: Option<i64> =
                conn.query_row("SELECT seq FROM events WHERE received_at >= ?1 ORDER BY seq LIMIT 1", [before_ms], |row| row.get(0)).optional()?;
            let cut: Option<i64> = conn.query_row("SELECT MAX(seq) FROM events WHERE seq < ?1", [keep.unwrap_or(i64::MAX)], |row| row.get(0))?;
            // Links live no longer than the events they produced.
            conn.execute("DELETE FROM links WHERE expires_at < ?1", [before_ms])?;
            let Some(cut) = cut else { return Ok(0) };
            let deleted = conn.execute("DELETE FROM events WHERE seq <= ?1", [cut])?;
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('purged_through', ?1) ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)",
                [cut],
            )?;
            Ok(deleted as u64)
        })
        .await
    }

    async fn add_device(&self, name: &str, now_ms: i64) -> Result<NewDevice, StoreError> {
        let name = name.to_owned();
        let credential = new_credential();
        let hash = credential_hash(&credential);
        self.write(move |conn| {
            conn.execute("INSERT INTO devices (name, credential_sha256, created_at) VALUES (?1, ?2, ?3)", params![name, hash, now_ms])?;
            Ok(NewDevice { id: conn.last_insert_rowid(), name, credential })
        })
        .await
    }

    async fn list_devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT id, name, created_at, revoked_at, acked_seq, last_seen FROM devices ORDER BY id")?
                .query_map([], device_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn revoke_device(&self, id: DeviceId, now_ms: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            // Revoking twice keeps the first time.
            let changed = conn.execute("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1", params![id, now_ms])?;
            Ok(changed > 0)
        })
        .await
    }

    async fn authenticate(&self, credential: &str, now_ms: i64) -> Result<Option<DeviceId>, StoreError> {
        let hash = credential_hash(credential);
        self.write_statement(move |conn| {
            Ok(conn
                .prepare_cached("UPDATE devices SET last_seen = ?2 WHERE credential_sha256 = ?1 AND revoked_at IS NULL RETURNING id")?
                .query_row(params![hash, now_ms], |row| row.get(0))
                .optional()?)
        })
        .await
    }

    async fn create_link(&self, link: AuthorizeLink) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO links (id, platform, pre_auth_code, mode, auth_type, biz_appid, consent_origin, created_at, expires_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    link.id,
                    link.platform,
                    link.pre_auth_code,
                    link.mode,
                    link.auth_type,
                    link.biz_appid,
                    link.consent_origin,
                    link.created_at,
                    link.expires_at,
                    link.state
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn link(&self, id: &str) -> Result<Option<AuthorizeLink>, StoreError> {
        let id = id.to_owned();
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT id, platform, pre_auth_code, mode, auth_type, biz_appid, consent_origin, created_at, expires_at, state FROM links WHERE id = ?1",
                    [id],
                    link_from_row,
                )
                .optional()?)
        })
        .await
    }

    async fn set_link_state(&self, id: &str, state: &str) -> Result<(), StoreError> {
        let (id, state) = (id.to_owned(), state.to_owned());
        self.write(move |conn| {
            conn.execute("UPDATE links SET state = ?2 WHERE id = ?1", params![id, state])?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::SqliteStore;
    use crate::store::{EventStore, NewEvent, Source};

    fn received_at(ms: i64) -> NewEvent {
        NewEvent {
            platform: "main".to_owned(),
            source: Source::Component,
            appid: None,
            query: "timestamp=1&nonce=2&msg_signature=3".to_owned(),
            body: format!("<xml>{ms}</xml>"),
            received_at: ms,
        }
    }

    /// The purge walks the log from the oldest event and cuts before the first one to keep, so the
    /// log stays one unbroken suffix even when the wall clock stepped back in between.
    #[tokio::test]
    async fn a_purge_cuts_before_the_oldest_event_to_keep() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("relay.db")).unwrap();
        let mut seqs = Vec::new();
        // The clock stepped back between the third and the fourth push.
        for ms in [1_000, 2_000, 5_000, 3_000, 6_000] {
            seqs.push(store.append(received_at(ms)).await.unwrap());
        }
        assert_eq!(store.purge(4_000).await.unwrap(), 2, "the events before the first one received at or after the limit");
        let pull = store.pull(0, 10).await.unwrap();
        assert_eq!(pull.purged_through, seqs[1]);
        assert_eq!(pull.events.iter().map(|e| e.seq).collect::<Vec<_>>(), seqs[2..], "one unbroken suffix, 3 000 kept behind 5 000");
        assert_eq!(store.purge(5_500).await.unwrap(), 2, "now 5 000 and the 3 000 behind it go");
        assert_eq!(store.pull(0, 10).await.unwrap().purged_through, seqs[3]);
        assert_eq!(store.purge(5_500).await.unwrap(), 0, "nothing more before the limit");
    }
}
