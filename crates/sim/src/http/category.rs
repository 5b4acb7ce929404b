//! Category endpoints (reference §5.2).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use wechat::api::category::{AddcategoryRequest, AuditCategory, DeletecategoryRequest, GetCategoryResponse, ModifycategoryRequest};

use super::basic::ok_with;
use super::extract::{AppCall, WxJson};
use crate::world::{category, perm};
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/wxopen/getallcategories", get(getallcategories))
        .route("/cgi-bin/wxopen/getcategory", get(getcategory))
        .route("/cgi-bin/wxopen/addcategory", post(addcategory))
        .route("/cgi-bin/wxopen/deletecategory", post(deletecategory))
        .route("/cgi-bin/wxopen/modifycategory", post(modifycategory))
        .route("/wxa/get_category", get(get_category))
}

async fn getallcategories(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, _| Ok(category::all_categories(world.app(&call.appid)?))).map(|r| ok_with(&r))
}

async fn getcategory(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, now| Ok(world.app(&call.appid)?.categories.answer(now))).map(|r| ok_with(&r))
}

async fn addcategory(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<AddcategoryRequest>) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, now| category::addcategory(world, &call.appid, &req.categories, now)).map(|()| ok())
}

async fn deletecategory(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<DeletecategoryRequest>) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, _| category::deletecategory(world.app_mut(&call.appid)?, req.first, req.second)).map(|()| ok())
}

async fn modifycategory(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<ModifycategoryRequest>) -> Result<Json<Value>, WxError> {
    call.require(perm::BASIC_INFO)?;
    sim.with_world(|world, now| category::modifycategory(world, &call.appid, req.first, req.second, &req.certicates, now)).map(|()| ok())
}

/// The approved categories, as `submit_audit` names them (perm 18).
async fn get_category(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let approved = sim.with_world(|world, _| world.app(&call.appid).map(|app| app.categories.approved()))?;
    let category_list = approved
        .into_iter()
        .map(|c| AuditCategory {
            first_class: c.first_class,
            second_class: c.second_class,
            third_class: c.third_class,
            first_id: c.first_id,
            second_id: c.second_id,
            third_id: c.third_id,
        })
        .collect();
    Ok(ok_with(&GetCategoryResponse { category_list }))
}
