//! [`Store`]: the store the configuration names, behind one type the server and the CLI use.

use tokio::sync::watch;

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{AuthorizeLink, DeviceId, DeviceInfo, EventStore, NewDevice, NewEvent, Pull, StoreError};

/// SQLite or PostgreSQL, chosen by the store URL (`sqlite:PATH` or `postgres://…`).
pub enum Store {
    /// The embedded default.
    Sqlite(SqliteStore),
    /// Several relay instances on one database.
    Postgres(PgStore),
}

impl Store {
    /// Opens the store `url` names: `sqlite:PATH` (also `sqlite://PATH`), or `postgres://…` /
    /// `postgresql://…`. Creates or migrates the schema.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        if let Some(path) = sqlite_path(url) {
            if path.is_empty() {
                return Err(StoreError::Other(
                    "the store URL `sqlite:` names no file (write sqlite:/var/lib/wxfleet-relay/relay.db)".to_owned(),
                ));
            }
            let path = path.to_owned();
            // Opening migrates, which may take a moment on a large file: keep it off the runtime's threads.
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(path))
                .await
                .map_err(|e| StoreError::Other(format!("opening the store: {e}")))??;
            return Ok(Store::Sqlite(store));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Store::Postgres(PgStore::connect(url).await?));
        }
        Err(StoreError::Other("the store URL must start with sqlite: or postgres://".to_owned()))
    }

    /// `sqlite` or `postgres`, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }
}

/// The path of a `sqlite:` URL (`sqlite:relay.db`, `sqlite:/abs/relay.db`, `sqlite:///abs/relay.db`).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    // sqlite:///abs → /abs ; sqlite://rel → rel
    Some(rest.strip_prefix("//").unwrap_or(rest))
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            Store::Sqlite($store) => $call,
            Store::Postgres($store) => $call,
        }
    };
}

impl EventStore for Store {
    async fn append(&self, event: NewEvent) -> Result<i64, StoreError> {
        dispatch!(self, s => s.append(event).await)
    }

    fn log_id(&self) -> &str {
        dispatch!(self, s => s.log_id())
    }

    async fn pull(&self, after: i64, limit: usize) -> Result<Pull, StoreError> {
        dispatch!(self, s => s.pull(after, limit).await)
    }

    async fn ack(&self, device: DeviceId, seq: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.ack(device, seq).await)
    }

    async fn latest_seq(&self) -> Result<i64, StoreError> {
        dispatch!(self, s => s.latest_seq().await)
    }

    async fn purge(&self, before_ms: i64) -> Result<u64, StoreError> {
        dispatch!(self, s => s.purge(before_ms).await)
    }

    async fn add_device(&self, name: &str, now_ms: i64) -> Result<NewDevice, StoreError> {
        dispatch!(self, s => s.add_device(name, now_ms).await)
    }

    async fn list_devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        dispatch!(self, s => s.list_devices().await)
    }

    async fn revoke_device(&self, id: DeviceId, now_ms: i64) -> Result<bool, StoreError> {
        dispatch!(self, s => s.revoke_device(id, now_ms).await)
    }

    async fn authenticate(&self, credential: &str, now_ms: i64) -> Result<Option<DeviceId>, StoreError> {
        dispatch!(self, s => s.authenticate(credential, now_ms).await)
    }

    async fn create_link(&self, link: AuthorizeLink) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_link(link).await)
    }

    async fn link(&self, id: &str) -> Result<Option<AuthorizeLink>, StoreError> {
        dispatch!(self, s => s.link(id).await)
    }

    async fn set_link_state(&self, id: &str, state: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.set_link_state(id, state).await)
    }

    fn appended(&self) -> Option<watch::Receiver<i64>> {
        dispatch!(self, s => s.appended())
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_urls() {
        assert_eq!(sqlite_path("sqlite:relay.db"), Some("relay.db"));
        assert_eq!(sqlite_path("sqlite:/var/lib/r/relay.db"), Some("/var/lib/r/relay.db"));
        assert_eq!(sqlite_path("sqlite:///var/lib/r/relay.db"), Some("/var/lib/r/relay.db"));
        assert_eq!(sqlite_path("postgres://x"), None);
    }
}
