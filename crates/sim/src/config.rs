//! What the simulator is started with: flags of `wxfleet-sim`, or the same keys in a TOML file.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How a submitted audit ends when no per-app script says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AuditDefault {
    /// Passes `audit_after_secs` after submission.
    #[default]
    Pass,
    /// Fails with a reason and screenshot ids.
    Fail,
    /// Is delayed first (`weapp_audit_delay`), then passes.
    Delay,
    /// Waits until `POST /admin/audit` decides it.
    Manual,
}

/// The simulator's configuration. Every field has a default, so `SimConfig::default()` is a
/// working loopback simulator with nothing seeded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Create the demo platform, 3 templates and this many demo merchants (0 = none).
    pub seed_demo: usize,
    /// The authorization-event URL (授权事件接收URL) of the demo platform: tickets and authorizations.
    pub push_url: Option<String>,
    /// The message-and-event URL (消息与事件接收URL) of the demo platform; `$APPID$` is replaced by
    /// the authorizer appid, as WeChat does.
    pub message_url: Option<String>,
    /// Seconds between `component_verify_ticket` pushes (WeChat: 600).
    pub ticket_interval_secs: u64,
    /// How audits end by default.
    pub audit_default: AuditDefault,
    /// Seconds from submission to the audit result (virtual time).
    pub audit_after_secs: u64,
    /// The authorization launch-page domain (授权发起页域名) of the demo platform: consent pages must
    /// be linked from a page on it, and `redirect_uri` must be on it.
    pub launch_domain: String,
    /// Added latency of every API call, in milliseconds (the minimum when `latency_max_ms` is set).
    pub latency_ms: u64,
    /// With `latency_ms`, each call waits a uniformly drawn time between the two.
    pub latency_max_ms: Option<u64>,
    /// Share of API calls (0.0–1.0) that fail with an injected fault.
    pub fault_rate: f64,
    /// Seed of every random choice (faults, ids, tickets), so runs repeat.
    pub seed: u64,
    /// How long a push receiver has to answer (WeChat: 5 s).
    pub push_timeout_ms: u64,
    /// Attempts per push (WeChat: 3).
    pub push_attempts: u32,
    /// Pause between attempts, in milliseconds.
    pub push_retry_backoff_ms: u64,
    /// The daily limit of APIs without a limit of their own (see `world::quota`).
    pub quota_daily_limit: Option<u64>,
    /// How long an injected `timeout` fault holds the request before giving up on it.
    pub fault_timeout_hold_ms: u64,
    /// Load the state from this file at start (if it exists) and save it there on shutdown.
    pub state_file: Option<PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed_demo: 0,
            push_url: None,
            message_url: None,
            ticket_interval_secs: 600,
            audit_default: AuditDefault::Pass,
            audit_after_secs: 5,
            launch_domain: "127.0.0.1".to_owned(),
            latency_ms: 0,
            latency_max_ms: None,
            fault_rate: 0.0,
            seed: 1,
            push_timeout_ms: 5000,
            push_attempts: 3,
            push_retry_backoff_ms: 1000,
            quota_daily_limit: None,
            fault_timeout_hold_ms: 60_000,
            state_file: None,
        }
    }
}

impl SimConfig {
    /// Reads a TOML file with the same keys as the fields.
    pub fn from_toml_file(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}
