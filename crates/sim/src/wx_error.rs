//! WeChat's error answer: HTTP 200 with `{"errcode": N, "errmsg": "… rid: …"}`.

use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error answer as WeChat sends it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("errcode {errcode}: {errmsg}")]
pub struct WxError {
    /// The `errcode`.
    pub errcode: i64,
    /// The `errmsg`, without the `rid` suffix (added when answering).
    pub errmsg: String,
}

impl WxError {
    /// An error with WeChat's own `errmsg` wording for `errcode`.
    pub fn new(errcode: i64, errmsg: impl Into<String>) -> Self {
        WxError { errcode, errmsg: errmsg.into() }
    }

    /// `-1 system error`.
    pub fn system() -> Self {
        WxError::new(-1, "system error")
    }

    /// `40001 invalid credential, access_token is invalid or not latest`.
    pub fn invalid_credential() -> Self {
        WxError::new(40001, "invalid credential, access_token is invalid or not latest")
    }

    /// `42001 access_token expired`.
    pub fn token_expired() -> Self {
        WxError::new(42001, "access_token expired")
    }

    /// `41001 access_token missing`.
    pub fn token_missing() -> Self {
        WxError::new(41001, "access_token missing")
    }

    /// `47001 data format error` — the body is not the JSON the endpoint takes.
    pub fn data_format(detail: impl std::fmt::Display) -> Self {
        WxError::new(47001, format!("data format error: {detail}"))
    }

    /// `45009 reach max api daily quota limit`.
    pub fn daily_quota() -> Self {
        WxError::new(45009, "reach max api daily quota limit")
    }

    /// `61007 api is unauthorized to component` — the merchant did not grant the permission set.
    pub fn unauthorized_perm(set: u32) -> Self {
        WxError::new(61007, format!("api is unauthorized to component (funcscope_category {set} not granted)"))
    }
}

impl IntoResponse for WxError {
    fn into_response(self) -> Response {
        // Real errmsgs end with a request id; clients parse it (`ApiError::rid`).
        let rid = format!("{:08x}-{:08x}", rand::random::<u32>(), rand::random::<u32>());
        Json(serde_json::json!({ "errcode": self.errcode, "errmsg": format!("{} rid: {rid}", self.errmsg) })).into_response()
    }
}

/// The success answer of endpoints that return only `errcode`.
pub fn ok() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "errcode": 0, "errmsg": "ok" }))
}
