//! Daily API call quotas (45009) and their resets (`clear_quota`, 10 a month), and the request ids
//! (`rid`) of failed calls that `openapi/rid/get` explains (reference §12.2).
//!
//! Counters are per account (a component appid for the platform's own calls, a mini program's
//! appid for calls made on its behalf) and per API path, and reset at 00:00 Beijing time (UTC+8),
//! in virtual time.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};
use wechat::api::quota::{Quota, RidRequest};

use crate::WxError;

/// The daily limit of an API that has no limit of its own. WeChat's real figures differ per API and
/// per account size and are shown only by `openapi/quota/get`; this is the common order of magnitude.
pub const DEFAULT_DAILY_LIMIT: u64 = 10_000;
/// `clear_quota` / `clear_quota/v2` resets allowed per account per calendar month.
pub const RESETS_PER_MONTH: usize = 10;
/// How long a rid can be looked up.
pub const RID_RETENTION_SECS: i64 = 7 * 86_400;
/// Rids kept at most (the oldest are forgotten first).
const MAX_RIDS: usize = 20_000;
/// Beijing time is UTC+8 all year.
const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

/// Per-API limits that differ from [`DEFAULT_DAILY_LIMIT`] (unverified figures, chosen so that the
/// token fetch is the scarce one, as it is on the real platform, and the calls a platform makes
/// once per authorizer scale with thousands of authorizers).
const DEFAULT_LIMITS: &[(&str, u64)] = &[
    ("/cgi-bin/component/api_component_token", 2_000),
    ("/cgi-bin/component/api_authorizer_token", 500_000),
    ("/cgi-bin/component/api_query_auth", 500_000),
    ("/cgi-bin/component/api_get_authorizer_info", 500_000),
    ("/cgi-bin/component/api_create_preauthcode", 100_000),
];

/// APIs whose counters a reset does not clear (the staff answer: token fetches cannot be reset).
const NOT_RESETTABLE: &[&str] = &["/cgi-bin/component/api_component_token"];

/// APIs called with the platform's own token (CAT). `openapi/quota/get` answers 76022 when asked
/// about one of these with an authorizer token, or about any other with a CAT.
pub const PLATFORM_PATHS: &[&str] = &[
    "/cgi-bin/component/api_component_token",
    "/cgi-bin/component/api_create_preauthcode",
    "/cgi-bin/component/api_start_push_ticket",
    "/cgi-bin/component/api_query_auth",
    "/cgi-bin/component/api_authorizer_token",
    "/cgi-bin/component/api_get_authorizer_info",
    "/cgi-bin/component/api_get_authorizer_list",
    "/cgi-bin/component/api_get_authorizer_option",
    "/cgi-bin/component/api_set_authorizer_option",
    "/cgi-bin/component/fastregisterweapp",
    "/cgi-bin/component/get_domain_confirmfile",
    "/cgi-bin/component/modify_wxa_jump_domain",
    "/cgi-bin/component/modify_wxa_server_domain",
    "/cgi-bin/component/clear_quota/v2",
    "/wxa/component/fastregisterpersonalweapp",
    "/wxa/addtotemplate",
    "/wxa/deletetemplate",
    "/wxa/gettemplatedraftlist",
    "/wxa/gettemplatelist",
    "/cgi-bin/clear_quota",
    "/cgi-bin/openapi/quota/get",
    "/cgi-bin/openapi/rid/get",
];

/// APIs called on behalf of a mini program (AAT).
pub const APP_PATHS: &[&str] = &[
    "/cgi-bin/account/getaccountbasicinfo",
    "/cgi-bin/account/modifyheadimage",
    "/cgi-bin/account/modifysignature",
    "/cgi-bin/clear_quota",
    "/cgi-bin/component/get_authorizer_option",
    "/cgi-bin/component/set_authorizer_option",
    "/cgi-bin/component/getprivacysetting",
    "/cgi-bin/component/setprivacysetting",
    "/cgi-bin/component/uploadprivacyextfile",
    "/cgi-bin/media/upload",
    "/cgi-bin/openapi/quota/get",
    "/cgi-bin/openapi/rid/get",
    "/cgi-bin/wxaapp/createwxaqrcode",
    "/cgi-bin/wxopen/addcategory",
    "/cgi-bin/wxopen/deletecategory",
    "/cgi-bin/wxopen/getallcategories",
    "/cgi-bin/wxopen/getcategory",
    "/cgi-bin/wxopen/getweappsupportversion",
    "/cgi-bin/wxopen/modifycategory",
    "/cgi-bin/wxopen/setweappsupportversion",
    "/cgi-bin/wxverify/checkwxverifynickname",
    "/wxa/api_wxa_querynickname",
    "/wxa/bind_tester",
    "/wxa/change_visitstatus",
    "/wxa/changewxasearchstatus",
    "/wxa/commit",
    "/wxa/get_auditstatus",
    "/wxa/get_category",
    "/wxa/get_effective_domain",
    "/wxa/get_effective_webviewdomain",
    "/wxa/get_latest_auditstatus",
    "/wxa/get_page",
    "/wxa/get_qrcode",
    "/wxa/get_webviewdomain_confirmfile",
    "/wxa/getgrayreleaseplan",
    "/wxa/getversioninfo",
    "/wxa/getvisitstatus",
    "/wxa/getwxacode",
    "/wxa/getwxacodeunlimit",
    "/wxa/getwxasearchstatus",
    "/wxa/grayrelease",
    "/wxa/memberauth",
    "/wxa/modify_domain",
    "/wxa/modify_domain_directly",
    "/wxa/queryquota",
    "/wxa/release",
    "/wxa/revertcoderelease",
    "/wxa/revertgrayrelease",
    "/wxa/security/apply_privacy_interface",
    "/wxa/security/get_code_privacy_info",
    "/wxa/security/get_privacy_interface",
    "/wxa/setnickname",
    "/wxa/setwebviewdomain",
    "/wxa/setwebviewdomain_directly",
    "/wxa/speedupaudit",
    "/wxa/submit_audit",
    "/wxa/unbind_tester",
    "/wxa/undocodeaudit",
    "/wxa/uploadmedia",
];

/// The Beijing calendar day of `unix_secs`, as days since 1970-01-01.
pub fn beijing_day(unix_secs: i64) -> i64 {
    (unix_secs + BEIJING_OFFSET_SECS).div_euclid(86_400)
}

/// The Beijing calendar month of `unix_secs`, as `(year, month)`.
pub fn beijing_month(unix_secs: i64) -> (i64, u32) {
    // Howard Hinnant's days-to-civil.
    let z = beijing_day(unix_secs) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32)
}

/// Call counters per account and API, their limits, and the resets used.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Quotas {
    /// Limits set at run time (`POST /admin/quota`), by API path; they win over the defaults.
    pub limits: BTreeMap<String, u64>,
    /// The limit of APIs with no limit of their own; [`DEFAULT_DAILY_LIMIT`] when `None`.
    pub default_limit: Option<u64>,
    /// The Beijing day the counters are for.
    day: i64,
    /// Calls today, by account, then API path.
    used: BTreeMap<String, BTreeMap<String, u64>>,
    /// When each account reset its counters.
    resets: BTreeMap<String, Vec<i64>>,
}

impl Quotas {
    /// The daily limit of `api`.
    pub fn limit(&self, api: &str) -> u64 {
        if let Some(&limit) = self.limits.get(api) {
            return limit;
        }
        DEFAULT_LIMITS
            .iter()
            .find(|(path, _)| *path == api)
            .map(|&(_, limit)| limit)
            .unwrap_or(self.default_limit.unwrap_or(DEFAULT_DAILY_LIMIT))
    }

    fn roll_over(&mut self, now: i64) {
        let today = beijing_day(now);
        if today != self.day {
            self.day = today;
            self.used.clear();
        }
    }

    /// Counts one call of `api` by `account` (a component appid or a mini program appid) at `now`;
    /// `45009` when the account's daily limit for that API is used up (the refused call is not counted).
    pub fn hit(&mut self, account: &str, api: &str, now: i64) -> Result<(), WxError> {
        self.roll_over(now);
        let limit = self.limit(api);
        let per_account = match self.used.get_mut(account) {
            Some(map) => map,
            None => self.used.entry(account.to_owned()).or_default(),
        };
        let count = match per_account.get_mut(api) {
            Some(count) => count,
            None => per_account.entry(api.to_owned()).or_insert(0),
        };
        if *count >= limit {
            return Err(WxError::daily_quota());
        }
        *count += 1;
        Ok(())
    }

    /// Today's quota of `api` for `account`.
    pub fn quota(&mut self, account: &str, api: &str, now: i64) -> Quota {
        self.roll_over(now);
        let limit = self.limit(api);
        let used = self.used.get(account).and_then(|m| m.get(api)).copied().unwrap_or(0);
        let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Quota { daily_limit: as_i64(limit), used: as_i64(used), remain: as_i64(limit.saturating_sub(used)) }
    }

    /// Resets today's counters of `account` (all but the token fetch); `48006` after 10 resets this month.
    pub fn reset(&mut self, account: &str, now: i64) -> Result<(), WxError> {
        let month = beijing_month(now);
        let resets = self.resets.entry(account.to_owned()).or_default();
        resets.retain(|&at| beijing_month(at) == month);
        if resets.len() >= RESETS_PER_MONTH {
            return Err(WxError::new(48006, "forbid to clear quota because of reaching the limit"));
        }
        resets.push(now);
        if let Some(counters) = self.used.get_mut(account) {
            counters.retain(|api, _| NOT_RESETTABLE.contains(&api.as_str()));
        }
        Ok(())
    }

    /// Resets used by `account` this month.
    pub fn resets_this_month(&self, account: &str, now: i64) -> usize {
        let month = beijing_month(now);
        self.resets.get(account).map_or(0, |r| r.iter().filter(|&&at| beijing_month(at) == month).count())
    }
}

/// Whether a `cgi_path` is shaped as `openapi/quota/get` wants it (`/` first, no scheme or host):
/// `76003` otherwise; `76022` for `/sns/` paths; `76021` for paths WeChat does not know;
/// `76022` when `platform_token` does not fit the API's account kind.
pub fn check_cgi_path(cgi_path: &str, platform_token: bool) -> Result<(), WxError> {
    if !cgi_path.starts_with('/') || cgi_path.contains("://") || cgi_path.contains("weixin.qq.com") {
        return Err(WxError::new(76003, "invalid cgi_path"));
    }
    let no_permission = || WxError::new(76022, "could not use this cgi_path, no permission");
    if cgi_path.contains("/sns/") {
        return Err(no_permission());
    }
    let platform_api = PLATFORM_PATHS.contains(&cgi_path);
    let app_api = APP_PATHS.contains(&cgi_path);
    if !platform_api && !app_api {
        return Err(WxError::new(76021, "cgi_path not found, please check"));
    }
    if (platform_token && !platform_api) || (!platform_token && !app_api) {
        return Err(no_permission());
    }
    Ok(())
}

/// One failed call, by the `rid` its `errmsg` carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RidEntry {
    /// The rid.
    pub rid: String,
    /// The account whose token made the call, when it had a valid one.
    pub account: Option<String>,
    /// The API path (rids of `/sns/` calls cannot be looked up: 76022).
    pub path: String,
    /// What `openapi/rid/get` returns.
    pub request: RidRequest,
}

/// Recent failed calls, oldest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RidLog {
    entries: VecDeque<RidEntry>,
}

impl RidLog {
    /// Records a failed call.
    pub fn record(&mut self, entry: RidEntry) {
        if self.entries.len() >= MAX_RIDS {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// `openapi/rid/get` for `account`: `76002` malformed, `76001` unknown or older than 7 days,
    /// `76003` another account's, `76022` a `/sns/` call.
    pub fn lookup(&self, account: &str, rid: &str, now: i64) -> Result<&RidRequest, WxError> {
        let well_formed =
            rid.split('-').map(|part| part.len() == 8 && part.chars().all(|c| c.is_ascii_hexdigit())).filter(|ok| *ok).count() == 3
                && rid.len() == 26;
        if !well_formed {
            return Err(WxError::new(76002, "rid is error"));
        }
        let entry = self.entries.iter().rev().find(|e| e.rid == rid).filter(|e| now < e.request.invoke_time + RID_RETENTION_SECS);
        let entry = entry.ok_or_else(|| WxError::new(76001, "rid not found"))?;
        if entry.path.contains("/sns/") {
            return Err(WxError::new(76022, "could not use this cgi_path, no permission"));
        }
        if entry.account.as_deref() != Some(account) {
            return Err(WxError::new(76003, "could not query this rid,no permission"));
        }
        Ok(&entry.request)
    }

    /// How many rids are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none are kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-03-31 16:00:00 UTC = 2024-04-01 00:00 in Beijing.
    const BEIJING_APRIL_1: i64 = 1_711_900_800;

    #[test]
    fn days_and_months_are_beijing_time() {
        assert_eq!(beijing_month(BEIJING_APRIL_1), (2024, 4));
        assert_eq!(beijing_month(BEIJING_APRIL_1 - 1), (2024, 3));
        assert_eq!(beijing_day(BEIJING_APRIL_1) - beijing_day(BEIJING_APRIL_1 - 1), 1);
        assert_eq!(beijing_month(0), (1970, 1));
        assert_eq!(beijing_month(951_782_400), (2000, 2), "a leap day");
    }

    #[test]
    fn the_limit_refuses_then_the_next_day_resets() {
        let mut q = Quotas::default();
        q.limits.insert("/wxa/x".into(), 2);
        q.hit("wxa", "/wxa/x", BEIJING_APRIL_1 - 10).unwrap();
        q.hit("wxa", "/wxa/x", BEIJING_APRIL_1 - 9).unwrap();
        assert_eq!(q.hit("wxa", "/wxa/x", BEIJING_APRIL_1 - 8).unwrap_err().errcode, 45009);
        assert!(q.hit("wxb", "/wxa/x", BEIJING_APRIL_1 - 8).is_ok(), "another account has its own counter");
        assert_eq!(q.quota("wxa", "/wxa/x", BEIJING_APRIL_1 - 7), Quota { daily_limit: 2, used: 2, remain: 0 });
        assert!(q.hit("wxa", "/wxa/x", BEIJING_APRIL_1).is_ok(), "00:00 Beijing starts a new day");
    }

    #[test]
    fn ten_resets_a_month_and_token_fetches_stay_counted() {
        let mut q = Quotas::default();
        q.hit("wxc", "/cgi-bin/component/api_component_token", BEIJING_APRIL_1).unwrap();
        q.hit("wxc", "/wxa/gettemplatelist", BEIJING_APRIL_1).unwrap();
        for _ in 0..RESETS_PER_MONTH {
            q.reset("wxc", BEIJING_APRIL_1 + 60).unwrap();
        }
        assert_eq!(q.reset("wxc", BEIJING_APRIL_1 + 60).unwrap_err().errcode, 48006);
        assert_eq!(q.quota("wxc", "/wxa/gettemplatelist", BEIJING_APRIL_1 + 61).used, 0);
        assert_eq!(q.quota("wxc", "/cgi-bin/component/api_component_token", BEIJING_APRIL_1 + 61).used, 1);
        assert!(q.reset("wxc", BEIJING_APRIL_1 + 31 * 86_400).is_ok(), "a new month");
    }

    #[test]
    fn cgi_paths_are_checked() {
        assert_eq!(check_cgi_path("wxa/commit", false).unwrap_err().errcode, 76003);
        assert_eq!(check_cgi_path("https://api.weixin.qq.com/wxa/commit", false).unwrap_err().errcode, 76003);
        assert_eq!(check_cgi_path("/sns/component/jscode2session", true).unwrap_err().errcode, 76022);
        assert_eq!(check_cgi_path("/wxa/nonsense", false).unwrap_err().errcode, 76021);
        assert_eq!(check_cgi_path("/wxa/commit", true).unwrap_err().errcode, 76022);
        assert!(check_cgi_path("/wxa/commit", false).is_ok());
        assert!(check_cgi_path("/cgi-bin/component/api_component_token", true).is_ok());
    }
}
