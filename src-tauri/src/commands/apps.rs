//! One mini program's settings: basic info, categories, domains, privacy, testers, payment, codes.
use fleet::apps::basic::{AvatarImage, BasicInfo};
use fleet::apps::domains::{AppDomains, DomainChange, DomainMode, DomainQuota};
use fleet::apps::payment::{PaymentInput, PaymentView};
use fleet::apps::privacy::PrivacyTemplate;
use fleet::apps::BatchReport;
use wechat::api::basic::{ApiWxaQuerynicknameResponse, SetnicknameRequest, SetnicknameResponse};
use wechat::api::category::{GetallcategoriesResponse, GetcategoryResponse, NewCategory};
use wechat::api::domain::{DomainAction, GetEffectiveDomainResponse, ModifyDomainResponse};
use wechat::api::privacy::GetprivacysettingResponse;
use wechat::api::qrcode::{CreatewxaqrcodeRequest, GetwxacodeRequest, GetwxacodeunlimitRequest};
use wechat::api::tester::UnbindTesterRequest;

use super::DeskState;
use crate::error::Answer;
use crate::image::ImageData;

/// Nickname, avatar, signature, subject, as WeChat has them now.
#[tauri::command]
#[specta::specta]
pub async fn basic_info(desk: DeskState<'_>, appid: String) -> Answer<BasicInfo> {
    Ok(desk.fleet.basic_info(&appid).await?)
}

/// Asks to change the nickname (WeChat may audit it).
#[tauri::command]
#[specta::specta]
pub async fn set_nickname(desk: DeskState<'_>, appid: String, request: SetnicknameRequest) -> Answer<SetnicknameResponse> {
    Ok(desk.fleet.set_nickname(&appid, request).await?)
}

/// Where a nickname audit stands.
#[tauri::command]
#[specta::specta]
pub async fn nickname_audit(desk: DeskState<'_>, appid: String, audit_id: i64) -> Answer<ApiWxaQuerynicknameResponse> {
    Ok(desk.fleet.nickname_audit(&appid, audit_id).await?)
}

/// Uploads and sets a new avatar.
#[tauri::command]
#[specta::specta]
pub async fn set_avatar(desk: DeskState<'_>, appid: String, image: AvatarImage) -> Answer<()> {
    Ok(desk.fleet.set_avatar(&appid, image).await?)
}

/// Sets the signature (the introduction).
#[tauri::command]
#[specta::specta]
pub async fn set_signature(desk: DeskState<'_>, appid: String, signature: String) -> Answer<()> {
    Ok(desk.fleet.set_signature(&appid, &signature).await?)
}

/// Whether the mini program is hidden from WeChat search.
#[tauri::command]
#[specta::specta]
pub async fn search_hidden(desk: DeskState<'_>, appid: String) -> Answer<bool> {
    Ok(desk.fleet.search_hidden(&appid).await?)
}

/// Hides it from (or shows it in) WeChat search.
#[tauri::command]
#[specta::specta]
pub async fn set_search_hidden(desk: DeskState<'_>, appid: String, hidden: bool) -> Answer<()> {
    Ok(desk.fleet.set_search_hidden(&appid, hidden).await?)
}

/// The categories the mini program has, with their audit states.
#[tauri::command]
#[specta::specta]
pub async fn categories(desk: DeskState<'_>, appid: String) -> Answer<GetcategoryResponse> {
    Ok(desk.fleet.categories(&appid).await?)
}

/// Every category it could add.
#[tauri::command]
#[specta::specta]
pub async fn all_categories(desk: DeskState<'_>, appid: String) -> Answer<GetallcategoriesResponse> {
    Ok(desk.fleet.all_categories(&appid).await?)
}

/// Adds categories.
#[tauri::command]
#[specta::specta]
pub async fn add_categories(desk: DeskState<'_>, appid: String, categories: Vec<NewCategory>) -> Answer<()> {
    Ok(desk.fleet.add_categories(&appid, categories).await?)
}

/// Removes a category.
#[tauri::command]
#[specta::specta]
pub async fn delete_category(desk: DeskState<'_>, appid: String, first: i64, second: i64) -> Answer<()> {
    Ok(desk.fleet.delete_category(&appid, first, second).await?)
}

/// This month's domain-change quota (50 a month, counted in Beijing time).
#[tauri::command]
#[specta::specta]
pub async fn domain_quota(desk: DeskState<'_>, appid: String) -> Answer<DomainQuota> {
    Ok(desk.fleet.domain_quota(&appid).await?)
}

/// The server domains configured.
#[tauri::command]
#[specta::specta]
pub async fn app_domains(desk: DeskState<'_>, appid: String, mode: DomainMode) -> Answer<ModifyDomainResponse> {
    Ok(desk.fleet.app_domains(&appid, mode).await?)
}

/// Changes the server domains.
#[tauri::command]
#[specta::specta]
pub async fn set_app_domains(desk: DeskState<'_>, appid: String, mode: DomainMode, change: DomainChange) -> Answer<AppDomains> {
    Ok(desk.fleet.set_app_domains(&appid, mode, &change).await?)
}

/// Applies one server-domain change to many mini programs, with a result per mini program.
#[tauri::command]
#[specta::specta]
pub async fn apply_app_domains(
    desk: DeskState<'_>,
    appids: Vec<String>,
    mode: DomainMode,
    change: DomainChange,
) -> Answer<BatchReport<AppDomains>> {
    Ok(desk.fleet.apply_app_domains(&appids, mode, &change).await?)
}

/// The business (web-view) domains.
#[tauri::command]
#[specta::specta]
pub async fn webview_domains(desk: DeskState<'_>, appid: String, mode: DomainMode) -> Answer<Vec<String>> {
    Ok(desk.fleet.webview_domains(&appid, mode).await?)
}

/// Changes the business (web-view) domains.
#[tauri::command]
#[specta::specta]
pub async fn set_webview_domains(
    desk: DeskState<'_>,
    appid: String,
    mode: DomainMode,
    action: DomainAction,
    domains: Vec<String>,
) -> Answer<Vec<String>> {
    Ok(desk.fleet.set_webview_domains(&appid, mode, action, &domains).await?)
}

/// The domains in effect (the mini program's own and the platform's).
#[tauri::command]
#[specta::specta]
pub async fn effective_domains(desk: DeskState<'_>, appid: String) -> Answer<GetEffectiveDomainResponse> {
    Ok(desk.fleet.effective_domains(&appid).await?)
}

/// The saved privacy templates.
#[tauri::command]
#[specta::specta]
pub async fn privacy_templates(desk: DeskState<'_>) -> Answer<Vec<PrivacyTemplate>> {
    Ok(desk.fleet.privacy_templates().await?)
}

/// Saves a privacy template.
#[tauri::command]
#[specta::specta]
pub async fn save_privacy_template(desk: DeskState<'_>, template: PrivacyTemplate) -> Answer<PrivacyTemplate> {
    Ok(desk.fleet.save_privacy_template(template).await?)
}

/// Deletes a privacy template.
#[tauri::command]
#[specta::specta]
pub async fn delete_privacy_template(desk: DeskState<'_>, name: String) -> Answer<()> {
    Ok(desk.fleet.delete_privacy_template(&name).await?)
}

/// Applies a privacy template to many mini programs, with a result per mini program.
#[tauri::command]
#[specta::specta]
pub async fn apply_privacy_template(desk: DeskState<'_>, name: String, appids: Vec<String>) -> Answer<BatchReport<()>> {
    Ok(desk.fleet.apply_privacy_template(&name, &appids).await?)
}

/// The privacy settings WeChat has for the mini program.
#[tauri::command]
#[specta::specta]
pub async fn privacy_setting(desk: DeskState<'_>, appid: String) -> Answer<GetprivacysettingResponse> {
    Ok(desk.fleet.privacy_setting(&appid).await?)
}

/// The experience testers' (hashed) ids.
#[tauri::command]
#[specta::specta]
pub async fn testers(desk: DeskState<'_>, appid: String) -> Answer<Vec<String>> {
    Ok(desk.fleet.testers(&appid).await?)
}

/// Binds an experience tester by WeChat id.
#[tauri::command]
#[specta::specta]
pub async fn bind_tester(desk: DeskState<'_>, appid: String, wechatid: String) -> Answer<String> {
    Ok(desk.fleet.bind_tester(&appid, &wechatid).await?)
}

/// Unbinds an experience tester.
#[tauri::command]
#[specta::specta]
pub async fn unbind_tester(desk: DeskState<'_>, appid: String, tester: UnbindTesterRequest) -> Answer<()> {
    Ok(desk.fleet.unbind_tester(&appid, tester).await?)
}

/// The payment configuration (secrets shown only as set / not set).
#[tauri::command]
#[specta::specta]
pub async fn payment_config(desk: DeskState<'_>, appid: String) -> Answer<Option<PaymentView>> {
    Ok(desk.fleet.payment_config(&appid).await?)
}

/// Saves the payment configuration (the key and certificate sealed).
#[tauri::command]
#[specta::specta]
pub async fn set_payment_config(desk: DeskState<'_>, appid: String, input: PaymentInput) -> Answer<PaymentView> {
    Ok(desk.fleet.set_payment_config(&appid, input).await?)
}

/// Forgets the payment configuration.
#[tauri::command]
#[specta::specta]
pub async fn clear_payment_config(desk: DeskState<'_>, appid: String) -> Answer<()> {
    Ok(desk.fleet.clear_payment_config(&appid).await?)
}

/// The experience version's QR code, optionally opening `path`.
#[tauri::command]
#[specta::specta]
pub async fn experience_qr(desk: DeskState<'_>, appid: String, path: Option<String>) -> Answer<ImageData> {
    Ok(desk.fleet.experience_qr(&appid, path.as_deref()).await?.into())
}

/// The pages of the committed code (for the page pickers).
#[tauri::command]
#[specta::specta]
pub async fn pages(desk: DeskState<'_>, appid: String) -> Answer<Vec<String>> {
    Ok(desk.fleet.pages(&appid).await?)
}

/// A mini program code for a page (type A: limited in number).
#[tauri::command]
#[specta::specta]
pub async fn wxacode(desk: DeskState<'_>, appid: String, request: GetwxacodeRequest) -> Answer<ImageData> {
    Ok(desk.fleet.wxacode(&appid, &request).await?.into())
}

/// A mini program code with a scene (type B: unlimited).
#[tauri::command]
#[specta::specta]
pub async fn wxacode_unlimited(desk: DeskState<'_>, appid: String, request: GetwxacodeunlimitRequest) -> Answer<ImageData> {
    Ok(desk.fleet.wxacode_unlimited(&appid, &request).await?.into())
}

/// A square QR code for a page (type C).
#[tauri::command]
#[specta::specta]
pub async fn wxa_qrcode(desk: DeskState<'_>, appid: String, request: CreatewxaqrcodeRequest) -> Answer<ImageData> {
    Ok(desk.fleet.wxa_qrcode(&appid, &request).await?.into())
}
