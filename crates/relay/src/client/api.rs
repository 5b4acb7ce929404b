//! The device API over HTTP: pull, ack, authorization links.

use std::fmt;
use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;

use super::error::ClientError;
use super::link::{AuthorizeLinkRequest, CreatedLink};
use crate::store::StoredEvent;

/// A device's bearer credential (`wxr_…`). Sent only in the `Authorization` header; its `Debug`
/// shows a prefix, so it never reaches a log whole.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(String);

impl Credential {
    /// Wraps the credential `wxfleet-relay device add` printed.
    pub fn new(credential: impl Into<String>) -> Credential {
        Credential(credential.into().trim().to_owned())
    }

    /// The credential itself, to store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(8).collect();
        write!(f, "Credential({prefix}…)")
    }
}

/// `GET /v1/events`: events after the cursor, oldest first, and whether some were purged first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// Events with `seq > after` (`seq > 0` when `reset`), in increasing `seq`.
    pub events: Vec<StoredEvent>,
    /// Events after the cursor were purged before this device got them (or, with `reset`, were in
    /// a log the relay no longer has).
    #[serde(default)]
    pub gap: bool,
    /// The cursor does not belong to the relay's log (its database was wiped or replaced): the
    /// device starts again from 0 in the log `log_id` names, and `events` are already from 0.
    #[serde(default)]
    pub reset: bool,
    /// The relay's log id (`None` from a relay older than log ids).
    #[serde(default)]
    pub log_id: Option<String>,
    /// The highest seq the relay ever purged (`None` from an older relay): a device that has taken
    /// a gap continues from here.
    #[serde(default)]
    pub purged_through: Option<i64>,
}

/// What the relay said to an ack ([`RelayClient::ack_in_log`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckOutcome {
    /// The relay moved this device's cursor.
    Acked,
    /// The seq is not in the relay's log (its database was wiped or replaced): nothing was acked;
    /// the device starts again from 0 in the log `log_id`.
    Reset {
        /// The relay's log id.
        log_id: String,
    },
}

/// The 409 answer of an ack for a cursor that is not in the relay's log.
#[derive(Debug, Deserialize)]
struct ResetAnswer {
    #[serde(default)]
    reset: bool,
    log_id: String,
}

/// How much longer than the long-poll's `wait` a pull may take before it counts as failed.
const LONG_POLL_MARGIN: Duration = Duration::from_secs(10);

/// A relay's device API, as one enrolled device.
#[derive(Debug, Clone)]
pub struct RelayClient {
    base: Url,
    credential: Credential,
    http: reqwest::Client,
    timeout: Duration,
}

impl RelayClient {
    /// A client for the relay at `base_url` (`https://relay.example.com`, a path prefix allowed),
    /// authenticating with `credential`.
    pub fn new(base_url: &str, credential: impl Into<String>) -> Result<RelayClient, ClientError> {
        let base = Url::parse(base_url).map_err(|e| ClientError::BaseUrl(format!("{base_url}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(ClientError::BaseUrl(format!("{base_url}: not an http(s) URL")));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // Idle keep-alive connections outlive a long-poll: the next pull reuses the connection.
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(ClientError::Network)?;
        Ok(RelayClient { base, credential: Credential::new(credential), http, timeout: Duration::from_secs(10) })
    }

    /// Uses `http` for the requests (a proxy, extra root certificates).
    pub fn with_http_client(mut self, http: reqwest::Client) -> RelayClient {
        self.http = http;
        self
    }

    /// The timeout of a request that is not a long-poll (10 s unless set); a long-poll may take
    /// its `wait` plus 10 s.
    pub fn with_timeout(mut self, timeout: Duration) -> RelayClient {
        self.timeout = timeout;
        self
    }

    /// The relay's base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `GET /v1/events?after=…&wait=…&limit=…`: up to `limit` events after `after`, waiting up to
    /// `wait` (whole seconds) for the first one. Checks that the events come in increasing order
    /// after the cursor (after 0 when the relay answers `reset`).
    pub async fn pull(&self, after: i64, wait: Duration, limit: usize) -> Result<PullResponse, ClientError> {
        self.pull_in_log(None, after, wait, limit).await
    }

    /// [`pull`](Self::pull) for a cursor in the log `log_id` (as the relay named it before): if the
    /// relay's log is another one, it answers `reset` with the events from 0 of its own log.
    pub async fn pull_in_log(&self, log_id: Option<&str>, after: i64, wait: Duration, limit: usize) -> Result<PullResponse, ClientError> {
        let wait_secs = wait.as_secs();
        let mut query = vec![("after", after.to_string()), ("wait", wait_secs.to_string()), ("limit", limit.to_string())];
        if let Some(log_id) = log_id {
            query.push(("log", log_id.to_owned()));
        }
        let response = self
            .http
            .get(self.endpoint(&["v1", "events"]))
            .query(&query)
            .bearer_auth(self.credential.expose())
            .timeout(Duration::from_secs(wait_secs) + LONG_POLL_MARGIN)
            .send()
            .await
            .map_err(ClientError::Network)?;
        let pull: PullResponse = read_json(response).await?;
        if let (Some(asked), Some(answered), false) = (log_id, pull.log_id.as_deref(), pull.reset) {
            if asked != answered {
                return Err(ClientError::Protocol(format!("asked for log {asked:?}, got events of log {answered:?} without a reset")));
            }
        }
        let from = if pull.reset { 0 } else { after };
        let mut previous = from;
        for event in &pull.events {
            if event.seq <= previous {
                return Err(ClientError::Protocol(format!("event seq {} after {previous} (asked for events after {from})", event.seq)));
            }
            previous = event.seq;
        }
        Ok(pull)
    }

    /// `POST /v1/ack {"seq": …}`: tells the relay this device has durably processed everything up
    /// to `seq`. A seq the relay's log does not have is a [`ClientError::Protocol`] (use
    /// [`ack_in_log`](Self::ack_in_log) to tell that case apart).
    pub async fn ack(&self, seq: i64) -> Result<(), ClientError> {
        match self.ack_in_log(None, seq).await? {
            AckOutcome::Acked => Ok(()),
            AckOutcome::Reset { log_id } => {
                Err(ClientError::Protocol(format!("seq {seq} is not in the relay's log {log_id:?} (its database was wiped or replaced)")))
            }
        }
    }

    /// `POST /v1/ack {"seq": …, "log": …}`: [`ack`](Self::ack) for a seq in the log `log_id`;
    /// [`AckOutcome::Reset`] when the relay's log is another one, or does not reach `seq`.
    pub async fn ack_in_log(&self, log_id: Option<&str>, seq: i64) -> Result<AckOutcome, ClientError> {
        let body = match log_id {
            Some(log_id) => serde_json::json!({ "seq": seq, "log": log_id }),
            None => serde_json::json!({ "seq": seq }),
        };
        let response = self
            .http
            .post(self.endpoint(&["v1", "ack"]))
            .bearer_auth(self.credential.expose())
            .json(&body)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(ClientError::Network)?;
        if response.status() == StatusCode::CONFLICT {
            let bytes = response.bytes().await.map_err(ClientError::Network)?;
            return match serde_json::from_slice::<ResetAnswer>(&bytes) {
                Ok(ResetAnswer { reset: true, log_id }) => Ok(AckOutcome::Reset { log_id }),
                _ => Err(ClientError::Protocol(format!(
                    "HTTP 409: {}",
                    String::from_utf8_lossy(&bytes).chars().take(200).collect::<String>()
                ))),
            };
        }
        check_status(response).await.map(|_| AckOutcome::Acked)
    }

    /// `POST /v1/authorize-links`: a one-time entry link for a merchant's QR code.
    pub async fn create_authorize_link(&self, request: &AuthorizeLinkRequest) -> Result<CreatedLink, ClientError> {
        let response = self
            .http
            .post(self.endpoint(&["v1", "authorize-links"]))
            .bearer_auth(self.credential.expose())
            .json(request)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(ClientError::Network)?;
        read_json(response).await
    }

    fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.set_query(None);
        url.set_fragment(None);
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

/// Turns a non-2xx answer into the error the loop can act on.
async fn check_status(response: Response) -> Result<Response, ClientError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    let body: String = body.chars().take(200).collect();
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ClientError::Unauthorized { status: status.as_u16() },
        StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS => ClientError::Unavailable { status: status.as_u16(), body },
        s if s.is_server_error() => ClientError::Unavailable { status: status.as_u16(), body },
        s => ClientError::Protocol(format!("HTTP {}: {body}", s.as_u16())),
    })
}

async fn read_json<T: for<'de> Deserialize<'de>>(response: Response) -> Result<T, ClientError> {
    let bytes = check_status(response).await?.bytes().await.map_err(ClientError::Network)?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol(format!("not the expected JSON: {e}")))
}
