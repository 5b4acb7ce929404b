//! Code templates: the draft box and the template library, with the platform's token sent as
//! `access_token=` (reference §7).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use wechat::api::template::{
    AddtotemplateRequest, DeletetemplateRequest, GettemplatedraftlistResponse, GettemplatelistResponse, TemplateType,
};

use super::code::{answer, json_body, require_get, require_post};
use super::extract::{query_param, PlatformCall};
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/gettemplatedraftlist", get(gettemplatedraftlist).post(require_get))
        .route("/wxa/addtotemplate", post(addtotemplate).get(require_post))
        .route("/wxa/gettemplatelist", get(gettemplatelist).post(require_get))
        .route("/wxa/deletetemplate", post(deletetemplate).get(require_post))
}

async fn gettemplatedraftlist(State(sim): State<Sim>, call: PlatformCall) -> Result<Json<Value>, WxError> {
    let draft_list = sim.with_world(|world, _| world.platform(&call.component_appid).map(|p| p.library.draft_list()))?;
    Ok(answer(&GettemplatedraftlistResponse { draft_list }))
}

async fn addtotemplate(State(sim): State<Sim>, call: PlatformCall, body: Bytes) -> Result<Json<Value>, WxError> {
    let req: AddtotemplateRequest = json_body(&body)?;
    sim.with_world(|world, _| {
        let ids = &mut world.ids;
        let platform = world.platforms.get_mut(&call.component_appid).ok_or_else(|| WxError::new(61011, "invalid component"))?;
        platform.library.add_to_template(ids, req.draft_id, req.template_type)
    })?;
    Ok(ok())
}

async fn gettemplatelist(State(sim): State<Sim>, call: PlatformCall, RawQuery(query): RawQuery) -> Result<Json<Value>, WxError> {
    let template_type = match query_param(query.as_deref(), "template_type").filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => Some(TemplateType::from(text.trim().parse::<i64>().map_err(|_| WxError::new(40097, "invalid args: template_type"))?)),
    };
    let template_list = sim.with_world(|world, _| world.platform(&call.component_appid).map(|p| p.library.template_list(template_type)))?;
    Ok(answer(&GettemplatelistResponse { template_list }))
}

async fn deletetemplate(State(sim): State<Sim>, call: PlatformCall, body: Bytes) -> Result<Json<Value>, WxError> {
    let req: DeletetemplateRequest = json_body(&body)?;
    sim.with_world(|world, _| world.platform_mut(&call.component_appid)?.library.delete_template(req.template_id))?;
    Ok(ok())
}
