//! Basic info: name, avatar, signature, search status, account info, temporary media (reference §5.1).
//!
//! Every call acts on behalf of one mini program (`?access_token=AAT`). Media ids for the avatar,
//! licences and category certificates are temporary media uploaded with the same token
//! ([`Client::media_upload`]); ids uploaded with another token give 40007.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{AuthorizerToken, Client, Error, Upload};

/// The body of `setnickname`. Material fields are temporary media ids.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetnicknameRequest {
    /// The new name (may not contain "小程序").
    pub nick_name: String,
    /// ID card photo (personal accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_card: Option<String>,
    /// Business licence or organization code certificate (organizations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Other supporting material 1 (trademark certificate and the like).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_1: Option<String>,
    /// Other supporting material 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_2: Option<String>,
    /// Other supporting material 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_3: Option<String>,
    /// Other supporting material 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_4: Option<String>,
    /// Other supporting material 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming_other_stuff_5: Option<String>,
}

/// The answer of `setnickname`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetnicknameResponse {
    /// A note when material is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
    /// Present when the name goes to manual review; poll it with `api_wxa_querynickname`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_id: Option<i64>,
}

/// The body of `api_wxa_querynickname`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiWxaQuerynicknameRequest {
    /// The `audit_id` from `setnickname`.
    pub audit_id: i64,
}

/// The answer of `api_wxa_querynickname`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiWxaQuerynicknameResponse {
    /// The name under review.
    pub nickname: String,
    /// 1 reviewing, 2 failed, 3 passed.
    pub audit_stat: i64,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
    /// When it was submitted (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// When it was reviewed (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_time: Option<i64>,
}

/// The body of `checkwxverifynickname`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckwxverifynicknameRequest {
    /// The name to check.
    pub nick_name: String,
}

/// The answer of `checkwxverifynickname`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckwxverifynicknameResponse {
    /// The name hits a keyword rule: supporting material is advisable.
    pub hit_condition: bool,
    /// What the rule is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
}

/// The body of `modifyheadimage`. The crop box is in [0, 1], sent as strings as the doc shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyheadimageRequest {
    /// The image, as a temporary media id.
    pub head_img_media_id: String,
    /// Left edge of the crop box.
    pub x1: String,
    /// Top edge of the crop box.
    pub y1: String,
    /// Right edge of the crop box.
    pub x2: String,
    /// Bottom edge of the crop box.
    pub y2: String,
}

/// The body of `modifysignature`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifysignatureRequest {
    /// The new description, 4–120 characters.
    pub signature: String,
}

/// The body of `changewxasearchstatus`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangewxasearchstatusRequest {
    /// 0 searchable, 1 hidden from search.
    pub status: i64,
}

/// The answer of `getwxasearchstatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetwxasearchstatusResponse {
    /// 0 searchable, 1 hidden from search.
    pub status: i64,
}

/// The answer of `getaccountbasicinfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetaccountbasicinfoResponse {
    /// The account's appid.
    pub appid: String,
    /// 1 subscription account, 2 service account, 3 mini program.
    pub account_type: i64,
    /// The subject's type (0 person, 1 company, …).
    #[serde(default)]
    pub principal_type: i64,
    /// The subject's name.
    #[serde(default)]
    pub principal_name: String,
    /// The organization's code, for non-personal subjects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// Real-name verification state (1 verified, 2 pending, 3 failed).
    #[serde(default)]
    pub realname_status: i64,
    /// WeChat verification (微信认证) state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wx_verify_info: Option<WxVerifyInfo>,
    /// The description and its yearly change quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_info: Option<SignatureInfo>,
    /// The avatar and its change quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_image_info: Option<HeadImageInfo>,
    /// The current name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// The name and its change quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname_info: Option<NicknameInfo>,
    /// The country of registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_country: Option<i64>,
    /// The verification type; 0 when not WeChat-verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_type: Option<i64>,
}

/// WeChat verification (微信认证) state: qualification review decides the permissions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WxVerifyInfo {
    /// The qualification review passed: the account counts as verified.
    #[serde(default)]
    pub qualification_verify: bool,
    /// The name review passed.
    #[serde(default)]
    pub naming_verify: bool,
    /// An annual review is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_review: Option<bool>,
    /// When the annual review window opens (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_review_begin_time: Option<i64>,
    /// When it closes; the verification lapses after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_review_end_time: Option<i64>,
}

/// The description and how often it may still change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignatureInfo {
    /// The description.
    #[serde(default)]
    pub signature: String,
    /// Changes used in the current period.
    #[serde(default)]
    pub modify_used_count: i64,
    /// Changes allowed in the period.
    #[serde(default)]
    pub modify_quota: i64,
}

/// The avatar and how often it may still change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeadImageInfo {
    /// The avatar URL.
    #[serde(default)]
    pub head_image_url: String,
    /// Changes used in the current period.
    #[serde(default)]
    pub modify_used_count: i64,
    /// Changes allowed in the period.
    #[serde(default)]
    pub modify_quota: i64,
}

/// The name and how often it may still change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NicknameInfo {
    /// The name.
    #[serde(default)]
    pub nickname: String,
    /// Changes used in the current period.
    #[serde(default)]
    pub modify_used_count: i64,
    /// Changes allowed in the period.
    #[serde(default)]
    pub modify_quota: i64,
}

/// The answer of the temporary media upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MediaUploadResponse {
    /// The media type (`image`).
    #[serde(rename = "type")]
    pub media_type: String,
    /// The id to put in `head_img_media_id`, `license`, certificates …; valid 3 days.
    pub media_id: String,
    /// When it was uploaded (Unix seconds).
    #[serde(default)]
    pub created_at: i64,
}

impl Client {
    /// Sets or changes the mini program's name.
    ///
    /// `POST /wxa/setnickname?access_token=AAT` — perm 30. Two renames per calendar year.
    ///
    /// Errors: 91001–91019 (91002 cannot rename after release, 91007 name taken, 91009 needs material,
    /// 91019 under review), 53010–53015 name rules.
    pub async fn setnickname(&self, aat: AuthorizerToken<'_>, req: &SetnicknameRequest) -> Result<SetnicknameResponse, Error> {
        self.post_json("/wxa/setnickname", aat.param(), &[], req).await
    }

    /// The review state of a name change.
    ///
    /// `POST /wxa/api_wxa_querynickname?access_token=AAT` — perm 30.
    ///
    /// Errors: 91011 no such audit.
    pub async fn api_wxa_querynickname(
        &self,
        aat: AuthorizerToken<'_>,
        req: &ApiWxaQuerynicknameRequest,
    ) -> Result<ApiWxaQuerynicknameResponse, Error> {
        self.post_json("/wxa/api_wxa_querynickname", aat.param(), &[], req).await
    }

    /// Checks a name against WeChat's naming rules before `setnickname`.
    ///
    /// `POST /cgi-bin/wxverify/checkwxverifynickname?access_token=AAT` — perm 3 / 31.
    ///
    /// Errors: 53010 invalid format, 53011 checked too often, 41033 only for mini programs created by API.
    pub async fn checkwxverifynickname(
        &self,
        aat: AuthorizerToken<'_>,
        req: &CheckwxverifynicknameRequest,
    ) -> Result<CheckwxverifynicknameResponse, Error> {
        self.post_json("/cgi-bin/wxverify/checkwxverifynickname", aat.param(), &[], req).await
    }

    /// Changes the avatar (the result is always square).
    ///
    /// `POST /cgi-bin/account/modifyheadimage?access_token=AAT` — perm 3 / 30. Five changes per year;
    /// BMP/JPEG/GIF/PNG ≤ 2 MB.
    ///
    /// Errors: 53202 change quota used, 40009 image too big, 46001 / 41006 media id missing or invalid.
    pub async fn modifyheadimage(&self, aat: AuthorizerToken<'_>, req: &ModifyheadimageRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/account/modifyheadimage", aat.param(), &[], req).await?;
        Ok(())
    }

    /// Changes the description.
    ///
    /// `POST /cgi-bin/account/modifysignature?access_token=AAT` — perm 3 / 30.
    ///
    /// Errors: 53200 change quota used, 53201 blocked words, 85049 quota limit.
    pub async fn modifysignature(&self, aat: AuthorizerToken<'_>, req: &ModifysignatureRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/account/modifysignature", aat.param(), &[], req).await?;
        Ok(())
    }

    /// Shows or hides the mini program in WeChat search.
    ///
    /// `POST /wxa/changewxasearchstatus?access_token=AAT` — perm 18 (not re-checked in the docs).
    ///
    /// Errors: 85083 search flag banned, 85084 status must be 0 or 1.
    pub async fn changewxasearchstatus(&self, aat: AuthorizerToken<'_>, req: &ChangewxasearchstatusRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/changewxasearchstatus", aat.param(), &[], req).await?;
        Ok(())
    }

    /// Whether the mini program is hidden from WeChat search.
    ///
    /// `GET /wxa/getwxasearchstatus?access_token=AAT` — perm 18 (not re-checked in the docs).
    ///
    /// Errors: 40001 / 42001 token invalid or expired.
    pub async fn getwxasearchstatus(&self, aat: AuthorizerToken<'_>) -> Result<GetwxasearchstatusResponse, Error> {
        self.get_json("/wxa/getwxasearchstatus", aat.param(), &[]).await
    }

    /// The account's subject, verification state and name / avatar / description quotas.
    ///
    /// `GET /cgi-bin/account/getaccountbasicinfo?access_token=AAT` — perm 3 / 30. The newer doc says
    /// POST with no body; WxJava (and staff answers) use GET, which is followed here.
    ///
    /// Errors: 41033 account not registered via the platform (older behaviour), 61007 perm 30 not granted.
    pub async fn getaccountbasicinfo(&self, aat: AuthorizerToken<'_>) -> Result<GetaccountbasicinfoResponse, Error> {
        self.get_json("/cgi-bin/account/getaccountbasicinfo", aat.param(), &[]).await
    }

    /// Uploads an image as temporary media (valid 3 days) for the avatar, licences and certificates.
    ///
    /// `POST /cgi-bin/media/upload?access_token=AAT&type=image`, multipart field `media`.
    ///
    /// Errors: 40004 invalid media type, 40005 invalid file type, 40009 image too big.
    pub async fn media_upload(&self, aat: AuthorizerToken<'_>, file: Upload) -> Result<MediaUploadResponse, Error> {
        self.upload("/cgi-bin/media/upload", aat.param(), &[("type", "image")], "media", file).await
    }
}
