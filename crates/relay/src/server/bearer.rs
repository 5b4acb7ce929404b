//! `Authorization: Bearer <credential>` → the enrolled, unrevoked device, or 401.
//!
//! The credential is only ever read from that header (never a query parameter, so it cannot end
//! up in an access log), and never logged.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::RelayState;
use crate::store::{DeviceId, EventStore};

/// The device a request authenticated as.
pub(super) struct Device(pub DeviceId);

impl<S: EventStore> FromRequestParts<RelayState<S>> for Device {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &RelayState<S>) -> Result<Self, Self::Rejection> {
        let credential = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let Some(credential) = credential else {
            return Err(unauthorized("missing Authorization: Bearer <device credential>"));
        };
        match state.store().authenticate(credential, state.now_ms()).await {
            Ok(Some(id)) => Ok(Device(id)),
            Ok(None) => {
                tracing::warn!("device API call with an unknown or revoked credential");
                Err(unauthorized("unknown or revoked device credential"))
            }
            Err(e) => {
                tracing::error!(error = %e, "store failed while authenticating a device");
                Err(json_error(StatusCode::SERVICE_UNAVAILABLE, "the relay's store is unavailable"))
            }
        }
    }
}

fn unauthorized(message: &str) -> Response {
    let mut response = json_error(StatusCode::UNAUTHORIZED, message);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    response
}

/// `{"error": message}` with `status`.
pub(super) fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}
