//! Codes that open a mini program: the trial version's QR code (perm 18, with the page picker fed
//! by `get_page`, field notes #15) and wxacodes A/B/C (perm 17). Images are returned as bytes, never
//! written to files.

use serde::Serialize;
use wechat::api::code::GetQrcodeRequest;
use wechat::api::qrcode::{validate_scene, CreatewxaqrcodeRequest, GetwxacodeRequest, GetwxacodeunlimitRequest};
use wechat::api::{AuthorizerToken, Media};

use crate::error::{FleetError, Result};
use crate::permissions::{DEVELOPMENT, QRCODE};
use crate::Fleet;

/// An image WeChat made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeImage {
    /// `image/jpeg` or `image/png`, as WeChat said.
    pub content_type: String,
    /// The image.
    pub bytes: Vec<u8>,
}

impl From<Media> for CodeImage {
    fn from(media: Media) -> CodeImage {
        CodeImage { content_type: media.content_type, bytes: media.bytes.to_vec() }
    }
}

/// `getwxacode`'s limit on `path`.
const WXACODE_PATH_MAX: usize = 1024;
/// `createwxaqrcode`'s limit on `path`.
const WXAQRCODE_PATH_MAX: usize = 128;

fn check_path(path: &str, max: usize) -> Result<()> {
    if path.is_empty() || path.len() > max {
        return Err(FleetError::invalid("path", format!("{} bytes: a page path with its query has 1 to {max}", path.len())));
    }
    Ok(())
}

fn check_width(width: Option<u32>) -> Result<()> {
    match width {
        Some(w) if !(280..=1280).contains(&w) => {
            Err(FleetError::invalid("width", format!("{w}: WeChat draws codes 280 to 1280 pixels wide")))
        }
        _ => Ok(()),
    }
}

impl Fleet {
    /// The trial version's QR code, opening `path` (page and query) or the home page.
    pub async fn experience_qr(&self, appid: &str, path: Option<&str>) -> Result<CodeImage> {
        let request = GetQrcodeRequest { path: path.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned) };
        let media = self
            .call_app(appid, DEVELOPMENT, |api, aat| {
                let request = request.clone();
                async move { api.get_qrcode(AuthorizerToken(&aat), &request).await }
            })
            .await?;
        Ok(media.into())
    }

    /// The pages of the committed code, home page first: the experience QR's page picker.
    pub async fn pages(&self, appid: &str) -> Result<Vec<String>> {
        let answer = self.call_app(appid, DEVELOPMENT, |api, aat| async move { api.get_page(AuthorizerToken(&aat)).await }).await?;
        Ok(answer.page_list)
    }

    /// A wxacode (A: round code, any path, counts toward the 100 000 codes per mini program).
    pub async fn wxacode(&self, appid: &str, request: &GetwxacodeRequest) -> Result<CodeImage> {
        let outcome = async {
            check_path(&request.path, WXACODE_PATH_MAX)?;
            check_width(request.width)?;
            self.call_app(appid, QRCODE, |api, aat| {
                let request = request.clone();
                async move { api.getwxacode(AuthorizerToken(&aat), &request).await }
            })
            .await
        }
        .await;
        self.record("app.wxacode", &[appid.to_owned()], &outcome, &format!("A {}", request.path)).await;
        outcome.map(CodeImage::from)
    }

    /// A wxacode (B: round code, unlimited, the page receives `scene` — at most 32 characters).
    pub async fn wxacode_unlimited(&self, appid: &str, request: &GetwxacodeunlimitRequest) -> Result<CodeImage> {
        let outcome = async {
            validate_scene(&request.scene).map_err(|e| FleetError::invalid("scene", e.to_string()))?;
            if request.page.as_deref().is_some_and(|p| p.starts_with('/') || p.contains('?')) {
                return Err(FleetError::invalid("page", "a page path without a leading / and without a query (the query goes in scene)"));
            }
            check_width(request.width)?;
            self.call_app(appid, QRCODE, |api, aat| {
                let request = request.clone();
                async move { api.getwxacodeunlimit(AuthorizerToken(&aat), &request).await }
            })
            .await
        }
        .await;
        self.record("app.wxacode", &[appid.to_owned()], &outcome, &format!("B scene {}", request.scene)).await;
        outcome.map(CodeImage::from)
    }

    /// A square QR code (C: any path up to 128 bytes, counts toward the 100 000 codes).
    pub async fn wxa_qrcode(&self, appid: &str, request: &CreatewxaqrcodeRequest) -> Result<CodeImage> {
        let outcome = async {
            check_path(&request.path, WXAQRCODE_PATH_MAX)?;
            check_width(request.width)?;
            self.call_app(appid, QRCODE, |api, aat| {
                let request = request.clone();
                async move { api.createwxaqrcode(AuthorizerToken(&aat), &request).await }
            })
            .await
        }
        .await;
        self.record("app.wxacode", &[appid.to_owned()], &outcome, &format!("C {}", request.path)).await;
        outcome.map(CodeImage::from)
    }
}
