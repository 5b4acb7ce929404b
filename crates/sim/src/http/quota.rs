//! API call quotas (reference §12.2): `clear_quota` with a token, `clear_quota/v2` with the secret,
//! and the quota and rid look-ups.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use wechat::api::quota::{ClearQuotaRequest, ClearQuotaV2Request, QuotaGetRequest, QuotaGetResponse, RidGetRequest, RidGetResponse};

use super::extract::{check_whitelist, AccountCall, PeerIp, WxJson};
use crate::world::quota::check_cgi_path;
use crate::wx_error::{ok, ok_with};
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/clear_quota", post(clear_quota))
        .route("/cgi-bin/component/clear_quota/v2", post(clear_quota_v2))
        .route("/cgi-bin/openapi/quota/get", post(quota_get))
        .route("/cgi-bin/openapi/rid/get", post(rid_get))
}

const CLEAR_QUOTA_V2: &str = "/cgi-bin/component/clear_quota/v2";

/// The token's own account only: another appid is 40013.
async fn clear_quota(
    State(sim): State<Sim>,
    call: AccountCall,
    WxJson(req): WxJson<ClearQuotaRequest>,
) -> Result<Json<serde_json::Value>, WxError> {
    if req.appid != call.account {
        return Err(WxError::new(40013, "invalid appid"));
    }
    sim.with_world(|world, now| world.quotas.reset(&call.account, now))?;
    Ok(ok())
}

/// With the platform's secret: the platform itself, or (with `appid`) a mini program authorized to it.
async fn clear_quota_v2(
    State(sim): State<Sim>,
    PeerIp(peer): PeerIp,
    WxJson(req): WxJson<ClearQuotaV2Request>,
) -> Result<Json<serde_json::Value>, WxError> {
    sim.with_world(|world, now| {
        let platform = world.platform(&req.component_appid)?;
        check_whitelist(platform, peer)?;
        platform.check_secret(&req.appsecret)?;
        let account = match req.appid.as_deref().filter(|a| !a.is_empty()) {
            Some(appid) if appid != req.component_appid => {
                world.app(appid)?.grant(&req.component_appid)?;
                appid.to_owned()
            }
            _ => req.component_appid.clone(),
        };
        world.quotas.hit(&req.component_appid, CLEAR_QUOTA_V2, now)?;
        world.quotas.reset(&account, now)?;
        Ok(ok())
    })
}

async fn quota_get(
    State(sim): State<Sim>,
    call: AccountCall,
    WxJson(req): WxJson<QuotaGetRequest>,
) -> Result<Json<serde_json::Value>, WxError> {
    check_cgi_path(&req.cgi_path, call.platform)?;
    let quota = sim.with_world(|world, now| world.quotas.quota(&call.account, &req.cgi_path, now));
    Ok(ok_with(QuotaGetResponse { quota, rate_limit: None, component_rate_limit: None }))
}

async fn rid_get(
    State(sim): State<Sim>,
    call: AccountCall,
    WxJson(req): WxJson<RidGetRequest>,
) -> Result<Json<serde_json::Value>, WxError> {
    let request = sim.with_world(|world, now| world.rids.lookup(&call.account, &req.rid, now).cloned())?;
    Ok(ok_with(RidGetResponse { request }))
}
