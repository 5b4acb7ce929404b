//! WeChat's error answer: HTTP 200 with `{"errcode": N, "errmsg": "… rid: …"}`.
//!
//! Every failed API call carries a request id (`rid`) at the end of `errmsg`, which
//! `openapi/rid/get` explains. The API router's outermost layer picks the rid before the call
//! ([`with_rid`]) so the answer and the rid log agree; the answer hands its body back to that layer
//! in an [`ErrorAnswer`] response extension.

use std::future::Future;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;

tokio::task_local! {
    static RID: String;
}

/// An error answer as WeChat sends it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("errcode {errcode}: {errmsg}")]
pub struct WxError {
    /// The `errcode`.
    pub errcode: i64,
    /// The `errmsg`, without the `rid` suffix (added when answering).
    pub errmsg: String,
}

/// What an error answer said, left in the response's extensions for the rid log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAnswer {
    /// The rid in `errmsg`.
    pub rid: String,
    /// The whole JSON body.
    pub body: String,
}

/// A fresh rid shaped like WeChat's (`65d6c577-708584e7-7ebd8c0d`): the time in hex, then two
/// random words.
pub fn new_rid(now: i64) -> String {
    // The first word is the Unix time truncated to 32 bits, as in real rids.
    format!("{:08x}-{:08x}-{:08x}", now as u32, rand::random::<u32>(), rand::random::<u32>())
}

/// Runs `f` (a request's handling) with `rid` as the rid any error answer inside it uses.
pub async fn with_rid<F: Future>(rid: String, f: F) -> F::Output {
    RID.scope(rid, f).await
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

    /// `61011 invalid component`; also used when a body's `component_appid` is not the token's
    /// platform (WeChat's code for that mismatch is not documented).
    pub fn invalid_component() -> Self {
        WxError::new(61011, "invalid component")
    }
}

impl IntoResponse for WxError {
    fn into_response(self) -> Response {
        let rid = RID.try_with(String::clone).unwrap_or_else(|_| new_rid(0));
        let body = serde_json::json!({ "errcode": self.errcode, "errmsg": format!("{} rid: {rid}", self.errmsg) }).to_string();
        // WeChat's own (odd) content type.
        let mut response = ([(CONTENT_TYPE, "application/json; encoding=utf-8")], body.clone()).into_response();
        response.extensions_mut().insert(ErrorAnswer { rid, body });
        response
    }
}

/// The success answer of endpoints that return only `errcode`.
pub fn ok() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "errcode": 0, "errmsg": "ok" }))
}

/// `answer` with `"errcode": 0, "errmsg": "ok"` added, as the newer endpoints answer on success.
pub fn ok_with<T: serde::Serialize>(answer: T) -> Json<serde_json::Value> {
    let mut value = serde_json::to_value(answer).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("errcode".to_owned(), 0.into());
        object.insert("errmsg".to_owned(), "ok".into());
    }
    Json(value)
}
