//! The inbox: every push received through the relay, opened or kept with the step that failed.
use fleet::inbox::{InboxFilter, InboxItem, InboxItemDetail, PushDiagnosis};

use super::DeskState;
use crate::error::Answer;

/// Pushes, newest first, filtered.
#[tauri::command]
#[specta::specta]
pub async fn inbox(desk: DeskState<'_>, filter: InboxFilter) -> Answer<Vec<InboxItem>> {
    Ok(desk.fleet.inbox(filter).await?)
}

/// One push: raw (query and body as received) and decrypted.
#[tauri::command]
#[specta::specta]
pub async fn inbox_item(desk: DeskState<'_>, id: i64) -> Answer<InboxItemDetail> {
    Ok(desk.fleet.inbox_item(id).await?)
}

/// Handles a push again (after fixing what made it fail).
#[tauri::command]
#[specta::specta]
pub async fn retry_inbox_item(desk: DeskState<'_>, id: i64) -> Answer<InboxItem> {
    Ok(desk.fleet.retry_inbox_item(id).await?)
}

/// Opens a pasted push step by step and names the step that fails.
#[tauri::command]
#[specta::specta]
pub async fn diagnose_push(desk: DeskState<'_>, component_appid: String, query: String, body: String) -> Answer<PushDiagnosis> {
    Ok(desk.fleet.diagnose_push(&component_appid, &query, &body).await?)
}
