//! Tester endpoints (reference §9), permission set 18.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use wechat::api::tester::{BindTesterRequest, BindTesterResponse, Member, MemberauthRequest, MemberauthResponse, UnbindTesterRequest};

use super::basic::ok_with;
use super::extract::{AppCall, WxJson};
use crate::world::perm;
use crate::world::tester::{self, Person};
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/bind_tester", post(bind_tester))
        .route("/wxa/unbind_tester", post(unbind_tester))
        .route("/wxa/memberauth", post(memberauth))
}

async fn bind_tester(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<BindTesterRequest>) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, now| tester::bind_tester(world, &call.appid, req.wechatid.trim(), now))
        .map(|userstr| ok_with(&BindTesterResponse { userstr }))
}

async fn unbind_tester(State(sim): State<Sim>, call: AppCall, WxJson(req): WxJson<UnbindTesterRequest>) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let person = match &req {
        UnbindTesterRequest::Wechatid(id) => Person::Wechatid(id.trim()),
        UnbindTesterRequest::Userstr(s) => Person::Userstr(s.trim()),
    };
    sim.with_world(|world, _| tester::unbind_tester(world.app_mut(&call.appid)?, person)).map(|()| ok())
}

async fn memberauth(State(sim): State<Sim>, call: AppCall, WxJson(_req): WxJson<MemberauthRequest>) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let members = sim.with_world(|world, _| {
        world.app(&call.appid).map(|app| app.testers.members.iter().map(|t| Member { userstr: t.userstr.clone() }).collect())
    })?;
    Ok(ok_with(&MemberauthResponse { members }))
}
