//! The user privacy protection guide and privacy interfaces (reference §5.3).
//!
//! Mini programs developed by a platform can set their privacy guide (用户隐私保护指引) only by API.
//! Every privacy type the committed code uses must be covered before submitting a version, and the
//! guide takes effect with the next audit and release. Some front-end APIs (location and the like)
//! must also be applied for ([`Client::apply_privacy_interface`]). All calls: perm 18, `?access_token=AAT`.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{AuthorizerToken, Client, Error, Upload};

/// The body of `setprivacysetting`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetprivacysettingRequest {
    /// 1 the live version (only `owner_setting` may change, immediately), 2 the development version (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_ver: Option<i64>,
    /// Who collects the data and how users are told of changes.
    pub owner_setting: OwnerSetting,
    /// What is collected and why; required for the development version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub setting_list: Vec<PrivacySetting>,
}

/// The data collector (the developer) as the guide shows it. At least one contact is required.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OwnerSetting {
    /// Contact email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// Contact phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    /// Contact QQ number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_qq: Option<String>,
    /// Contact WeChat id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_weixin: Option<String>,
    /// A custom guide file from `uploadprivacyextfile` instead of WeChat's template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_file_media_id: Option<String>,
    /// How users are notified of changes (e.g. "通过弹窗"); required.
    #[serde(default)]
    pub notice_method: String,
    /// How long data is kept, as "N天"; empty shows WeChat's default wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_expire_timestamp: Option<String>,
    /// Where data is stored (newer docs; the values are not re-checked here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_region: Option<i64>,
}

/// One collected data type and its purpose.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrivacySetting {
    /// The data type, e.g. `UserInfo`, `Location`, `PhoneNumber` (see `privacy_desc` for the full list).
    pub privacy_key: String,
    /// The purpose, shown as "为了{privacy_text}".
    pub privacy_text: String,
    /// The type's Chinese name (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_label: Option<String>,
}

/// The body of `getprivacysetting`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetprivacysettingRequest {
    /// 1 the live version, 2 the development version (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_ver: Option<i64>,
}

/// The answer of `getprivacysetting`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetprivacysettingResponse {
    /// 1 when code was committed recently (so `privacy_list` is meaningful), else 0.
    #[serde(default)]
    pub code_exist: i64,
    /// The data types detected in the last committed code: each needs a `setting_list` entry.
    #[serde(default)]
    pub privacy_list: Vec<String>,
    /// The configured data types.
    #[serde(default)]
    pub setting_list: Vec<PrivacySetting>,
    /// When the guide was last changed (Unix seconds).
    #[serde(default)]
    pub update_time: i64,
    /// The configured collector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_setting: Option<OwnerSetting>,
    /// Every data type WeChat knows, with its Chinese description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_desc: Option<PrivacyDesc>,
}

/// The data types WeChat knows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrivacyDesc {
    /// The list.
    #[serde(default)]
    pub privacy_desc_list: Vec<PrivacyDescItem>,
}

/// A data type and its description.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrivacyDescItem {
    /// The key used in `setting_list`.
    pub privacy_key: String,
    /// Its Chinese description.
    pub privacy_desc: String,
}

/// The answer of `uploadprivacyextfile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadprivacyextfileResponse {
    /// The id to put in `owner_setting.ext_file_media_id`.
    pub ext_file_media_id: String,
}

/// The answer of `get_code_privacy_info`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetCodePrivacyInfoResponse {
    /// Privacy APIs the code uses without having been granted (apply for them first).
    #[serde(default)]
    pub without_auth_list: Vec<String>,
    /// Privacy APIs the code uses without declaring them (`requiredPrivateInfos` in ext.json).
    #[serde(default)]
    pub without_conf_list: Vec<String>,
}

/// The answer of `get_privacy_interface`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetPrivacyInterfaceResponse {
    /// The APIs that must be applied for, with their state.
    #[serde(default)]
    pub interface_list: Vec<PrivacyInterface>,
}

/// An API that must be applied for before use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrivacyInterface {
    /// The API, e.g. `wx.getLocation`.
    pub api_name: String,
    /// Its Chinese name.
    #[serde(default)]
    pub api_ch_name: String,
    /// What it does.
    #[serde(default)]
    pub api_desc: String,
    /// When it was applied for (Unix seconds), once applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_time: Option<i64>,
    /// 1 not applied, 2 no permission, 3 applying, 4 rejected, 5 granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// The application's id, once applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_id: Option<i64>,
    /// Why it was rejected or is not available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
    /// The API's documentation.
    #[serde(default)]
    pub api_link: String,
    /// Its group, e.g. "地理位置".
    #[serde(default)]
    pub group_name: String,
}

/// The body of `apply_privacy_interface`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApplyPrivacyInterfaceRequest {
    /// The API, exactly as named (e.g. `wx.choosePoi`).
    pub api_name: String,
    /// Why the mini program needs it, ≤ 300 characters.
    pub content: String,
    /// Supporting web pages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub url_list: Vec<String>,
    /// Supporting image URLs, at most 10.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pic_list: Vec<String>,
    /// A supporting mp4 video URL, at most 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub video_list: Vec<String>,
}

/// The answer of `apply_privacy_interface`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApplyPrivacyInterfaceResponse {
    /// The application's id.
    pub audit_id: i64,
}

impl Client {
    /// Sets the privacy guide.
    ///
    /// `POST /cgi-bin/component/setprivacysetting?access_token=AAT` — perm 18.
    ///
    /// Errors: 86069 required `owner_setting` field missing, 86071 invalid `privacy_ver`, 86074 no live
    /// version yet (with `privacy_ver` 1), 87072 invalid `store_expire_timestamp`.
    pub async fn setprivacysetting(&self, aat: AuthorizerToken<'_>, req: &SetprivacysettingRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/component/setprivacysetting", aat.param(), &[], req).await?;
        Ok(())
    }

    /// The privacy guide, and the data types the last committed code uses.
    ///
    /// `POST /cgi-bin/component/getprivacysetting?access_token=AAT` — perm 18; an empty body `{}` is
    /// required when `privacy_ver` is omitted.
    ///
    /// Errors: 86071 invalid `privacy_ver`.
    pub async fn getprivacysetting(
        &self,
        aat: AuthorizerToken<'_>,
        req: &GetprivacysettingRequest,
    ) -> Result<GetprivacysettingResponse, Error> {
        self.post_json("/cgi-bin/component/getprivacysetting", aat.param(), &[], req).await
    }

    /// Uploads a custom privacy guide (a text file ≤ 100 KB).
    ///
    /// `POST /cgi-bin/component/uploadprivacyextfile?access_token=AAT`, multipart field `file` — perm 18.
    ///
    /// Errors: 40001 / 42001 token invalid or expired; a file over 100 KB is refused.
    pub async fn uploadprivacyextfile(&self, aat: AuthorizerToken<'_>, file: Upload) -> Result<UploadprivacyextfileResponse, Error> {
        self.upload("/cgi-bin/component/uploadprivacyextfile", aat.param(), &[], "file", file).await
    }

    /// Which privacy APIs the committed code uses without permission or declaration; check before
    /// `submit_audit` (submitting before the post-commit scan finishes gives 61039).
    ///
    /// `GET /wxa/security/get_code_privacy_info?access_token=AAT` — perm 18.
    ///
    /// Errors: 61039 the scan is not finished yet, retry.
    pub async fn get_code_privacy_info(&self, aat: AuthorizerToken<'_>) -> Result<GetCodePrivacyInfoResponse, Error> {
        self.get_json("/wxa/security/get_code_privacy_info", aat.param(), &[]).await
    }

    /// The APIs that must be applied for, with their state.
    ///
    /// `GET /wxa/security/get_privacy_interface?access_token=AAT` — perm 18.
    ///
    /// Errors: 48001 API not authorized for this account.
    pub async fn get_privacy_interface(&self, aat: AuthorizerToken<'_>) -> Result<GetPrivacyInterfaceResponse, Error> {
        self.get_json("/wxa/security/get_privacy_interface", aat.param(), &[]).await
    }

    /// Applies for a privacy API (location and the like); missing ones fail `submit_audit` with 61040.
    ///
    /// `POST /wxa/security/apply_privacy_interface?access_token=AAT` — perm 18.
    ///
    /// Errors: 48001 API not authorized for this account.
    pub async fn apply_privacy_interface(
        &self,
        aat: AuthorizerToken<'_>,
        req: &ApplyPrivacyInterfaceRequest,
    ) -> Result<ApplyPrivacyInterfaceResponse, Error> {
        self.post_json("/wxa/security/apply_privacy_interface", aat.param(), &[], req).await
    }
}
