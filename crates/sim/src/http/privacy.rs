//! Privacy guide and privacy interface endpoints (reference §5.3), all permission set 18.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use wechat::api::privacy::{
    ApplyPrivacyInterfaceRequest, ApplyPrivacyInterfaceResponse, GetprivacysettingRequest, SetprivacysettingRequest,
    UploadprivacyextfileResponse,
};

use super::basic::{multipart_file, ok_with, UPLOAD_BODY_LIMIT};
use super::extract::{AppCall, WxJson};
use crate::world::{perm, privacy};
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/component/setprivacysetting", post(setprivacysetting))
        .route("/cgi-bin/component/getprivacysetting", post(getprivacysetting))
        .route("/cgi-bin/component/uploadprivacyextfile", post(uploadprivacyextfile).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/wxa/security/get_code_privacy_info", get(get_code_privacy_info))
        .route("/wxa/security/get_privacy_interface", get(get_privacy_interface))
        .route("/wxa/security/apply_privacy_interface", post(apply_privacy_interface))
}

/// Decoded by hand so a missing `owner_setting` answers 86069 as WeChat does, not 47001.
async fn setprivacysetting(State(sim): State<Sim>, call: AppCall, WxJson(body): WxJson<Value>) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    if !body.get("owner_setting").is_some_and(Value::is_object) {
        return Err(WxError::new(86069, "owner_setting必填字段字段缺失"));
    }
    let req: SetprivacysettingRequest = serde_json::from_value(body).map_err(WxError::data_format)?;
    sim.with_world(|world, now| privacy::setprivacysetting(world.app_mut(&call.appid)?, &req, now)).map(|()| ok())
}

async fn getprivacysetting(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<GetprivacysettingRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| privacy::getprivacysetting(world.app(&call.appid)?, req.privacy_ver)).map(|r| ok_with(&r))
}

async fn uploadprivacyextfile(State(sim): State<Sim>, call: AppCall, request: Request) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let (file_name, bytes) = multipart_file(request, "file").await?;
    sim.with_world(|world, now| {
        let media_id = world.ids.opaque("", 64);
        privacy::upload_ext_file(world.app_mut(&call.appid)?, media_id, &file_name, &bytes, now)
    })
    .map(|ext_file_media_id| ok_with(&UploadprivacyextfileResponse { ext_file_media_id }))
}

async fn get_code_privacy_info(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, now| privacy::code_privacy_info(world.app(&call.appid)?, now)).map(|r| ok_with(&r))
}

async fn get_privacy_interface(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, now| Ok(privacy::privacy_interfaces(world.app(&call.appid)?, now))).map(|r| ok_with(&r))
}

async fn apply_privacy_interface(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<ApplyPrivacyInterfaceRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, now| {
        let audit_id = world.ids.number() as i64;
        privacy::apply_privacy_interface(world.app_mut(&call.appid)?, &req, audit_id, now)
    })
    .map(|audit_id| ok_with(&ApplyPrivacyInterfaceResponse { audit_id }))
}
