//! Audit: `submit_audit`, status queries, undo, speed-up, the platform's quota and preview media
//! (reference §8).

use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use wechat::api::audit::{GetAuditstatusRequest, SpeedupauditRequest, SubmitAuditRequest, SubmitAuditResponse, UploadmediaResponse};

use super::code::{answer, json_body, require_get, require_post};
use super::extract::AppCall;
use crate::world::code::audit::{self, PreviewMedia};
use crate::world::code::{Outcome, Plan};
use crate::world::perm;
use crate::wx_error::ok;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/submit_audit", post(submit_audit).get(require_post))
        .route("/wxa/get_auditstatus", post(get_auditstatus).get(require_post))
        .route("/wxa/get_latest_auditstatus", get(get_latest_auditstatus).post(require_get))
        .route("/wxa/undocodeaudit", get(undocodeaudit).post(require_get))
        .route("/wxa/speedupaudit", post(speedupaudit).get(require_post))
        .route("/wxa/queryquota", get(queryquota).post(require_get))
        // Recordings may be 10 MB; axum's default body limit is 2 MB.
        .route("/wxa/uploadmedia", post(uploadmedia).get(require_post).layer(DefaultBodyLimit::max(VIDEO_MAX_BYTES + 1024 * 1024)))
}

const IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;
const VIDEO_MAX_BYTES: usize = 10 * 1024 * 1024;

async fn submit_audit(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let req: SubmitAuditRequest = json_body(&body)?;
    let configured = Plan { outcome: Outcome::from(sim.config().audit_default), after_secs: sim.config().audit_after_secs };
    let auditid = sim.with_world(|world, now| audit::submit(world, &call.component_appid, &call.appid, &req, configured, now))?;
    Ok(answer(&SubmitAuditResponse { auditid }))
}

async fn get_auditstatus(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let req: GetAuditstatusRequest = json_body(&body)?;
    let status = sim.with_world(|world, _| world.app(&call.appid)?.code.audit_status(req.auditid))?;
    Ok(answer(&status))
}

async fn get_latest_auditstatus(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let status = sim.with_world(|world, _| world.app(&call.appid)?.code.latest_audit_status())?;
    Ok(answer(&status))
}

async fn undocodeaudit(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    sim.with_world(|world, now| world.app_mut(&call.appid)?.code.undo_audit(now))?;
    Ok(ok())
}

async fn speedupaudit(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let req: SpeedupauditRequest = json_body(&body)?;
    sim.with_world(|world, now| {
        world.app(&call.appid)?.code.check_speedup(req.auditid)?;
        world.platform_mut(&call.component_appid)?.audit_quota.take_speedup(now)?;
        world.app_mut(&call.appid)?.code.speedup(req.auditid, now);
        Ok::<_, WxError>(())
    })?;
    Ok(ok())
}

async fn queryquota(State(sim): State<Sim>, call: AppCall) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let quota = sim.with_world(|world, now| world.platform_mut(&call.component_appid).map(|p| p.audit_quota.answer(now)))?;
    Ok(answer(&quota))
}

/// Screenshots (PNG/JPEG/GIF, ≤ 2 MB) and recordings (MP4, ≤ 10 MB) for `preview_info`, in the
/// multipart field `media`.
async fn uploadmedia(
    State(sim): State<Sim>,
    call: AppCall,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, WxError> {
    call.require(perm::DEVELOPMENT)?;
    let missing = || WxError::new(41005, "media data missing");
    let mut multipart = multipart.map_err(|_| missing())?;
    let (kind, size) = loop {
        let field = multipart.next_field().await.map_err(|_| missing())?.ok_or_else(missing)?;
        if field.name() != Some("media") {
            continue;
        }
        let kind = media_kind(field.content_type(), field.file_name()).ok_or_else(|| WxError::new(40005, "invalid file type"))?;
        let bytes = field.bytes().await.map_err(|_| WxError::new(40006, "invalid meida size"))?;
        break (kind, bytes.len());
    };
    let limit = if kind == "video" { VIDEO_MAX_BYTES } else { IMAGE_MAX_BYTES };
    if size == 0 || size > limit {
        return Err(WxError::new(40006, "invalid meida size"));
    }
    let mediaid = sim.with_world(|world, now| {
        let mediaid = world.ids.opaque("", 64);
        let media = PreviewMedia { mediaid: mediaid.clone(), kind: kind.to_owned(), uploaded_at: now };
        world.app_mut(&call.appid)?.code.remember_media(media);
        Ok::<_, WxError>(mediaid)
    })?;
    Ok(answer(&UploadmediaResponse { r#type: kind.to_owned(), mediaid }))
}

/// `image` or `video` by the part's content type, else by its file name.
fn media_kind(content_type: Option<&str>, file_name: Option<&str>) -> Option<&'static str> {
    let by_type = content_type.map(str::to_ascii_lowercase).and_then(|t| match t.as_str() {
        "image/png" | "image/jpeg" | "image/jpg" | "image/gif" => Some("image"),
        "video/mp4" => Some("video"),
        _ => None,
    });
    let extension = || file_name?.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    by_type.or_else(|| match extension()?.as_str() {
        "png" | "jpg" | "jpeg" | "gif" => Some("image"),
        "mp4" => Some("video"),
        _ => None,
    })
}
