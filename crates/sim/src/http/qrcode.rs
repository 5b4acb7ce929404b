//! Mini program codes: `getwxacode`, `getwxacodeunlimit`, `createwxaqrcode` (reference §10), and
//! the PNG rendering every simulated code uses.
//!
//! Each answers a real, scannable QR code (PNG, `image/png`) of exactly the requested width, encoding
//! `https://mp.weixin.qq.com/a/~{appid}?…` with the page, scene and version — something a phone
//! camera can read. Approximations: WeChat's round 小程序码 is drawn as a square QR code; `line_color`
//! colours the modules, `is_hyaline` makes the background transparent, `auto_color` keeps black;
//! WeChat labels its images `image/jpeg`, the simulator sends PNG labelled as PNG.

use std::io::Cursor;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use image::{ImageFormat, Rgba, RgbaImage};
use qrcode::{Color, EcLevel, QrCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wechat::api::qrcode::{
    validate_scene, CreatewxaqrcodeRequest, EnvVersion, GetwxacodeRequest, GetwxacodeunlimitRequest, LineColor, SceneError,
};

use super::code::{require_post, url_encode};
use super::extract::AppCall;
use crate::world::perm;
use crate::{Sim, WxError};

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/getwxacode", post(getwxacode).get(require_post))
        .route("/wxa/getwxacodeunlimit", post(getwxacodeunlimit).get(require_post))
        .route("/cgi-bin/wxaapp/createwxaqrcode", post(createwxaqrcode).get(require_post))
}

/// WeChat's default width.
const DEFAULT_WIDTH: u32 = 430;
const WIDTH_RANGE: std::ops::RangeInclusive<u64> = 280..=1280;
const GETWXACODE_PATH_MAX_BYTES: usize = 1024;
const CREATEWXAQRCODE_PATH_MAX_BYTES: usize = 128;

fn invalid_path() -> WxError {
    WxError::new(40159, "invalid length for path, or the data is not json string")
}

fn invalid_scene_length() -> WxError {
    WxError::new(40169, "invalid length for scene, or the data is not json string")
}

fn invalid_page() -> WxError {
    WxError::new(41030, "invalid page")
}

/// How a code is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Look {
    /// Width and height in pixels.
    pub width: u32,
    /// The modules' colour.
    pub dark: [u8; 3],
    /// A transparent background (`is_hyaline`).
    pub transparent: bool,
}

impl Default for Look {
    fn default() -> Self {
        Look { width: DEFAULT_WIDTH, dark: [0, 0, 0], transparent: false }
    }
}

/// Reads the fields every code request shares before decoding it as `T`, so a bad `env_version` is
/// 40097 and a bad `width` 40189 rather than a generic decode error; `bad_json` is what the
/// endpoint answers when the body is not its JSON (WeChat folds that into its path/scene error).
fn decode<T: DeserializeOwned>(body: &[u8], bad_json: fn() -> WxError) -> Result<(T, EnvVersion, Look), WxError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| bad_json())?;
    let env = match value.get("env_version") {
        None | Some(Value::Null) => EnvVersion::Release,
        Some(v) => serde_json::from_value(v.clone()).map_err(|_| WxError::new(40097, "invalid args: env_version"))?,
    };
    let width = match value.get("width") {
        None | Some(Value::Null) => DEFAULT_WIDTH,
        Some(v) => v.as_u64().filter(|w| WIDTH_RANGE.contains(w)).ok_or_else(|| WxError::new(40189, "invalid width"))? as u32,
    };
    let auto_color = value.get("auto_color").and_then(Value::as_bool).unwrap_or(false);
    let line_color: Option<LineColor> = value.get("line_color").and_then(|v| serde_json::from_value(v.clone()).ok());
    let dark = match line_color {
        Some(LineColor { r, g, b }) if !auto_color => [r, g, b],
        _ => [0, 0, 0],
    };
    let transparent = value.get("is_hyaline").and_then(Value::as_bool).unwrap_or(false);
    let req = serde_json::from_value(value).map_err(|_| bad_json())?;
    Ok((req, env, Look { width, dark, transparent }))
}

fn env_name(env: EnvVersion) -> &'static str {
    match env {
        EnvVersion::Release => "release",
        EnvVersion::Trial => "trial",
        EnvVersion::Develop => "develop",
    }
}

/// Counts a code toward the mini program's total (45029 once the limit is reached).
fn count_code(sim: &Sim, appid: &str) -> Result<(), WxError> {
    sim.with_world(|world, _| {
        let limit = world.audit_rules.limits.wxacode_total;
        world.app_mut(appid)?.code.count_code(limit)
    })
}

async fn getwxacode(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Response, WxError> {
    call.require(perm::QRCODE)?;
    let (req, env, look): (GetwxacodeRequest, _, _) = decode(&body, invalid_path)?;
    if req.path.is_empty() || req.path.len() > GETWXACODE_PATH_MAX_BYTES {
        return Err(invalid_path());
    }
    // WeChat does not check that the path exists for this (limited) code; opening it does.
    count_code(&sim, &call.appid)?;
    let url = format!("https://mp.weixin.qq.com/a/~{}?path={}&env_version={}", call.appid, url_encode(&req.path), env_name(env));
    Ok(png_response(render_png(&url, &look)))
}

async fn createwxaqrcode(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Response, WxError> {
    call.require(perm::QRCODE)?;
    let (req, _, look): (CreatewxaqrcodeRequest, _, _) = decode(&body, invalid_path)?;
    if req.path.is_empty() || req.path.len() > CREATEWXAQRCODE_PATH_MAX_BYTES {
        return Err(invalid_path());
    }
    count_code(&sim, &call.appid)?;
    let url = format!("https://mp.weixin.qq.com/a/~{}?path={}", call.appid, url_encode(&req.path));
    Ok(png_response(render_png(&url, &Look { dark: [0, 0, 0], transparent: false, ..look })))
}

async fn getwxacodeunlimit(State(sim): State<Sim>, call: AppCall, body: Bytes) -> Result<Response, WxError> {
    call.require(perm::QRCODE)?;
    let (req, env, look): (GetwxacodeunlimitRequest, _, _) = decode(&body, invalid_scene_length)?;
    // 40169 for a missing or too long scene and 40129 for a bad character, as WeChat answers in
    // community reports (the reference marks 40169 unverified).
    validate_scene(&req.scene).map_err(|e| match e {
        SceneError::Empty | SceneError::TooLong { .. } => invalid_scene_length(),
        SceneError::InvalidCharacter { .. } => WxError::new(40129, "invalid scene"),
    })?;
    let page = req.page.clone().unwrap_or_default();
    if page.starts_with('/') || page.contains('?') {
        return Err(invalid_page());
    }
    let page = if req.check_path.unwrap_or(true) {
        // The page must exist in the version the code opens: the released one for `release`, the
        // trial one otherwise (WeChat documents only the released case).
        let pages = sim.with_world(|world, _| {
            let code = &world.app(&call.appid)?.code;
            Ok::<_, WxError>(match env {
                EnvVersion::Release => code.live_release().map(|r| r.version.pages.clone()),
                EnvVersion::Trial | EnvVersion::Develop => code.trial.as_ref().map(|v| v.pages.clone()),
            })
        })?;
        let pages = pages.ok_or_else(invalid_page)?;
        match page.as_str() {
            "" => pages.first().cloned().ok_or_else(invalid_page)?,
            page if pages.iter().any(|p| p == page) => page.to_owned(),
            _ => return Err(invalid_page()),
        }
    } else {
        page
    };
    let url = format!(
        "https://mp.weixin.qq.com/a/~{}?page={}&scene={}&env_version={}",
        call.appid,
        url_encode(&page),
        url_encode(&req.scene),
        env_name(env)
    );
    Ok(png_response(render_png(&url, &look)))
}

/// The HTTP answer carrying a PNG.
pub(crate) fn png_response(png: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, "image/png")], png).into_response()
}

/// A QR code of `text` as a PNG of exactly `look.width` pixels square, with a quiet zone.
pub(crate) fn render_png(text: &str, look: &Look) -> Vec<u8> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L))
        // Longer than a QR code holds (only possible with a path of ~1000 non-ASCII bytes):
        // encode the mini program alone rather than fail.
        .or_else(|_| QrCode::new(text.split('?').next().unwrap_or(text).as_bytes()))
        .expect("a URL without its query fits a QR code");
    let modules = code.width() as u32;
    let colors = code.to_colors();
    const QUIET: u32 = 4;
    let total = modules + 2 * QUIET;
    let size = look.width.max(total);
    let scale = size / total;
    let offset = (size - total * scale) / 2 + QUIET * scale;
    let light = if look.transparent { Rgba([255, 255, 255, 0]) } else { Rgba([255, 255, 255, 255]) };
    let [r, g, b] = look.dark;
    let dark = Rgba([r, g, b, 255]);
    let mut img = RgbaImage::from_pixel(size, size, light);
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for y in 0..scale {
            for x in 0..scale {
                img.put_pixel(offset + mx * scale + x, offset + my * scale + y, dark);
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    let encoded = if look.transparent {
        img.write_to(&mut out, ImageFormat::Png)
    } else {
        image::DynamicImage::ImageRgba8(img).to_rgb8().write_to(&mut out, ImageFormat::Png)
    };
    encoded.expect("PNG encoding into memory does not fail");
    out.into_inner()
}
