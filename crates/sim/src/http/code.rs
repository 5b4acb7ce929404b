//! Code: `wxa/commit`, `get_page` and the trial-version QR code (reference §8, §11); plus the small
//! answer helpers the code-lifecycle areas share.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wechat::api::code::{CommitRequest, GetPageResponse};

use super::extract::{query_param, AppCall};
use super::qrcode::{png_response, render_png, Look};
use crate::world::code::{self, CommitInput};
use crate::world::perm;
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/commit", post(commit).get(require_post))
        .route("/wxa/get_page", get(get_page).post(require_get))
        .route("/wxa/get_qrcode", get(get_qrcode).post(require_get))
}

async fn commit(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    // `ext_json` is a `String` in the request struct, so an object there is 47001 — as WeChat does.
    let req: CommitRequest = json_body(&body)?;
    let input = CommitInput { ext_json: &req.ext_json, user_version: &req.user_version, user_desc: &req.user_desc };
    sim.with_world(|world, now| code::commit(world, &call.component_appid, &call.appid, req.template_id, input, now))?;
    Ok(ok())
}

async fn get_page(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let page_list = sim.with_world(|world, _| world.app(&call.appid).and_then(|app| app.code.pages()))?;
    Ok(answer(&GetPageResponse { page_list }))
}

/// The trial version's QR code: a real QR (PNG) of the link WeChat's own trial codes carry,
/// `https://open.weixin.qq.com/sns/getexpappinfo?appid=…&path=…#wechat-redirect`.
async fn get_qrcode(State(sim): State<Sim>, call: AppCall, RawQuery(query): RawQuery) -> Result<axum::response::Response, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let pages = sim.with_world(|world, _| world.app(&call.appid).and_then(|app| app.code.pages()))?;
    let path = query_param(query.as_deref(), "path").filter(|p| !p.is_empty()).unwrap_or_else(|| pages[0].clone());
    let url = format!("https://open.weixin.qq.com/sns/getexpappinfo?appid={}&path={}#wechat-redirect", call.appid, url_encode(&path));
    Ok(png_response(render_png(&url, &Look::default())))
}

/// `application/x-www-form-urlencoded` encoding of a query value.
pub(crate) fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A success answer with fields: `{"errcode": 0, "errmsg": "ok", …value's fields}`.
pub(crate) fn answer<T: Serialize>(value: &T) -> Json<Value> {
    let mut object = match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    object.insert("errcode".to_owned(), Value::from(0));
    object.insert("errmsg".to_owned(), Value::from("ok"));
    Json(Value::Object(object))
}

/// The JSON body as `T`: `44002 empty post data` when there is none (the parameterless `POST`s
/// still need `{}`), `47001 data format error` when it is not `T`.
pub(crate) fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, WxError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(WxError::new(44002, "empty post data"));
    }
    serde_json::from_slice(body).map_err(WxError::data_format)
}

/// `43001 require GET method`: a `POST` to a `GET` endpoint.
pub(crate) async fn require_get() -> WxError {
    WxError::new(43001, "require GET method")
}

/// `43002 require POST method`: a `GET` to a `POST` endpoint.
pub(crate) async fn require_post() -> WxError {
    WxError::new(43002, "require POST method")
}
