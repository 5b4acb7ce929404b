//! The consent flow (reference §3.2–§3.5): pre-auth codes, the consent page's rules, the merchant's
//! confirmation, authorization codes, refresh tokens and revocation. Also the one-time login codes
//! of `jscode2session`.
//!
//! The page (HTML) and `POST /admin/consent` both end in [`World::confirm_consent`], so a test that
//! skips the browser exercises the same rules as a merchant clicking.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;
use wechat::api::auth::{ApiAuthorizerTokenResponse, AuthorizationInfo, AuthorizerListItem, FuncInfo, FuncscopeCategory};
use wechat::xml::{Authorization, ComponentHeader, Event, Unauthorized};

use super::{Grant, MiniProgram, OutgoingPush, PushTarget, World};
use crate::WxError;

/// How long a pre-auth code lives. The docs disagree (600 or 1800 s); the newer text says 1800
/// and clients are told to trust `expires_in`.
pub const PRE_AUTH_CODE_TTL_SECS: i64 = 1800;
/// How long an authorization code lives (`expires_in=600` on the redirect).
pub const AUTH_CODE_TTL_SECS: i64 = 600;
/// How long a `wx.login()` code is remembered as used (WeChat's codes live 5 minutes).
pub const LOGIN_CODE_TTL_SECS: i64 = 300;
/// Codes kept at most per kind, so a long run (or a load test) does not grow without bound.
const MAX_CODES: usize = 50_000;

/// A permission set (权限集) a merchant can grant a platform for a mini program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PermissionSet {
    /// `funcscope_category.id`.
    pub id: u32,
    /// Its name on the consent page.
    pub name: &'static str,
    /// Exclusive (权限集互斥): only one platform at a time may hold it for a mini program.
    pub exclusive: bool,
}

const fn set(id: u32, name: &'static str, exclusive: bool) -> PermissionSet {
    PermissionSet { id, name, exclusive }
}

/// The mini-program permission sets the consent page offers (a subset of the official list,
/// "小程序权限集", with its names and exclusivity).
pub const PERMISSION_SETS: &[PermissionSet] = &[
    set(17, "获取小程序码", false),
    set(18, "小程序开发与数据分析", true),
    set(19, "小程序客服管理", false),
    set(25, "开放平台账号管理", true),
    set(30, "小程序基本信息管理", false),
    set(31, "小程序认证名称检测", false),
    set(37, "附近的小程序管理", false),
    set(40, "小程序插件管理", true),
    set(49, "小程序云开发管理", true),
    set(52, "小程序直播管理", false),
];

/// Codes in flight between the platform, the consent page and `api_query_auth`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Consent {
    /// Pre-auth codes by value.
    pub pre_auth_codes: BTreeMap<String, PreAuthCode>,
    /// Authorization codes by value.
    pub auth_codes: BTreeMap<String, AuthCode>,
    /// `wx.login()` codes already exchanged, with when.
    pub login_codes: BTreeMap<String, i64>,
}

/// One pre-auth code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreAuthCode {
    /// The platform that created it.
    pub component_appid: String,
    /// When it stops working.
    pub expires_at: i64,
    /// A merchant confirmed with it (codes are single use).
    pub used: bool,
    /// What the consent page was opened with, once it was.
    pub page: Option<PageScope>,
}

/// The parameters a consent page was opened with; the confirmation is held to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageScope {
    /// Where the browser goes afterwards.
    pub redirect_uri: String,
    /// Which account kinds are listed.
    pub accounts: AccountKinds,
    /// `biz_appid`: only this account may authorize.
    pub biz_appid: Option<String>,
}

/// `auth_type`: which kinds of account a consent page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountKinds {
    /// `1`: Official Accounts only — the simulator has none, so nothing can be picked.
    OfficialAccounts,
    /// `2`: mini programs only.
    MiniPrograms,
    /// `3` or absent: both.
    Both,
}

impl AccountKinds {
    /// Reads `auth_type` (absent means both).
    pub fn parse(auth_type: Option<&str>) -> Result<Self, ConsentRefusal> {
        match auth_type.map(str::trim) {
            None | Some("") | Some("3") => Ok(AccountKinds::Both),
            Some("1") => Ok(AccountKinds::OfficialAccounts),
            Some("2") => Ok(AccountKinds::MiniPrograms),
            Some(other) => Err(ConsentRefusal::BadParameter(format!("auth_type={other}"))),
        }
    }

    fn lists_mini_programs(self) -> bool {
        self != AccountKinds::OfficialAccounts
    }
}

/// One authorization code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthCode {
    /// The platform it was issued to.
    pub component_appid: String,
    /// The mini program that authorized.
    pub authorizer_appid: String,
    /// When it stops working.
    pub expires_at: i64,
    /// `api_query_auth` used it (single use).
    pub used: bool,
}

/// Why a consent page or a confirmation is refused; the page shows [`fmt::Display`] (zh-CN, as
/// WeChat's own error pages are).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentRefusal {
    /// `component_appid` is not a platform.
    #[error("第三方平台 appid 无效（component_appid={0}）")]
    UnknownComponent(String),
    /// The pre-auth code was never issued (or belongs to another platform).
    #[error("授权链接无效：pre_auth_code 不存在或不属于该第三方平台")]
    InvalidPreAuthCode,
    /// The pre-auth code expired.
    #[error("授权链接已过期，请回到第三方平台重新发起授权")]
    ExpiredPreAuthCode,
    /// The pre-auth code was already used for a confirmation.
    #[error("授权链接已被使用，请回到第三方平台重新发起授权")]
    UsedPreAuthCode,
    /// The page was not opened from the platform's launch-page domain.
    #[error("请确认授权入口页所在域名的正确性（来源：{referer}，该平台登记的授权发起页域名：{expected}）")]
    WrongLaunchDomain {
        /// The Referer's host, or a note that there was none.
        referer: String,
        /// The registered launch domain.
        expected: String,
    },
    /// `redirect_uri` is not on the launch-page domain.
    #[error("redirect_uri 必须位于该平台登记的授权发起页域名（{expected}）下：{redirect_uri}")]
    RedirectOffDomain {
        /// The redirect_uri given.
        redirect_uri: String,
        /// The registered launch domain.
        expected: String,
    },
    /// A parameter is missing or malformed.
    #[error("参数错误：{0}")]
    BadParameter(String),
    /// The mini program does not exist.
    #[error("帐号不存在：{0}")]
    UnknownAccount(String),
    /// The page's `auth_type` / `biz_appid` does not let this account authorize.
    #[error("该授权链接不允许此帐号授权：{0}")]
    AccountNotAllowed(String),
    /// No permission set was picked.
    #[error("请至少选择一项权限")]
    NoPermissionSet,
    /// A permission set the page does not offer.
    #[error("未知的权限集：{0}")]
    UnknownPermissionSet(u32),
}

/// What a consent page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageView {
    /// The platform's appid.
    pub component_appid: String,
    /// The platform's name.
    pub platform_name: String,
    /// The pre-auth code (posted back by the form).
    pub pre_auth_code: String,
    /// Accounts the admin may pick, in appid order.
    pub candidates: Vec<Candidate>,
    /// Why there are none, when `candidates` is empty for a reason other than a search.
    pub no_candidates_reason: Option<&'static str>,
}

/// An account on the consent page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The mini program's appid.
    pub appid: String,
    /// Its name.
    pub nickname: String,
    /// Its subject.
    pub principal_name: String,
    /// The WeChat id of its administrator (who would scan the QR code).
    pub admin_wechat: String,
    /// It has already authorized this platform (confirming again is `updateauthorized`).
    pub already_authorized: bool,
}

/// What opening a consent page is asked with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// `component_appid`.
    pub component_appid: String,
    /// `pre_auth_code`.
    pub pre_auth_code: String,
    /// `redirect_uri` (decoded).
    pub redirect_uri: String,
    /// `auth_type`, as given.
    pub auth_type: Option<String>,
    /// `biz_appid`, as given.
    pub biz_appid: Option<String>,
    /// The `Referer` header: the page that linked here.
    pub referer: Option<String>,
}

/// A merchant's confirmation (the form post, or `POST /admin/consent`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Confirmation {
    /// The platform (taken from the pre-auth code when absent).
    #[serde(default)]
    pub component_appid: Option<String>,
    /// The pre-auth code of the page.
    pub pre_auth_code: String,
    /// The mini program the admin picked.
    pub authorizer_appid: String,
    /// The permission sets the admin ticked.
    pub func_ids: Vec<u32>,
    /// Where to send the browser; defaults to the page's `redirect_uri`.
    #[serde(default)]
    pub redirect_uri: Option<String>,
}

/// The outcome of a confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consented {
    /// The authorization code (also pushed as `authorized`).
    pub auth_code: String,
    /// Its lifetime in seconds (600).
    pub expires_in: i64,
    /// `redirect_uri?auth_code=…&expires_in=600`, when there is a redirect_uri.
    pub redirect: Option<String>,
    /// The permission sets actually granted (exclusive ones held by another platform are left out).
    pub func_ids: Vec<u32>,
    /// The account had already authorized (`updateauthorized`).
    pub update: bool,
}

/// Whether `url`'s host is the launch-page domain (compared without port or case; WeChat
/// registers a bare domain).
pub fn on_launch_domain(url: &str, launch_domain: &str) -> bool {
    let expected = launch_domain.trim().trim_end_matches('/');
    let expected = expected.split_once("://").map_or(expected, |(_, rest)| rest);
    let expected = expected.rsplit_once(':').filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit())).map_or(expected, |(h, _)| h);
    Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).is_some_and(|host| host == expected.to_ascii_lowercase())
}

/// The `func_info` of an authorization.
pub fn func_info(func_ids: &[u32]) -> Vec<FuncInfo> {
    func_ids.iter().map(|&id| FuncInfo { funcscope_category: FuncscopeCategory { id: i64::from(id) }, confirm_info: None }).collect()
}

fn forget_oldest<V>(map: &mut BTreeMap<String, V>, expired: impl Fn(&V) -> bool) {
    if map.len() >= MAX_CODES {
        map.retain(|_, v| !expired(v));
    }
    while map.len() >= MAX_CODES {
        // Codes are random strings: dropping the first one drops an arbitrary one, which is all a
        // bound needs.
        let Some(key) = map.keys().next().cloned() else { break };
        map.remove(&key);
    }
}

impl World {
    /// `api_create_preauthcode`: a fresh single-use pre-auth code and its lifetime in seconds.
    pub fn create_pre_auth_code(&mut self, component_appid: &str, now: i64) -> Result<(String, i64), WxError> {
        self.platform(component_appid)?;
        let value = self.ids.opaque("preauthcode@@@", 86);
        forget_oldest(&mut self.consent.pre_auth_codes, |c| c.used || now >= c.expires_at);
        self.consent.pre_auth_codes.insert(
            value.clone(),
            PreAuthCode { component_appid: component_appid.to_owned(), expires_at: now + PRE_AUTH_CODE_TTL_SECS, used: false, page: None },
        );
        Ok((value, PRE_AUTH_CODE_TTL_SECS))
    }

    fn live_pre_auth_code(&self, component_appid: &str, code: &str, now: i64) -> Result<&PreAuthCode, ConsentRefusal> {
        let pre = self.consent.pre_auth_codes.get(code).filter(|c| c.component_appid == component_appid);
        let pre = pre.ok_or(ConsentRefusal::InvalidPreAuthCode)?;
        if pre.used {
            return Err(ConsentRefusal::UsedPreAuthCode);
        }
        if now >= pre.expires_at {
            return Err(ConsentRefusal::ExpiredPreAuthCode);
        }
        Ok(pre)
    }

    /// Opens a consent page: checks it the way WeChat does (platform, the launch-page domain of the
    /// page that linked here, the pre-auth code, `redirect_uri` on that domain, `auth_type` /
    /// `biz_appid`), remembers the page's parameters on the code, and lists the accounts the
    /// admin may pick.
    ///
    /// A missing `Referer` is refused like a wrong one: WeChat shows its domain error when the link
    /// is pasted into the address bar.
    pub fn open_consent_page(&mut self, req: &PageRequest, now: i64) -> Result<PageView, ConsentRefusal> {
        let platform =
            self.platforms.get(&req.component_appid).ok_or_else(|| ConsentRefusal::UnknownComponent(req.component_appid.clone()))?;
        let launch_domain = platform.launch_domain.clone();
        let platform_name = if platform.name.is_empty() { platform.component_appid.clone() } else { platform.name.clone() };
        match req.referer.as_deref() {
            Some(referer) if on_launch_domain(referer, &launch_domain) => {}
            other => {
                let referer = other
                    .map(|r| Url::parse(r).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_else(|| r.to_owned()))
                    .unwrap_or_else(|| "无（直接打开了链接）".to_owned());
                return Err(ConsentRefusal::WrongLaunchDomain { referer, expected: launch_domain });
            }
        }
        self.live_pre_auth_code(&req.component_appid, &req.pre_auth_code, now)?;
        if req.redirect_uri.is_empty() {
            return Err(ConsentRefusal::BadParameter("redirect_uri 不能为空".to_owned()));
        }
        if !on_launch_domain(&req.redirect_uri, &launch_domain) {
            return Err(ConsentRefusal::RedirectOffDomain { redirect_uri: req.redirect_uri.clone(), expected: launch_domain });
        }
        let accounts = AccountKinds::parse(req.auth_type.as_deref())?;
        let biz_appid = req.biz_appid.as_deref().map(str::trim).filter(|b| !b.is_empty()).map(str::to_owned);
        if let Some(biz) = &biz_appid {
            if !self.apps.contains_key(biz) {
                return Err(ConsentRefusal::UnknownAccount(biz.clone()));
            }
        }
        let scope = PageScope { redirect_uri: req.redirect_uri.clone(), accounts, biz_appid };
        let candidates: Vec<Candidate> = self
            .apps
            .values()
            .filter(|app| scope_allows(&scope, &app.appid))
            .map(|app| Candidate {
                appid: app.appid.clone(),
                nickname: app.nickname.clone(),
                principal_name: app.principal_name.clone(),
                admin_wechat: app.admin_wechat.clone(),
                already_authorized: app.grants.contains_key(&req.component_appid),
            })
            .collect();
        let no_candidates_reason = match (candidates.is_empty(), accounts) {
            (true, AccountKinds::OfficialAccounts) => Some("该授权链接只允许公众号授权（auth_type=1），模拟器中没有公众号。"),
            (true, _) => Some("没有可授权的小程序。"),
            (false, _) => None,
        };
        if let Some(pre) = self.consent.pre_auth_codes.get_mut(&req.pre_auth_code) {
            pre.page = Some(scope);
        }
        Ok(PageView {
            component_appid: req.component_appid.clone(),
            platform_name,
            pre_auth_code: req.pre_auth_code.clone(),
            candidates,
            no_candidates_reason,
        })
    }

    /// The admin confirms: the pre-auth code is used up, the grant is created (or replaced, with a
    /// new refresh token and the old authorizer tokens revoked), an authorization code is issued
    /// and `authorized` (or `updateauthorized`) is pushed.
    ///
    /// Exclusive permission sets the mini program has granted another platform are left out, as
    /// WeChat's page does not let the admin grant them twice.
    pub fn confirm_consent(&mut self, c: &Confirmation, now: i64) -> Result<Consented, ConsentRefusal> {
        let component_appid = match &c.component_appid {
            Some(appid) => appid.clone(),
            None => self.consent.pre_auth_codes.get(&c.pre_auth_code).ok_or(ConsentRefusal::InvalidPreAuthCode)?.component_appid.clone(),
        };
        let platform = self.platforms.get(&component_appid).ok_or_else(|| ConsentRefusal::UnknownComponent(component_appid.clone()))?;
        let launch_domain = platform.launch_domain.clone();
        let pre = self.live_pre_auth_code(&component_appid, &c.pre_auth_code, now)?;
        let page = pre.page.clone();
        let redirect_uri = c.redirect_uri.clone().filter(|r| !r.is_empty()).or_else(|| page.as_ref().map(|p| p.redirect_uri.clone()));
        if let Some(redirect_uri) = &redirect_uri {
            if !on_launch_domain(redirect_uri, &launch_domain) {
                return Err(ConsentRefusal::RedirectOffDomain { redirect_uri: redirect_uri.clone(), expected: launch_domain });
            }
        }
        let app = self.apps.get(&c.authorizer_appid).ok_or_else(|| ConsentRefusal::UnknownAccount(c.authorizer_appid.clone()))?;
        if let Some(scope) = &page {
            if !scope_allows(scope, &app.appid) {
                return Err(ConsentRefusal::AccountNotAllowed(app.appid.clone()));
            }
        }
        if c.func_ids.is_empty() {
            return Err(ConsentRefusal::NoPermissionSet);
        }
        if let Some(&unknown) = c.func_ids.iter().find(|id| !PERMISSION_SETS.iter().any(|s| s.id == **id)) {
            return Err(ConsentRefusal::UnknownPermissionSet(unknown));
        }
        let func_ids = grantable(app, &component_appid, &c.func_ids);
        if func_ids.is_empty() {
            return Err(ConsentRefusal::NoPermissionSet);
        }

        if let Some(pre) = self.consent.pre_auth_codes.get_mut(&c.pre_auth_code) {
            pre.used = true;
        }
        let update = app.grants.contains_key(&component_appid);
        if update {
            // Re-authorization replaces the refresh token; the tokens of the old one stop working.
            self.tokens.revoke_authorizer(&component_appid, &c.authorizer_appid);
        }
        let refresh_token = self.ids.opaque("refreshtoken@@@", 43);
        let auth_code = self.ids.opaque("queryauthcode@@@", 86);
        let app = self.apps.get_mut(&c.authorizer_appid).expect("looked up above");
        app.grants.insert(component_appid.clone(), Grant { func_ids: func_ids.clone(), refresh_token, auth_time: now });
        forget_oldest(&mut self.consent.auth_codes, |a| a.used || now >= a.expires_at);
        self.consent.auth_codes.insert(
            auth_code.clone(),
            AuthCode {
                component_appid: component_appid.clone(),
                authorizer_appid: c.authorizer_appid.clone(),
                expires_at: now + AUTH_CODE_TTL_SECS,
                used: false,
            },
        );
        let authorization = Authorization {
            header: ComponentHeader { app_id: component_appid.clone(), create_time: now },
            authorizer_appid: c.authorizer_appid.clone(),
            authorization_code: auth_code.clone(),
            authorization_code_expired_time: now + AUTH_CODE_TTL_SECS,
            pre_auth_code: c.pre_auth_code.clone(),
        };
        let event = if update { Event::UpdateAuthorized(authorization) } else { Event::Authorized(authorization) };
        self.outbox.push(OutgoingPush { component_appid, target: PushTarget::Component, xml: event.to_xml() });
        let redirect = redirect_uri.map(|r| redirect_with_code(&r, &auth_code));
        Ok(Consented { auth_code, expires_in: AUTH_CODE_TTL_SECS, redirect, func_ids, update })
    }

    /// `api_query_auth`: exchanges an authorization code (once) for the first authorizer token, the
    /// refresh token and the granted permission sets.
    pub fn query_auth(&mut self, component_appid: &str, authorization_code: &str, now: i64) -> Result<AuthorizationInfo, WxError> {
        let code = self.consent.auth_codes.get(authorization_code).filter(|c| c.component_appid == component_appid);
        let code = code.ok_or_else(|| WxError::new(61009, "code is invalid"))?;
        // WeChat answers a second use like an expired code.
        if code.used || now >= code.expires_at {
            return Err(WxError::new(61010, "code is expired"));
        }
        let appid = code.authorizer_appid.clone();
        let grant = self.app(&appid)?.grant(component_appid)?.clone();
        if let Some(code) = self.consent.auth_codes.get_mut(authorization_code) {
            code.used = true;
        }
        let (token, expires_in) = self.issue_authorizer_token(component_appid, &appid, now);
        Ok(AuthorizationInfo {
            authorizer_appid: appid,
            authorizer_access_token: Some(token),
            expires_in: Some(expires_in),
            authorizer_refresh_token: Some(grant.refresh_token),
            func_info: func_info(&grant.func_ids),
        })
    }

    /// `api_authorizer_token`: a new authorizer token for the refresh token. The refresh token
    /// itself stays the same (it changes only on re-authorization); a wrong or replaced one is 61023.
    pub fn refresh_authorizer_token(
        &mut self,
        component_appid: &str,
        appid: &str,
        refresh_token: &str,
        now: i64,
    ) -> Result<ApiAuthorizerTokenResponse, WxError> {
        let grant = self.app(appid)?.grant(component_appid)?;
        if grant.refresh_token != refresh_token {
            return Err(WxError::new(61023, "refresh_token is invalid"));
        }
        let authorizer_refresh_token = grant.refresh_token.clone();
        let (authorizer_access_token, expires_in) = self.issue_authorizer_token(component_appid, appid, now);
        Ok(ApiAuthorizerTokenResponse { authorizer_access_token, expires_in, authorizer_refresh_token })
    }

    /// The merchant revokes the platform (from the MP admin site): the grant and its tokens are
    /// gone, open authorization codes die, and `unauthorized` is pushed.
    pub fn revoke_authorization(&mut self, component_appid: &str, appid: &str, now: i64) -> Result<(), WxError> {
        let app = self.app_mut(appid)?;
        app.grants.remove(component_appid).ok_or_else(|| WxError::new(61003, "component is not authorized by this account"))?;
        self.tokens.revoke_authorizer(component_appid, appid);
        self.consent.auth_codes.retain(|_, c| !(c.component_appid == component_appid && c.authorizer_appid == appid));
        let event = Event::Unauthorized(Unauthorized {
            header: ComponentHeader { app_id: component_appid.to_owned(), create_time: now },
            authorizer_appid: appid.to_owned(),
        });
        self.outbox.push(OutgoingPush { component_appid: component_appid.to_owned(), target: PushTarget::Component, xml: event.to_xml() });
        Ok(())
    }

    /// `api_get_authorizer_list`: the total and one page of the platform's authorizers, in appid order.
    pub fn authorizer_list(&self, component_appid: &str, offset: usize, count: usize) -> (usize, Vec<AuthorizerListItem>) {
        let authorized = self.apps.values().filter_map(|app| app.grants.get(component_appid).map(|g| (app, g)));
        let total = authorized.clone().count();
        let page = authorized
            .skip(offset)
            .take(count)
            .map(|(app, g)| AuthorizerListItem {
                authorizer_appid: app.appid.clone(),
                refresh_token: g.refresh_token.clone(),
                auth_time: g.auth_time,
            })
            .collect();
        (total, page)
    }

    /// `jscode2session`: a `wx.login()` code is good once. WeChat's codes come from the client
    /// library; the simulator has none, so any code of the right alphabet is taken as genuine
    /// (40029 otherwise) and a second use is 40163.
    pub fn use_login_code(&mut self, js_code: &str, now: i64) -> Result<(), WxError> {
        let well_formed = (8..=128).contains(&js_code.len()) && js_code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed {
            return Err(WxError::new(40029, "invalid code"));
        }
        self.consent.login_codes.retain(|_, used_at| now < *used_at + LOGIN_CODE_TTL_SECS);
        if self.consent.login_codes.contains_key(js_code) {
            return Err(WxError::new(40163, "code been used"));
        }
        forget_oldest(&mut self.consent.login_codes, |_| false);
        self.consent.login_codes.insert(js_code.to_owned(), now);
        Ok(())
    }
}

fn scope_allows(scope: &PageScope, appid: &str) -> bool {
    scope.accounts.lists_mini_programs() && scope.biz_appid.as_deref().is_none_or(|b| b == appid)
}

/// The sets of `wanted` the mini program can grant `component_appid`: exclusive sets it has granted
/// another platform are not available, duplicates are dropped, the order is the page's.
fn grantable(app: &MiniProgram, component_appid: &str, wanted: &[u32]) -> Vec<u32> {
    PERMISSION_SETS
        .iter()
        .filter(|s| wanted.contains(&s.id))
        .filter(|s| !s.exclusive || !app.grants.iter().any(|(other, g)| other != component_appid && g.func_ids.contains(&s.id)))
        .map(|s| s.id)
        .collect()
}

/// `redirect_uri` with `auth_code` and `expires_in` appended to its query.
fn redirect_with_code(redirect_uri: &str, auth_code: &str) -> String {
    match Url::parse(redirect_uri) {
        Ok(mut url) => {
            url.query_pairs_mut().append_pair("auth_code", auth_code).append_pair("expires_in", &AUTH_CODE_TTL_SECS.to_string());
            url.into()
        }
        // Checked to be on the launch domain, so it parses; keep WeChat's plain concatenation otherwise.
        Err(_) => format!("{redirect_uri}?auth_code={auth_code}&expires_in={AUTH_CODE_TTL_SECS}"),
    }
}

impl fmt::Display for AccountKinds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccountKinds::OfficialAccounts => "公众号",
            AccountKinds::MiniPrograms => "小程序",
            AccountKinds::Both => "公众号和小程序",
        })
    }
}
