//! `fleet`: the wxfleet core — everything an agency does with its third-party platform, as plain
//! async Rust with no UI types. The desktop (src-tauri) and the CLI are thin shells over it.
//!
//! ```text
//!  Fleet ─┬─ store (SQLite, migrations) ── secrets (sealed under the master key) ── audit_log
//!         ├─ platforms ── tickets ── tokens (single-flight, expire-if-equal, retry once)
//!         ├─ inbox (relay pull → raw push stored → decrypt → dedup → handlers → ack)
//!         ├─ authorizers ── links (QR codes) ── permissions ── apps (basic info, domains, privacy, …)
//!         ├─ templates ── ext (JSON Schema per template, ext_json per merchant, history)
//!         ├─ releases (per mini program: commit, audit, release, revert)
//!         ├─ campaigns (one template to many mini programs: canary, rate, quota, crash-safe resume)
//!         └─ sandbox (the simulator and the relay in-process on loopback, with demo data)
//! ```
//!
//! [`Fleet`] is the handle: cheap to clone, shared by every task. Each area adds its methods to it
//! in its own module. Time comes from a [`clock::Clock`] passed in, so expiry and retries are tested
//! without sleeping. Errors are [`FleetError`]; what a user sees is [`FleetError::problem`].
#![warn(missing_docs)]

pub mod app_rows;
pub mod apps;
pub mod audit_log;
pub mod authorizers;
pub mod campaigns;
pub mod clock;
pub mod error;
pub mod events;
pub mod ext;
pub mod inbox;
pub mod links;
pub mod permissions;
pub mod platforms;
pub mod releases;
pub mod sandbox;
pub mod secrets;
pub mod store;
pub mod templates;
pub mod tickets;
pub mod tokens;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use error::{FleetError, Problem, Result};
pub use events::FleetEvent;
pub use secrets::{KeySource, MasterKeyConfig, SecretString, Vault};
pub use store::Store;

/// How to open a workspace.
#[derive(Clone)]
pub struct FleetOptions {
    /// The SQLite database.
    pub db_path: PathBuf,
    /// Where the master key comes from.
    pub master_key: MasterKeyConfig,
    /// The clock.
    pub clock: SharedClock,
    /// Who acts, for the audit log (the OS user by default).
    pub actor: String,
    /// The timeout of one WeChat API call.
    pub http_timeout: Duration,
}

impl FleetOptions {
    /// A workspace in `dir`: `dir/wxfleet.db`, the master key in the OS keychain or `dir/master.key`.
    pub fn in_dir(dir: &Path) -> FleetOptions {
        let db_path = dir.join("wxfleet.db");
        FleetOptions {
            master_key: MasterKeyConfig::Auto {
                key_file: dir.join("master.key"),
                service: "wxfleet".to_owned(),
                account: format!("master-key:{}", db_path.display()),
            },
            db_path,
            clock: Arc::new(SystemClock),
            actor: default_actor(),
            http_timeout: Duration::from_secs(30),
        }
    }

    /// What the desktop and the CLI open: [`FleetOptions::in_dir`], or with the key file when
    /// `WXFLEET_NO_KEYCHAIN` is set (CI, headless machines where a keychain would prompt or hang).
    pub fn for_user(dir: &Path) -> FleetOptions {
        match std::env::var_os("WXFLEET_NO_KEYCHAIN") {
            Some(v) if !v.is_empty() && v != "0" => FleetOptions::in_dir_with_key_file(dir),
            _ => FleetOptions::in_dir(dir),
        }
    }

    /// Like [`FleetOptions::in_dir`], but always with the key file (tests, CI, headless servers).
    pub fn in_dir_with_key_file(dir: &Path) -> FleetOptions {
        FleetOptions { master_key: MasterKeyConfig::KeyFile(dir.join("master.key")), ..FleetOptions::in_dir(dir) }
    }
}

/// The OS user name, for the audit log.
pub fn default_actor() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "operator".to_owned())
}

/// The core's handle on one workspace. Cheap to clone.
#[derive(Clone)]
pub struct Fleet {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    vault: Vault,
    key_source: KeySource,
    clock: SharedClock,
    actor: String,
    http_timeout: Duration,
    events: broadcast::Sender<FleetEvent>,
    clients: platforms::Clients,
    tokens: tokens::TokenCache,
    inbox: inbox::InboxRuntime,
    campaigns: campaigns::Runners,
}

impl std::fmt::Debug for Fleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fleet").field("store", &self.inner.store).field("key_source", &self.inner.key_source).finish()
    }
}

impl Fleet {
    /// Opens (creating and migrating when needed) the workspace.
    pub fn open(options: FleetOptions) -> Result<Fleet> {
        let (key, key_source) = secrets::master_key::load(&options.master_key)?;
        let store = Store::open(&options.db_path)?;
        Ok(Fleet::with_parts(store, Vault::new(&key), key_source, options))
    }

    fn with_parts(store: Store, vault: Vault, key_source: KeySource, options: FleetOptions) -> Fleet {
        let (events, _) = broadcast::channel(1024);
        Fleet {
            inner: Arc::new(Inner {
                store,
                vault,
                key_source,
                clock: options.clock,
                actor: options.actor,
                http_timeout: options.http_timeout,
                events,
                clients: platforms::Clients::default(),
                tokens: tokens::TokenCache::default(),
                inbox: inbox::InboxRuntime::default(),
                campaigns: campaigns::Runners::default(),
            }),
        }
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Seals and opens secrets.
    pub fn vault(&self) -> &Vault {
        &self.inner.vault
    }

    /// Where the master key comes from.
    pub fn key_source(&self) -> &KeySource {
        &self.inner.key_source
    }

    /// The clock.
    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    /// Now, in unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Who acts, for the audit log.
    pub fn actor(&self) -> &str {
        &self.inner.actor
    }

    /// The timeout of one WeChat API call.
    pub fn http_timeout(&self) -> Duration {
        self.inner.http_timeout
    }

    /// Listens to what happens from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<FleetEvent> {
        self.inner.events.subscribe()
    }

    /// Tells the listeners (none listening is fine).
    pub fn emit(&self, event: FleetEvent) {
        let _ = self.inner.events.send(event);
    }

    pub(crate) fn clients(&self) -> &platforms::Clients {
        &self.inner.clients
    }

    pub(crate) fn tokens(&self) -> &tokens::TokenCache {
        &self.inner.tokens
    }

    pub(crate) fn inbox_runtime(&self) -> &inbox::InboxRuntime {
        &self.inner.inbox
    }

    pub(crate) fn campaign_runners(&self) -> &campaigns::Runners {
        &self.inner.campaigns
    }
}
