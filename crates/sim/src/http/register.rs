//! Fast registration endpoints (reference §4), with the platform's own token.

use axum::extract::{Query, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;
use wechat::api::register::FastregisterweappSearchRequest;

use super::basic::ok_with;
use super::extract::{PlatformCall, WxJson};
use crate::world::register;
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/component/fastregisterweapp", post(fastregisterweapp))
        .route("/wxa/component/fastregisterpersonalweapp", post(fastregisterpersonalweapp))
}

#[derive(Deserialize)]
struct ActionQuery {
    action: Option<String>,
}

fn invalid_action(action: Option<&str>) -> WxError {
    WxError::new(85022, format!("action 非法: {}", action.unwrap_or("(missing)")))
}

/// Bodies are read as raw JSON so a missing field answers 89253 (WeChat's code), not 47001.
async fn fastregisterweapp(
    State(sim): State<Sim>,
    call: PlatformCall,
    Query(q): Query<ActionQuery>,
    WxJson(body): WxJson<Value>,
) -> Result<Json<Value>, WxError> {
    match q.action.as_deref() {
        Some("create") => sim.with_world(|world, now| register::create(world, &call.component_appid, &body, now)).map(|()| ok()),
        Some("search") => {
            for field in ["name", "legal_persona_wechat", "legal_persona_name"] {
                register::required_str(&body, field)?;
            }
            let req: FastregisterweappSearchRequest = serde_json::from_value(body).map_err(WxError::data_format)?;
            sim.with_world(|world, _| register::search(world, &call.component_appid, &req)).map(|()| ok())
        }
        other => Err(invalid_action(other)),
    }
}

async fn fastregisterpersonalweapp(
    State(sim): State<Sim>,
    call: PlatformCall,
    Query(q): Query<ActionQuery>,
    WxJson(body): WxJson<Value>,
) -> Result<Json<Value>, WxError> {
    match q.action.as_deref() {
        Some("create") => {
            sim.with_world(|world, now| register::create_personal(world, &call.component_appid, &body, now)).map(|r| ok_with(&r))
        }
        Some("query") => {
            let taskid = register::required_str(&body, "taskid")?.to_owned();
            sim.with_world(|world, now| register::query_personal(world, &call.component_appid, &taskid, now)).map(|r| ok_with(&r))
        }
        other => Err(invalid_action(other)),
    }
}
