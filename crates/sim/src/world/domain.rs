//! Domains: those registered on the platform, and each mini program's own (reference §6).
//!
//! Domains take effect only when a version is released (or committed, for the trial version);
//! the simulator does not model that delay: "effective" is what the mini program has set, through
//! the platform (`modify_domain`, `setwebviewdomain`) and directly (the `_directly` forms), merged —
//! the shape WxJava's `get_effective_domain` result has. Domains set on the MP admin site are not
//! simulated (`mp_domain` is always empty).
//!
//! Mini programs authorized to a platform may only use the domains of the platform's *published*
//! configuration (`is_modify_published_together: true`); the test configuration applies only to the
//! platform's own test mini programs, which are not simulated.

use serde::{Deserialize, Serialize};
use wechat::api::domain::{
    ConfirmFile, DomainAction, GetEffectiveDomainResponse, GetEffectiveWebviewdomainResponse, ModifyDomainRequest, ModifyDomainResponse,
    ModifyWxaJumpDomainResponse, ModifyWxaServerDomainResponse, ServerDomains, SetwebviewdomainRequest, SetwebviewdomainResponse,
};

use super::profile::period;
use super::World;
use crate::WxError;

/// Server domains a platform may register.
pub const PLATFORM_SERVER_MAX: usize = 1000;
/// Business (jump) domains a platform may register (newer doc; the legacy doc says 200).
pub const PLATFORM_JUMP_MAX: usize = 300;
/// Domains per list of a mini program.
pub const APP_LIST_MAX: usize = 200;
/// Business domains of a mini program (the global code list: "最多可以添加100个业务域名").
pub const APP_WEBVIEW_MAX: usize = 100;
/// Modification requests per calendar month, per endpoint family.
pub const CHANGES_PER_MONTH: usize = 50;

/// The server and business (jump) domains registered on one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlatformDomains {
    /// Server domains of the test configuration.
    pub server_testing: Vec<String>,
    /// Server domains of the published configuration (what authorized mini programs may use).
    pub server_published: Vec<String>,
    /// Business domains of the test configuration.
    pub jump_testing: Vec<String>,
    /// Business domains of the published configuration.
    pub jump_published: Vec<String>,
    /// When each `modify_wxa_server_domain` change happened.
    pub server_changes: Vec<i64>,
    /// When each `modify_wxa_jump_domain` change happened.
    pub jump_changes: Vec<i64>,
}

/// The domains of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AppDomains {
    /// Server domains set through the platform (`modify_domain`).
    pub third: ServerDomains,
    /// Server domains set directly (`modify_domain_directly`).
    pub direct: ServerDomains,
    /// Business domains set through the platform (`setwebviewdomain`).
    pub third_webview: Vec<String>,
    /// Business domains set directly (`setwebviewdomain_directly`).
    pub direct_webview: Vec<String>,
    /// When each server-domain change happened.
    pub changes: Vec<i64>,
}

/// Whether `host` is a domain name (not an IP, labels of letters, digits and `-`, a letter TLD).
fn is_domain_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let tld_ok = labels.last().is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
    host.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

/// Hosts no mini program may use.
const FORBIDDEN_HOSTS: &[&str] = &["api.weixin.qq.com"];

/// `host` is `registered` or one of its subdomains.
fn covered_by(host: &str, registered: &[String]) -> bool {
    registered.iter().any(|r| host == r || host.ends_with(&format!(".{r}")))
}

/// The simulator's stand-in for the ICP filing check: hosts with a `noicp` label have none.
fn has_icp(host: &str) -> bool {
    !host.split('.').any(|l| l == "noicp")
}

fn month_count(times: &[i64], now: i64) -> usize {
    period::count_in_month(times, now)
}

fn monthly_quota_error() -> WxError {
    // No documented code for the 50-a-month limit; 45009 (quota reached) is the closest.
    WxError::new(45009, "reach max api monthly quota limit: 50 domain modifications a month")
}

/// One platform-level list change: the platform's lists are ";"-joined bare domains.
struct PlatformChange<'a> {
    action: DomainAction,
    input: Option<&'a str>,
    together: bool,
    max: usize,
}

/// Applies `change` to the two lists; returns the refused (malformed) domains.
fn change_platform_lists(
    testing: &mut Vec<String>,
    published: &mut Vec<String>,
    change: &PlatformChange<'_>,
) -> Result<Vec<String>, WxError> {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for raw in change.input.unwrap_or("").split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let host = raw.to_ascii_lowercase();
        if is_domain_name(&host) && !FORBIDDEN_HOSTS.contains(&host.as_str()) {
            if !valid.contains(&host) {
                valid.push(host);
            }
        } else {
            invalid.push(raw.to_owned());
        }
    }
    let apply = |list: &mut Vec<String>| match change.action {
        DomainAction::Get => {}
        DomainAction::Add => list.extend(valid.iter().filter(|d| !list.contains(d)).cloned().collect::<Vec<_>>()),
        DomainAction::Delete => list.retain(|d| !valid.contains(d)),
        DomainAction::Set => list.clone_from(&valid),
    };
    let (mut new_testing, mut new_published) = (testing.clone(), published.clone());
    apply(&mut new_testing);
    if change.together {
        apply(&mut new_published);
    }
    if new_testing.len() > change.max || new_published.len() > change.max {
        return Err(WxError::new(85016, format!("exceed valid domain count limit (at most {})", change.max)));
    }
    *testing = new_testing;
    *published = new_published;
    Ok(invalid)
}

fn joined(list: &[String]) -> String {
    list.join(";")
}

/// `POST /cgi-bin/component/modify_wxa_server_domain`.
pub fn modify_wxa_server_domain(
    world: &mut World,
    component_appid: &str,
    action: DomainAction,
    domains: Option<&str>,
    together: bool,
    now: i64,
) -> Result<ModifyWxaServerDomainResponse, WxError> {
    let d = &mut world.platform_mut(component_appid)?.domains;
    if action != DomainAction::Get && month_count(&d.server_changes, now) >= CHANGES_PER_MONTH {
        return Err(monthly_quota_error());
    }
    let change = PlatformChange { action, input: domains, together, max: PLATFORM_SERVER_MAX };
    let invalid = change_platform_lists(&mut d.server_testing, &mut d.server_published, &change)?;
    if action != DomainAction::Get {
        d.server_changes.push(now);
    }
    Ok(ModifyWxaServerDomainResponse {
        published_wxa_server_domain: Some(joined(&d.server_published)),
        testing_wxa_server_domain: Some(joined(&d.server_testing)),
        invalid_wxa_server_domain: Some(joined(&invalid)),
    })
}

/// `POST /cgi-bin/component/modify_wxa_jump_domain`. The verification file is taken as served.
pub fn modify_wxa_jump_domain(
    world: &mut World,
    component_appid: &str,
    action: DomainAction,
    domains: Option<&str>,
    together: bool,
    now: i64,
) -> Result<ModifyWxaJumpDomainResponse, WxError> {
    let d = &mut world.platform_mut(component_appid)?.domains;
    if action != DomainAction::Get && month_count(&d.jump_changes, now) >= CHANGES_PER_MONTH {
        return Err(monthly_quota_error());
    }
    let change = PlatformChange { action, input: domains, together, max: PLATFORM_JUMP_MAX };
    let invalid = change_platform_lists(&mut d.jump_testing, &mut d.jump_published, &change)?;
    if action != DomainAction::Get {
        d.jump_changes.push(now);
    }
    Ok(ModifyWxaJumpDomainResponse {
        published_wxa_jump_h5_domain: Some(joined(&d.jump_published)),
        testing_wxa_jump_h5_domain: Some(joined(&d.jump_testing)),
        invalid_wxa_jump_h5_domain: Some(joined(&invalid)),
    })
}

/// A verification file for `owner` (a platform or a mini program): stable, 32 hex digits.
pub fn confirm_file(owner: &str) -> ConfirmFile {
    let digest = super::tester::userstr(owner, "domain-confirm-file");
    ConfirmFile { file_name: format!("{}.txt", &digest[..10]), file_content: digest[32..].to_owned() }
}

/// The scheme each server-domain list takes.
const SCHEMES: [&str; 6] = ["https://", "wss://", "https://", "https://", "udp://", "tcp://"];

fn lists_mut(d: &mut ServerDomains) -> [&mut Vec<String>; 6] {
    [&mut d.requestdomain, &mut d.wsrequestdomain, &mut d.uploaddomain, &mut d.downloaddomain, &mut d.udpdomain, &mut d.tcpdomain]
}

fn lists(d: &ServerDomains) -> [&Vec<String>; 6] {
    [&d.requestdomain, &d.wsrequestdomain, &d.uploaddomain, &d.downloaddomain, &d.udpdomain, &d.tcpdomain]
}

fn request_lists(req: &ModifyDomainRequest) -> [&Option<Vec<String>>; 6] {
    [&req.requestdomain, &req.wsrequestdomain, &req.uploaddomain, &req.downloaddomain, &req.udpdomain, &req.tcpdomain]
}

/// `scheme://host[:port]` (a trailing `/` allowed) normalised to lower case, and its host; `None`
/// when malformed, an IP, or forbidden.
fn parse_server_domain(raw: &str, scheme: &str) -> Option<(String, String)> {
    let raw = raw.trim();
    let rest = raw.get(..scheme.len()).filter(|s| s.eq_ignore_ascii_case(scheme)).map(|_| &raw[scheme.len()..])?;
    let rest = rest.strip_suffix('/').unwrap_or(rest).to_ascii_lowercase();
    let (host, port) = match rest.split_once(':') {
        Some((h, p)) => (h.to_owned(), Some(p.parse::<u16>().ok().filter(|p| *p > 0)?)),
        None => (rest.clone(), None),
    };
    if !is_domain_name(&host) || FORBIDDEN_HOSTS.contains(&host.as_str()) {
        return None;
    }
    let value = match port {
        Some(p) => format!("{scheme}{host}:{p}"),
        None => format!("{scheme}{host}"),
    };
    Some((value, host))
}

/// Why a `modify_domain` call was refused; `85301` comes with the lists, as WeChat sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRefusal {
    /// The error.
    pub error: WxError,
    /// The lists WeChat includes in the error answer (85301 only).
    pub body: Option<Box<ModifyDomainResponse>>,
}

impl From<WxError> for DomainRefusal {
    fn from(error: WxError) -> Self {
        DomainRefusal { error, body: None }
    }
}

fn answer(current: &ServerDomains, invalid: [Vec<String>; 6], no_icp: Vec<String>) -> ModifyDomainResponse {
    let [invalid_requestdomain, invalid_wsrequestdomain, invalid_uploaddomain, invalid_downloaddomain, invalid_udpdomain, invalid_tcpdomain] =
        invalid;
    ModifyDomainResponse {
        requestdomain: current.requestdomain.clone(),
        wsrequestdomain: current.wsrequestdomain.clone(),
        uploaddomain: current.uploaddomain.clone(),
        downloaddomain: current.downloaddomain.clone(),
        udpdomain: current.udpdomain.clone(),
        tcpdomain: current.tcpdomain.clone(),
        invalid_requestdomain,
        invalid_wsrequestdomain,
        invalid_uploaddomain,
        invalid_downloaddomain,
        invalid_udpdomain,
        invalid_tcpdomain,
        no_icp_domain: no_icp,
    }
}

/// `POST /wxa/modify_domain` (`directly` false: only domains of the platform's published
/// configuration, subdomains included) and `/wxa/modify_domain_directly` (`directly` true).
///
/// Malformed entries (wrong scheme such as `wss://https://…`, IPs, paths, `api.weixin.qq.com`) go to
/// `invalid_*`; hosts without ICP filing to `no_icp_domain`; hosts not on the platform are dropped.
/// `85301` when only malformed entries were given, `85018` when the platform has no published server
/// domains, `85017` when nothing would be added, `85016` over 200 in a list.
pub fn modify_domain(
    world: &mut World,
    component_appid: &str,
    appid: &str,
    req: &ModifyDomainRequest,
    directly: bool,
    now: i64,
) -> Result<ModifyDomainResponse, DomainRefusal> {
    let registered = world.platform(component_appid)?.domains.server_published.clone();
    let app = world.app_mut(appid)?;
    let domains = &mut app.domains;
    let current = if directly { &domains.direct } else { &domains.third };
    if req.action == DomainAction::Get {
        return Ok(answer(current, Default::default(), Vec::new()));
    }
    if month_count(&domains.changes, now) >= CHANGES_PER_MONTH {
        return Err(monthly_quota_error().into());
    }
    let mut invalid: [Vec<String>; 6] = Default::default();
    let mut accepted: [Vec<String>; 6] = Default::default();
    let mut no_icp = Vec::new();
    let mut given = 0;
    let mut unregistered = 0;
    for (i, list) in request_lists(req).into_iter().enumerate() {
        for raw in list.iter().flatten() {
            given += 1;
            match parse_server_domain(raw, SCHEMES[i]) {
                None => invalid[i].push(raw.clone()),
                Some((_, host)) if !has_icp(&host) => no_icp.push(raw.clone()),
                Some((_, host)) if !directly && req.action != DomainAction::Delete && !covered_by(&host, &registered) => unregistered += 1,
                Some((value, _)) => {
                    if !accepted[i].contains(&value) {
                        accepted[i].push(value);
                    }
                }
            }
        }
    }
    let accepted_count: usize = accepted.iter().map(Vec::len).sum();
    let invalid_count: usize = invalid.iter().map(Vec::len).sum();
    if given > 0 && invalid_count == given {
        let body = answer(current, invalid, no_icp);
        let message = "no domain to modify after filtered, please confirm the domain has been set in miniprogram or open, and follows the rule of domains";
        return Err(DomainRefusal { error: WxError::new(85301, message), body: Some(Box::new(body)) });
    }
    if !directly && req.action != DomainAction::Delete && unregistered > 0 && registered.is_empty() {
        return Err(WxError::new(85018, "域名没有在第三方平台设置").into());
    }
    let mut next = current.clone();
    for (i, list) in lists_mut(&mut next).into_iter().enumerate() {
        match req.action {
            DomainAction::Add => list.extend(accepted[i].iter().filter(|d| !list.contains(d)).cloned().collect::<Vec<_>>()),
            DomainAction::Delete => list.retain(|d| !accepted[i].contains(d)),
            DomainAction::Set => list.clone_from(&accepted[i]),
            DomainAction::Get => {}
        }
    }
    let nothing_to_add = match req.action {
        DomainAction::Add => &next == current,
        DomainAction::Set => accepted_count == 0 && given > 0,
        _ => false,
    };
    if nothing_to_add {
        return Err(WxError::new(
            85017,
            "no domain to modify after filtered, please confirm the domain has been set in miniprogram or open",
        )
        .into());
    }
    if lists(&next).iter().any(|l| l.len() > APP_LIST_MAX) {
        return Err(WxError::new(85016, "exceed valid domain count limit (at most 200 per list)").into());
    }
    domains.changes.push(now);
    if directly {
        domains.direct = next;
    } else {
        domains.third = next;
    }
    let current = if directly { &domains.direct } else { &domains.third };
    Ok(answer(current, invalid, no_icp))
}

/// `https://host` normalised, or `None` when `raw` is not an https URL of a domain without a path.
fn parse_webview_domain(raw: &str) -> Option<(String, String)> {
    parse_server_domain(raw, "https://").filter(|(value, _)| !value[8..].contains(':'))
}

/// `POST /wxa/setwebviewdomain` (`directly` false: domains of the platform's published business
/// domains or their subdomains) and `/wxa/setwebviewdomain_directly` (verification file taken as
/// served).
pub fn setwebviewdomain(
    world: &mut World,
    component_appid: &str,
    appid: &str,
    req: &SetwebviewdomainRequest,
    directly: bool,
) -> Result<SetwebviewdomainResponse, WxError> {
    let registered = world.platform(component_appid)?.domains.jump_published.clone();
    let app = world.app_mut(appid)?;
    if app.personal {
        return Err(WxError::new(89231, "个人小程序不支持调用 setwebviewdomain 接口"));
    }
    let current = if directly { &mut app.domains.direct_webview } else { &mut app.domains.third_webview };
    if req.action == DomainAction::Get {
        return Ok(SetwebviewdomainResponse { webviewdomain: current.clone() });
    }
    if !directly && registered.is_empty() {
        return Err(WxError::new(89020, "尚未设置小程序业务域名，请先在第三方平台中设置小程序业务域名后在调用本接口"));
    }
    let mut accepted = Vec::new();
    for raw in req.webviewdomain.iter().flatten() {
        let parsed = parse_webview_domain(raw).filter(|(_, host)| directly || covered_by(host, &registered));
        let Some((value, _)) = parsed else {
            return Err(if directly {
                WxError::new(40097, format!("invalid args: {raw} is not an https:// domain"))
            } else {
                WxError::new(89021, "请求保存的域名不是第三方平台中已设置的小程序业务域名或子域名")
            });
        };
        if !accepted.contains(&value) {
            accepted.push(value);
        }
    }
    let mut next = current.clone();
    match req.action {
        DomainAction::Add => next.extend(accepted.iter().filter(|d| !current.contains(d)).cloned()),
        DomainAction::Delete => next.retain(|d| !accepted.contains(d)),
        DomainAction::Set => next = accepted,
        DomainAction::Get => {}
    }
    if &next == current {
        return Err(WxError::new(89019, "业务域名无更改，无需重复设置"));
    }
    if next.len() > APP_WEBVIEW_MAX {
        return Err(WxError::new(89029, "业务域名数量超过限制，最多可以添加100个业务域名"));
    }
    *current = next;
    Ok(SetwebviewdomainResponse { webviewdomain: current.clone() })
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    out.extend(b.iter().filter(|d| !a.contains(d)).cloned());
    out
}

/// `POST /wxa/get_effective_domain`.
pub fn effective_domain(domains: &AppDomains) -> GetEffectiveDomainResponse {
    let mut effective = ServerDomains::default();
    for ((out, third), direct) in lists_mut(&mut effective).into_iter().zip(lists(&domains.third)).zip(lists(&domains.direct)) {
        *out = union(third, direct);
    }
    GetEffectiveDomainResponse {
        mp_domain: ServerDomains::default(),
        third_domain: domains.third.clone(),
        direct_domain: domains.direct.clone(),
        effective_domain: effective,
    }
}

/// `POST /wxa/get_effective_webviewdomain`.
pub fn effective_webviewdomain(domains: &AppDomains) -> GetEffectiveWebviewdomainResponse {
    GetEffectiveWebviewdomainResponse {
        mp_webviewdomain: Vec::new(),
        third_webviewdomain: domains.third_webview.clone(),
        direct_webviewdomain: domains.direct_webview.clone(),
        effective_webviewdomain: union(&domains.third_webview, &domains.direct_webview),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_domain_parsing() {
        assert_eq!(parse_server_domain("https://API.Shop.com/", "https://").unwrap().0, "https://api.shop.com");
        assert_eq!(parse_server_domain("https://shop.com:8443", "https://").unwrap().0, "https://shop.com:8443");
        assert!(parse_server_domain("wss://https://shop.com", "wss://").is_none());
        assert!(parse_server_domain("https://shop.com", "wss://").is_none());
        assert!(parse_server_domain("https://10.0.0.1", "https://").is_none());
        assert!(parse_server_domain("https://shop.com/api", "https://").is_none());
        assert!(parse_server_domain("https://api.weixin.qq.com", "https://").is_none());
        assert!(parse_server_domain("https://shop.com:0", "https://").is_none());
        assert!(parse_server_domain("udp://game.shop.com:9000", "udp://").is_some());
    }

    #[test]
    fn subdomains_are_covered() {
        let registered = vec!["shop.com".to_owned()];
        assert!(covered_by("shop.com", &registered));
        assert!(covered_by("api.shop.com", &registered));
        assert!(!covered_by("evilshop.com", &registered));
    }
}
