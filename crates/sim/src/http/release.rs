//! Release, revert, phased release, visit status, version info and the minimum base library
//! version (reference §8).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use wechat::api::release::{
    GetgrayreleaseplanResponse, GetvisitstatusResponse, GetweappsupportversionResponse, GrayreleaseRequest, SetweappsupportversionRequest,
    UvInfo, VersionShare, VisitAction, VisitStatus,
};

use super::code::{answer, json_body, require_get, require_post};
use super::extract::{query_param, AppCall};
use crate::world::code::DEFAULT_SUPPORT_VERSION;
use crate::world::perm;
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/release", post(release).get(require_post))
        .route("/wxa/revertcoderelease", get(revertcoderelease).post(require_get))
        .route("/wxa/grayrelease", post(grayrelease).get(require_post))
        .route("/wxa/getgrayreleaseplan", get(getgrayreleaseplan).post(require_get))
        .route("/wxa/revertgrayrelease", get(revertgrayrelease).post(require_get))
        .route("/wxa/change_visitstatus", post(change_visitstatus).get(require_post))
        .route("/wxa/getvisitstatus", post(getvisitstatus).get(require_post))
        .route("/wxa/getversioninfo", post(getversioninfo).get(require_post))
        .route("/cgi-bin/wxopen/getweappsupportversion", post(getweappsupportversion).get(require_post))
        .route("/cgi-bin/wxopen/setweappsupportversion", post(setweappsupportversion).get(require_post))
}

/// The `{}` body of parameterless `POST`s (44002 without it).
fn empty_body(body: &[u8]) -> Result<(), WxError> {
    json_body::<serde_json::Map<String, Value>>(body).map(|_| ())
}

async fn release(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    empty_body(&body)?;
    sim.with_world(|world, now| {
        let ids = &mut world.ids;
        let app = world.apps.get_mut(&call.appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        app.code.release(ids, now)?;
        // The development privacy guide the audit checked goes live with the code.
        app.privacy.on_release(now);
        Ok::<_, WxError>(())
    })?;
    Ok(ok())
}

/// Rolls back, or with `action=get_history_version` lists what one can roll back to.
async fn revertcoderelease(State(sim): State<Sim>, call: AppCall, RawQuery(query): RawQuery) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let invalid = || WxError::new(40097, "invalid args");
    match query_param(query.as_deref(), "action").filter(|a| !a.is_empty()).as_deref() {
        Some("get_history_version") => {
            let history = sim.with_world(|world, _| world.app(&call.appid).map(|app| app.code.history()))?;
            return Ok(answer(&history));
        }
        Some(_) => return Err(invalid()),
        None => {}
    }
    let app_version = match query_param(query.as_deref(), "app_version").filter(|v| !v.is_empty()) {
        None => None,
        Some(text) => Some(text.trim().parse::<i64>().map_err(|_| invalid())?),
    };
    sim.with_world(|world, now| world.app_mut(&call.appid)?.code.revert(app_version, now))?;
    Ok(ok())
}

async fn grayrelease(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let req: GrayreleaseRequest = json_body(&body)?;
    sim.with_world(|world, now| world.app_mut(&call.appid)?.code.gray_release(&req, now))?;
    Ok(ok())
}

async fn getgrayreleaseplan(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let plan = sim.with_world(|world, _| world.app(&call.appid).map(|app| app.code.gray_plan()))?;
    Ok(answer(&GetgrayreleaseplanResponse { gray_release_plan: Some(plan) }))
}

async fn revertgrayrelease(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, _| world.app_mut(&call.appid).map(|app| app.code.revert_gray_release()))?;
    Ok(ok())
}

async fn change_visitstatus(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    // Read `action` loosely so an unknown one is WeChat's 85022, not a decode error.
    let value: Value = json_body(&body)?;
    let action: VisitAction =
        value.get("action").and_then(|a| serde_json::from_value(a.clone()).ok()).ok_or_else(|| WxError::new(85022, "invalid action"))?;
    sim.with_world(|world, _| world.app_mut(&call.appid)?.code.change_visit_status(action))?;
    Ok(ok())
}

async fn getvisitstatus(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    empty_body(&body)?;
    let closed = sim.with_world(|world, _| world.app(&call.appid).map(|app| app.code.visit_closed))?;
    let status = if closed { VisitStatus::Paused } else { VisitStatus::Serving };
    Ok(answer(&GetvisitstatusResponse { status }))
}

async fn getversioninfo(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    empty_body(&body)?;
    let info = sim.with_world(|world, _| world.app(&call.appid).map(|app| app.code.version_info()))?;
    Ok(answer(&info))
}

/// How users spread over base library versions: a fixed, plausible distribution.
const UV_SHARES: &[(&str, f64)] = &[("2.19.4", 1.2), ("2.21.0", 2.8), ("2.25.3", 6.0), ("2.32.3", 12.5), ("3.3.4", 27.5), ("3.7.12", 50.0)];

async fn getweappsupportversion(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    empty_body(&body)?;
    let now_version = sim.with_world(|world, _| world.app(&call.appid).map(|app| app.code.support_version.clone()))?;
    let items =
        UV_SHARES.iter().map(|(version, percentage)| VersionShare { percentage: *percentage, version: (*version).to_owned() }).collect();
    Ok(answer(&GetweappsupportversionResponse {
        now_version: now_version.unwrap_or_else(|| DEFAULT_SUPPORT_VERSION.to_owned()),
        uv_info: UvInfo { items },
    }))
}

async fn setweappsupportversion(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let req: SetweappsupportversionRequest = json_body(&body)?;
    if !is_base_library_version(&req.version) {
        // 89014 per the wechat crate's docs; the errmsg wording is not documented.
        return Err(WxError::new(89014, "support version error"));
    }
    sim.with_world(|world, _| world.app_mut(&call.appid).map(|app| app.code.support_version = Some(req.version.clone())))?;
    Ok(ok())
}

/// `x.y.z` between 1.0.0 and 3.9.99: the range of base library versions released so far, roughly
/// (the simulator has no list of the real ones).
fn is_base_library_version(version: &str) -> bool {
    let parts: Vec<Option<u32>> = version.split('.').map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [Some(major), Some(minor), Some(patch)] => (1..=3).contains(major) && *minor <= 99 && *patch <= 99 && (*major < 3 || *minor <= 9),
        _ => false,
    }
}
