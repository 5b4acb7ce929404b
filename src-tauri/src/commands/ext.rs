//! Each merchant's ext_json: validated against its template's schema, with history and diffs.
use fleet::ext::{ExtChange, ExtDiff, ExtIssue, ExtRevision};
use serde_json::Value;

use super::DeskState;
use crate::error::Answer;

/// The mini program's current ext configuration, if any.
#[tauri::command]
#[specta::specta]
pub async fn ext_config(desk: DeskState<'_>, appid: String) -> Answer<Option<ExtRevision>> {
    Ok(desk.fleet.ext_config(&appid).await?)
}

/// Every problem of an unsaved configuration (none: it can be saved).
#[tauri::command]
#[specta::specta]
pub async fn check_ext_config(desk: DeskState<'_>, appid: String, template_id: i64, config: Value) -> Answer<Vec<ExtIssue>> {
    Ok(desk.fleet.check_ext_config(&appid, template_id, config).await?)
}

/// Saves a configuration as a new revision (refused, naming every bad field, when invalid).
#[tauri::command]
#[specta::specta]
pub async fn set_ext_config(desk: DeskState<'_>, appid: String, template_id: i64, config: Value) -> Answer<ExtRevision> {
    Ok(desk.fleet.set_ext_config(&appid, template_id, config).await?)
}

/// Every revision, newest first.
#[tauri::command]
#[specta::specta]
pub async fn ext_history(desk: DeskState<'_>, appid: String) -> Answer<Vec<ExtRevision>> {
    Ok(desk.fleet.ext_history(&appid).await?)
}

/// What changed between two revisions.
#[tauri::command]
#[specta::specta]
pub async fn ext_diff(desk: DeskState<'_>, appid: String, from_rev: i64, to_rev: i64) -> Answer<Vec<ExtChange>> {
    Ok(desk.fleet.ext_diff(&appid, from_rev, to_rev).await?)
}

/// What changed since the last commit.
#[tauri::command]
#[specta::specta]
pub async fn ext_diff_against_committed(desk: DeskState<'_>, appid: String) -> Answer<ExtDiff> {
    Ok(desk.fleet.ext_diff_against_committed(&appid).await?)
}
