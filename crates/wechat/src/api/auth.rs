//! Authorization: query auth, authorizer tokens, info, list, options, consent-page links (reference §3.3–§3.8).
//!
//! A merchant authorizes the platform on a consent page ([`ConsentPage`]); the `auth_code` it yields
//! becomes an authorizer token and a refresh token ([`Client::api_query_auth`]); the refresh token
//! keeps producing new authorizer tokens ([`Client::api_authorizer_token`]). All of these are the
//! platform's own calls with [`ComponentToken`], except the newer option calls (see there).

use std::fmt;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use url::Url;

use super::component::Redacted;
use super::{AuthorizerToken, Client, ComponentToken, Error};

/// The body of `api_query_auth`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiQueryAuthRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The `auth_code` from the consent page's redirect or the `authorized` push.
    pub authorization_code: String,
}

/// The answer of `api_query_auth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiQueryAuthResponse {
    /// What the merchant authorized, with the first tokens.
    pub authorization_info: AuthorizationInfo,
}

/// One authorization: which account, its tokens, and the permission sets it granted.
///
/// `api_query_auth` fills the tokens; `api_get_authorizer_info` returns only the refresh token.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuthorizationInfo {
    /// The authorizing account's appid.
    pub authorizer_appid: String,
    /// The authorizer token (AAT), present when the account has API permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_access_token: Option<String>,
    /// Seconds until the AAT expires (7200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// The refresh token: store it; it stays valid until the merchant authorizes again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_refresh_token: Option<String>,
    /// The permission sets the merchant actually granted.
    #[serde(default)]
    pub func_info: Vec<FuncInfo>,
}

impl fmt::Debug for AuthorizationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationInfo")
            .field("authorizer_appid", &self.authorizer_appid)
            .field("authorizer_access_token", &self.authorizer_access_token.as_deref().map(Redacted))
            .field("expires_in", &self.expires_in)
            .field("authorizer_refresh_token", &self.authorizer_refresh_token.as_deref().map(Redacted))
            .field("func_info", &self.func_info)
            .finish()
    }
}

/// One granted permission set (权限集).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FuncInfo {
    /// Which set.
    pub funcscope_category: FuncscopeCategory,
    /// Whether the set needs the merchant's extra confirmation; staff say it can be ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_info: Option<ConfirmInfo>,
}

/// The id of a permission set: 17 QR codes, 18 development management, 30 basic info and categories, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FuncscopeCategory {
    /// The permission set id.
    pub id: i64,
}

/// Confirmation state of a permission set (0 or 1 each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfirmInfo {
    /// The set needs confirmation by the merchant.
    #[serde(default)]
    pub need_confirm: i64,
    /// The merchant confirmed it.
    #[serde(default)]
    pub already_confirm: i64,
    /// The merchant can confirm it.
    #[serde(default)]
    pub can_confirm: i64,
}

/// The body of `api_authorizer_token`.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiAuthorizerTokenRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The authorized account's appid.
    pub authorizer_appid: String,
    /// The refresh token from `api_query_auth` (or `api_get_authorizer_list`).
    pub authorizer_refresh_token: String,
}

impl fmt::Debug for ApiAuthorizerTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiAuthorizerTokenRequest")
            .field("component_appid", &self.component_appid)
            .field("authorizer_appid", &self.authorizer_appid)
            .field("authorizer_refresh_token", &Redacted(&self.authorizer_refresh_token))
            .finish()
    }
}

/// The answer of `api_authorizer_token`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiAuthorizerTokenResponse {
    /// A fresh authorizer token (AAT).
    pub authorizer_access_token: String,
    /// Seconds until it expires (7200).
    pub expires_in: i64,
    /// The refresh token (normally unchanged).
    pub authorizer_refresh_token: String,
}

impl fmt::Debug for ApiAuthorizerTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiAuthorizerTokenResponse")
            .field("authorizer_access_token", &Redacted(&self.authorizer_access_token))
            .field("expires_in", &self.expires_in)
            .field("authorizer_refresh_token", &Redacted(&self.authorizer_refresh_token))
            .finish()
    }
}

/// The body of `api_get_authorizer_info`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiGetAuthorizerInfoRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The authorized account's appid.
    pub authorizer_appid: String,
}

/// The answer of `api_get_authorizer_info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiGetAuthorizerInfoResponse {
    /// The account's profile.
    pub authorizer_info: AuthorizerInfo,
    /// The authorization (refresh token and granted permission sets; no AAT here).
    pub authorization_info: AuthorizationInfo,
}

/// An authorized account's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuthorizerInfo {
    /// The account's name; empty for a freshly registered mini program.
    #[serde(default)]
    pub nick_name: String,
    /// The avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_img: Option<String>,
    /// The account type (for mini programs always 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_info: Option<TypeInfo>,
    /// The verification type: -1 unverified, 0 WeChat-verified, ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_type_info: Option<TypeInfo>,
    /// The original id (`gh_…`).
    pub user_name: String,
    /// The subject (company) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// The account's WeChat id, often empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The QR code image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qrcode_url: Option<String>,
    /// Which features are open (0 or 1 each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_info: Option<BusinessInfo>,
    /// Deprecated by WeChat; still sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idc: Option<i64>,
    /// The mini program's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Present only for mini programs: their domains and categories.
    #[serde(rename = "MiniProgramInfo", default, skip_serializing_if = "Option::is_none")]
    pub mini_program_info: Option<MiniProgramInfo>,
    /// How the mini program was registered (0 normally, 1–… via the platform's registration APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_type: Option<i64>,
    /// 1 normal, 14 deregistered, 16 banned, 18 warned, 19 frozen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_status: Option<i64>,
    /// Whether a phone and an email are bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_config: Option<BasicConfig>,
}

/// An `{id, name}` pair as in `service_type_info` and `verify_type_info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TypeInfo {
    /// The type id.
    pub id: i64,
    /// Its description (newer docs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Which features an account has open (0 no, 1 yes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BusinessInfo {
    /// WeChat Pay.
    #[serde(default)]
    pub open_pay: i64,
    /// Shake.
    #[serde(default)]
    pub open_shake: i64,
    /// Scan products.
    #[serde(default)]
    pub open_scan: i64,
    /// Cards and coupons.
    #[serde(default)]
    pub open_card: i64,
    /// Stores.
    #[serde(default)]
    pub open_store: i64,
}

/// Whether the account has a phone and an email bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BasicConfig {
    /// A phone is bound.
    #[serde(default)]
    pub is_phone_configured: bool,
    /// An email is bound.
    #[serde(default)]
    pub is_email_configured: bool,
}

/// A mini program's configuration as `api_get_authorizer_info` reports it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MiniProgramInfo {
    /// The configured domains.
    #[serde(default)]
    pub network: Network,
    /// The configured categories (often empty; `wxa/get_category` is the reliable source).
    #[serde(default)]
    pub categories: Vec<MiniProgramCategory>,
    /// Undocumented; always 0 in the examples.
    #[serde(default)]
    pub visit_status: i64,
}

/// The domains a mini program has configured, as `api_get_authorizer_info` spells them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Network {
    /// `wx.request` domains.
    #[serde(rename = "RequestDomain", default)]
    pub request_domain: Vec<String>,
    /// Socket domains.
    #[serde(rename = "WsRequestDomain", default)]
    pub ws_request_domain: Vec<String>,
    /// `uploadFile` domains.
    #[serde(rename = "UploadDomain", default)]
    pub upload_domain: Vec<String>,
    /// `downloadFile` domains.
    #[serde(rename = "DownloadDomain", default)]
    pub download_domain: Vec<String>,
    /// Business (web-view) domains.
    #[serde(rename = "BizDomain", default)]
    pub biz_domain: Vec<String>,
    /// UDP domains.
    #[serde(rename = "UDPDomain", default)]
    pub udp_domain: Vec<String>,
    /// TCP domains.
    #[serde(rename = "TCPDomain", default)]
    pub tcp_domain: Vec<String>,
    /// DNS prefetch domains.
    #[serde(rename = "PrefetchDNSDomain", default)]
    pub prefetch_dns_domain: Vec<String>,
}

/// A category in `MiniProgramInfo.categories`, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MiniProgramCategory {
    /// The first-level category.
    pub first: String,
    /// The second-level category.
    pub second: String,
}

/// The most accounts one `api_get_authorizer_list` page can hold.
pub const MAX_AUTHORIZER_LIST_COUNT: u32 = 500;

/// The body of `api_get_authorizer_list`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiGetAuthorizerListRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The index of the first account, from 0.
    pub offset: u32,
    /// How many accounts, at most [`MAX_AUTHORIZER_LIST_COUNT`].
    pub count: u32,
}

/// The answer of `api_get_authorizer_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiGetAuthorizerListResponse {
    /// How many accounts have authorized the platform in all.
    pub total_count: i64,
    /// This page.
    #[serde(default)]
    pub list: Vec<AuthorizerListItem>,
}

/// One authorized account in the list.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuthorizerListItem {
    /// The account's appid.
    pub authorizer_appid: String,
    /// Its current refresh token (how a lost one is recovered).
    pub refresh_token: String,
    /// When it authorized (Unix seconds).
    pub auth_time: i64,
}

impl fmt::Debug for AuthorizerListItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizerListItem")
            .field("authorizer_appid", &self.authorizer_appid)
            .field("refresh_token", &Redacted(&self.refresh_token))
            .field("auth_time", &self.auth_time)
            .finish()
    }
}

/// The body of the legacy `api_get_authorizer_option`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiGetAuthorizerOptionRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The authorized account's appid.
    pub authorizer_appid: String,
    /// `location_report`, `voice_recognize` or `customer_service`.
    pub option_name: String,
}

/// The answer of the legacy `api_get_authorizer_option`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiGetAuthorizerOptionResponse {
    /// The account's appid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<String>,
    /// The option asked for.
    pub option_name: String,
    /// Its value as a string: `location_report` 0/1/2, the others 0/1.
    pub option_value: String,
}

/// The body of the legacy `api_set_authorizer_option`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiSetAuthorizerOptionRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The authorized account's appid.
    pub authorizer_appid: String,
    /// `location_report`, `voice_recognize` or `customer_service`.
    pub option_name: String,
    /// The new value, as a string.
    pub option_value: String,
}

/// The body of the newer `get_authorizer_option`.
///
/// The doc sends only `option_name`; WxJava also sends the two appids, so they are optional here.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetAuthorizerOptionRequest {
    /// `location_report`, `voice_recognize` or `customer_service`.
    pub option_name: String,
    /// The platform's appid (WxJava's form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_appid: Option<String>,
    /// The authorized account's appid (WxJava's form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<String>,
}

/// The answer of the newer `get_authorizer_option`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetAuthorizerOptionResponse {
    /// The option asked for.
    pub option_name: String,
    /// Its value, as a string.
    pub option_value: String,
}

/// The body of the newer `set_authorizer_option`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetAuthorizerOptionRequest {
    /// `location_report`, `voice_recognize` or `customer_service`.
    pub option_name: String,
    /// The new value, as a string.
    pub option_value: String,
    /// The platform's appid (WxJava's form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_appid: Option<String>,
    /// The authorized account's appid (WxJava's form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<String>,
}

impl Client {
    /// Exchanges an authorization code for the first authorizer token and the refresh token.
    ///
    /// `POST /cgi-bin/component/api_query_auth?component_access_token=CAT`.
    ///
    /// Errors: 61010 code expired or used, 61003 not authorized, 40001 / 42001 CAT invalid or expired.
    pub async fn api_query_auth(&self, cat: ComponentToken<'_>, req: &ApiQueryAuthRequest) -> Result<ApiQueryAuthResponse, Error> {
        self.post_json("/cgi-bin/component/api_query_auth", cat.as_component_access_token(), &[], req).await
    }

    /// Gets a new authorizer token with the refresh token.
    ///
    /// `POST /cgi-bin/component/api_authorizer_token?component_access_token=CAT`.
    ///
    /// Errors: 61023 refresh token invalid (fetch it again from the list, or re-authorize), 61003 the
    /// merchant revoked the authorization, 45009 daily limit.
    pub async fn api_authorizer_token(
        &self,
        cat: ComponentToken<'_>,
        req: &ApiAuthorizerTokenRequest,
    ) -> Result<ApiAuthorizerTokenResponse, Error> {
        self.post_json("/cgi-bin/component/api_authorizer_token", cat.as_component_access_token(), &[], req).await
    }

    /// An authorized account's profile, domains, categories and granted permission sets.
    ///
    /// `POST /cgi-bin/component/api_get_authorizer_info?component_access_token=CAT`.
    ///
    /// Errors: 61003 not authorized, 40013 invalid appid.
    pub async fn api_get_authorizer_info(
        &self,
        cat: ComponentToken<'_>,
        req: &ApiGetAuthorizerInfoRequest,
    ) -> Result<ApiGetAuthorizerInfoResponse, Error> {
        self.post_json("/cgi-bin/component/api_get_authorizer_info", cat.as_component_access_token(), &[], req).await
    }

    /// One page of the accounts that authorized the platform, with their refresh tokens.
    ///
    /// `POST /cgi-bin/component/api_get_authorizer_list?component_access_token=CAT`; `count` ≤ 500.
    ///
    /// Errors: 40001 / 42001 CAT invalid or expired, 47001 bad body (e.g. count out of range).
    pub async fn api_get_authorizer_list(
        &self,
        cat: ComponentToken<'_>,
        req: &ApiGetAuthorizerListRequest,
    ) -> Result<ApiGetAuthorizerListResponse, Error> {
        self.post_json("/cgi-bin/component/api_get_authorizer_list", cat.as_component_access_token(), &[], req).await
    }

    /// Reads an account option (legacy form; Official Account oriented).
    ///
    /// `POST /cgi-bin/component/api_get_authorizer_option?component_access_token=CAT` — needs the
    /// option's permission set (1, 2 or 6).
    ///
    /// Errors: 61007 permission set not granted, 61012 / 61013 invalid option name or value.
    pub async fn api_get_authorizer_option(
        &self,
        cat: ComponentToken<'_>,
        req: &ApiGetAuthorizerOptionRequest,
    ) -> Result<ApiGetAuthorizerOptionResponse, Error> {
        self.post_json("/cgi-bin/component/api_get_authorizer_option", cat.as_component_access_token(), &[], req).await
    }

    /// Sets an account option (legacy form).
    ///
    /// `POST /cgi-bin/component/api_set_authorizer_option?component_access_token=CAT` — needs the
    /// option's permission set (1, 2 or 6).
    ///
    /// Errors: 61007 permission set not granted, 61012 / 61013 invalid option name or value.
    pub async fn api_set_authorizer_option(&self, cat: ComponentToken<'_>, req: &ApiSetAuthorizerOptionRequest) -> Result<(), Error> {
        let _: IgnoredAny =
            self.post_json("/cgi-bin/component/api_set_authorizer_option", cat.as_component_access_token(), &[], req).await?;
        Ok(())
    }

    /// Reads an account option (newer form).
    ///
    /// `POST /cgi-bin/component/get_authorizer_option?access_token=AAT` — the Chinese doc says CAT, the
    /// English doc and WxJava use the authorizer's token, which is followed here.
    ///
    /// Errors: 61007 permission set not granted, 40013 invalid appid.
    pub async fn get_authorizer_option(
        &self,
        aat: AuthorizerToken<'_>,
        req: &GetAuthorizerOptionRequest,
    ) -> Result<GetAuthorizerOptionResponse, Error> {
        self.post_json("/cgi-bin/component/get_authorizer_option", aat.param(), &[], req).await
    }

    /// Sets an account option (newer form).
    ///
    /// `POST /cgi-bin/component/set_authorizer_option?access_token=AAT` — token as for
    /// [`Client::get_authorizer_option`].
    ///
    /// Errors: 61007 permission set not granted, 40013 invalid appid.
    pub async fn set_authorizer_option(&self, aat: AuthorizerToken<'_>, req: &SetAuthorizerOptionRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/component/set_authorizer_option", aat.param(), &[], req).await?;
        Ok(())
    }
}

/// Where the PC consent page (scan with WeChat) lives on the real platform.
pub const PC_CONSENT_ORIGIN: &str = "https://mp.weixin.qq.com";

/// Where the mobile consent page (opened inside WeChat) lives on the real platform.
pub const MOBILE_CONSENT_ORIGIN: &str = "https://open.weixin.qq.com";

/// The account kinds a consent page lists (`auth_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthType {
    /// `1`: only Official Accounts.
    OfficialAccounts,
    /// `2`: only mini programs.
    MiniPrograms,
    /// `3`: both (what WeChat shows when neither `auth_type` nor `biz_appid` is given).
    Both,
}

impl AuthType {
    /// The value of the `auth_type` parameter.
    pub fn code(self) -> u8 {
        match self {
            AuthType::OfficialAccounts => 1,
            AuthType::MiniPrograms => 2,
            AuthType::Both => 3,
        }
    }
}

/// Which accounts may authorize on a consent page. WeChat documents `auth_type` and `biz_appid` as
/// mutually exclusive, so a page has at most one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsentScope<'a> {
    /// Neither parameter: every account kind is listed.
    #[default]
    Any,
    /// `auth_type=…`: one account kind.
    AuthType(AuthType),
    /// `biz_appid=…`: exactly this account.
    BizAppid(&'a str),
}

/// The parameters of a consent page (授权页), for the PC or the mobile form.
///
/// The page must be opened from the platform's configured "authorization initiation domain", and
/// `redirect_uri` must be on it; the browser then goes to `redirect_uri?auth_code=…&expires_in=600`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentPage<'a> {
    /// The platform's appid.
    pub component_appid: &'a str,
    /// A fresh code from [`Client::api_create_preauthcode`] (usable once).
    pub pre_auth_code: &'a str,
    /// Where the browser goes after consent (URL-encoded into the link here).
    pub redirect_uri: &'a str,
    /// Which accounts may authorize.
    pub scope: ConsentScope<'a>,
}

impl ConsentPage<'_> {
    /// The PC page, scanned with WeChat: `{origin}/cgi-bin/componentloginpage?component_appid=…&pre_auth_code=…&redirect_uri=…[&auth_type=…|&biz_appid=…]`.
    ///
    /// `origin` defaults to [`PC_CONSENT_ORIGIN`]; the simulator passes its own base URL (a path prefix is kept).
    pub fn pc_url(&self, origin: Option<&Url>) -> Url {
        let mut url = page_url(origin, PC_CONSENT_ORIGIN, "/cgi-bin/componentloginpage");
        self.append_params(&mut url);
        url
    }

    /// The mobile page, opened inside WeChat:
    /// `{origin}/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid=…&pre_auth_code=…&redirect_uri=…[&auth_type=…|&biz_appid=…]#wechat_redirect`.
    ///
    /// `origin` defaults to [`MOBILE_CONSENT_ORIGIN`] (the form WxJava and the current doc use).
    pub fn mobile_url(&self, origin: Option<&Url>) -> Url {
        let mut url = page_url(origin, MOBILE_CONSENT_ORIGIN, "/wxaopen/safe/bindcomponent");
        url.query_pairs_mut().append_pair("action", "bindcomponent").append_pair("no_scan", "1");
        self.append_params(&mut url);
        url.set_fragment(Some("wechat_redirect"));
        url
    }

    fn append_params(&self, url: &mut Url) {
        let mut pairs = url.query_pairs_mut();
        pairs
            .append_pair("component_appid", self.component_appid)
            .append_pair("pre_auth_code", self.pre_auth_code)
            .append_pair("redirect_uri", self.redirect_uri);
        match self.scope {
            ConsentScope::Any => {}
            ConsentScope::AuthType(t) => {
                pairs.append_pair("auth_type", &t.code().to_string());
            }
            ConsentScope::BizAppid(appid) => {
                pairs.append_pair("biz_appid", appid);
            }
        }
    }
}

/// `origin` (or `default`) with `path` appended to its own path and nothing else.
fn page_url(origin: Option<&Url>, default: &str, path: &str) -> Url {
    let mut url = match origin {
        Some(origin) => origin.clone(),
        None => Url::parse(default).expect("constant URL parses"),
    };
    let base_path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{base_path}{path}"));
    url.set_query(None);
    url.set_fragment(None);
    url
}
