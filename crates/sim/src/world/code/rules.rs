//! How audits end (the configured default, a default cycle, per-app scripts and a deterministic
//! every-n-th failure for load tests), and the limits tests may lower.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::config::AuditDefault;

/// How one audit ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Passes (`weapp_audit_success`).
    Pass,
    /// Is rejected with a reason and screenshots (`weapp_audit_fail`).
    Fail,
    /// Is delayed (`weapp_audit_delay`), then passes as long again later.
    Delay,
    /// Waits for `POST /admin/audit`.
    Manual,
}

impl From<AuditDefault> for Outcome {
    fn from(value: AuditDefault) -> Self {
        match value {
            AuditDefault::Pass => Outcome::Pass,
            AuditDefault::Fail => Outcome::Fail,
            AuditDefault::Delay => Outcome::Delay,
            AuditDefault::Manual => Outcome::Manual,
        }
    }
}

/// An outcome and how many virtual seconds after submission it comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// What happens.
    pub outcome: Outcome,
    /// When, in seconds after submission (for a delay: until the delay push, and again until the pass).
    pub after_secs: u64,
}

/// The outcomes scripted for one mini program, used one per submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppScript {
    /// The next outcomes, first first.
    pub outcomes: VecDeque<Outcome>,
    /// Seconds to the outcome; the default's when absent.
    pub after_secs: Option<u64>,
}

/// Limits of the code lifecycle that tests (and the admin API) may lower or raise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CodeLimits {
    /// Seconds the privacy scan of committed code takes; `submit_audit` before that answers 61039
    /// (WeChat says "wait a minute").
    pub privacy_scan_secs: i64,
    /// Codes `getwxacode` and `createwxaqrcode` may make per mini program, together (45029 after).
    pub wxacode_total: u64,
}

impl Default for CodeLimits {
    fn default() -> Self {
        CodeLimits { privacy_scan_secs: 60, wxacode_total: 100_000 }
    }
}

/// How audits end: the configured default, the admin API's overrides and per-app scripts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditRules {
    /// Replaces the configured default: outcomes used in turn, one per submission.
    pub default_cycle: Vec<Outcome>,
    /// Seconds to the outcome for the default cycle; the configured `audit_after_secs` when absent.
    pub default_after_secs: Option<u64>,
    /// Scripts per mini program, by appid; they win over every default.
    pub per_app: BTreeMap<String, AppScript>,
    /// Every n-th submission (counted over the whole simulator) fails; for load tests.
    pub fail_every_nth: Option<u64>,
    /// Submissions so far (drives `default_cycle` and `fail_every_nth`).
    pub submissions: u64,
    /// Limits tests may change.
    pub limits: CodeLimits,
}

impl AuditRules {
    /// Decides how the next submission by `appid` ends: its script first, then `fail_every_nth`,
    /// then the default cycle, then `configured`.
    pub fn plan_next(&mut self, appid: &str, configured: Plan) -> Plan {
        self.submissions += 1;
        let default_after = self.default_after_secs.unwrap_or(configured.after_secs);
        if let Some(script) = self.per_app.get_mut(appid) {
            if let Some(outcome) = script.outcomes.pop_front() {
                let after_secs = script.after_secs.unwrap_or(default_after);
                if script.outcomes.is_empty() {
                    self.per_app.remove(appid);
                }
                return Plan { outcome, after_secs };
            }
        }
        if self.fail_every_nth.is_some_and(|n| n > 0 && self.submissions % n == 0) {
            return Plan { outcome: Outcome::Fail, after_secs: default_after };
        }
        if !self.default_cycle.is_empty() {
            let i = ((self.submissions - 1) % self.default_cycle.len() as u64) as usize;
            return Plan { outcome: self.default_cycle[i], after_secs: default_after };
        }
        configured
    }

    /// Sets the script of `appid` (an empty list removes it).
    pub fn script_app(&mut self, appid: &str, outcomes: Vec<Outcome>, after_secs: Option<u64>) {
        if outcomes.is_empty() {
            self.per_app.remove(appid);
        } else {
            self.per_app.insert(appid.to_owned(), AppScript { outcomes: outcomes.into(), after_secs });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIGURED: Plan = Plan { outcome: Outcome::Pass, after_secs: 5 };

    #[test]
    fn scripts_win_then_fall_back() {
        let mut rules = AuditRules::default();
        rules.script_app("wxa", vec![Outcome::Fail, Outcome::Delay], Some(9));
        assert_eq!(rules.plan_next("wxa", CONFIGURED), Plan { outcome: Outcome::Fail, after_secs: 9 });
        assert_eq!(rules.plan_next("wxb", CONFIGURED), CONFIGURED);
        assert_eq!(rules.plan_next("wxa", CONFIGURED), Plan { outcome: Outcome::Delay, after_secs: 9 });
        assert_eq!(rules.plan_next("wxa", CONFIGURED), CONFIGURED);
    }

    #[test]
    fn every_nth_fails_and_the_cycle_alternates() {
        let mut rules = AuditRules { fail_every_nth: Some(3), ..AuditRules::default() };
        let outcomes: Vec<Outcome> = (0..6).map(|_| rules.plan_next("wx", CONFIGURED).outcome).collect();
        assert_eq!(outcomes, [Outcome::Pass, Outcome::Pass, Outcome::Fail, Outcome::Pass, Outcome::Pass, Outcome::Fail]);

        let mut rules =
            AuditRules { default_cycle: vec![Outcome::Pass, Outcome::Manual], default_after_secs: Some(1), ..AuditRules::default() };
        assert_eq!(rules.plan_next("wx", CONFIGURED), Plan { outcome: Outcome::Pass, after_secs: 1 });
        assert_eq!(rules.plan_next("wx", CONFIGURED), Plan { outcome: Outcome::Manual, after_secs: 1 });
        assert_eq!(rules.plan_next("wx", CONFIGURED).outcome, Outcome::Pass);
    }
}
