//! Every command the UI can call. Each only converts arguments, calls one core function and converts
//! the result; logic that wants an `if` belongs in the core.
use crate::about::{self, About};

/// Versions and the protocol self-test, for the About page.
#[tauri::command]
#[specta::specta]
pub fn about() -> About {
    about::collect()
}
