//! The platform itself: component token, pre-auth code, ticket push, jscode2session (reference §2.1, §3.1, §3.2, §3.9).
//!
//! These calls act as the platform, never on behalf of a mini program: they take no token at all
//! (getting the token, starting the ticket push) or the platform's own [`ComponentToken`].

use std::fmt;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{Client, ComponentToken, Error, TokenParam};

/// How a secret field prints in `Debug` output: its first six characters, like the token types.
pub(crate) struct Redacted<'a>(pub(crate) &'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(6).collect();
        write!(f, "\"{prefix}…\"")
    }
}

/// The body of `api_component_token`: the platform's credentials and the latest pushed ticket.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiComponentTokenRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The platform's AppSecret.
    pub component_appsecret: String,
    /// The latest `component_verify_ticket` WeChat pushed (every 10 minutes, §2.1).
    pub component_verify_ticket: String,
}

impl fmt::Debug for ApiComponentTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiComponentTokenRequest")
            .field("component_appid", &self.component_appid)
            .field("component_appsecret", &Redacted(&self.component_appsecret))
            .field("component_verify_ticket", &Redacted(&self.component_verify_ticket))
            .finish()
    }
}

/// The answer of `api_component_token`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiComponentTokenResponse {
    /// The platform's token (CAT).
    pub component_access_token: String,
    /// Seconds until it expires (7200).
    pub expires_in: i64,
}

impl fmt::Debug for ApiComponentTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiComponentTokenResponse")
            .field("component_access_token", &Redacted(&self.component_access_token))
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The body of `api_create_preauthcode`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiCreatePreauthcodeRequest {
    /// The platform's appid.
    pub component_appid: String,
}

/// The answer of `api_create_preauthcode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiCreatePreauthcodeResponse {
    /// The code for one consent page (`preauthcode@@@…`); usable once.
    pub pre_auth_code: String,
    /// Seconds until it expires; the docs disagree (600 or 1800), so this value is the one to trust.
    pub expires_in: i64,
}

/// The body of `api_start_push_ticket`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiStartPushTicketRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The platform's AppSecret.
    pub component_secret: String,
}

impl fmt::Debug for ApiStartPushTicketRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiStartPushTicketRequest")
            .field("component_appid", &self.component_appid)
            .field("component_secret", &Redacted(&self.component_secret))
            .finish()
    }
}

/// The query of `jscode2session` (besides the fixed `grant_type=authorization_code` and the token).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Jscode2sessionRequest {
    /// The mini program's appid.
    pub appid: String,
    /// The code `wx.login()` returned inside the mini program.
    pub js_code: String,
    /// The platform's appid.
    pub component_appid: String,
}

/// The answer of `jscode2session`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Jscode2sessionResponse {
    /// The user's openid in this mini program.
    pub openid: String,
    /// The session key that decrypts `wx.getUserInfo` data; never send it to the client.
    pub session_key: String,
    /// The user's unionid, when the mini program is bound to an Open Platform account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unionid: Option<String>,
}

impl fmt::Debug for Jscode2sessionResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jscode2sessionResponse")
            .field("openid", &self.openid)
            .field("session_key", &Redacted(&self.session_key))
            .field("unionid", &self.unionid)
            .finish()
    }
}

impl Client {
    /// Gets the platform's token (CAT) with its secret and the latest verify ticket.
    ///
    /// `POST /cgi-bin/component/api_component_token` — no token; the calling IP must be whitelisted.
    ///
    /// Errors: 61004 client IP not whitelisted, 61005 ticket expired, 61006 ticket invalid, 61011 invalid
    /// component, 40125 invalid appsecret, 41004 secret missing, 45009 daily limit reached.
    pub async fn api_component_token(&self, req: &ApiComponentTokenRequest) -> Result<ApiComponentTokenResponse, Error> {
        self.post_json("/cgi-bin/component/api_component_token", TokenParam::None, &[], req).await
    }

    /// Creates a pre-auth code for one consent page ([`crate::api::auth::ConsentPage`]).
    ///
    /// `POST /cgi-bin/component/api_create_preauthcode?component_access_token=CAT`.
    ///
    /// Errors: 40001 / 42001 token invalid or expired, 61011 invalid component.
    pub async fn api_create_preauthcode(
        &self,
        cat: ComponentToken<'_>,
        req: &ApiCreatePreauthcodeRequest,
    ) -> Result<ApiCreatePreauthcodeResponse, Error> {
        self.post_json("/cgi-bin/component/api_create_preauthcode", cat.as_component_access_token(), &[], req).await
    }

    /// Asks WeChat to (re)start pushing `component_verify_ticket` now instead of within 10 minutes.
    ///
    /// `POST /cgi-bin/component/api_start_push_ticket` — no token.
    ///
    /// Errors: 61004 client IP not whitelisted, 40125 invalid secret.
    pub async fn api_start_push_ticket(&self, req: &ApiStartPushTicketRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/component/api_start_push_ticket", TokenParam::None, &[], req).await?;
        Ok(())
    }

    /// Exchanges a mini program's `wx.login()` code for the user's openid and session key, as the platform.
    ///
    /// `GET /sns/component/jscode2session?appid=…&js_code=…&grant_type=authorization_code&component_appid=…&component_access_token=CAT`
    /// — the mini-program login permission set (id 20 in SDK lists, not re-checked in the docs).
    ///
    /// Errors: 40029 invalid code, 40163 code already used, 45011 too frequent.
    pub async fn jscode2session(&self, cat: ComponentToken<'_>, req: &Jscode2sessionRequest) -> Result<Jscode2sessionResponse, Error> {
        let query = [
            ("appid", req.appid.as_str()),
            ("js_code", req.js_code.as_str()),
            ("grant_type", "authorization_code"),
            ("component_appid", req.component_appid.as_str()),
        ];
        self.get_json("/sns/component/jscode2session", cat.as_component_access_token(), &query).await
    }
}
