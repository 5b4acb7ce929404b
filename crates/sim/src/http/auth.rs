//! Authorization (reference §3.4–§3.8): query auth, authorizer token refresh, info, list, and the
//! account options in their legacy (CAT) and newer (AAT) forms.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use wechat::api::auth::{
    ApiAuthorizerTokenRequest, ApiAuthorizerTokenResponse, ApiGetAuthorizerInfoRequest, ApiGetAuthorizerInfoResponse,
    ApiGetAuthorizerListRequest, ApiGetAuthorizerListResponse, ApiGetAuthorizerOptionRequest, ApiGetAuthorizerOptionResponse,
    ApiQueryAuthRequest, ApiQueryAuthResponse, ApiSetAuthorizerOptionRequest, AuthorizationInfo, GetAuthorizerOptionRequest,
    GetAuthorizerOptionResponse, SetAuthorizerOptionRequest, MAX_AUTHORIZER_LIST_COUNT,
};

use super::component::same_component;
use super::extract::{AppCall, PlatformCall, WxJson};
use crate::world::consent::func_info;
use crate::wx_error::{ok, ok_with};
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/component/api_query_auth", post(api_query_auth))
        .route("/cgi-bin/component/api_authorizer_token", post(api_authorizer_token))
        .route("/cgi-bin/component/api_get_authorizer_info", post(api_get_authorizer_info))
        .route("/cgi-bin/component/api_get_authorizer_list", post(api_get_authorizer_list))
        .route("/cgi-bin/component/api_get_authorizer_option", post(api_get_authorizer_option))
        .route("/cgi-bin/component/api_set_authorizer_option", post(api_set_authorizer_option))
        .route("/cgi-bin/component/get_authorizer_option", post(get_authorizer_option))
        .route("/cgi-bin/component/set_authorizer_option", post(set_authorizer_option))
}

async fn api_query_auth(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ApiQueryAuthRequest>,
) -> Result<Json<ApiQueryAuthResponse>, WxError> {
    same_component(&call, &req.component_appid)?;
    let authorization_info = sim.with_world(|world, now| world.query_auth(&call.component_appid, &req.authorization_code, now))?;
    Ok(Json(ApiQueryAuthResponse { authorization_info }))
}

async fn api_authorizer_token(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ApiAuthorizerTokenRequest>,
) -> Result<Json<ApiAuthorizerTokenResponse>, WxError> {
    same_component(&call, &req.component_appid)?;
    let answer = sim.with_world(|world, now| {
        world.refresh_authorizer_token(&call.component_appid, &req.authorizer_appid, &req.authorizer_refresh_token, now)
    })?;
    Ok(Json(answer))
}

async fn api_get_authorizer_info(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ApiGetAuthorizerInfoRequest>,
) -> Result<Json<ApiGetAuthorizerInfoResponse>, WxError> {
    same_component(&call, &req.component_appid)?;
    sim.with_world(|world, _| {
        let app = world.app(&req.authorizer_appid)?;
        let grant = app.grant(&call.component_appid)?;
        Ok(Json(ApiGetAuthorizerInfoResponse {
            authorizer_info: app.authorizer_info(),
            authorization_info: AuthorizationInfo {
                authorizer_appid: app.appid.clone(),
                authorizer_access_token: None,
                expires_in: None,
                authorizer_refresh_token: Some(grant.refresh_token.clone()),
                func_info: func_info(&grant.func_ids),
            },
        }))
    })
}

async fn api_get_authorizer_list(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ApiGetAuthorizerListRequest>,
) -> Result<Json<ApiGetAuthorizerListResponse>, WxError> {
    same_component(&call, &req.component_appid)?;
    if req.count > MAX_AUTHORIZER_LIST_COUNT {
        return Err(WxError::data_format(format!("count must be at most {MAX_AUTHORIZER_LIST_COUNT}")));
    }
    let (total, list) = sim.with_world(|world, _| world.authorizer_list(&call.component_appid, req.offset as usize, req.count as usize));
    Ok(Json(ApiGetAuthorizerListResponse { total_count: total as i64, list }))
}

// The option APIs are Official Account oriented; the permission sets they need (1, 2, 6) are
// Official Account sets no mini program can grant, so the simulator does not check them.

async fn api_get_authorizer_option(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ApiGetAuthorizerOptionRequest>,
) -> Result<Json<ApiGetAuthorizerOptionResponse>, WxError> {
    same_component(&call, &req.component_appid)?;
    sim.with_world(|world, _| {
        let app = world.app(&req.authorizer_appid)?;
        app.grant(&call.component_appid)?;
        let option_value = app.option(&req.option_name)?;
        Ok(Json(ApiGetAuthorizerOptionResponse {
            authorizer_appid: Some(app.appid.clone()),
            option_name: req.option_name.clone(),
            option_value,
        }))
    })
}

async fn api_set_authorizer_option(
    State(sim): State<Sim>,
    call: PlatformCall,
    WxJson(req): WxJson<ApiSetAuthorizerOptionRequest>,
) -> Result<Json<serde_json::Value>, WxError> {
    same_component(&call, &req.component_appid)?;
    sim.with_world(|world, _| {
        let app = world.app_mut(&req.authorizer_appid)?;
        app.grant(&call.component_appid)?;
        app.set_option(&req.option_name, &req.option_value)?;
        Ok(ok())
    })
}

/// The newer forms may repeat the appids in the body (WxJava does); they must be the token's.
fn same_app(call: &AppCall, component_appid: Option<&str>, authorizer_appid: Option<&str>) -> Result<(), WxError> {
    if component_appid.is_some_and(|c| c != call.component_appid) {
        return Err(WxError::invalid_component());
    }
    if authorizer_appid.is_some_and(|a| a != call.appid) {
        return Err(WxError::new(40013, "invalid appid"));
    }
    Ok(())
}

async fn get_authorizer_option(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<GetAuthorizerOptionRequest>,
) -> Result<Json<serde_json::Value>, WxError> {
    same_app(&call, req.component_appid.as_deref(), req.authorizer_appid.as_deref())?;
    let option_value = sim.with_world(|world, _| world.app(&call.appid)?.option(&req.option_name))?;
    Ok(ok_with(GetAuthorizerOptionResponse { option_name: req.option_name, option_value }))
}

async fn set_authorizer_option(
    State(sim): State<Sim>,
    call: AppCall,
    WxJson(req): WxJson<SetAuthorizerOptionRequest>,
) -> Result<Json<serde_json::Value>, WxError> {
    same_app(&call, req.component_appid.as_deref(), req.authorizer_appid.as_deref())?;
    sim.with_world(|world, _| world.app_mut(&call.appid)?.set_option(&req.option_name, &req.option_value))?;
    Ok(ok())
}
