//! Basic info (perm 30): name, avatar, description with their yearly quotas; search visibility
//! (perm 18).

use serde::{Deserialize, Serialize};
use wechat::api::basic::{
    ApiWxaQuerynicknameRequest, ApiWxaQuerynicknameResponse, ChangewxasearchstatusRequest, GetaccountbasicinfoResponse,
    ModifyheadimageRequest, ModifysignatureRequest, SetnicknameRequest, SetnicknameResponse,
};
use wechat::api::{AuthorizerToken, Upload};

use crate::error::{FleetError, Result};
use crate::permissions::{BASIC_INFO, DEVELOPMENT};
use crate::Fleet;

/// How often something may still change in its period (WeChat's own count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Quota {
    /// Changes used in the period.
    pub used: i64,
    /// Changes allowed in the period.
    pub limit: i64,
    /// Changes left.
    pub remaining: i64,
}

impl Quota {
    fn new(used: i64, limit: i64) -> Quota {
        Quota { used, limit, remaining: (limit - used).max(0) }
    }
}

/// A mini program's basic info, as `getaccountbasicinfo` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BasicInfo {
    /// The mini program.
    pub appid: String,
    /// Its name.
    pub nickname: String,
    /// Its description.
    pub signature: String,
    /// Its avatar.
    pub head_image_url: String,
    /// The subject (company) name.
    pub principal_name: String,
    /// 0 person, 1 company, ….
    pub principal_type: i64,
    /// Real-name verification: 1 verified, 2 pending, 3 failed.
    pub realname_status: i64,
    /// WeChat verification (微信认证) passed.
    pub verified: bool,
    /// Renames left this year (2 a year).
    pub rename_quota: Quota,
    /// Avatar changes left this year (5 a year).
    pub avatar_quota: Quota,
    /// Description changes left this month.
    pub signature_quota: Quota,
}

impl From<GetaccountbasicinfoResponse> for BasicInfo {
    fn from(r: GetaccountbasicinfoResponse) -> BasicInfo {
        let nickname_info = r.nickname_info.unwrap_or_default();
        let head = r.head_image_info.unwrap_or_default();
        let signature = r.signature_info.unwrap_or_default();
        BasicInfo {
            appid: r.appid,
            nickname: r.nickname.filter(|n| !n.is_empty()).unwrap_or_else(|| nickname_info.nickname.clone()),
            signature: signature.signature.clone(),
            head_image_url: head.head_image_url.clone(),
            principal_name: r.principal_name,
            principal_type: r.principal_type,
            realname_status: r.realname_status,
            verified: r.wx_verify_info.is_some_and(|v| v.qualification_verify),
            rename_quota: Quota::new(nickname_info.modify_used_count, nickname_info.modify_quota),
            avatar_quota: Quota::new(head.modify_used_count, head.modify_quota),
            signature_quota: Quota::new(signature.modify_used_count, signature.modify_quota),
        }
    }
}

/// An avatar image as picked by the user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AvatarImage {
    /// The file name (its extension tells WeChat the type).
    pub file_name: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/bmp`.
    pub content_type: String,
    /// The image, at most 2 MB.
    pub bytes: Vec<u8>,
}

/// WeChat's limit on avatar images.
pub const AVATAR_MAX_BYTES: usize = 2 * 1024 * 1024;

fn check_avatar(image: &AvatarImage) -> Result<()> {
    if image.bytes.is_empty() {
        return Err(FleetError::invalid("avatar", "the image is empty"));
    }
    if image.bytes.len() > AVATAR_MAX_BYTES {
        return Err(FleetError::invalid("avatar", format!("{} bytes: WeChat takes at most 2 MB", image.bytes.len())));
    }
    if !matches!(image.content_type.as_str(), "image/png" | "image/jpeg" | "image/jpg" | "image/gif" | "image/bmp") {
        return Err(FleetError::invalid("avatar", format!("{}: WeChat takes PNG, JPEG, GIF or BMP", image.content_type)));
    }
    Ok(())
}

fn check_nickname(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(FleetError::invalid("nick_name", "empty"));
    }
    if name.contains("小程序") {
        return Err(FleetError::invalid("nick_name", "a mini program's name may not contain 小程序"));
    }
    Ok(())
}

fn check_signature(signature: &str) -> Result<()> {
    let chars = signature.trim().chars().count();
    if !(4..=120).contains(&chars) {
        return Err(FleetError::invalid("signature", format!("{chars} characters: a description has 4 to 120")));
    }
    Ok(())
}

impl Fleet {
    /// Name, description, avatar, subject and verification, with the rename / avatar / description
    /// quotas (perm 30).
    pub async fn basic_info(&self, appid: &str) -> Result<BasicInfo> {
        let answer =
            self.call_app(appid, BASIC_INFO, |api, aat| async move { api.getaccountbasicinfo(AuthorizerToken(&aat)).await }).await?;
        Ok(answer.into())
    }

    /// Renames the mini program (perm 30; 2 renames a year). `audit_id` in the answer means the name
    /// goes to manual review: follow it with [`Fleet::nickname_audit`].
    pub async fn set_nickname(&self, appid: &str, request: SetnicknameRequest) -> Result<SetnicknameResponse> {
        let outcome = async {
            check_nickname(&request.nick_name)?;
            self.call_app(appid, BASIC_INFO, |api, aat| {
                let request = request.clone();
                async move { api.setnickname(AuthorizerToken(&aat), &request).await }
            })
            .await
        }
        .await;
        self.record("app.nickname.set", &[appid.to_owned()], &outcome, &request.nick_name).await;
        outcome
    }

    /// The review of a rename (perm 30).
    pub async fn nickname_audit(&self, appid: &str, audit_id: i64) -> Result<ApiWxaQuerynicknameResponse> {
        let request = ApiWxaQuerynicknameRequest { audit_id };
        self.call_app(appid, BASIC_INFO, |api, aat| {
            let request = request.clone();
            async move { api.api_wxa_querynickname(AuthorizerToken(&aat), &request).await }
        })
        .await
    }

    /// Changes the avatar (perm 30; 5 a year): the image is uploaded as temporary media, then set
    /// uncropped (WeChat makes it square).
    pub async fn set_avatar(&self, appid: &str, image: AvatarImage) -> Result<()> {
        let outcome = async {
            check_avatar(&image)?;
            self.call_app(appid, BASIC_INFO, |api, aat| {
                let upload =
                    Upload { file_name: image.file_name.clone(), content_type: image.content_type.clone(), bytes: image.bytes.clone() };
                async move {
                    let media = api.media_upload(AuthorizerToken(&aat), upload).await?;
                    let request = ModifyheadimageRequest {
                        head_img_media_id: media.media_id,
                        x1: "0".to_owned(),
                        y1: "0".to_owned(),
                        x2: "1".to_owned(),
                        y2: "1".to_owned(),
                    };
                    api.modifyheadimage(AuthorizerToken(&aat), &request).await
                }
            })
            .await
        }
        .await;
        self.record("app.avatar.set", &[appid.to_owned()], &outcome, &format!("{} ({} bytes)", image.file_name, image.bytes.len())).await;
        outcome
    }

    /// Changes the description (perm 30; 4–120 characters).
    pub async fn set_signature(&self, appid: &str, signature: &str) -> Result<()> {
        let outcome = async {
            check_signature(signature)?;
            let request = ModifysignatureRequest { signature: signature.trim().to_owned() };
            self.call_app(appid, BASIC_INFO, |api, aat| {
                let request = request.clone();
                async move { api.modifysignature(AuthorizerToken(&aat), &request).await }
            })
            .await
        }
        .await;
        self.record("app.signature.set", &[appid.to_owned()], &outcome, signature).await;
        outcome
    }

    /// Whether the mini program is hidden from WeChat search (perm 18).
    pub async fn search_hidden(&self, appid: &str) -> Result<bool> {
        let answer =
            self.call_app(appid, DEVELOPMENT, |api, aat| async move { api.getwxasearchstatus(AuthorizerToken(&aat)).await }).await?;
        Ok(answer.status == 1)
    }

    /// Hides the mini program from WeChat search, or shows it again (perm 18).
    pub async fn set_search_hidden(&self, appid: &str, hidden: bool) -> Result<()> {
        let request = ChangewxasearchstatusRequest { status: i64::from(hidden) };
        let outcome = self
            .call_app(appid, DEVELOPMENT, |api, aat| {
                let request = request.clone();
                async move { api.changewxasearchstatus(AuthorizerToken(&aat), &request).await }
            })
            .await;
        self.record("app.search.set", &[appid.to_owned()], &outcome, if hidden { "hidden" } else { "searchable" }).await;
        outcome
    }
}
