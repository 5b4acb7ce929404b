//! API call quotas: clear_quota, quota and rid look-ups (reference §12.2).
//!
//! Every API has a daily quota per account (45009 when used up). Calls made on behalf of a mini
//! program count against that mini program; the platform's own calls against the platform. These
//! calls are about one account, identified by its own token ([`QuotaToken`]), always sent as
//! `?access_token=`.

use std::fmt;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::component::Redacted;
use super::{AuthorizerToken, Client, ComponentToken, Error, TokenParam};

/// The token of the account a quota or rid call is about: the platform's or a mini program's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaToken<'a> {
    /// The platform itself (CAT).
    Component(ComponentToken<'a>),
    /// One authorized mini program (AAT).
    Authorizer(AuthorizerToken<'a>),
}

impl<'a> QuotaToken<'a> {
    fn param(self) -> TokenParam<'a> {
        match self {
            QuotaToken::Component(cat) => cat.as_access_token(),
            QuotaToken::Authorizer(aat) => aat.param(),
        }
    }
}

impl<'a> From<ComponentToken<'a>> for QuotaToken<'a> {
    fn from(cat: ComponentToken<'a>) -> Self {
        QuotaToken::Component(cat)
    }
}

impl<'a> From<AuthorizerToken<'a>> for QuotaToken<'a> {
    fn from(aat: AuthorizerToken<'a>) -> Self {
        QuotaToken::Authorizer(aat)
    }
}

/// The body of `clear_quota`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClearQuotaRequest {
    /// The appid of the token's own account (another appid gives 40013).
    pub appid: String,
}

/// The body of `clear_quota/v2`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClearQuotaV2Request {
    /// The platform's appid.
    pub component_appid: String,
    /// The platform's AppSecret.
    pub appsecret: String,
    /// The account to reset; absent resets the platform itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
}

impl fmt::Debug for ClearQuotaV2Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClearQuotaV2Request")
            .field("component_appid", &self.component_appid)
            .field("appsecret", &Redacted(&self.appsecret))
            .field("appid", &self.appid)
            .finish()
    }
}

/// The body of `openapi/quota/get`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuotaGetRequest {
    /// The API's path, e.g. `/cgi-bin/component/api_component_token` (with the leading `/`, no host; else 76003).
    pub cgi_path: String,
}

/// The answer of `openapi/quota/get`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuotaGetResponse {
    /// Today's quota.
    pub quota: Quota,
    /// The per-interval rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The per-interval rate limit for calls made by a platform on the account's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_rate_limit: Option<RateLimit>,
}

/// An API's daily quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Quota {
    /// Calls allowed per day.
    pub daily_limit: i64,
    /// Calls made today.
    pub used: i64,
    /// Calls left today.
    pub remain: i64,
}

/// An API's rate limit: `call_count` calls per `refresh_second` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RateLimit {
    /// Calls allowed per interval.
    pub call_count: i64,
    /// The interval in seconds.
    pub refresh_second: i64,
}

/// The body of `openapi/rid/get`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RidGetRequest {
    /// The `rid` from a failed call's `errmsg` (see [`crate::api::ApiError::rid`]); kept 7 days.
    pub rid: String,
}

/// The answer of `openapi/rid/get`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RidGetResponse {
    /// The call the rid belongs to.
    pub request: RidRequest,
}

/// A recorded call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RidRequest {
    /// When it was made (Unix seconds).
    #[serde(default)]
    pub invoke_time: i64,
    /// How long it took, in milliseconds.
    #[serde(default)]
    pub cost_in_ms: i64,
    /// Its query string.
    #[serde(default)]
    pub request_url: String,
    /// Its POST body.
    #[serde(default)]
    pub request_body: String,
    /// What WeChat answered.
    #[serde(default)]
    pub response_body: String,
    /// The caller's IP.
    #[serde(default)]
    pub client_ip: String,
}

impl Client {
    /// Resets the daily call counters of the token's own account.
    ///
    /// `POST /cgi-bin/clear_quota?access_token=TOKEN` — CAT for the platform, AAT for a mini program.
    /// 10 resets per account per month.
    ///
    /// Errors: 48006 monthly reset limit reached, 40013 appid is not the token's account.
    pub async fn clear_quota(&self, token: QuotaToken<'_>, req: &ClearQuotaRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/clear_quota", token.param(), &[], req).await?;
        Ok(())
    }

    /// Resets daily call counters with the platform's secret, for when no token can be fetched any more.
    ///
    /// `POST /cgi-bin/component/clear_quota/v2` — no token; shares the 10 resets per month. Token-fetch
    /// and total-count-limited APIs cannot be reset.
    ///
    /// Errors: 48006 monthly reset limit reached, 40125 invalid appsecret, 40013 invalid appid.
    pub async fn clear_quota_v2(&self, req: &ClearQuotaV2Request) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/component/clear_quota/v2", TokenParam::None, &[], req).await?;
        Ok(())
    }

    /// An API's daily quota and rate limits for the token's account.
    ///
    /// `POST /cgi-bin/openapi/quota/get?access_token=TOKEN` — CAT or AAT.
    ///
    /// Errors: 76003 malformed `cgi_path` (host included or leading `/` missing).
    pub async fn quota_get(&self, token: QuotaToken<'_>, req: &QuotaGetRequest) -> Result<QuotaGetResponse, Error> {
        self.post_json("/cgi-bin/openapi/quota/get", token.param(), &[], req).await
    }

    /// What a failed call (identified by the `rid` in its `errmsg`) sent and received.
    ///
    /// `POST /cgi-bin/openapi/rid/get?access_token=TOKEN` — the token of the account that made the call.
    ///
    /// Errors: 76001 rid not found (older than 7 days), 76002 rid malformed, 76003 rid belongs to
    /// another account, 76022 `/sns/…` calls are not recorded.
    pub async fn rid_get(&self, token: QuotaToken<'_>, req: &RidGetRequest) -> Result<RidGetResponse, Error> {
        self.post_json("/cgi-bin/openapi/rid/get", token.param(), &[], req).await
    }
}
