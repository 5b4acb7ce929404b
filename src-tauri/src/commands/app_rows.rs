//! The mini programs list: every authorizer of a platform with where its code stands.
use fleet::app_rows::AppRow;

use super::DeskState;
use crate::error::Answer;

/// One row per mini program of the platform (authorized and revoked): state, versions, template.
#[tauri::command]
#[specta::specta]
pub async fn app_rows(desk: DeskState<'_>, component_appid: String) -> Answer<Vec<AppRow>> {
    Ok(desk.fleet.app_rows(&component_appid).await?)
}
