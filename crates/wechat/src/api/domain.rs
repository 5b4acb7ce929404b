//! Domains, platform level and per mini program (reference §6).
//!
//! A mini program authorized to a platform may only use domains the platform registered first
//! (platform level, CAT: [`Client::modify_wxa_server_domain`], [`Client::modify_wxa_jump_domain`]).
//! The mini program's own lists are then set with its AAT ([`Client::modify_domain`],
//! [`Client::setwebviewdomain`]), or directly without the platform registration (the `_directly`
//! forms); [`Client::get_effective_domain`] shows what will actually apply after release.

use serde::{Deserialize, Serialize};

use super::{AuthorizerToken, Client, ComponentToken, Error};

/// What a domain call does with the lists it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum DomainAction {
    /// Add to the lists.
    Add,
    /// Remove from the lists (removing an absent domain succeeds).
    Delete,
    /// Replace the lists.
    Set,
    /// Only read the lists.
    #[default]
    Get,
}

/// The body of `modify_wxa_server_domain`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyWxaServerDomainRequest {
    /// What to do.
    pub action: DomainAction,
    /// "a.com;b.com": no scheme, no path, at most 1000; not needed for `get`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wxa_server_domain: Option<String>,
    /// `true` changes the published platform version too, `false` (default) only the test version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_modify_published_together: Option<bool>,
}

/// The answer of `modify_wxa_server_domain` (";"-joined lists).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyWxaServerDomainResponse {
    /// The published platform version's server domains (absent when there is none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_wxa_server_domain: Option<String>,
    /// The test version's server domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub testing_wxa_server_domain: Option<String>,
    /// Domains that were refused (no ICP filing, bad format, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_wxa_server_domain: Option<String>,
}

/// The body of `modify_wxa_jump_domain`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyWxaJumpDomainRequest {
    /// What to do.
    pub action: DomainAction,
    /// "a.com;b.com": no scheme, no path, at most 200 (newer doc: 300); not needed for `get`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wxa_jump_h5_domain: Option<String>,
    /// `true` changes the published platform version too, `false` (default) only the test version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_modify_published_together: Option<bool>,
}

/// The answer of `modify_wxa_jump_domain` (";"-joined lists).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyWxaJumpDomainResponse {
    /// The published platform version's business domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_wxa_jump_h5_domain: Option<String>,
    /// The test version's business domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub testing_wxa_jump_h5_domain: Option<String>,
    /// Domains that were refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_wxa_jump_h5_domain: Option<String>,
}

/// A domain verification file: serve `file_content` as `https://{domain}/{file_name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfirmFile {
    /// The file name (at the domain's root).
    pub file_name: String,
    /// The file's exact content.
    pub file_content: String,
}

/// The answer of `get_domain_confirmfile` (the platform's business-domain file).
pub type GetDomainConfirmfileResponse = ConfirmFile;

/// The answer of `get_webviewdomain_confirmfile` (one mini program's business-domain file).
pub type GetWebviewdomainConfirmfileResponse = ConfirmFile;

/// The body of `modify_domain` (and `modify_domain_directly`). Lists are not needed for `get`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyDomainRequest {
    /// What to do.
    pub action: DomainAction,
    /// `wx.request` domains (`https://…`), at most 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requestdomain: Option<Vec<String>>,
    /// Socket domains (`wss://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsrequestdomain: Option<Vec<String>>,
    /// `uploadFile` domains (`https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaddomain: Option<Vec<String>>,
    /// `downloadFile` domains (`https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloaddomain: Option<Vec<String>>,
    /// UDP domains (`udp://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udpdomain: Option<Vec<String>>,
    /// TCP domains (`tcp://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcpdomain: Option<Vec<String>>,
}

/// The body of `modify_domain_directly`: the same shape as `modify_domain`.
pub type ModifyDomainDirectlyRequest = ModifyDomainRequest;

/// The answer of `modify_domain`: the lists now set, and what was refused.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyDomainResponse {
    /// `wx.request` domains.
    #[serde(default)]
    pub requestdomain: Vec<String>,
    /// Socket domains.
    #[serde(default)]
    pub wsrequestdomain: Vec<String>,
    /// `uploadFile` domains.
    #[serde(default)]
    pub uploaddomain: Vec<String>,
    /// `downloadFile` domains.
    #[serde(default)]
    pub downloaddomain: Vec<String>,
    /// UDP domains.
    #[serde(default)]
    pub udpdomain: Vec<String>,
    /// TCP domains.
    #[serde(default)]
    pub tcpdomain: Vec<String>,
    /// Refused `wx.request` domains.
    #[serde(default)]
    pub invalid_requestdomain: Vec<String>,
    /// Refused socket domains.
    #[serde(default)]
    pub invalid_wsrequestdomain: Vec<String>,
    /// Refused `uploadFile` domains.
    #[serde(default)]
    pub invalid_uploaddomain: Vec<String>,
    /// Refused `downloadFile` domains.
    #[serde(default)]
    pub invalid_downloaddomain: Vec<String>,
    /// Refused UDP domains.
    #[serde(default)]
    pub invalid_udpdomain: Vec<String>,
    /// Refused TCP domains.
    #[serde(default)]
    pub invalid_tcpdomain: Vec<String>,
    /// Domains without ICP filing.
    #[serde(default)]
    pub no_icp_domain: Vec<String>,
}

/// The answer of `modify_domain_directly`: the same shape as `modify_domain`'s.
pub type ModifyDomainDirectlyResponse = ModifyDomainResponse;

/// The body of `setwebviewdomain` (and `setwebviewdomain_directly`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetwebviewdomainRequest {
    /// What to do.
    pub action: DomainAction,
    /// Business domains as `https://…` URLs; not needed for `get`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webviewdomain: Option<Vec<String>>,
}

/// The body of `setwebviewdomain_directly`: the same shape as `setwebviewdomain`.
pub type SetwebviewdomainDirectlyRequest = SetwebviewdomainRequest;

/// The answer of `setwebviewdomain`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetwebviewdomainResponse {
    /// The business domains now set (returned for `get`).
    #[serde(default)]
    pub webviewdomain: Vec<String>,
}

/// The answer of `setwebviewdomain_directly`: the same shape as `setwebviewdomain`'s.
pub type SetwebviewdomainDirectlyResponse = SetwebviewdomainResponse;

/// The answer of `get_effective_domain`: the server domains by where they were configured.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetEffectiveDomainResponse {
    /// Configured on the MP admin site.
    #[serde(default)]
    pub mp_domain: ServerDomains,
    /// Configured through the platform's `modify_domain`.
    #[serde(default)]
    pub third_domain: ServerDomains,
    /// Configured through `modify_domain_directly`.
    #[serde(default)]
    pub direct_domain: ServerDomains,
    /// What applies after the next commit or release.
    #[serde(default)]
    pub effective_domain: ServerDomains,
}

/// The six server-domain lists.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServerDomains {
    /// `wx.request` domains.
    #[serde(default)]
    pub requestdomain: Vec<String>,
    /// Socket domains.
    #[serde(default)]
    pub wsrequestdomain: Vec<String>,
    /// `uploadFile` domains.
    #[serde(default)]
    pub uploaddomain: Vec<String>,
    /// `downloadFile` domains.
    #[serde(default)]
    pub downloaddomain: Vec<String>,
    /// UDP domains.
    #[serde(default)]
    pub udpdomain: Vec<String>,
    /// TCP domains.
    #[serde(default)]
    pub tcpdomain: Vec<String>,
}

/// The answer of `get_effective_webviewdomain`: the business domains by where they were configured.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetEffectiveWebviewdomainResponse {
    /// Configured on the MP admin site.
    #[serde(default)]
    pub mp_webviewdomain: Vec<String>,
    /// Configured through the platform's `setwebviewdomain`.
    #[serde(default)]
    pub third_webviewdomain: Vec<String>,
    /// Configured through `setwebviewdomain_directly`.
    #[serde(default)]
    pub direct_webviewdomain: Vec<String>,
    /// What applies after the next commit or release.
    #[serde(default)]
    pub effective_webviewdomain: Vec<String>,
}

/// The empty body some calls want.
#[derive(Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct EmptyBody {}

impl Client {
    /// Registers (or reads) the server domains the platform may hand to its mini programs.
    ///
    /// `POST /cgi-bin/component/modify_wxa_server_domain?access_token=CAT`. 50 changes per month;
    /// domains need ICP filing.
    ///
    /// Errors: 40001 / 42001 CAT invalid or expired, -1 system error.
    pub async fn modify_wxa_server_domain(
        &self,
        cat: ComponentToken<'_>,
        req: &ModifyWxaServerDomainRequest,
    ) -> Result<ModifyWxaServerDomainResponse, Error> {
        self.post_json("/cgi-bin/component/modify_wxa_server_domain", cat.as_access_token(), &[], req).await
    }

    /// Registers (or reads) the business (web-view) domains the platform may hand to its mini programs;
    /// each needs the platform's verification file ([`Client::get_domain_confirmfile`]) at its root.
    ///
    /// `POST /cgi-bin/component/modify_wxa_jump_domain?access_token=CAT`.
    ///
    /// Errors: 40001 / 42001 CAT invalid or expired, -1 system error (often: the verification file is
    /// not reachable).
    pub async fn modify_wxa_jump_domain(
        &self,
        cat: ComponentToken<'_>,
        req: &ModifyWxaJumpDomainRequest,
    ) -> Result<ModifyWxaJumpDomainResponse, Error> {
        self.post_json("/cgi-bin/component/modify_wxa_jump_domain", cat.as_access_token(), &[], req).await
    }

    /// The platform's business-domain verification file.
    ///
    /// `POST /cgi-bin/component/get_domain_confirmfile?access_token=CAT`, body `{}`.
    ///
    /// Errors: 40001 / 42001 CAT invalid or expired.
    pub async fn get_domain_confirmfile(&self, cat: ComponentToken<'_>) -> Result<GetDomainConfirmfileResponse, Error> {
        self.post_json("/cgi-bin/component/get_domain_confirmfile", cat.as_access_token(), &[], &EmptyBody {}).await
    }

    /// Sets (or reads) a mini program's server domains from the platform's registered ones.
    ///
    /// `POST /wxa/modify_domain?access_token=AAT` — perm 18. Each list ≤ 200, 50 changes per month;
    /// no IPs, `api.weixin.qq.com` forbidden.
    ///
    /// Errors: 85015 not a mini program, 85016 too many domains, 85017 nothing to change / not on the
    /// platform, 85018 not set on the platform, 85301 nothing valid left after filtering (often a scheme
    /// mistake such as `wss://https://…`).
    pub async fn modify_domain(&self, aat: AuthorizerToken<'_>, req: &ModifyDomainRequest) -> Result<ModifyDomainResponse, Error> {
        self.post_json("/wxa/modify_domain", aat.param(), &[], req).await
    }

    /// Sets (or reads) a mini program's server domains without registering them on the platform;
    /// they take effect with the next commit or release.
    ///
    /// `POST /wxa/modify_domain_directly?access_token=AAT` — perm 18.
    ///
    /// Errors: 85015 not a mini program, 85016 too many domains, 85017 nothing to change, 85301 nothing
    /// valid left after filtering.
    pub async fn modify_domain_directly(
        &self,
        aat: AuthorizerToken<'_>,
        req: &ModifyDomainDirectlyRequest,
    ) -> Result<ModifyDomainDirectlyResponse, Error> {
        self.post_json("/wxa/modify_domain_directly", aat.param(), &[], req).await
    }

    /// Sets (or reads) a mini program's business (web-view) domains from the platform's registered ones.
    ///
    /// `POST /wxa/setwebviewdomain?access_token=AAT` — perm 18.
    ///
    /// Errors: 89019 nothing changed, 89020 platform has no business domain, 89021 not a platform domain
    /// or subdomain, 89029 too many (max 100), 89231 personal mini programs cannot use it.
    pub async fn setwebviewdomain(
        &self,
        aat: AuthorizerToken<'_>,
        req: &SetwebviewdomainRequest,
    ) -> Result<SetwebviewdomainResponse, Error> {
        self.post_json("/wxa/setwebviewdomain", aat.param(), &[], req).await
    }

    /// Sets (or reads) a mini program's business domains without registering them on the platform;
    /// each needs the mini program's verification file ([`Client::get_webviewdomain_confirmfile`]).
    ///
    /// `POST /wxa/setwebviewdomain_directly?access_token=AAT` — perm 18.
    ///
    /// Errors: 89019 nothing changed, 89029 too many, 89231 personal mini programs cannot use it.
    pub async fn setwebviewdomain_directly(
        &self,
        aat: AuthorizerToken<'_>,
        req: &SetwebviewdomainDirectlyRequest,
    ) -> Result<SetwebviewdomainDirectlyResponse, Error> {
        self.post_json("/wxa/setwebviewdomain_directly", aat.param(), &[], req).await
    }

    /// The mini program's business-domain verification file.
    ///
    /// `POST /wxa/get_webviewdomain_confirmfile?access_token=AAT`, body `{}` — perm 18.
    ///
    /// Errors: 40001 / 42001 token invalid or expired.
    pub async fn get_webviewdomain_confirmfile(&self, aat: AuthorizerToken<'_>) -> Result<GetWebviewdomainConfirmfileResponse, Error> {
        self.post_json("/wxa/get_webviewdomain_confirmfile", aat.param(), &[], &EmptyBody {}).await
    }

    /// The server domains by origin, and those that will apply after release.
    ///
    /// `POST /wxa/get_effective_domain?access_token=AAT`, body `{}` — perm 18.
    ///
    /// Errors: 40001 / 42001 token invalid or expired.
    pub async fn get_effective_domain(&self, aat: AuthorizerToken<'_>) -> Result<GetEffectiveDomainResponse, Error> {
        self.post_json("/wxa/get_effective_domain", aat.param(), &[], &EmptyBody {}).await
    }

    /// The business domains by origin, and those that will apply after release.
    ///
    /// `POST /wxa/get_effective_webviewdomain?access_token=AAT`, body `{}` — perm 18.
    ///
    /// Errors: 40001 / 42001 token invalid or expired.
    pub async fn get_effective_webviewdomain(&self, aat: AuthorizerToken<'_>) -> Result<GetEffectiveWebviewdomainResponse, Error> {
        self.post_json("/wxa/get_effective_webviewdomain", aat.param(), &[], &EmptyBody {}).await
    }
}
