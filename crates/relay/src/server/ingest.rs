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
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use wechat::crypto::{verify_push, CryptoError, PushQuery};

use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::metrics::Rejection;
use super::{RelayState, MAX_PUSH_BYTES};
use crate::store::{EventStore, NewEvent, Source};

/// `POST /wx/{platform}/component` — the authorization-event URL.
pub(super) async fn component<S: EventStore>(
    State(state): State<RelayState<S>>,
    Path(platform): Path<String>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    ingest(&state, platform, Source::Component, None, query.unwrap_or_default(), body.map_err(BodyError::from)).await
}

/// `POST /wx/{platform}/app/{appid}` — the message-and-event URL, `$APPID$` filled in by WeChat.
pub(super) async fn app<S: EventStore>(
    State(state): State<RelayState<S>>,
    Path((platform, appid)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    ingest(&state, platform, Source::App, Some(appid), query.unwrap_or_default(), body.map_err(BodyError::from)).await
}

/// Which push URL a POST was sent to (the path's parts, percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PushTarget {
    platform: String,
    appid: Option<String>,
}

impl PushTarget {
    /// `/wx/{platform}/component` or `/wx/{platform}/app/{appid}`; `None` for any other path (and
    /// for a part that does not decode to UTF-8: the router then refuses it as before).
    pub(super) fn parse(path: &str) -> Option<PushTarget> {
        let mut parts = path.strip_prefix("/wx/")?.split('/');
        let platform = percent_decoded(parts.next()?)?;
        let appid = match (parts.next()?, parts.next(), parts.next()) {
            ("component", None, _) => None,
            ("app", Some(appid), None) => Some(percent_decoded(appid)?),
            _ => return None,
        };
        Some(PushTarget { platform, appid })
    }
}

fn percent_decoded(part: &str) -> Option<String> {
    if part.is_empty() {
        return None;
    }
    if !part.contains('%') {
        return Some(part.to_owned());
    }
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A POST to a push URL, answered without the router ([`super::front`]): the same checks, the same
/// answers as [`component`] and [`app`].
pub(super) async fn push<S, B>(state: &RelayState<S>, target: PushTarget, request: Request<B>) -> Response
where
    S: EventStore,
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<axum::BoxError>,
{
    let query = request.uri().query().unwrap_or_default().to_owned();
    let body = match Limited::new(request.into_body(), MAX_PUSH_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Unreadable),
    };
    let source = if target.appid.is_some() { Source::App } else { Source::Component };
    ingest(state, target.platform, source, target.appid, query, body).await
}

/// Why a push's body could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyError {
    /// Over [`MAX_PUSH_BYTES`].
    TooLarge,
    /// The connection broke, or the body was malformed.
    Unreadable,
}

impl From<BytesRejection> for BodyError {
    fn from(rejection: BytesRejection) -> BodyError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            BodyError::TooLarge
        } else {
            BodyError::Unreadable
        }
    }
}

async fn ingest<S: EventStore>(
    state: &RelayState<S>,
    platform: String,
    source: Source,
    appid: Option<String>,
    query: String,
    body: Result<Bytes, BodyError>,
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
        Err(BodyError::TooLarge) => return reject(Rejection::Oversize, StatusCode::PAYLOAD_TOO_LARGE, "body over 64 KiB"),
        Err(BodyError::Unreadable) => return reject(Rejection::Malformed, StatusCode::BAD_REQUEST, "the body could not be read"),
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
            // One line a minute at `info` sums these up (`activity`).
            tracing::debug!(
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
    use super::{is_appid, PushTarget};

    #[test]
    fn push_targets() {
        let target =
            |platform: &str, appid: Option<&str>| Some(PushTarget { platform: platform.to_owned(), appid: appid.map(str::to_owned) });
        assert_eq!(PushTarget::parse("/wx/main/component"), target("main", None));
        assert_eq!(PushTarget::parse("/wx/main/app/wx1234567890abcdef"), target("main", Some("wx1234567890abcdef")));
        assert_eq!(PushTarget::parse("/wx/m%61in/app/%24APPID%24"), target("main", Some("$APPID$")));
        for other in [
            "/wx/main",
            "/wx/main/",
            "/wx/main/component/",
            "/wx//component",
            "/wx/main/app",
            "/wx/main/app/",
            "/wx/main/app/a/b",
            "/v1/events",
            "/wx/%ff/component",
        ] {
            assert_eq!(PushTarget::parse(other), None, "{other}");
        }
    }

    #[test]
    fn appids() {
        assert!(is_appid("wx1234567890abcdef"));
        assert!(!is_appid("$APPID$"));
        assert!(!is_appid(""));
        assert!(!is_appid(&"a".repeat(65)));
    }
}
