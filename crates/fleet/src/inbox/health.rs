//! "Is the relay working?" in one call: it answers, it accepts this desktop's credential, and how
//! many pushes wait for this desktop — what to look at first when pushes seem not to arrive
//! (field notes #7).

use std::time::Duration;

use serde::Serialize;
use wxfleet_relay::client::{ClientError, RelayClient};

use super::intake;
use crate::error::{FleetError, Result};
use crate::platforms::secret;
use crate::Fleet;

/// What a relay check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelayCheck {
    /// The platform.
    pub platform: String,
    /// The relay's base URL.
    pub relay_url: String,
    /// `GET /healthz` answered `ok` (the relay and its store are up).
    pub healthy: bool,
    /// The relay accepted this desktop's device credential.
    pub credential_accepted: bool,
    /// Events waiting after this desktop's cursor (counted up to 1,000).
    pub waiting: Option<usize>,
    /// This desktop's cursor (the last relay sequence number stored here).
    pub cursor: i64,
    /// The URL to enter as the authorization-event URL (授权事件接收URL).
    pub component_push_url: Option<String>,
    /// The URL to enter as the message-and-event URL (消息与事件接收URL).
    pub message_push_url: Option<String>,
    /// What went wrong, and what to do.
    pub problem: Option<String>,
}

impl Fleet {
    /// Checks the platform's relay without changing anything there (no ack, no cursor move).
    pub async fn check_relay(&self, component_appid: &str) -> Result<RelayCheck> {
        let platform = self.platform(component_appid).await?;
        let relay_url = platform
            .relay_url
            .clone()
            .ok_or_else(|| FleetError::invalid("relay", format!("{component_appid} has no relay: pushes cannot reach this desktop")))?;
        let credential = self.platform_secret(secret::relay_credential(component_appid)).await?;
        let appid = component_appid.to_owned();
        let (cursor, _) = self.store().read(move |conn| intake::cursor(conn, &appid)).await?;
        let mut check = RelayCheck {
            platform: component_appid.to_owned(),
            relay_url: relay_url.clone(),
            healthy: false,
            credential_accepted: false,
            waiting: None,
            cursor,
            component_push_url: platform.component_push_url(),
            message_push_url: platform.message_push_url(),
            problem: None,
        };
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().map_err(|e| FleetError::Relay(e.to_string()))?;
        match http.get(format!("{}/healthz", relay_url.trim_end_matches('/'))).send().await {
            Ok(answer) if answer.status().is_success() => check.healthy = true,
            Ok(answer) => {
                check.problem = Some(format!("the relay answers HTTP {} on /healthz: its store is down; see its log", answer.status()));
                return Ok(check);
            }
            Err(e) => {
                check.problem = Some(format!("the relay cannot be reached ({e}): check the URL, its TLS certificate and that it runs"));
                return Ok(check);
            }
        }
        let client = RelayClient::new(&relay_url, credential.expose())?;
        match client.pull(cursor, Duration::ZERO, 1000).await {
            Ok(pulled) => {
                check.credential_accepted = true;
                check.waiting = Some(pulled.events.len());
            }
            Err(ClientError::Unauthorized { .. }) => {
                check.problem = Some(
                    "the relay refuses this desktop's credential (revoked or mistyped): enrol again with `wxfleet-relay device add` and update the platform".to_owned(),
                );
            }
            Err(e) => check.problem = Some(e.to_string()),
        }
        Ok(check)
    }
}
