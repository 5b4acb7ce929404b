//! The platform's own calls (reference §2.1, §3.1, §3.2, §3.9): component token, pre-auth code,
//! ticket push, and mini-program login through the platform.

use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use wechat::api::component::{
    ApiComponentTokenRequest, ApiComponentTokenResponse, ApiCreatePreauthcodeRequest, ApiCreatePreauthcodeResponse,
    ApiStartPushTicketRequest, Jscode2sessionResponse,
};

use super::extract::{check_whitelist, PeerIp, PlatformCall, WxJson};
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/component/api_component_token", post(api_component_token))
        .route("/cgi-bin/component/api_create_preauthcode", post(api_create_preauthcode))
        .route("/cgi-bin/component/api_start_push_ticket", post(api_start_push_ticket))
        .route("/sns/component/jscode2session", get(jscode2session))
}

const API_COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const API_START_PUSH_TICKET: &str = "/cgi-bin/component/api_start_push_ticket";

/// `61011` unless `body_appid` is the token's own platform.
pub fn same_component(call: &PlatformCall, body_appid: &str) -> Result<(), WxError> {
    if call.component_appid == body_appid {
        Ok(())
    } else {
        Err(WxError::invalid_component())
    }
}

/// The platform's appid must exist, the caller must be whitelisted (the call counts against the
/// platform's quota from then on), then the secret and the ticket must be right.
async fn api_component_token(
    State(sim): State<Sim>,
    PeerIp(peer): PeerIp,
    WxJson(req): WxJson<ApiComponentTokenRequest>,
) -> Result<Json<ApiComponentTokenResponse>, WxError> {
    sim.with_world(|world, now| {
        let platform = world.platform(&req.component_appid)?;
        check_whitelist(platform, peer)?;
        platform.check_secret(&req.component_appsecret)?;
        platform.check_ticket(&req.component_verify_ticket, now)?;
        world.quotas.hit(&req.component_appid, API_COMPONENT_TOKEN, now)?;
        let (component_access_token, expires_in) = world.issue_component_token(&req.component_appid, now);
        Ok(Json(ApiComponentTokenResponse { component_access_token, expires_in }))
    })
}

async fn api_create_preauthcode(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ApiCreatePreauthcodeRequest>,
) -> Result<Json<ApiCreatePreauthcodeResponse>, WxError> {
    same_component(&call, &req.component_appid)?;
    sim.with_world(|world, now| {
        let (pre_auth_code, expires_in) = world.create_pre_auth_code(&call.component_appid, now)?;
        Ok(Json(ApiCreatePreauthcodeResponse { pre_auth_code, expires_in }))
    })
}

/// Pushes a ticket at once (the regular schedule continues as before).
async fn api_start_push_ticket(
    State(sim): State<Sim>,
    PeerIp(peer): PeerIp,
    WxJson(req): WxJson<ApiStartPushTicketRequest>,
) -> Result<Json<serde_json::Value>, WxError> {
    sim.with_world(|world, now| {
        let platform = world.platform(&req.component_appid)?;
        check_whitelist(platform, peer)?;
        platform.check_secret(&req.component_secret)?;
        world.quotas.hit(&req.component_appid, API_START_PUSH_TICKET, now)?;
        world.push_ticket(&req.component_appid, now)?;
        Ok(ok())
    })
}

/// The query of `jscode2session` (the token is read by [`PlatformCall`]).
#[derive(Debug, Deserialize)]
struct Jscode2sessionQuery {
    #[serde(default)]
    appid: String,
    #[serde(default)]
    js_code: String,
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    component_appid: String,
}

/// The openid is derived from the mini program and the code (the simulator has no users behind
/// its codes); the session key is fresh every time.
async fn jscode2session(
    State(sim): State<Sim>,
    call: PlatformCall,
    Query(q): Query<Jscode2sessionQuery>,
) -> Result<Json<Jscode2sessionResponse>, WxError> {
    if q.appid.is_empty() {
        return Err(WxError::new(41002, "appid missing"));
    }
    if q.js_code.is_empty() {
        return Err(WxError::new(41008, "missing code"));
    }
    if q.grant_type != "authorization_code" {
        return Err(WxError::new(40002, "invalid grant_type"));
    }
    same_component(&call, &q.component_appid)?;
    sim.with_world(|world, now| {
        world.app(&q.appid)?.grant(&call.component_appid)?;
        world.use_login_code(&q.js_code, now)?;
        let openid = openid_for(&q.appid, &q.js_code);
        let session_key = world.ids.opaque("", 22) + "==";
        Ok(Json(Jscode2sessionResponse { openid, session_key, unionid: None }))
    })
}

/// `o` and 27 characters, like WeChat's openids, stable for one mini program and code.
fn openid_for(appid: &str, js_code: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";
    // FNV-1a, then a splitmix stream: stable across runs and platforms, unlike std's hasher.
    let mut state = appid
        .bytes()
        .chain([0])
        .chain(js_code.bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let mut out = String::from("o");
    for _ in 0..27 {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.push(ALPHABET[(z % ALPHABET.len() as u64) as usize] as char);
    }
    out
}
