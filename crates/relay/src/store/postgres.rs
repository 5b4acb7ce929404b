//! The PostgreSQL store: several relay instances behind a load balancer on one (replicated)
//! database.
//!
//! * **Order.** Appends take a transaction-scoped advisory lock before they draw the next sequence
//!   numbers from `relay_meta.last_seq`, and hold it until their commit. So appends commit one
//!   transaction at a time in sequence order, on every instance: a reader never sees seq N+1 while
//!   N is still uncommitted (a plain SEQUENCE would allow that, and a device whose cursor passed
//!   N+1 would skip N for good).
//! * **Group commit.** The appends waiting in one instance share one such transaction ([`append`]):
//!   a burst costs one lock, one insert and one synced commit, not one per push.
//! * **Durability.** Each transaction commits with `synchronous_commit = on` (whatever the server's
//!   default) before its appends return their sequence numbers.
//! * **Bytes.** Query strings and bodies are stored as BYTEA: byte-exact whatever the server's
//!   encoding.
//! * **Wake-ups.** Every append sends a NOTIFY at commit; [`EventStore::appended`] gives the
//!   latest committed sequence, raised by this instance's appends and by every other instance's
//!   (a dedicated LISTEN connection).
//! * **Gap.** `relay_meta.purged_through` is the highest sequence ever purged; a pull whose cursor
//!   is below it reports `gap: true`.
//! * **Identity.** `relay_log.id` is the log id, made by the first instance that connects to a new
//!   database.

mod append;
mod listen;
mod schema;

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use postgres_native_tls::MakeTlsConnector;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_postgres::Row;

use super::credential::{credential_hash, new_credential, new_log_id};
use super::{AuthorizeLink, DeviceId, DeviceInfo, EventStore, NewDevice, NewEvent, Pull, Source, StoreError, StoredEvent};

pub use schema::LATEST as SCHEMA_VERSION;

/// Serialises appends across every relay instance on the database (advisory locks are per database).
const APPEND_LOCK: i64 = 0x7778_666c_6565_7401; // "wxfleet\x01"

/// Connections per instance. Long-polls do not hold one while they wait (they wait on
/// [`EventStore::appended`]), so a few serve many devices.
const POOL_SIZE: usize = 16;

/// The relay's log, devices and links in PostgreSQL.
pub struct PgStore {
    pool: Pool,
    appender: append::Appender,
    log_id: String,
    latest: watch::Sender<i64>,
    listener: JoinHandle<()>,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("latest", &*self.latest.borrow()).finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user:pass@host:port/db?sslmode=require` and the other
    /// libpq URL and key=value forms), brings the schema up to date (refusing a database written
    /// by a newer relay), and starts listening for other instances' appends.
    /// Must be called inside a Tokio runtime.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|e| StoreError::Other(format!("bad postgres URL: {e}")))?;
        if config.get_application_name().is_none() {
            config.application_name("wxfleet-relay");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        // TLS when the URL asks for it (sslmode=prefer by default falls back to plain text).
        let connector = native_tls::TlsConnector::new().map_err(|e| StoreError::Other(format!("TLS setup: {e}")))?;
        let tls = MakeTlsConnector::new(connector);
        let manager = Manager::from_config(config.clone(), tls.clone(), ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|e| StoreError::Other(format!("postgres pool: {e}")))?;

        let mut client = pool.get().await.map_err(pool_error)?;
        schema::migrate(&mut client).await?;
        // Of several instances starting on a new database, the first insert wins; all read its id.
        client.execute("INSERT INTO relay_log (id) VALUES ($1) ON CONFLICT DO NOTHING", &[&new_log_id()]).await?;
        let log_id: String = client.query_one("SELECT id FROM relay_log", &[]).await?.try_get(0)?;
        let last: i64 = client.query_one("SELECT value FROM relay_meta WHERE key = 'last_seq'", &[]).await?.get(0);
        drop(client);

        let (latest, _) = watch::channel(last);
        let mut listen_config = config;
        listen_config.application_name(format!("{} (listen)", listen_config.get_application_name().unwrap_or_default()));
        let listener = tokio::spawn(listen::run(listen_config, tls, latest.clone()));
        let appender = append::Appender::start(pool.clone(), latest.clone());
        Ok(PgStore { pool, appender, log_id, latest, listener })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }
}

fn pool_error(e: PoolError) -> StoreError {
    match e {
        PoolError::Backend(e) => StoreError::Postgres(e),
        other => StoreError::Other(format!("postgres pool: {other}")),
    }
}

fn parse_source(name: &str) -> Result<Source, StoreError> {
    name.parse().map_err(|e| StoreError::Other(format!("in the database: {e}")))
}

fn utf8(bytes: Vec<u8>, what: &str) -> Result<String, StoreError> {
    String::from_utf8(bytes).map_err(|_| StoreError::Other(format!("a stored {what} is not UTF-8")))
}

/// Columns `first`.. of `row`: seq, platform, source, appid, query, body, received_at.
fn event_from(row: &Row, first: usize) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        seq: row.try_get(first)?,
        platform: row.try_get(first + 1)?,
        source: parse_source(row.try_get(first + 2)?)?,
        appid: row.try_get(first + 3)?,
        query: utf8(row.try_get(first + 4)?, "query")?,
        body: utf8(row.try_get(first + 5)?, "body")?,
        received_at: row.try_get(first + 6)?,
    })
}

fn link_from(row: &Row) -> Result<AuthorizeLink, StoreError> {
    let auth_type: Option<i16> = row.try_get("auth_type")?;
    Ok(AuthorizeLink {
        id: row.try_get("id")?,
        platform: row.try_get("platform")?,
        pre_auth_code: row.try_get("pre_auth_code")?,
        mode: row.try_get("mode")?,
        auth_type: auth_type.map(|t| u8::try_from(t).map_err(|_| StoreError::Other(format!("auth_type {t} out of range")))).transpose()?,
        biz_appid: row.try_get("biz_appid")?,
        consent_origin: row.try_get("consent_origin")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        state: row.try_get("state")?,
    })
}

impl EventStore for PgStore {
    async fn append(&self, event: NewEvent) -> Result<i64, StoreError> {
        self.appender.append(event).await
    }

    fn log_id(&self) -> &str {
        &self.log_id
    }

    async fn pull(&self, after: i64, limit: usize) -> Result<Pull, StoreError> {
        let client = self.client().await?;
        // One statement, one snapshot: the events, the purge mark and the latest seq agree.
        let select = client
            .prepare_cached(
                "SELECT p.value, l.value, e.seq, e.platform, e.source, e.appid, e.query, e.body, e.received_at
                 FROM relay_meta p
                 JOIN relay_meta l ON l.key = 'last_seq'
                 LEFT JOIN LATERAL (
                     SELECT * FROM relay_events WHERE seq > $1 ORDER BY seq LIMIT $2
                 ) e ON true
                 WHERE p.key = 'purged_through'
                 ORDER BY e.seq",
            )
            .await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = client.query(&select, &[&after, &limit]).await?;
        let (purged_through, latest_seq): (i64, i64) = match rows.first() {
            Some(row) => (row.try_get(0)?, row.try_get(1)?),
            None => return Err(StoreError::Other("relay_meta lacks its purged_through or last_seq row".into())),
        };
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            if row.try_get::<_, Option<i64>>(2)?.is_some() {
                events.push(event_from(row, 2)?);
            }
        }
        Ok(Pull { events, gap: after < purged_through, log_id: self.log_id.clone(), latest_seq, purged_through })
    }

    async fn ack(&self, device: DeviceId, seq: i64) -> Result<(), StoreError> {
        let client = self.client().await?;
        let update = client.prepare_cached("UPDATE relay_devices SET acked_seq = GREATEST(acked_seq, $2) WHERE id = $1").await?;
        client.execute(&update, &[&device, &seq]).await?;
        Ok(())
    }

    async fn latest_seq(&self) -> Result<i64, StoreError> {
        let client = self.client().await?;
        let row = client.query_one("SELECT value FROM relay_meta WHERE key = 'last_seq'", &[]).await?;
        let seq: i64 = row.try_get(0)?;
        listen::raise(&self.latest, seq);
        Ok(seq)
    }

    async fn purge(&self, before_ms: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "WITH gone AS (DELETE FROM relay_events WHERE received_at < $1 RETURNING seq),
                      mark AS (UPDATE relay_meta SET value = GREATEST(value, (SELECT COALESCE(MAX(seq), 0) FROM gone))
                               WHERE key = 'purged_through')
                 SELECT COUNT(*) FROM gone",
                &[&before_ms],
            )
            .await?;
        let count: i64 = row.try_get(0)?;
        Ok(count as u64)
    }

    async fn add_device(&self, name: &str, now_ms: i64) -> Result<NewDevice, StoreError> {
        let credential = new_credential();
        let client = self.client().await?;
        let row = client
            .query_one(
                "INSERT INTO relay_devices (name, credential_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
                &[&name, &credential_hash(&credential), &now_ms],
            )
            .await?;
        Ok(NewDevice { id: row.try_get(0)?, name: name.to_owned(), credential })
    }

    async fn list_devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        let client = self.client().await?;
        let rows =
            client.query("SELECT id, name, created_at, revoked_at, acked_seq, last_seen FROM relay_devices ORDER BY id", &[]).await?;
        rows.iter()
            .map(|row| {
                Ok(DeviceInfo {
                    id: row.try_get(0)?,
                    name: row.try_get(1)?,
                    created_at: row.try_get(2)?,
                    revoked_at: row.try_get(3)?,
                    acked_seq: row.try_get(4)?,
                    last_seen: row.try_get(5)?,
                })
            })
            .collect()
    }

    async fn revoke_device(&self, id: DeviceId, now_ms: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let changed =
            client.execute("UPDATE relay_devices SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1", &[&id, &now_ms]).await?;
        Ok(changed > 0)
    }

    async fn authenticate(&self, credential: &str, now_ms: i64) -> Result<Option<DeviceId>, StoreError> {
        let client = self.client().await?;
        let update = client
            .prepare_cached("UPDATE relay_devices SET last_seen = $2 WHERE credential_hash = $1 AND revoked_at IS NULL RETURNING id")
            .await?;
        let row = client.query_opt(&update, &[&credential_hash(credential), &now_ms]).await?;
        row.map(|row| row.try_get(0)).transpose().map_err(StoreError::from)
    }

    async fn create_link(&self, link: AuthorizeLink) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO relay_authorize_links
                   (id, platform, pre_auth_code, mode, auth_type, biz_appid, consent_origin, created_at, expires_at, state)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &link.id,
                    &link.platform,
                    &link.pre_auth_code,
                    &link.mode,
                    &link.auth_type.map(i16::from),
                    &link.biz_appid,
                    &link.consent_origin,
                    &link.created_at,
                    &link.expires_at,
                    &link.state,
                ],
            )
            .await?;
        Ok(())
    }

    async fn link(&self, id: &str) -> Result<Option<AuthorizeLink>, StoreError> {
        let client = self.client().await?;
        let row = client.query_opt("SELECT * FROM relay_authorize_links WHERE id = $1", &[&id]).await?;
        row.as_ref().map(link_from).transpose()
    }

    async fn set_link_state(&self, id: &str, state: &str) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.execute("UPDATE relay_authorize_links SET state = $2 WHERE id = $1", &[&id, &state]).await?;
        Ok(())
    }

    /// The latest sequence number known to be committed, by this instance or by any other on the
    /// same database (through LISTEN/NOTIFY, re-read every few seconds besides). Values only grow.
    fn appended(&self) -> Option<watch::Receiver<i64>> {
        Some(self.latest.subscribe())
    }
}
