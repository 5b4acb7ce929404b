//! The ext_json a commit sends for a mini program: composed by the ext area from the template's
//! schema and the merchant's latest configuration, and the committed revision recorded there.

use rusqlite::Connection;

use crate::error::Result;
use crate::{ext, Fleet};

/// What a commit sends, and the merchant's configuration revision it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedExt {
    /// The `ext_json` string.
    pub ext_json: String,
    /// The ext_json revision, when the merchant has one.
    pub revision: Option<i64>,
}

/// The ext_json to commit `template_id` with for `appid`. Errors name every problem of the
/// merchant's configuration (pre-flight reports them per app).
pub async fn compose(fleet: &Fleet, appid: &str, template_id: i64) -> Result<ComposedExt> {
    let composed = ext::compose(fleet, appid, template_id).await?;
    Ok(ComposedExt { ext_json: composed.ext_json, revision: composed.revision_id })
}

/// Records, inside the caller's transaction, that `revision` was committed.
pub fn mark_committed(conn: &Connection, appid: &str, revision: Option<i64>, template_id: i64, at_ms: i64) -> Result<()> {
    ext::mark_committed(conn, appid, revision, template_id, at_ms)
}
