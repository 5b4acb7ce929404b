//! The device API: long-poll the log, ack, create authorization links. Every call authenticates
//! with the device's bearer credential ([`Device`]).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::Instant;

use super::bearer::{json_error, Device};
use super::{RelayState, DEFAULT_LIMIT, MAX_LIMIT, MAX_WAIT_SECS};
use crate::store::credential::new_link_id;
use crate::store::{AuthorizeLink, EventStore, Pull, StoreError, StoredEvent};

/// The query of `GET /v1/events`.
#[derive(Debug, Deserialize)]
pub(super) struct EventsQuery {
    /// Events with a greater seq; absent = this device's acked cursor.
    after: Option<i64>,
    /// The log id the device's cursor belongs to; absent = not known yet (a first pull).
    log: Option<String>,
    /// Seconds to wait for the first event (capped at 25); absent = answer at once.
    wait: Option<u64>,
    /// At most this many events (1-1000, default 100).
    limit: Option<usize>,
}

/// The answer of `GET /v1/events`.
#[derive(Debug, Serialize)]
struct EventsAnswer {
    /// Events after the cursor (after 0 when `reset`), oldest first.
    events: Vec<StoredEvent>,
    /// Events after the cursor may be missing: purged before the device got them, or (with
    /// `reset`) in a log this relay no longer has.
    gap: bool,
    /// The device's cursor does not belong to this log (another `log` id, or `after` beyond the
    /// log's end): start again from 0 in the log `log_id` names; `events` are already from 0.
    reset: bool,
    /// This log's id; the device sends it back as `log`.
    log_id: String,
    /// The highest seq ever purged (0 = none): a device that took the gap continues from here.
    purged_through: i64,
}

impl EventsAnswer {
    fn new(pull: Pull, reset: bool) -> EventsAnswer {
        EventsAnswer { events: pull.events, gap: pull.gap || reset, reset, log_id: pull.log_id, purged_through: pull.purged_through }
    }
}

/// `GET /v1/events?after=SEQ&wait=SECS&limit=N&log=ID` →
/// `{"events": [...], "gap": bool, "reset": bool, "log_id": "…", "purged_through": N}`.
pub(super) async fn events<S: EventStore>(
    State(state): State<RelayState<S>>,
    Device(device): Device,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return json_error(StatusCode::BAD_REQUEST, "after, wait and limit must be non-negative integers");
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return json_error(StatusCode::BAD_REQUEST, "limit must be between 1 and 1000");
    }
    let after = match query.after {
        Some(after) if after < 0 => return json_error(StatusCode::BAD_REQUEST, "after must not be negative"),
        Some(after) => after,
        None => match acked_cursor(&state, device).await {
            Ok(after) => after,
            Err(e) => return store_unavailable(e),
        },
    };
    let wait = Duration::from_secs(query.wait.unwrap_or(0).min(MAX_WAIT_SECS));
    let answer = match long_poll(&state, query.log.as_deref(), after, limit, wait).await {
        Ok(Polled::Events(pull)) => EventsAnswer::new(pull, false),
        Ok(Polled::Foreign { latest_seq }) => {
            tracing::warn!(device, after, latest_seq, "the device's cursor is not in this log (wiped or replaced database): reset");
            match state.store().pull(0, limit).await {
                Ok(pull) => EventsAnswer::new(pull, true),
                Err(e) => return store_unavailable(e),
            }
        }
        Err(e) => return store_unavailable(e),
    };
    tracing::debug!(device, after, events = answer.events.len(), gap = answer.gap, reset = answer.reset, "pull");
    Json(answer).into_response()
}

/// What a long-poll found.
enum Polled {
    /// Events after the cursor (maybe none), in this log.
    Events(Pull),
    /// The cursor belongs to another log.
    Foreign {
        /// This log's end, for the log line.
        latest_seq: i64,
    },
}

/// Whether a cursor at `after` in the log `log` (if the device named one) can be a position in
/// the log `pull` came from. `after` beyond the end: the database was wiped or replaced by an older
/// copy — a seq a device acked is never taken back otherwise.
fn in_this_log(log: Option<&str>, after: i64, pull: &Pull) -> bool {
    log.is_none_or(|log| log == pull.log_id) && after <= pull.latest_seq
}

async fn acked_cursor<S: EventStore>(state: &RelayState<S>, device: i64) -> Result<i64, StoreError> {
    let devices = state.store().list_devices().await?;
    Ok(devices.iter().find(|d| d.id == device).map(|d| d.acked_seq).unwrap_or(0))
}

/// Pulls; if nothing is there, waits until an append (here, or in another instance sharing the
/// store), the deadline, or shutdown — whichever comes first — and pulls again.
/// A cursor that does not belong to this log is answered at once.
async fn long_poll<S: EventStore>(
    state: &RelayState<S>,
    log: Option<&str>,
    after: i64,
    limit: usize,
    wait: Duration,
) -> Result<Polled, StoreError> {
    let deadline = Instant::now() + wait;
    let mut local = state.inner.appended.subscribe();
    let mut shared = state.store().appended();
    let mut shutdown = state.inner.shutdown.subscribe();
    loop {
        // Mark what we have seen BEFORE pulling: an append landing after the pull still wakes us.
        local.borrow_and_update();
        if let Some(shared) = shared.as_mut() {
            shared.borrow_and_update();
        }
        let pull = state.store().pull(after, limit).await?;
        if !in_this_log(log, after, &pull) {
            return Ok(Polled::Foreign { latest_seq: pull.latest_seq });
        }
        if !pull.events.is_empty() || pull.gap || Instant::now() >= deadline || *shutdown.borrow_and_update() {
            return Ok(Polled::Events(pull));
        }
        tokio::select! {
            _ = local.changed() => {}
            _ = changed(&mut shared) => {}
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
    }
}

/// Resolves when the store's shared watch changes; never, if there is none (or it closed).
async fn changed(shared: &mut Option<watch::Receiver<i64>>) {
    match shared {
        Some(rx) => {
            if rx.changed().await.is_err() {
                *shared = None;
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

/// The body of `POST /v1/ack`.
#[derive(Debug, Deserialize)]
struct AckBody {
    seq: i64,
    /// The log id the seq belongs to, if the device knows it.
    log: Option<String>,
}

/// `POST /v1/ack {"seq": N, "log": ID?}` → 204: this device has durably processed everything up
/// to N. The cursor never moves back. A seq that cannot be in this log (another `log` id, or beyond
/// the log's end) → 409 `{"error", "reset": true, "log_id"}`: the device's cursor belongs to a log
/// this relay no longer has; its next pull (with `log`) starts it again from 0.
pub(super) async fn ack<S: EventStore>(State(state): State<RelayState<S>>, Device(device): Device, body: Bytes) -> Response {
    let Ok(AckBody { seq, log }) = serde_json::from_slice(&body) else {
        return json_error(StatusCode::BAD_REQUEST, r#"expected {"seq": N, "log": "…"?}"#);
    };
    if seq < 0 {
        return json_error(StatusCode::BAD_REQUEST, "seq must not be negative");
    }
    let latest = match state.store().latest_seq().await {
        Ok(latest) => latest,
        Err(e) => return store_unavailable(e),
    };
    let log_id = state.store().log_id();
    if log.as_deref().is_some_and(|log| log != log_id) || seq > latest {
        tracing::warn!(device, seq, latest, "ack for a cursor that is not in this log: reset");
        let error = match log {
            Some(log) if log != log_id => format!("seq {seq} is in the log {log:?}; this relay's log is {log_id:?}"),
            _ => format!("seq {seq} is beyond the end of the log ({latest})"),
        };
        let body = serde_json::json!({ "error": error, "reset": true, "log_id": log_id });
        return (StatusCode::CONFLICT, Json(body)).into_response();
    }
    match state.store().ack(device, seq).await {
        Ok(()) => {
            tracing::debug!(device, seq, "ack");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => store_unavailable(e),
    }
}

/// The body of `POST /v1/authorize-links`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRequest {
    platform: String,
    pre_auth_code: String,
    mode: String,
    auth_type: Option<u8>,
    biz_appid: Option<String>,
    consent_origin: Option<String>,
    expires_in: u64,
}

/// The longest a link may live: WeChat's pre-auth codes last 600 s (legacy doc) to 1800 s.
const MAX_LINK_SECS: u64 = 3600;

/// `POST /v1/authorize-links` → 201 `{"id", "url"}` with `url = public_url/authorize/{id}`.
pub(super) async fn create_link<S: EventStore>(State(state): State<RelayState<S>>, Device(device): Device, body: Bytes) -> Response {
    let request: LinkRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &format!("bad authorize-link request: {e}")),
    };
    if let Err(message) = check_link_request(&state, &request) {
        return json_error(StatusCode::BAD_REQUEST, &message);
    }
    let now = state.now_ms();
    let link = AuthorizeLink {
        id: new_link_id(),
        platform: request.platform,
        pre_auth_code: request.pre_auth_code,
        mode: request.mode,
        auth_type: request.auth_type,
        biz_appid: request.biz_appid,
        consent_origin: request.consent_origin,
        created_at: now,
        expires_at: now + (request.expires_in as i64) * 1000,
        state: "pending".to_owned(),
    };
    let id = link.id.clone();
    let platform = link.platform.clone();
    match state.store().create_link(link).await {
        Ok(()) => {
            tracing::info!(device, platform = %platform, link = %id, "authorization link created");
            let url = format!("{}/authorize/{id}", state.config().public_base());
            (StatusCode::CREATED, Json(serde_json::json!({ "id": id, "url": url }))).into_response()
        }
        Err(e) => store_unavailable(e),
    }
}

fn check_link_request<S: EventStore>(state: &RelayState<S>, request: &LinkRequest) -> Result<(), String> {
    if state.config().platform(&request.platform).is_none() {
        return Err(format!("no platform {:?} in the relay's configuration", request.platform));
    }
    if request.pre_auth_code.is_empty() {
        return Err("pre_auth_code is empty".to_owned());
    }
    if !matches!(request.mode.as_str(), "pc" | "mobile") {
        return Err("mode must be \"pc\" or \"mobile\"".to_owned());
    }
    if request.auth_type.is_some_and(|t| !(1..=3).contains(&t)) {
        return Err("auth_type must be 1, 2 or 3".to_owned());
    }
    if request.auth_type.is_some() && request.biz_appid.is_some() {
        return Err("auth_type and biz_appid exclude each other (WeChat documents them so)".to_owned());
    }
    if let Some(origin) = &request.consent_origin {
        match url::Url::parse(origin) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
            _ => return Err(format!("consent_origin {origin:?} is not an http(s) URL")),
        }
    }
    if !(1..=MAX_LINK_SECS).contains(&request.expires_in) {
        return Err(format!("expires_in must be between 1 and {MAX_LINK_SECS} seconds"));
    }
    Ok(())
}

fn store_unavailable(e: StoreError) -> Response {
    tracing::error!(error = %e, "store failed on a device API call");
    json_error(StatusCode::SERVICE_UNAVAILABLE, "the relay's store is unavailable")
}
