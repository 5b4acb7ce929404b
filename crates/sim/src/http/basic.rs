//! Basic info endpoints (reference §5.1): name, avatar, signature, search status, account info, and
//! the temporary media upload their material comes from.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;
use wechat::api::basic::{
    ApiWxaQuerynicknameRequest, ChangewxasearchstatusRequest, CheckwxverifynicknameRequest, GetwxasearchstatusResponse,
    ModifyheadimageRequest, ModifysignatureRequest, SetnicknameRequest,
};

use super::extract::{AppCall, WxJson};
use crate::world::{perm, profile};
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The largest upload body read (WeChat's largest media limit is 10 MB).
pub const UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/setnickname", post(setnickname))
        .route("/wxa/api_wxa_querynickname", post(querynickname))
        .route("/cgi-bin/wxverify/checkwxverifynickname", post(checkwxverifynickname))
        .route("/cgi-bin/account/modifyheadimage", post(modifyheadimage))
        .route("/cgi-bin/account/modifysignature", post(modifysignature))
        .route("/wxa/changewxasearchstatus", post(changewxasearchstatus))
        .route("/wxa/getwxasearchstatus", get(getwxasearchstatus))
        // WxJava uses GET, the newer doc POST with no body: both are answered.
        .route("/cgi-bin/account/getaccountbasicinfo", get(getaccountbasicinfo).post(getaccountbasicinfo))
        // Above axum's 2 MB default, so files over WeChat's limits reach its own 40009/40006.
        .route("/cgi-bin/media/upload", post(media_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
}

/// A success answer: `body`'s fields plus `errcode` 0 and `errmsg` "ok", as WeChat sends them.
pub fn ok_with<T: Serialize>(body: &T) -> Json<Value> {
    let mut value = serde_json::to_value(body).unwrap_or_else(|_| Value::Object(Default::default()));
    if let Value::Object(map) = &mut value {
        map.insert("errcode".into(), 0.into());
        map.insert("errmsg".into(), "ok".into());
    }
    Json(value)
}

async fn setnickname(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<SetnicknameRequest>) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, now| profile::setnickname(world, &call.appid, &req, now)).map(|r| ok_with(&r))
}

async fn querynickname(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<ApiWxaQuerynicknameRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, _| profile::querynickname(world.app(&call.appid)?, req.audit_id)).map(|r| ok_with(&r))
}

async fn checkwxverifynickname(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<CheckwxverifynicknameRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, _| profile::checkwxverifynickname(world, &call.appid, &req.nick_name)).map(|r| ok_with(&r))
}

async fn modifyheadimage(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<ModifyheadimageRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, now| profile::modifyheadimage(world, &call.appid, &req, now)).map(|()| ok())
}

async fn modifysignature(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<ModifysignatureRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, now| profile::modifysignature(world.app_mut(&call.appid)?, &req.signature, now)).map(|()| ok())
}

// Search status is permission set 18 per the official doc (not 30 like the rest of basic info).
async fn changewxasearchstatus(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<ChangewxasearchstatusRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| profile::changewxasearchstatus(world.app_mut(&call.appid)?, req.status)).map(|()| ok())
}

async fn getwxasearchstatus(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| Ok(GetwxasearchstatusResponse { status: world.app(&call.appid)?.profile.search_status })).map(|r| ok_with(&r))
}

async fn getaccountbasicinfo(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, now| Ok(profile::account_basic_info(world.app(&call.appid)?, now))).map(|r| ok_with(&r))
}

#[derive(serde::Deserialize)]
struct MediaQuery {
    #[serde(rename = "type")]
    media_type: Option<String>,
}

/// The file of field `field` in a multipart body: its file name and bytes; `41005` when the body
/// is not multipart or has no such field.
pub async fn multipart_file(request: Request, field: &str) -> Result<(String, Vec<u8>), WxError> {
    let mut form = Multipart::from_request(request, &()).await.map_err(|e| WxError::new(41005, format!("media data missing: {e}")))?;
    while let Some(part) = form.next_field().await.map_err(|e| WxError::new(41005, format!("media data missing: {e}")))? {
        if part.name() == Some(field) {
            let file_name = part.file_name().unwrap_or_default().to_owned();
            let bytes = part.bytes().await.map_err(|e| WxError::new(41005, format!("media data missing: {e}")))?;
            return Ok((file_name, bytes.to_vec()));
        }
    }
    Err(WxError::new(41005, format!("media data missing: no multipart field {field}")))
}

/// Temporary media is the account's own API: any authorizer token works, no permission set.
async fn media_upload(
    State(sim): State<Sim>,
    call: AppCall,
    Query(query): Query<MediaQuery>,
    request: Request,
) -> Result<Json<Value>, WxError> {
    let media_type = query.media_type.unwrap_or_default();
    let (file_name, bytes) = multipart_file(request, "media").await?;
    sim.with_world(|world, now| profile::upload_media(world, &call.appid, &media_type, &file_name, &bytes, now)).map(|r| ok_with(&r))
}
