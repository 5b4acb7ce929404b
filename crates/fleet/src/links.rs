//! Authorization links and their QR codes (PC and mobile), tracked until the merchant completes,
//! the link expires, or the consent fails.

use crate::error::Result;
use crate::Fleet;

/// The relay's `redirect_uri` catcher reported a link's outcome (`done`, `expired`, `failed`; with
/// the `auth_code` when done). Idempotent.
pub async fn on_link_result(fleet: &Fleet, component_appid: &str, link_id: &str, state: &str, auth_code: Option<&str>) -> Result<()> {
    // SKELETON: the merchants area implements this.
    let _ = (fleet, component_appid, link_id, state, auth_code);
    Ok(())
}
