//! Domain endpoints (reference §6): the platform's registered domains (CAT) and each mini program's
//! server and business domains (AAT, permission set 18).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use wechat::api::domain::{ModifyDomainRequest, ModifyWxaJumpDomainRequest, ModifyWxaServerDomainRequest, SetwebviewdomainRequest};

use super::basic::ok_with;
use super::extract::{AppCall, PlatformCall, WxJson};
use crate::world::domain::{self, DomainRefusal};
use crate::world::perm;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/component/modify_wxa_server_domain", post(modify_wxa_server_domain))
        .route("/cgi-bin/component/modify_wxa_jump_domain", post(modify_wxa_jump_domain))
        .route("/cgi-bin/component/get_domain_confirmfile", post(get_domain_confirmfile))
        .route("/wxa/modify_domain", post(modify_domain))
        .route("/wxa/modify_domain_directly", post(modify_domain_directly))
        .route("/wxa/setwebviewdomain", post(setwebviewdomain))
        .route("/wxa/setwebviewdomain_directly", post(setwebviewdomain_directly))
        .route("/wxa/get_webviewdomain_confirmfile", post(get_webviewdomain_confirmfile))
        .route("/wxa/get_effective_domain", post(get_effective_domain))
        .route("/wxa/get_effective_webviewdomain", post(get_effective_webviewdomain))
}

async fn modify_wxa_server_domain(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ModifyWxaServerDomainRequest>,
) -> Result<Json<Value>, WxError> {
    let together = req.is_modify_published_together.unwrap_or(false);
    sim.with_world(|world, now| {
        domain::modify_wxa_server_domain(world, &call.component_appid, req.action, req.wxa_server_domain.as_deref(), together, now)
    })
    .map(|r| ok_with(&r))
}

async fn modify_wxa_jump_domain(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ModifyWxaJumpDomainRequest>,
) -> Result<Json<Value>, WxError> {
    let together = req.is_modify_published_together.unwrap_or(false);
    sim.with_world(|world, now| {
        domain::modify_wxa_jump_domain(world, &call.component_appid, req.action, req.wxa_jump_h5_domain.as_deref(), together, now)
    })
    .map(|r| ok_with(&r))
}

async fn get_domain_confirmfile(State(sim): State<Sim>, call: PlatformCall) -> Result<Json<Value>, WxError> {
    sim.with_world(|world, _| world.platform(&call.component_appid).map(|_| ()))?;
    Ok(ok_with(&domain::confirm_file(&call.component_appid)))
}

/// WeChat's 85301 answer carries the lists (with the refused entries) next to the errcode.
fn refusal(refused: DomainRefusal) -> Response {
    let Some(body) = refused.body else { return refused.error.into_response() };
    let mut value = serde_json::to_value(&body).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        let rid = format!("{:08x}-{:08x}", rand::random::<u32>(), rand::random::<u32>());
        map.insert("errcode".into(), refused.error.errcode.into());
        map.insert("errmsg".into(), format!("{} rid: {rid}", refused.error.errmsg).into());
    }
    Json(value).into_response()
}

async fn modify(sim: Sim, call: AppCall, req: ModifyDomainRequest, directly: bool) -> Response {
    if let Err(e) = call.require(perm::DEVELOPMENT) {
        return e.into_response();
    }
    match sim.with_world(|world, now| domain::modify_domain(world, &call.component_appid, &call.appid, &req, directly, now)) {
        Ok(answer) => ok_with(&answer).into_response(),
        Err(refused) => refusal(refused),
    }
}

async fn modify_domain(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<ModifyDomainRequest>) -> Response {
    modify(sim, call, req, false).await
}

async fn modify_domain_directly(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<ModifyDomainRequest>) -> Response {
    modify(sim, call, req, true).await
}

async fn setwebviewdomain(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<SetwebviewdomainRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| domain::setwebviewdomain(world, &call.component_appid, &call.appid, &req, false)).map(|r| ok_with(&r))
}

async fn setwebviewdomain_directly(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<SetwebviewdomainRequest>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| domain::setwebviewdomain(world, &call.component_appid, &call.appid, &req, true)).map(|r| ok_with(&r))
}

async fn get_webviewdomain_confirmfile(call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    Ok(ok_with(&domain::confirm_file(&call.appid)))
}

async fn get_effective_domain(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| Ok(domain::effective_domain(&world.app(&call.appid)?.domains))).map(|r| ok_with(&r))
}

async fn get_effective_webviewdomain(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| Ok(domain::effective_webviewdomain(&world.app(&call.appid)?.domains))).map(|r| ok_with(&r))
}
