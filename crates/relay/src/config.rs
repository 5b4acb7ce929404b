//! The relay's configuration: one TOML file, with environment overrides.
//!
//! | variable | overrides |
//! |---|---|
//! | `WXFLEET_RELAY_LISTEN` | `listen` (`0.0.0.0:8080`) |
//! | `WXFLEET_RELAY_STORE` | `store` (`sqlite:/var/lib/wxfleet-relay/relay.db`, `postgres://…`) |
//! | `WXFLEET_RELAY_PUBLIC_URL` | `public_url` (`https://relay.example.com`) |

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The environment variable overriding `listen`.
pub const ENV_LISTEN: &str = "WXFLEET_RELAY_LISTEN";
/// The environment variable overriding `store`.
pub const ENV_STORE: &str = "WXFLEET_RELAY_STORE";
/// The environment variable overriding `public_url`.
pub const ENV_PUBLIC_URL: &str = "WXFLEET_RELAY_PUBLIC_URL";

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for [`RelayConfig`].
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A value is not acceptable.
    #[error("{0}")]
    Invalid(String),
}

/// Everything `wxfleet-relay serve` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayConfig {
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// The URL WeChat and merchants reach the relay at (`https://relay.example.com`); the
    /// authorization pages and the `redirect_uri` are built from it.
    pub public_url: String,
    /// `sqlite:/var/lib/wxfleet-relay/relay.db` or `postgres://user:pass@host/db`.
    pub store: String,
    /// How long events are kept; devices further behind are told of the gap.
    #[serde(default = "default_retention_days")]
    pub retention_days: u32,
    /// The platforms whose pushes this relay accepts.
    #[serde(default, rename = "platform")]
    pub platforms: Vec<PlatformEntry>,
    /// The optional CONNECT egress proxy.
    #[serde(default)]
    pub proxy: Option<ProxyConfig>,
    /// Built-in TLS (otherwise terminate TLS in a reverse proxy).
    #[serde(default)]
    pub tls: Option<TlsConfig>,
}

/// One third-party platform. `Debug` leaves the Token out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformEntry {
    /// The id in the relay's URLs: `/wx/{id}/component`, `/wx/{id}/app/$APPID$`.
    pub id: String,
    /// The platform's component appid.
    pub component_appid: String,
    /// The platform's message Token — the only secret the relay holds.
    pub token: String,
}

impl std::fmt::Debug for PlatformEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformEntry").field("id", &self.id).field("component_appid", &self.component_appid).field("token", &"…").finish()
    }
}

/// The CONNECT egress proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyConfig {
    /// Where the proxy listens.
    pub listen: SocketAddr,
    /// `host:port` pairs devices may tunnel to.
    #[serde(default = "default_allow")]
    pub allow: Vec<String>,
    /// On a host with several addresses, the one outbound connections leave from: the address on
    /// the platform's IP whitelist (WeChat's 61004). Unset: the system's choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_ip: Option<IpAddr>,
}

/// Certificate and key files for built-in TLS (PEM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The certificate chain.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

impl RelayConfig {
    /// Reads `path`, applies the environment overrides from `env` (pass `|k| std::env::var(k).ok()`),
    /// and checks the result.
    pub fn load(path: &Path, env: impl Fn(&str) -> Option<String>) -> Result<RelayConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        let mut config: RelayConfig =
            toml::from_str(&text).map_err(|e| ConfigError::Parse { path: path.to_path_buf(), message: e.to_string() })?;
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    /// Applies `WXFLEET_RELAY_LISTEN`, `WXFLEET_RELAY_STORE` and `WXFLEET_RELAY_PUBLIC_URL` when set (and not empty).
    pub fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        if let Some(listen) = set(ENV_LISTEN) {
            self.listen = listen.parse().map_err(|e| ConfigError::Invalid(format!("{ENV_LISTEN}={listen:?}: {e}")))?;
        }
        if let Some(store) = set(ENV_STORE) {
            self.store = store;
        }
        if let Some(public_url) = set(ENV_PUBLIC_URL) {
            self.public_url = public_url;
        }
        Ok(())
    }

    /// Checks what serde cannot: a usable public URL, a positive retention, well-formed and
    /// distinct platform ids, non-empty Tokens.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        match url::Url::parse(&self.public_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() && url.query().is_none() => {}
            _ => {
                return invalid(format!(
                    "public_url {:?} must be an http(s) URL without a query, e.g. https://relay.example.com",
                    self.public_url
                ))
            }
        }
        if self.retention_days == 0 {
            return invalid("retention_days must be at least 1 (WeChat's pushes are kept that many days for devices)".to_owned());
        }
        let mut ids = HashSet::new();
        for platform in &self.platforms {
            if platform.id.is_empty()
                || platform.id.len() > 64
                || !platform.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return invalid(format!(
                    "platform id {:?} must be 1-64 characters of A-Z a-z 0-9 - _ (it is part of the URLs)",
                    platform.id
                ));
            }
            if !ids.insert(platform.id.as_str()) {
                return invalid(format!("platform id {:?} appears twice", platform.id));
            }
            if platform.token.is_empty() {
                return invalid(format!("platform {:?} has an empty token", platform.id));
            }
        }
        Ok(())
    }

    /// The platform with URL id `id`.
    pub fn platform(&self, id: &str) -> Option<&PlatformEntry> {
        self.platforms.iter().find(|p| p.id == id)
    }

    /// `public_url` without a trailing slash, ready to append paths to.
    pub fn public_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

fn default_retention_days() -> u32 {
    7
}

fn default_allow() -> Vec<String> {
    vec!["api.weixin.qq.com:443".to_owned()]
}
