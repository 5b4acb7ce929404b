//! Domains (field notes #13): the platform registers the domains its mini programs may use
//! (component token), then each mini program's server and web-view domains are set from those
//! ("registered" mode, perm 18) or without them ("direct" mode). WeChat allows 50 change requests a
//! month per list and does not report the count, so it is counted here and shown; changes take
//! effect with the next release.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use wechat::api::domain::{
    ConfirmFile, DomainAction, GetEffectiveDomainResponse, ModifyDomainRequest, ModifyDomainResponse, ModifyWxaJumpDomainRequest,
    ModifyWxaServerDomainRequest, ServerDomains, SetwebviewdomainRequest,
};
use wechat::api::{AuthorizerToken, ComponentToken};

use super::batch::{self, BatchReport};
use crate::error::{FleetError, Result};
use crate::permissions::DEVELOPMENT;
use crate::Fleet;

/// Change requests WeChat allows per month: per mini program (`modify_domain`, both modes) and per
/// platform list.
pub const MONTHLY_CHANGES: u32 = 50;

/// Whose quota a change counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuotaKind {
    App,
    PlatformServer,
    PlatformJump,
}

impl QuotaKind {
    fn as_str(self) -> &'static str {
        match self {
            QuotaKind::App => "app",
            QuotaKind::PlatformServer => "platform_server",
            QuotaKind::PlatformJump => "platform_jump",
        }
    }
}

/// This month's domain change requests (calendar month, China time, as WeChat counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DomainQuota {
    /// Change requests made this month (counted by this workspace).
    pub used: u32,
    /// [`MONTHLY_CHANGES`].
    pub limit: u32,
    /// Change requests left this month.
    pub remaining: u32,
    /// The month, `YYYY-MM` (China time).
    pub month: String,
}

/// `(year, month)` of `unix_ms` in China time (UTC+8), where WeChat's months begin.
fn year_month(unix_ms: i64) -> (i64, u32) {
    let (year, month, _) = wechat::calendar::beijing_date(unix_ms.div_euclid(1000));
    (year, month)
}

fn quota(conn: &Connection, owner: &str, kind: QuotaKind, now_ms: i64) -> Result<DomainQuota> {
    let month = year_month(now_ms);
    // A month is at most 31 days: older rows cannot be in it.
    let since = now_ms - 32 * 86_400_000;
    let mut stmt = conn.prepare("SELECT at FROM domain_changes WHERE owner = ?1 AND kind = ?2 AND at >= ?3")?;
    let times = stmt.query_map(params![owner, kind.as_str(), since], |r| r.get::<_, i64>(0))?;
    let mut used = 0u32;
    for at in times {
        if year_month(at?) == month {
            used += 1;
        }
    }
    Ok(DomainQuota {
        used,
        limit: MONTHLY_CHANGES,
        remaining: MONTHLY_CHANGES.saturating_sub(used),
        month: format!("{}-{:02}", month.0, month.1),
    })
}

impl Fleet {
    async fn domain_quota_of(&self, owner: &str, kind: QuotaKind) -> Result<DomainQuota> {
        let (owner, now) = (owner.to_owned(), self.now_ms());
        self.store().read(move |conn| quota(conn, &owner, kind, now)).await
    }

    /// Refuses before calling WeChat when this month's requests are used up.
    async fn require_domain_quota(&self, owner: &str, kind: QuotaKind) -> Result<()> {
        let quota = self.domain_quota_of(owner, kind).await?;
        if quota.remaining == 0 {
            return Err(FleetError::Conflict(format!(
                "{owner} made its {} domain change requests for {} (WeChat's monthly limit): wait for the 1st of next month (China time)",
                quota.limit, quota.month
            )));
        }
        Ok(())
    }

    async fn count_domain_change(&self, owner: &str, kind: QuotaKind) -> Result<DomainQuota> {
        let (owner, now) = (owner.to_owned(), self.now_ms());
        self.store()
            .write(move |tx| {
                tx.execute("INSERT INTO domain_changes (owner, kind, at) VALUES (?1, ?2, ?3)", params![owner, kind.as_str(), now])?;
                quota(tx, &owner, kind, now)
            })
            .await
    }

    /// A mini program's domain change requests this month (both modes).
    pub async fn domain_quota(&self, appid: &str) -> Result<DomainQuota> {
        self.domain_quota_of(appid, QuotaKind::App).await
    }

    /// A platform's change requests this month for one of its lists.
    pub async fn platform_domain_quota(&self, component_appid: &str, list: PlatformDomainList) -> Result<DomainQuota> {
        self.domain_quota_of(component_appid, list.quota_kind()).await
    }
}

/// A platform's two domain lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PlatformDomainList {
    /// Server domains (`modify_wxa_server_domain`), at most 1000.
    Server,
    /// Business / web-view domains (`modify_wxa_jump_domain`).
    Jump,
}

impl PlatformDomainList {
    fn quota_kind(self) -> QuotaKind {
        match self {
            PlatformDomainList::Server => QuotaKind::PlatformServer,
            PlatformDomainList::Jump => QuotaKind::PlatformJump,
        }
    }
}

/// A platform list after a change (or a `get`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformDomains {
    /// Domains in effect for released versions.
    pub published: Vec<String>,
    /// Domains in effect for test versions.
    pub testing: Vec<String>,
    /// Domains WeChat refused (malformed, forbidden).
    pub invalid: Vec<String>,
    /// This month's change requests for the list.
    pub quota: DomainQuota,
}

fn split(joined: Option<String>) -> Vec<String> {
    joined.unwrap_or_default().split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn check_bare_domains(domains: &[String]) -> Result<()> {
    for domain in domains {
        if domain.contains("://") || domain.contains('/') || domain.contains(';') || domain.trim().is_empty() {
            return Err(FleetError::invalid(
                "domains",
                format!("{domain:?}: the platform registers bare domains such as example.com, without https:// or a path"),
            ));
        }
    }
    Ok(())
}

/// How a mini program's domains are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DomainMode {
    /// From the platform's registered domains (`modify_domain`, `setwebviewdomain`).
    Registered,
    /// Without platform registration (`modify_domain_directly`, `setwebviewdomain_directly`).
    Direct,
}

/// A change to a mini program's server domains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DomainChange {
    /// `add`, `delete`, `set` (replace every list) or `get`.
    pub action: DomainAction,
    /// The domains, with their schemes (`https://`, `wss://`, `udp://`, `tcp://`).
    #[serde(default)]
    pub domains: ServerDomains,
}

fn lists(domains: &ServerDomains) -> [(&'static str, &'static str, &Vec<String>); 6] {
    [
        ("requestdomain", "https://", &domains.requestdomain),
        ("wsrequestdomain", "wss://", &domains.wsrequestdomain),
        ("uploaddomain", "https://", &domains.uploaddomain),
        ("downloaddomain", "https://", &domains.downloaddomain),
        ("udpdomain", "udp://", &domains.udpdomain),
        ("tcpdomain", "tcp://", &domains.tcpdomain),
    ]
}

/// Catches the usual mistakes (`wss://https://…`, a path, a missing scheme) before WeChat answers
/// 85301 for them.
fn check_server_domains(change: &DomainChange) -> Result<()> {
    let mut given = 0;
    for (field, scheme, list) in lists(&change.domains) {
        for domain in list {
            given += 1;
            let host = domain.strip_prefix(scheme).unwrap_or("");
            if host.is_empty() || host.contains("://") || host.trim_end_matches('/').contains('/') {
                return Err(FleetError::invalid(field, format!("{domain:?}: expected {scheme}host[:port], without a path")));
            }
        }
    }
    if given == 0 && matches!(change.action, DomainAction::Add | DomainAction::Delete) {
        return Err(FleetError::invalid("domains", "name at least one domain to add or delete"));
    }
    Ok(())
}

fn modify_request(change: &DomainChange) -> ModifyDomainRequest {
    let d = &change.domains;
    let list = |l: &Vec<String>| match change.action {
        DomainAction::Get => None,
        // `set` replaces every list: an absent one is sent empty, so it is cleared on purpose.
        DomainAction::Set => Some(l.clone()),
        DomainAction::Add | DomainAction::Delete => (!l.is_empty()).then(|| l.clone()),
    };
    ModifyDomainRequest {
        action: change.action,
        requestdomain: list(&d.requestdomain),
        wsrequestdomain: list(&d.wsrequestdomain),
        uploaddomain: list(&d.uploaddomain),
        downloaddomain: list(&d.downloaddomain),
        udpdomain: list(&d.udpdomain),
        tcpdomain: list(&d.tcpdomain),
    }
}

fn check_webview_domains(action: DomainAction, domains: &[String]) -> Result<()> {
    for domain in domains {
        let host = domain.strip_prefix("https://").unwrap_or("");
        if host.is_empty() || host.contains("://") || host.trim_end_matches('/').contains('/') {
            return Err(FleetError::invalid("webviewdomain", format!("{domain:?}: expected https://host, without a path")));
        }
    }
    if domains.is_empty() && matches!(action, DomainAction::Add | DomainAction::Delete) {
        return Err(FleetError::invalid("webviewdomain", "name at least one domain to add or delete"));
    }
    Ok(())
}

/// A mini program's server domains after a change, with its quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppDomains {
    /// WeChat's answer: the lists now, and what it refused (`invalid_*`, `no_icp_domain`).
    pub domains: ModifyDomainResponse,
    /// This month's change requests of the mini program.
    pub quota: DomainQuota,
}

fn action_name(action: DomainAction) -> &'static str {
    match action {
        DomainAction::Add => "add",
        DomainAction::Delete => "delete",
        DomainAction::Set => "set",
        DomainAction::Get => "get",
    }
}

impl Fleet {
    /// Registers (or lists, with `get`) domains on the platform: server domains, or business
    /// (web-view) domains. `published_too` changes the released versions' list as well as the test
    /// versions'. Counts against the list's 50 requests a month.
    pub async fn platform_domains(
        &self,
        component_appid: &str,
        list: PlatformDomainList,
        action: DomainAction,
        domains: &[String],
        published_too: bool,
    ) -> Result<PlatformDomains> {
        let outcome = self.platform_domains_inner(component_appid, list, action, domains, published_too).await;
        if action != DomainAction::Get {
            let name = match list {
                PlatformDomainList::Server => "platform.domains.server",
                PlatformDomainList::Jump => "platform.domains.jump",
            };
            self.record(name, &[], &outcome, &format!("{component_appid} {} {}", action_name(action), domains.join(";"))).await;
        }
        outcome
    }

    async fn platform_domains_inner(
        &self,
        component_appid: &str,
        list: PlatformDomainList,
        action: DomainAction,
        domains: &[String],
        published_too: bool,
    ) -> Result<PlatformDomains> {
        check_bare_domains(domains)?;
        self.platform(component_appid).await?;
        let changes = action != DomainAction::Get;
        if changes {
            self.require_domain_quota(component_appid, list.quota_kind()).await?;
        }
        let joined = (!domains.is_empty()).then(|| domains.join(";"));
        let together = changes.then_some(published_too);
        let (published, testing, invalid) = match list {
            PlatformDomainList::Server => {
                let request = ModifyWxaServerDomainRequest { action, wxa_server_domain: joined, is_modify_published_together: together };
                let r = self
                    .with_component_token(component_appid, |api, cat| {
                        let request = request.clone();
                        async move { api.modify_wxa_server_domain(ComponentToken(&cat), &request).await }
                    })
                    .await?;
                (r.published_wxa_server_domain, r.testing_wxa_server_domain, r.invalid_wxa_server_domain)
            }
            PlatformDomainList::Jump => {
                let request = ModifyWxaJumpDomainRequest { action, wxa_jump_h5_domain: joined, is_modify_published_together: together };
                let r = self
                    .with_component_token(component_appid, |api, cat| {
                        let request = request.clone();
                        async move { api.modify_wxa_jump_domain(ComponentToken(&cat), &request).await }
                    })
                    .await?;
                (r.published_wxa_jump_h5_domain, r.testing_wxa_jump_h5_domain, r.invalid_wxa_jump_h5_domain)
            }
        };
        let quota = if changes {
            self.count_domain_change(component_appid, list.quota_kind()).await?
        } else {
            self.platform_domain_quota(component_appid, list).await?
        };
        Ok(PlatformDomains { published: split(published), testing: split(testing), invalid: split(invalid), quota })
    }

    /// A mini program's server domains as set in `mode` (perm 18).
    pub async fn app_domains(&self, appid: &str, mode: DomainMode) -> Result<ModifyDomainResponse> {
        self.modify_domain(appid, mode, ModifyDomainRequest { action: DomainAction::Get, ..ModifyDomainRequest::default() }).await
    }

    async fn modify_domain(&self, appid: &str, mode: DomainMode, request: ModifyDomainRequest) -> Result<ModifyDomainResponse> {
        self.call_app(appid, DEVELOPMENT, |api, aat| {
            let request = request.clone();
            async move {
                match mode {
                    DomainMode::Registered => api.modify_domain(AuthorizerToken(&aat), &request).await,
                    DomainMode::Direct => api.modify_domain_directly(AuthorizerToken(&aat), &request).await,
                }
            }
        })
        .await
    }

    /// Changes a mini program's server domains (perm 18). Registered mode takes only domains the
    /// platform registered; direct mode any with ICP filing. Counts against the mini program's 50
    /// requests a month (refused here once they are used up).
    pub async fn set_app_domains(&self, appid: &str, mode: DomainMode, change: &DomainChange) -> Result<AppDomains> {
        let outcome = self.set_app_domains_inner(appid, mode, change).await;
        if change.action != DomainAction::Get {
            let detail = format!("{mode:?} {}", action_name(change.action)).to_lowercase();
            self.record("app.domains.set", &[appid.to_owned()], &outcome, &detail).await;
        }
        outcome
    }

    async fn set_app_domains_inner(&self, appid: &str, mode: DomainMode, change: &DomainChange) -> Result<AppDomains> {
        check_server_domains(change)?;
        let changes = change.action != DomainAction::Get;
        if changes {
            self.require_permission(appid, DEVELOPMENT).await?;
            self.require_domain_quota(appid, QuotaKind::App).await?;
        }
        let domains = self.modify_domain(appid, mode, modify_request(change)).await?;
        let quota = if changes { self.count_domain_change(appid, QuotaKind::App).await? } else { self.domain_quota(appid).await? };
        Ok(AppDomains { domains, quota })
    }

    /// [`Fleet::set_app_domains`] for many mini programs: each one's result.
    pub async fn apply_app_domains(&self, appids: &[String], mode: DomainMode, change: &DomainChange) -> Result<BatchReport<AppDomains>> {
        check_server_domains(change)?;
        Ok(batch::for_each(appids, |appid| async move { self.set_app_domains(&appid, mode, change).await }).await)
    }

    /// A mini program's business (web-view) domains as set in `mode` (perm 18).
    pub async fn webview_domains(&self, appid: &str, mode: DomainMode) -> Result<Vec<String>> {
        self.setwebviewdomain(appid, mode, DomainAction::Get, &[]).await
    }

    async fn setwebviewdomain(&self, appid: &str, mode: DomainMode, action: DomainAction, domains: &[String]) -> Result<Vec<String>> {
        let request = SetwebviewdomainRequest { action, webviewdomain: (action != DomainAction::Get).then(|| domains.to_vec()) };
        let answer = self
            .call_app(appid, DEVELOPMENT, |api, aat| {
                let request = request.clone();
                async move {
                    match mode {
                        DomainMode::Registered => api.setwebviewdomain(AuthorizerToken(&aat), &request).await,
                        DomainMode::Direct => api.setwebviewdomain_directly(AuthorizerToken(&aat), &request).await,
                    }
                }
            })
            .await?;
        Ok(answer.webviewdomain)
    }

    /// Changes a mini program's business (web-view) domains (perm 18; `https://host`). Registered
    /// mode takes the platform's business domains and their subdomains; direct mode needs the
    /// verification file served on the domain ([`wechat::api::Client::get_webviewdomain_confirmfile`]).
    pub async fn set_webview_domains(
        &self,
        appid: &str,
        mode: DomainMode,
        action: DomainAction,
        domains: &[String],
    ) -> Result<Vec<String>> {
        let outcome = async {
            check_webview_domains(action, domains)?;
            self.setwebviewdomain(appid, mode, action, domains).await
        }
        .await;
        if action != DomainAction::Get {
            let detail = format!("{} {} {}", format!("{mode:?}").to_lowercase(), action_name(action), domains.join(";"));
            self.record("app.webview_domains.set", &[appid.to_owned()], &outcome, &detail).await;
        }
        outcome
    }

    /// [`Fleet::set_webview_domains`] for many mini programs: each one's result.
    pub async fn apply_webview_domains(
        &self,
        appids: &[String],
        mode: DomainMode,
        action: DomainAction,
        domains: &[String],
    ) -> Result<BatchReport<Vec<String>>> {
        check_webview_domains(action, domains)?;
        Ok(batch::for_each(appids, |appid| async move { self.set_webview_domains(&appid, mode, action, domains).await }).await)
    }

    /// The verification file the platform's business domains must serve at their root before
    /// `modify_wxa_jump_domain` accepts them (component token).
    pub async fn platform_confirm_file(&self, component_appid: &str) -> Result<ConfirmFile> {
        self.with_component_token(component_appid, |api, cat| async move { api.get_domain_confirmfile(ComponentToken(&cat)).await }).await
    }

    /// The verification file a mini program's business domain must serve at its root for direct
    /// mode (`setwebviewdomain_directly`, perm 18).
    pub async fn webview_confirm_file(&self, appid: &str) -> Result<ConfirmFile> {
        self.call_app(appid, DEVELOPMENT, |api, aat| async move { api.get_webviewdomain_confirmfile(AuthorizerToken(&aat)).await }).await
    }

    /// The server domains in effect (the union of the platform-registered and direct ones) — what
    /// the next release will use (perm 18).
    pub async fn effective_domains(&self, appid: &str) -> Result<GetEffectiveDomainResponse> {
        self.call_app(appid, DEVELOPMENT, |api, aat| async move { api.get_effective_domain(AuthorizerToken(&aat)).await }).await
    }
}

#[cfg(test)]
mod tests {
    use super::year_month;

    #[test]
    fn months_begin_in_china_time() {
        // 2025-01-31T16:00:00Z is 2025-02-01 00:00 in Beijing.
        assert_eq!(year_month(1_738_339_200_000), (2025, 2));
        assert_eq!(year_month(1_738_339_199_999), (2025, 1));
        assert_eq!(year_month(0), (1970, 1));
    }
}
