//! Pre-flight: per mini program, before anything is written at WeChat — authorized and not revoked,
//! development management granted, an approved category (one the template is made for, when its
//! requirements name some), a privacy guide declaring what the template and the current code use,
//! the domains the template needs in effect, and an ext_json that composes. Reads only; a report
//! per app.

use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wechat::api::domain::ServerDomains;
use wechat::api::privacy::GetprivacysettingRequest;
use wechat::AuthorizerToken;

use super::pace::Pace;
use super::spec::CampaignSpec;
use crate::error::{FleetError, Result};
use crate::releases::{calls, ext_json};
use crate::templates::Requirements;
use crate::{permissions, Fleet};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Fine.
    Pass,
    /// Worth a look; does not stop the mini program.
    Warn,
    /// Stops the mini program: it is left out of the campaign.
    Fail,
}

/// One check of one mini program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreflightCheck {
    /// `authorization`, `permission`, `category`, `privacy`, `domains` or `ext_json`.
    pub check: String,
    /// How it came out.
    pub status: CheckStatus,
    /// What was found, and what to do.
    pub detail: String,
    /// The error behind a failure, as a [`crate::Problem`] (JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Value>,
}

/// Every check of one mini program.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreflightReport {
    /// The mini program.
    pub appid: String,
    /// No check failed.
    pub ok: bool,
    /// The checks, in the order run.
    pub checks: Vec<PreflightCheck>,
}

impl PreflightReport {
    /// The first failed check.
    pub fn first_failure(&self) -> Option<&PreflightCheck> {
        self.checks.iter().find(|c| c.status == CheckStatus::Fail)
    }

    fn push(&mut self, check: &str, status: CheckStatus, detail: impl Into<String>, problem: Option<&FleetError>) {
        self.checks.push(PreflightCheck {
            check: check.to_owned(),
            status,
            detail: detail.into(),
            problem: problem.and_then(|e| serde_json::to_value(e.problem()).ok()),
        });
    }
}

/// A report, and the approved category chosen for `item_list` (`AuditCategory` JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Preflighted {
    /// The report.
    pub report: PreflightReport,
    /// The category for the submission.
    pub category: Option<String>,
}

/// Checks every mini program of `appids`, `spec.concurrency` at a time, in order.
pub async fn run(fleet: &Fleet, spec: &CampaignSpec, appids: &[String]) -> Result<Vec<Preflighted>> {
    let (platform, template_id) = (spec.platform.clone(), spec.template_id);
    let requirements =
        fleet.store().read(move |conn| crate::templates::meta::load(conn, &platform, template_id)).await?.map(|m| m.requirements);
    let requirements = requirements.unwrap_or_default();
    let pace = Pace::new(spec.rate_per_sec);
    let concurrency = usize::try_from(spec.concurrency).unwrap_or(1).max(1);
    // Owned appids: a closure over `&String` makes the future not `Send` for every lifetime, which
    // a spawned caller (a Tauri command) requires.
    let (requirements, pace) = (&requirements, &pace);
    Ok(futures::stream::iter(appids.iter().cloned().map(|appid| async move { check_app(fleet, spec, requirements, &appid, pace).await }))
        .buffered(concurrency)
        .collect()
        .await)
}

async fn check_app(fleet: &Fleet, spec: &CampaignSpec, needs: &Requirements, appid: &str, pace: &Pace) -> Preflighted {
    let mut report = PreflightReport { appid: appid.to_owned(), ok: true, checks: Vec::new() };
    let mut category = None;
    if local_checks(fleet, spec, appid, &mut report).await {
        match read(pace, || calls::approved_categories(fleet, appid)).await {
            Ok(list) => {
                let fits = |c: &&wechat::api::category::AuditCategory| {
                    needs.categories.is_empty() || needs.categories.iter().any(|r| r.first == c.first_id && r.second == c.second_id)
                };
                match list.iter().find(fits) {
                    Some(chosen) => {
                        let name = [Some(&chosen.first_class), Some(&chosen.second_class), chosen.third_class.as_ref()]
                            .into_iter()
                            .flatten()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(" > ");
                        report.push("category", CheckStatus::Pass, format!("approved: {name}"), None);
                        category = serde_json::to_string(chosen).ok();
                    }
                    None if list.is_empty() => report.push(
                        "category",
                        CheckStatus::Fail,
                        "no approved category: add one (basic information) and wait for its review; submit_audit answers 85008 otherwise",
                        None,
                    ),
                    None => {
                        let wanted: Vec<String> = needs
                            .categories
                            .iter()
                            .map(|c| if c.name.is_empty() { format!("{}/{}", c.first, c.second) } else { c.name.clone() })
                            .collect();
                        report.push(
                            "category",
                            CheckStatus::Fail,
                            format!("the template is made for {}; none of them is approved for this mini program", wanted.join(" or ")),
                            None,
                        );
                    }
                }
            }
            Err(e) => report.push("category", CheckStatus::Fail, format!("could not read the approved categories: {e}"), Some(&e)),
        }
        check_privacy(fleet, needs, appid, pace, &mut report).await;
        check_domains(fleet, needs, appid, pace, &mut report).await;
        match ext_json::compose(fleet, appid, spec.template_id).await {
            Ok(_) => report.push("ext_json", CheckStatus::Pass, "composes", None),
            Err(e) => report.push("ext_json", CheckStatus::Fail, format!("the merchant's ext_json: {e}"), Some(&e)),
        }
    }
    report.ok = report.first_failure().is_none();
    Preflighted { report, category }
}

/// Authorized to this platform, not revoked, development management granted: from the workspace,
/// without calling WeChat. Returns whether WeChat may be asked about the rest.
async fn local_checks(fleet: &Fleet, spec: &CampaignSpec, appid: &str, report: &mut PreflightReport) -> bool {
    let (app, platform) = (appid.to_owned(), spec.platform.clone());
    let checked = fleet
        .store()
        .read(move |conn| {
            let owner = crate::authorizers::platform_of(conn, &app)?;
            if owner != platform {
                return Err(FleetError::invalid("appid", format!("{app} is authorized to {owner}, not to {platform}")));
            }
            permissions::require(conn, &app, permissions::DEVELOPMENT)
        })
        .await;
    match checked {
        Ok(()) => {
            report.push("authorization", CheckStatus::Pass, "authorized", None);
            report.push("permission", CheckStatus::Pass, "development management (18) granted", None);
            true
        }
        Err(e @ FleetError::MissingPermission { .. }) => {
            report.push("authorization", CheckStatus::Pass, "authorized", None);
            report.push("permission", CheckStatus::Fail, e.to_string(), Some(&e));
            false
        }
        Err(e) => {
            report.push("authorization", CheckStatus::Fail, e.to_string(), Some(&e));
            false
        }
    }
}

/// The privacy guide (development version) must declare every privacy type the template needs and
/// the current code uses.
async fn check_privacy(fleet: &Fleet, needs: &Requirements, appid: &str, pace: &Pace, report: &mut PreflightReport) {
    let answer = read(pace, || {
        fleet.with_authorizer_token(appid, |api, aat| async move {
            api.getprivacysetting(AuthorizerToken(&aat), &GetprivacysettingRequest { privacy_ver: Some(2) }).await
        })
    })
    .await;
    match answer {
        Ok(guide) => {
            let declared: Vec<&str> = guide.setting_list.iter().map(|s| s.privacy_key.as_str()).collect();
            let mut missing: Vec<&str> =
                needs.privacy_keys.iter().chain(&guide.privacy_list).map(String::as_str).filter(|k| !declared.contains(k)).collect();
            missing.sort_unstable();
            missing.dedup();
            if !missing.is_empty() {
                report.push(
                    "privacy",
                    CheckStatus::Fail,
                    format!(
                        "the privacy guide does not declare {} used by the code: set it (privacy guide template) or the audit is rejected",
                        missing.join(", ")
                    ),
                    None,
                );
            } else if declared.is_empty() {
                report.push(
                    "privacy",
                    CheckStatus::Warn,
                    "no privacy guide is set: needed as soon as the template collects user data (the audit is rejected otherwise)",
                    None,
                );
            } else {
                report.push("privacy", CheckStatus::Pass, format!("declares {}", declared.join(", ")), None);
            }
        }
        Err(e) => report.push("privacy", CheckStatus::Fail, format!("could not read the privacy guide: {e}"), Some(&e)),
    }
}

/// The domains the template needs must be in effect (its calls fail without them); without stated
/// needs, a mini program with no request domain at all is worth a warning.
async fn check_domains(fleet: &Fleet, needs: &Requirements, appid: &str, pace: &Pace, report: &mut PreflightReport) {
    let answer =
        read(pace, || fleet.with_authorizer_token(appid, |api, aat| async move { api.get_effective_domain(AuthorizerToken(&aat)).await }))
            .await;
    let domains = match answer {
        Ok(domains) => domains.effective_domain,
        Err(e) => {
            let status = if needs_domains(needs) { CheckStatus::Fail } else { CheckStatus::Warn };
            report.push("domains", status, format!("could not read the domains in effect: {e}"), Some(&e));
            return;
        }
    };
    let mut missing: Vec<String> = Vec::new();
    for (field, wanted, have) in [
        ("requestdomain", &needs.domains.requestdomain, &domains.requestdomain),
        ("wsrequestdomain", &needs.domains.wsrequestdomain, &domains.wsrequestdomain),
        ("uploaddomain", &needs.domains.uploaddomain, &domains.uploaddomain),
        ("downloaddomain", &needs.domains.downloaddomain, &domains.downloaddomain),
        ("udpdomain", &needs.domains.udpdomain, &domains.udpdomain),
        ("tcpdomain", &needs.domains.tcpdomain, &domains.tcpdomain),
    ] {
        missing.extend(wanted.iter().filter(|d| !have.contains(d)).map(|d| format!("{field} {d}")));
    }
    if !needs.webviewdomain.is_empty() {
        let webview = read(pace, || {
            fleet.with_authorizer_token(appid, |api, aat| async move { api.get_effective_webviewdomain(AuthorizerToken(&aat)).await })
        })
        .await;
        match webview {
            Ok(webview) => missing.extend(
                needs.webviewdomain.iter().filter(|d| !webview.effective_webviewdomain.contains(d)).map(|d| format!("webviewdomain {d}")),
            ),
            Err(e) => missing.push(format!("webviewdomain (could not read: {e})")),
        }
    }
    if !missing.is_empty() {
        report.push(
            "domains",
            CheckStatus::Fail,
            format!("the template needs {} in effect: set the domains first (they take effect with the next commit)", missing.join(", ")),
            None,
        );
    } else if domains.requestdomain.is_empty() && !needs_domains(needs) {
        report.push("domains", CheckStatus::Warn, "no request domain in effect: wx.request calls will fail until one is set", None);
    } else {
        report.push("domains", CheckStatus::Pass, domains.requestdomain.join(", "), None);
    }
}

fn needs_domains(needs: &Requirements) -> bool {
    needs.domains != ServerDomains::default() || !needs.webviewdomain.is_empty()
}

/// A read, paced, retried twice on transient errors.
async fn read<T, F, Fut>(pace: &Pace, call: F) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut tries = 0u32;
    loop {
        pace.wait().await;
        match call().await {
            Err(e) if e.class() == wechat::ErrorClass::Transient && tries < 2 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(200 * u64::from(tries))).await;
            }
            other => return other,
        }
    }
}
