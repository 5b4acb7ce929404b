//! Merchants: authorization links and their QR codes, the authorizer list, fast registration.
use fleet::apps::register::{FastRegistration, SearchStatus};
use fleet::authorizers::{Authorizer, AuthorizerDetail, AuthorizerFilter, SyncReport};
use fleet::links::{Link, LinkFilter, LinkMode};
use wechat::api::register::FastregisterweappCreateRequest;

use super::DeskState;
use crate::error::Answer;

/// Authorized (and revoked) mini programs, filtered.
#[tauri::command]
#[specta::specta]
pub async fn authorizers(desk: DeskState<'_>, filter: AuthorizerFilter) -> Answer<Vec<Authorizer>> {
    Ok(desk.fleet.authorizers(filter).await?)
}

/// One mini program's authorization, permission sets and account info.
#[tauri::command]
#[specta::specta]
pub async fn authorizer(desk: DeskState<'_>, appid: String) -> Answer<AuthorizerDetail> {
    Ok(desk.fleet.authorizer(&appid).await?)
}

/// Re-reads every authorization of a platform from WeChat.
#[tauri::command]
#[specta::specta]
pub async fn sync_authorizers(desk: DeskState<'_>, component_appid: String) -> Answer<SyncReport> {
    Ok(desk.fleet.sync_authorizers(&component_appid).await?)
}

/// Re-reads one mini program's account info from WeChat.
#[tauri::command]
#[specta::specta]
pub async fn sync_authorizer_info(desk: DeskState<'_>, appid: String) -> Answer<AuthorizerDetail> {
    Ok(desk.fleet.sync_authorizer_info(&appid).await?)
}

/// A new authorization link (on the relay's domain) for a merchant to scan or open.
#[tauri::command]
#[specta::specta]
pub async fn create_authorization_link(
    desk: DeskState<'_>,
    component_appid: String,
    mode: LinkMode,
    biz_appid: Option<String>,
) -> Answer<Link> {
    Ok(desk.fleet.create_authorization_link(&component_appid, mode, biz_appid.as_deref()).await?)
}

/// One link, with its state (pending, done, expired, failed).
#[tauri::command]
#[specta::specta]
pub async fn link(desk: DeskState<'_>, id: String) -> Answer<Link> {
    Ok(desk.fleet.link(&id).await?)
}

/// Links, filtered.
#[tauri::command]
#[specta::specta]
pub async fn links(desk: DeskState<'_>, filter: LinkFilter) -> Answer<Vec<Link>> {
    Ok(desk.fleet.links(filter).await?)
}

/// A pending link's QR code, as SVG.
#[tauri::command]
#[specta::specta]
pub async fn link_qr_svg(desk: DeskState<'_>, id: String) -> Answer<String> {
    Ok(desk.fleet.link_qr_svg(&id).await?)
}

/// Starts a fast registration (a new mini program for a company, confirmed by its legal person).
#[tauri::command]
#[specta::specta]
pub async fn fast_register(
    desk: DeskState<'_>,
    component_appid: String,
    request: FastregisterweappCreateRequest,
) -> Answer<FastRegistration> {
    Ok(desk.fleet.fast_register(&component_appid, request).await?)
}

/// The fast registrations of a platform, newest first.
#[tauri::command]
#[specta::specta]
pub async fn fast_registrations(desk: DeskState<'_>, component_appid: String) -> Answer<Vec<FastRegistration>> {
    Ok(desk.fleet.fast_registrations(&component_appid).await?)
}

/// Asks WeChat where a fast registration stands.
#[tauri::command]
#[specta::specta]
pub async fn search_fast_registration(desk: DeskState<'_>, id: i64) -> Answer<SearchStatus> {
    Ok(desk.fleet.search_fast_registration(id).await?)
}
