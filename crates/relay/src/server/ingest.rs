//! The WeChat-facing inbox: verify `msg_signature` with the platform's Token, store the push
//! byte-exact, durably, and only then answer exactly `success`.
//!
//! | case | answer | stored |
//! |---|---|---|
//! | unknown platform id | 404 | no |
//! | body over 64 KiB | 413 | no |
//! | body not UTF-8, not the envelope XML, query without `timestamp`/`nonce`/`msg_signature`, bad appid in the path | 400 | no |
//! | `msg_signature` does not match | 401 | no |
//! | the store failed | 503 (WeChat retries) | no |
//! | otherwise | 200 `success` | yes |
//!
//! A push sent twice is stored twice: WeChat's own retries repeat pushes anyway, so the desktop
//! removes duplicates after decrypting (by WeChat's keys), and the relay — which cannot decrypt —
//! must not guess. Logs carry metadata only, never the body or the query (which holds signatures).

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use wechat::crypto::{verify_push, CryptoError, PushQuery};

use super::metrics::Rejection;
use super::RelayState;
use crate::store::{EventStore, NewEvent, Source};

/// `POST /wx/{platform}/component` — the authorization-event URL.
pub(super) async fn component<S: EventStore>(
    State(state): State<RelayState<S>>,
    Path(platform): Path<String>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    ingest(&state, platform, Source::Component, None, query.unwrap_or_default(), body).await
}

/// `POST /wx/{platform}/app/{appid}` — the message-and-event URL, `$APPID$` filled in by WeChat.
pub(super) async fn app<S: EventStore>(
    State(state): State<RelayState<S>>,
    Path((platform, appid)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    ingest(&state, platform, Source::App, Some(appid), query.unwrap_or_default(), body).await
}

async fn ingest<S: EventStore>(
    state: &RelayState<S>,
    platform: String,
    source: Source,
    appid: Option<String>,
    query: String,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let reject = |reason: Rejection, status: StatusCode, detail: &str| {
        state.metrics().rejected(reason);
        tracing::warn!(platform = %platform, source = %source, appid = appid.as_deref(), reason = reason.as_str(), detail, "push rejected");
        plain(status, reason.message())
    };

    let Some(entry) = state.config().platform(&platform) else {
        return reject(Rejection::UnknownPlatform, StatusCode::NOT_FOUND, "no such platform id in the configuration");
    };
    if appid.as_deref().is_some_and(|a| !is_appid(a)) {
        return reject(Rejection::Malformed, StatusCode::BAD_REQUEST, "the appid in the path is not an appid");
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return reject(Rejection::Oversize, StatusCode::PAYLOAD_TOO_LARGE, "body over 64 KiB")
        }
        Err(_) => return reject(Rejection::Malformed, StatusCode::BAD_REQUEST, "the body could not be read"),
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return reject(Rejection::Malformed, StatusCode::BAD_REQUEST, "body is not UTF-8");
    };
    match verify_push(&entry.token, &PushQuery::parse(&query), text.as_bytes()) {
        Ok(_) => {}
        Err(CryptoError::SignatureMismatch { .. }) => {
            return reject(Rejection::BadSignature, StatusCode::UNAUTHORIZED, "msg_signature does not match this platform's Token")
        }
        Err(e) => return reject(Rejection::Malformed, StatusCode::BAD_REQUEST, &e.to_string()),
    }

    let bytes = text.len();
    let event =
        NewEvent { platform: platform.clone(), source, appid: appid.clone(), query, body: text.to_owned(), received_at: state.now_ms() };
    match state.store().append(event).await {
        Ok(seq) => {
            state.announce(seq);
            let latency = started.elapsed();
            state.metrics().accepted(&platform, source, latency);
            tracing::info!(
                platform = %platform,
                source = %source,
                appid = appid.as_deref(),
                bytes,
                seq,
                latency_us = latency.as_micros() as u64,
                "push stored"
            );
            plain(StatusCode::OK, "success")
        }
        Err(e) => {
            state.metrics().rejected(Rejection::StoreError);
            tracing::error!(platform = %platform, source = %source, appid = appid.as_deref(), bytes, error = %e, "push NOT stored (WeChat will retry)");
            plain(StatusCode::SERVICE_UNAVAILABLE, Rejection::StoreError.message())
        }
    }
}

/// WeChat appids: `wx` + 16 hex digits for mini programs; tolerate any short alphanumeric id
/// (other account kinds), refuse anything that could be a template left unfilled (`$APPID$`).
fn is_appid(appid: &str) -> bool {
    (1..=64).contains(&appid.len()) && appid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A `text/plain` answer. `success` must be exactly that body: no newline, no JSON.
fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

#[cfg(test)]
mod tests {
    use super::is_appid;

    #[test]
    fn appids() {
        assert!(is_appid("wx1234567890abcdef"));
        assert!(!is_appid("$APPID$"));
        assert!(!is_appid(""));
        assert!(!is_appid(&"a".repeat(65)));
    }
}
