//! One mini program's versions: commit, audit, release, gray release, revert.
use fleet::releases::{AuditRecord, CommitSpec, SubmitOptions, UndoQuota, VersionEvent, VersionHistory};
use wechat::api::audit::QueryquotaResponse;
use wechat::api::release::{HistoryVersion, VisitAction};

use super::DeskState;
use crate::error::Answer;

/// The version history: commits, audits with reasons and screenshots, releases, reverts.
#[tauri::command]
#[specta::specta]
pub async fn versions(desk: DeskState<'_>, appid: String) -> Answer<VersionHistory> {
    Ok(desk.fleet.versions(&appid).await?)
}

/// Commits a template with the mini program's ext_json.
#[tauri::command]
#[specta::specta]
pub async fn commit(desk: DeskState<'_>, appid: String, spec: CommitSpec) -> Answer<VersionEvent> {
    Ok(desk.fleet.commit(&appid, &spec).await?)
}

/// Submits the committed code for audit.
#[tauri::command]
#[specta::specta]
pub async fn submit_audit(desk: DeskState<'_>, appid: String, options: SubmitOptions) -> Answer<AuditRecord> {
    Ok(desk.fleet.submit_audit(&appid, &options).await?)
}

/// Withdraws the audit (counts against the withdrawal quota).
#[tauri::command]
#[specta::specta]
pub async fn undo_audit(desk: DeskState<'_>, appid: String) -> Answer<UndoQuota> {
    Ok(desk.fleet.undo_audit(&appid).await?)
}

/// Asks for a faster audit.
#[tauri::command]
#[specta::specta]
pub async fn speedup_audit(desk: DeskState<'_>, appid: String) -> Answer<VersionEvent> {
    Ok(desk.fleet.speedup_audit(&appid).await?)
}

/// Releases the audited version.
#[tauri::command]
#[specta::specta]
pub async fn release(desk: DeskState<'_>, appid: String) -> Answer<VersionEvent> {
    Ok(desk.fleet.release(&appid).await?)
}

/// Releases the audited version to a share of users.
#[tauri::command]
#[specta::specta]
pub async fn gray_release(desk: DeskState<'_>, appid: String, percentage: u8) -> Answer<VersionEvent> {
    Ok(desk.fleet.gray_release(&appid, percentage).await?)
}

/// Reverts to the previous (or a chosen) version.
#[tauri::command]
#[specta::specta]
pub async fn revert(desk: DeskState<'_>, appid: String, app_version: Option<i64>) -> Answer<VersionEvent> {
    Ok(desk.fleet.revert(&appid, app_version).await?)
}

/// The versions it can be reverted to.
#[tauri::command]
#[specta::specta]
pub async fn revert_targets(desk: DeskState<'_>, appid: String) -> Answer<Vec<HistoryVersion>> {
    Ok(desk.fleet.revert_targets(&appid).await?)
}

/// Closes or reopens the online version to visitors.
#[tauri::command]
#[specta::specta]
pub async fn change_visit_status(desk: DeskState<'_>, appid: String, action: VisitAction) -> Answer<VersionEvent> {
    Ok(desk.fleet.change_visit_status(&appid, action).await?)
}

/// Audit withdrawals left (5 a day, 10 a month).
#[tauri::command]
#[specta::specta]
pub async fn undo_quota(desk: DeskState<'_>, appid: String) -> Answer<UndoQuota> {
    Ok(desk.fleet.undo_quota(&appid).await?)
}

/// The platform's audit quota (submissions left this month, speed-ups left).
#[tauri::command]
#[specta::specta]
pub async fn audit_quota(desk: DeskState<'_>, component_appid: String) -> Answer<QueryquotaResponse> {
    Ok(desk.fleet.audit_quota(&component_appid).await?)
}
