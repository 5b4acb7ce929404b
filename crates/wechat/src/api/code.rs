//! Code: commit, pages, the trial-version QR code (reference §8, §11).
//!
//! Every call here acts on behalf of one mini program (`?access_token=AAT`) and needs permission
//! set 18 (development management).

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{AuthorizerToken, Client, Error, Media};

/// The per-merchant configuration a template is committed with: the content of `ext.json`
/// (reference §11). `wxa/commit` takes it as a JSON **string**, see [`ExtJson::to_ext_json_string`].
///
/// How WeChat merges it into the template's `app.json`: `ext`, `pages`, `subPackages`,
/// `functionPages`, `customOpen`, `plugins`, `navigateToMiniProgramAppIdList` and
/// `requiredPrivateInfos` replace wholesale; `window`, `networkTimeout` and `tabBar` override key by
/// key; `extPages` overrides each page's json; `extAppid` is added. Standard templates accept only
/// `extAppid`, `ext` and `window` (9402203 otherwise).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExtJson {
    /// DevTools only: `true` previews the template as `extAppid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_enable: Option<bool>,
    /// The authorized mini program's appid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_appid: Option<String>,
    /// DevTools only: upload straight to `extAppid`'s pending-audit list instead of the draft box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_commit: Option<bool>,
    /// The template code's own settings, read at runtime with `wx.getExtConfigSync()`; the only
    /// place for custom fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext: Option<Value>,
    /// Per-page `page.json` overrides, keyed by page path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_pages: Option<Map<String, Value>>,
    /// A subset of the template's pages (no new pages; the first is the home page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<String>>,
    /// A subset of the template's subpackages and their pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_packages: Option<Vec<Value>>,
    /// As `window` in `app.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Map<String, Value>>,
    /// As `networkTimeout` in `app.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_timeout: Option<Map<String, Value>>,
    /// As `tabBar` in `app.json`; every `list` entry needs a `pagePath` (85046 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab_bar: Option<Map<String, Value>>,
    /// As `plugins` in `app.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugins: Option<Map<String, Value>>,
    /// The appids `navigateToMiniProgram` may open (85087 at submit_audit when missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigate_to_mini_program_app_id_list: Option<Vec<String>>,
    /// As in `app.json`, spelled as the commit docs spell it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_pages: Option<Value>,
    /// As in `app.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_open: Option<Value>,
    /// The location APIs the code uses (61040 at submit_audit when one is used but not declared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_private_infos: Option<Vec<String>>,
    /// Every other key (`sitemapLocation`, `permission`, …), kept as given.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ExtJson {
    /// The compact JSON text `wxa/commit` wants in its `ext_json` field.
    pub fn to_ext_json_string(&self) -> String {
        serde_json::to_string(self).expect("JSON values with string keys always serialise")
    }

    /// Reads the `ext_json` text of a commit back.
    pub fn from_ext_json_str(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The body of `commit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommitRequest {
    /// The template from the library (a number).
    pub template_id: i64,
    /// The `ext.json` content as a JSON **string**: an object here is rejected with 47001. Build it
    /// with [`CommitRequest::new`] or [`CommitRequest::from_ext_value`].
    pub ext_json: String,
    /// The version shown to the merchant, at most 64 characters.
    pub user_version: String,
    /// The description shown to the merchant.
    pub user_desc: String,
}

impl CommitRequest {
    /// A commit of `template_id` configured by `ext`.
    pub fn new(template_id: i64, ext: &ExtJson, user_version: impl Into<String>, user_desc: impl Into<String>) -> Self {
        CommitRequest { template_id, ext_json: ext.to_ext_json_string(), user_version: user_version.into(), user_desc: user_desc.into() }
    }

    /// A commit of `template_id` configured by an untyped `ext.json` object.
    pub fn from_ext_value(template_id: i64, ext: &Value, user_version: impl Into<String>, user_desc: impl Into<String>) -> Self {
        CommitRequest { template_id, ext_json: ext.to_string(), user_version: user_version.into(), user_desc: user_desc.into() }
    }

    /// The `ext_json` string parsed back.
    pub fn ext(&self) -> Result<ExtJson, serde_json::Error> {
        ExtJson::from_ext_json_str(&self.ext_json)
    }
}

/// The answer of `get_page`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetPageResponse {
    /// The page paths of the committed code, home page first.
    #[serde(default)]
    pub page_list: Vec<String>,
}

/// The parameters of `get_qrcode`, sent in the query string (the call is a `GET`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetQrcodeRequest {
    /// The page to open, with its query (`page/index?action=1`); the home page when absent. The
    /// client URL-encodes it, as WeChat requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Client {
    /// Uploads code for the mini program from a template, configured by `ext_json`; also makes it
    /// the trial (体验) version.
    ///
    /// `POST /wxa/commit?access_token=AAT` — perm 18. The privacy scan of the new code must finish
    /// before `submit_audit` (61039 otherwise).
    ///
    /// Errors: -1 busy, 85013 invalid ext_json config, 85014 template not found, 85043 template
    /// error, 85044 package too large, 85045 ext_json path does not exist, 85046 tabBar entry without
    /// a path, 85047 pages empty, 85048 ext_json does not parse, 80066/80067/80082 plugin version
    /// invalid / not found / not permitted, 85310/85311/85312 requiredPrivateInfos wrong name /
    /// mutually exclusive / not permitted, 9402202 concurrent commits, 9402203 standard template
    /// ext_json has other keys, 47001 body not understood (ext_json sent as an object).
    pub async fn commit(&self, aat: AuthorizerToken<'_>, req: &CommitRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/commit", aat.param(), &[], req).await?;
        Ok(())
    }

    /// The pages of the committed code, for `submit_audit`'s `address`.
    ///
    /// `GET /wxa/get_page?access_token=AAT` — perm 18.
    ///
    /// Errors: 86000 not called by a platform, 86001 no committed code.
    pub async fn get_page(&self, aat: AuthorizerToken<'_>) -> Result<GetPageResponse, Error> {
        self.get_json("/wxa/get_page", aat.param(), &[]).await
    }

    /// The QR code of the trial version (an image; testers and admins can open it).
    ///
    /// `GET /wxa/get_qrcode?access_token=AAT[&path=URLENCODED]` — perm 18. Answers `image/jpeg`, or
    /// JSON on failure.
    ///
    /// Errors: -1 busy, 40001/40014 token invalid.
    pub async fn get_qrcode(&self, aat: AuthorizerToken<'_>, req: &GetQrcodeRequest) -> Result<Media, Error> {
        let query: Vec<(&str, &str)> = req.path.iter().map(|p| ("path", p.as_str())).collect();
        self.get_for_media("/wxa/get_qrcode", aat.param(), &query).await
    }
}
