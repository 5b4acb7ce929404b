//! What a campaign is asked to do: which template to which mini programs, how fast, how carefully.

use serde::{Deserialize, Serialize};

use crate::error::{FleetError, Result};
use crate::releases::{CommitSpec, SubmitOptions};

/// A campaign: one template, committed, submitted and (optionally) released across many mini programs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignSpec {
    /// The platform (component appid) whose mini programs are targeted.
    pub platform: String,
    /// A name for the staff.
    #[serde(default)]
    pub name: String,
    /// The template to commit.
    pub template_id: i64,
    /// The `user_version` every mini program gets (at most 64 characters).
    pub user_version: String,
    /// The `user_desc`.
    #[serde(default)]
    pub user_desc: String,
    /// Which mini programs.
    pub targets: Targets,
    /// Canary: the first K mini programs go first; the rest wait until all K have audit results.
    #[serde(default)]
    pub canary: Option<u32>,
    /// Release each mini program as soon as its audit passes; otherwise passed items wait for
    /// [`crate::Fleet::release_campaign_items`].
    #[serde(default)]
    pub auto_release: bool,
    /// Mini programs worked on at once (WeChat calls in flight).
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// WeChat calls per second at most (`None`: no limit).
    #[serde(default)]
    pub rate_per_sec: Option<f64>,
    /// How each mini program is submitted.
    #[serde(default)]
    pub submit: SubmitOptions,
    /// Retries, waits and polling.
    #[serde(default)]
    pub retry: RetryPolicy,
}

fn default_concurrency() -> u32 {
    8
}

impl CampaignSpec {
    /// Refuses a spec that cannot run, naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.platform.trim().is_empty() {
            return Err(FleetError::invalid("platform", "the component appid whose mini programs are targeted"));
        }
        CommitSpec { template_id: self.template_id, user_version: self.user_version.clone(), user_desc: self.user_desc.clone() }
            .validate()?;
        if !(1..=256).contains(&self.concurrency) {
            return Err(FleetError::invalid("concurrency", "between 1 and 256 mini programs at once"));
        }
        if self.rate_per_sec.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
            return Err(FleetError::invalid("rate_per_sec", "a positive number of calls per second, or none for no limit"));
        }
        if self.canary == Some(0) {
            return Err(FleetError::invalid("canary", "at least 1 mini program, or none for no canary"));
        }
        if let Targets::List(appids) = &self.targets {
            if appids.is_empty() {
                return Err(FleetError::invalid("targets", "the list of mini programs is empty"));
            }
        }
        self.retry.validate()
    }
}

/// Which mini programs a campaign targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Targets {
    /// Every mini program authorized to the platform.
    All,
    /// Those of the platform matching a filter.
    Filter(AppFilter),
    /// These (in this order; the canary is taken from the front).
    List(Vec<String>),
}

/// A filter over the platform's authorized mini programs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct AppFilter {
    /// The name (nick_name) or appid contains this.
    pub name_contains: Option<String>,
    /// Leave these out.
    pub exclude: Vec<String>,
    /// Leave out mini programs whose latest release recorded here is already this campaign's version.
    pub skip_released: bool,
}

/// Retries, waits and polling of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct RetryPolicy {
    /// Tries of one step after transient errors (-1, timeouts) before the item fails.
    pub max_attempts: u32,
    /// The first backoff, doubled each try.
    pub backoff_base_ms: u64,
    /// The longest backoff.
    pub backoff_max_ms: u64,
    /// How long to wait after 61039 (the privacy scan of fresh code is not finished) before
    /// submitting again. niucloud waits 120 s; WeChat says "a minute".
    pub privacy_scan_retry_ms: u64,
    /// 61039 answers tolerated before the item fails.
    pub privacy_scan_max_waits: u32,
    /// Ask WeChat (`get_auditstatus`) about an audit when its push has not come this long after
    /// submission.
    pub audit_poll_after_ms: u64,
    /// Then ask again this often.
    pub audit_poll_every_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            backoff_base_ms: 2_000,
            backoff_max_ms: 120_000,
            privacy_scan_retry_ms: 60_000,
            privacy_scan_max_waits: 30,
            audit_poll_after_ms: 30 * 60_000,
            audit_poll_every_ms: 10 * 60_000,
        }
    }
}

impl RetryPolicy {
    fn validate(&self) -> Result<()> {
        if self.max_attempts == 0 {
            return Err(FleetError::invalid("retry.max_attempts", "at least 1"));
        }
        if self.audit_poll_every_ms == 0 {
            return Err(FleetError::invalid("retry.audit_poll_every_ms", "more than 0"));
        }
        Ok(())
    }

    /// The wait before try `attempt` (1 = the first retry).
    pub fn backoff_ms(&self, attempt: u32) -> i64 {
        let factor = 1u64.checked_shl(attempt.saturating_sub(1).min(30)).unwrap_or(u64::MAX);
        i64::try_from(self.backoff_base_ms.saturating_mul(factor).min(self.backoff_max_ms)).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let retry = RetryPolicy { backoff_base_ms: 100, backoff_max_ms: 1000, ..RetryPolicy::default() };
        assert_eq!([1, 2, 3, 4, 5, 40].map(|n| retry.backoff_ms(n)), [100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn targets_read_as_json() {
        let list: Targets = serde_json::from_str(r#"{"list":["wx1","wx2"]}"#).unwrap();
        assert_eq!(list, Targets::List(vec!["wx1".into(), "wx2".into()]));
        assert_eq!(serde_json::from_str::<Targets>(r#""all""#).unwrap(), Targets::All);
        let filter: Targets = serde_json::from_str(r#"{"filter":{"name_contains":"茶"}}"#).unwrap();
        assert_eq!(filter, Targets::Filter(AppFilter { name_contains: Some("茶".into()), ..AppFilter::default() }));
    }
}
