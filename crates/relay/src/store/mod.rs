//! The relay's durable state: the event log, devices and their cursors, authorization links.
//!
//! One trait, two implementations that pass the same test suite: SQLite (WAL; the embedded
//! default) and PostgreSQL (several relay instances behind a load balancer on one database).
//! [`Store`] is whichever of the two the configuration's store URL names.
//!
//! * [`sqlite`] — [`SqliteStore`](sqlite::SqliteStore).
//! * [`postgres`] — [`PgStore`](postgres::PgStore).
//! * [`credential`] — how device credentials and link ids are made, and the hash stores keep.

mod any;
pub mod credential;
pub mod postgres;
pub mod sqlite;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use any::Store;

/// Where a stored event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The authorization-event URL (`/wx/{platform}/component`).
    Component,
    /// The message-and-event URL of one mini program (`/wx/{platform}/app/{appid}`).
    App,
    /// The `redirect_uri` catcher: a merchant finished (or failed) the consent page.
    Authorize,
}

impl Source {
    /// `component`, `app` or `authorize` (as stored, and as in the device API's JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Component => "component",
            Source::App => "app",
            Source::Authorize => "authorize",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Source {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "component" => Ok(Source::Component),
            "app" => Ok(Source::App),
            "authorize" => Ok(Source::Authorize),
            other => Err(format!("unknown event source {other:?}")),
        }
    }
}

/// An event to append, exactly as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The platform id from the URL.
    pub platform: String,
    /// Which URL it came to.
    pub source: Source,
    /// The authorizer appid of app events.
    pub appid: Option<String>,
    /// The raw query string, byte-exact (the desktop verifies the signature over it).
    pub query: String,
    /// The raw body, byte-exact.
    pub body: String,
    /// When the relay received it (Unix milliseconds).
    pub received_at: i64,
}

/// A stored event, as devices receive it (`GET /v1/events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// Its position in the log; strictly increasing, never reused.
    pub seq: i64,
    /// The platform id.
    pub platform: String,
    /// Which URL it came to.
    pub source: Source,
    /// The authorizer appid of app events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    /// The raw query string.
    pub query: String,
    /// The raw body.
    pub body: String,
    /// Unix milliseconds.
    pub received_at: i64,
}

/// A device's id.
pub type DeviceId = i64;

/// A freshly enrolled device; `credential` is shown once and only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewDevice {
    /// The device id.
    pub id: DeviceId,
    /// Its name (e.g. "front desk PC").
    pub name: String,
    /// The bearer credential (`Authorization: Bearer …`), high-entropy.
    pub credential: String,
}

/// A device as listed by `wxfleet-relay device list` and `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    /// The device id.
    pub id: DeviceId,
    /// Its name.
    pub name: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When it was revoked; revoked devices can no longer pull, ack or use the proxy.
    pub revoked_at: Option<i64>,
    /// The last sequence it acked (0 = none).
    pub acked_seq: i64,
    /// When it last authenticated (Unix milliseconds).
    pub last_seen: Option<i64>,
}

/// What one pull returns: the events, and where the log stands, from one snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pull {
    /// Events after the cursor, oldest first.
    pub events: Vec<StoredEvent>,
    /// True when events after the cursor were purged before the device got them (it was away
    /// longer than the retention): the device must reconcile through WeChat's query APIs.
    pub gap: bool,
    /// This log's identity ([`EventStore::log_id`]).
    pub log_id: String,
    /// The highest sequence number ever handed out (0 when none): a cursor above it belongs to
    /// another log (the database was wiped or replaced by an older copy).
    pub latest_seq: i64,
    /// The highest sequence number ever purged (0 when none): where a device that took the gap
    /// continues.
    pub purged_through: i64,
}

/// A one-time authorization entry link (`/authorize/{id}`) the desktop's QR code points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeLink {
    /// The one-time id in the URL (unguessable).
    pub id: String,
    /// The platform id.
    pub platform: String,
    /// The pre-auth code the desktop obtained (`api_create_preauthcode`).
    pub pre_auth_code: String,
    /// `pc` (componentloginpage, scan) or `mobile` (bindcomponent, inside WeChat).
    pub mode: String,
    /// `auth_type` (1, 2, 3), if restricted.
    pub auth_type: Option<u8>,
    /// `biz_appid`, if restricted to one account.
    pub biz_appid: Option<String>,
    /// Where WeChat's consent pages are (`https://mp.weixin.qq.com` …; the simulator's base URL in
    /// the sandbox). `None` = the real hosts.
    pub consent_origin: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When the pre-auth code (and so the link) expires, Unix milliseconds.
    pub expires_at: i64,
    /// `pending`, `done`, `expired` or `failed`.
    pub state: String,
}

/// Why the store failed. The HTTP layer answers 5xx for these, so WeChat retries.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused or is unreachable.
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// The database was written by a newer `wxfleet-relay` (its schema version is above ours).
    #[error("the database's schema version {found} is newer than this wxfleet-relay supports ({supported}); upgrade wxfleet-relay")]
    SchemaTooNew {
        /// The version found in the database.
        found: i64,
        /// The newest version this binary knows.
        supported: i64,
    },
    /// Something else (I/O, a poisoned lock, a bad store URL).
    #[error("{0}")]
    Other(String),
}

/// The operations both stores implement.
pub trait EventStore: Send + Sync + 'static {
    /// Appends durably (committed and synced) and returns the new sequence number.
    fn append(&self, event: NewEvent) -> impl std::future::Future<Output = Result<i64, StoreError>> + Send;
    /// A random id made once with the store: sequence numbers only mean something within one log,
    /// and a wiped or replaced database starts again at 1, so a device checks it names the same log.
    fn log_id(&self) -> &str;
    /// Up to `limit` events with `seq > after`, whether some of them were purged already, and the
    /// log's id and extent at that moment.
    fn pull(&self, after: i64, limit: usize) -> impl std::future::Future<Output = Result<Pull, StoreError>> + Send;
    /// Moves the device's cursor forward to `seq` (never backward).
    fn ack(&self, device: DeviceId, seq: i64) -> impl std::future::Future<Output = Result<(), StoreError>> + Send;
    /// The highest sequence number in the log (0 when empty).
    fn latest_seq(&self) -> impl std::future::Future<Output = Result<i64, StoreError>> + Send;
    /// Deletes events received before `before_ms`; returns how many.
    fn purge(&self, before_ms: i64) -> impl std::future::Future<Output = Result<u64, StoreError>> + Send;

    /// Enrolls a device and returns its credential (shown once).
    fn add_device(&self, name: &str, now_ms: i64) -> impl std::future::Future<Output = Result<NewDevice, StoreError>> + Send;
    /// Every device, revoked ones included.
    fn list_devices(&self) -> impl std::future::Future<Output = Result<Vec<DeviceInfo>, StoreError>> + Send;
    /// Revokes a device; returns false when there is no such device.
    fn revoke_device(&self, id: DeviceId, now_ms: i64) -> impl std::future::Future<Output = Result<bool, StoreError>> + Send;
    /// The device a bearer credential belongs to, unless unknown or revoked; records `last_seen`.
    fn authenticate(&self, credential: &str, now_ms: i64)
        -> impl std::future::Future<Output = Result<Option<DeviceId>, StoreError>> + Send;

    /// Stores a new authorization link.
    fn create_link(&self, link: AuthorizeLink) -> impl std::future::Future<Output = Result<(), StoreError>> + Send;
    /// The link `id`, if it exists.
    fn link(&self, id: &str) -> impl std::future::Future<Output = Result<Option<AuthorizeLink>, StoreError>> + Send;
    /// Sets a link's state (`done`, `expired`, `failed`).
    fn set_link_state(&self, id: &str, state: &str) -> impl std::future::Future<Output = Result<(), StoreError>> + Send;

    /// The latest committed sequence number, as a watch that changes when ANY process appended —
    /// for a store shared by several relay instances (PostgreSQL's LISTEN/NOTIFY), so that a
    /// long-poll on one instance wakes for a push another one took. `None` (the default): only
    /// this process appends, and the server wakes its long-polls itself.
    fn appended(&self) -> Option<tokio::sync::watch::Receiver<i64>> {
        None
    }
}
