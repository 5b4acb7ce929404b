//! The WeChat calls of the code lifecycle, each through the mini program's authorizer token. No
//! bookkeeping here: callers write their intent before and the result after.

use wechat::api::audit::{
    AuditItem, GetAuditstatusRequest, GetAuditstatusResponse, GetLatestAuditstatusResponse, QueryquotaResponse, SpeedupauditRequest,
    SubmitAuditRequest,
};
use wechat::api::category::AuditCategory;
use wechat::api::code::CommitRequest;
use wechat::api::release::{
    ChangeVisitstatusRequest, GetversioninfoResponse, GrayreleaseRequest, HistoryVersion, RevertcodereleaseRequest, VisitAction,
};
use wechat::AuthorizerToken;

use crate::error::{FleetError, Result};
use crate::Fleet;

/// `wxa/commit`.
pub async fn commit(fleet: &Fleet, appid: &str, req: &CommitRequest) -> Result<()> {
    fleet
        .with_authorizer_token(appid, |api, aat| {
            let req = req.clone();
            async move { api.commit(AuthorizerToken(&aat), &req).await }
        })
        .await
}

/// `wxa/submit_audit`; the `auditid`.
pub async fn submit_audit(fleet: &Fleet, appid: &str, req: &SubmitAuditRequest) -> Result<i64> {
    fleet
        .with_authorizer_token(appid, |api, aat| {
            let req = req.clone();
            async move { api.submit_audit(AuthorizerToken(&aat), &req).await.map(|r| r.auditid) }
        })
        .await
}

/// `wxa/get_category`: the approved categories.
pub async fn approved_categories(fleet: &Fleet, appid: &str) -> Result<Vec<AuditCategory>> {
    fleet
        .with_authorizer_token(appid, |api, aat| async move { api.get_category(AuthorizerToken(&aat)).await.map(|r| r.category_list) })
        .await
}

/// The `item_list` entry naming an approved category.
pub fn audit_item(category: &AuditCategory) -> AuditItem {
    AuditItem {
        first_class: Some(category.first_class.clone()),
        second_class: Some(category.second_class.clone()),
        third_class: category.third_class.clone(),
        first_id: Some(category.first_id),
        second_id: Some(category.second_id),
        third_id: category.third_id,
        ..AuditItem::default()
    }
}

/// `wxa/get_latest_auditstatus`; `None` when the mini program has no audit (86001 no code, 85058
/// no audit).
pub async fn latest_auditstatus(fleet: &Fleet, appid: &str) -> Result<Option<GetLatestAuditstatusResponse>> {
    let answer =
        fleet.with_authorizer_token(appid, |api, aat| async move { api.get_latest_auditstatus(AuthorizerToken(&aat)).await }).await;
    match answer {
        Ok(latest) => Ok(Some(latest)),
        Err(FleetError::WeChat { errcode: 86001 | 85058, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `wxa/get_auditstatus`.
pub async fn auditstatus(fleet: &Fleet, appid: &str, auditid: i64) -> Result<GetAuditstatusResponse> {
    fleet
        .with_authorizer_token(appid, |api, aat| async move {
            api.get_auditstatus(AuthorizerToken(&aat), &GetAuditstatusRequest { auditid }).await
        })
        .await
}

/// `wxa/undocodeaudit`.
pub async fn undo_audit(fleet: &Fleet, appid: &str) -> Result<()> {
    fleet.with_authorizer_token(appid, |api, aat| async move { api.undocodeaudit(AuthorizerToken(&aat)).await }).await
}

/// `wxa/speedupaudit`.
pub async fn speedup_audit(fleet: &Fleet, appid: &str, auditid: i64) -> Result<()> {
    fleet
        .with_authorizer_token(
            appid,
            |api, aat| async move { api.speedupaudit(AuthorizerToken(&aat), &SpeedupauditRequest { auditid }).await },
        )
        .await
}

/// `wxa/queryquota` with `appid`'s token (the budget is the platform's).
pub async fn query_quota(fleet: &Fleet, appid: &str) -> Result<QueryquotaResponse> {
    fleet.with_authorizer_token(appid, |api, aat| async move { api.queryquota(AuthorizerToken(&aat)).await }).await
}

/// `wxa/release`.
pub async fn release(fleet: &Fleet, appid: &str) -> Result<()> {
    fleet.with_authorizer_token(appid, |api, aat| async move { api.release(AuthorizerToken(&aat)).await }).await
}

/// `wxa/grayrelease`.
pub async fn gray_release(fleet: &Fleet, appid: &str, req: &GrayreleaseRequest) -> Result<()> {
    fleet
        .with_authorizer_token(appid, |api, aat| {
            let req = req.clone();
            async move { api.grayrelease(AuthorizerToken(&aat), &req).await }
        })
        .await
}

/// `wxa/revertcoderelease`.
pub async fn revert(fleet: &Fleet, appid: &str, app_version: Option<i64>) -> Result<()> {
    fleet
        .with_authorizer_token(appid, |api, aat| async move {
            api.revertcoderelease(AuthorizerToken(&aat), &RevertcodereleaseRequest { app_version }).await
        })
        .await
}

/// `wxa/revertcoderelease?action=get_history_version`.
pub async fn history_versions(fleet: &Fleet, appid: &str) -> Result<Vec<HistoryVersion>> {
    fleet
        .with_authorizer_token(
            appid,
            |api, aat| async move { api.get_history_version(AuthorizerToken(&aat)).await.map(|r| r.version_list) },
        )
        .await
}

/// `wxa/change_visitstatus`.
pub async fn change_visit_status(fleet: &Fleet, appid: &str, action: VisitAction) -> Result<()> {
    fleet
        .with_authorizer_token(appid, |api, aat| async move {
            api.change_visitstatus(AuthorizerToken(&aat), &ChangeVisitstatusRequest { action }).await
        })
        .await
}

/// `wxa/getversioninfo`.
pub async fn version_info(fleet: &Fleet, appid: &str) -> Result<GetversioninfoResponse> {
    fleet.with_authorizer_token(appid, |api, aat| async move { api.getversioninfo(AuthorizerToken(&aat)).await }).await
}
