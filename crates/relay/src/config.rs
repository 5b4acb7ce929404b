//! The relay's configuration: one TOML file, with environment overrides.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

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

/// One third-party platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformEntry {
    /// The id in the relay's URLs: `/wx/{id}/component`, `/wx/{id}/app/$APPID$`.
    pub id: String,
    /// The platform's component appid.
    pub component_appid: String,
    /// The platform's message Token — the only secret the relay holds.
    pub token: String,
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

fn default_retention_days() -> u32 {
    7
}

fn default_allow() -> Vec<String> {
    vec!["api.weixin.qq.com:443".to_owned()]
}
