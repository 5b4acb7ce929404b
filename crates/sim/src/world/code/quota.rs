//! The platform's monthly audit-submission and speed-up budget (`queryquota`), shared by all the
//! mini programs it manages (reference §8, field notes #10).

use serde::{Deserialize, Serialize};
use wechat::api::audit::QueryquotaResponse;

use super::calendar::month_key;
use crate::WxError;

/// Submissions granted per month by default.
///
/// The official `queryquota` example shows `limit` 20; real platforms get more as their audit record
/// grows, and a sandbox that rehearses a 100-app release needs more, so the default is generous.
/// Tests lower it with `POST /admin/code-limits`.
pub const DEFAULT_AUDIT_LIMIT: i64 = 1000;
/// Speed-ups granted per month by default (the official example shows 3).
pub const DEFAULT_SPEEDUP_LIMIT: i64 = 3;

/// One platform's audit budget for the current Beijing month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuota {
    /// Submissions granted per month.
    pub limit: i64,
    /// Speed-ups granted per month.
    pub speedup_limit: i64,
    /// The month (`yyyymm`) the counters below belong to.
    pub month: i64,
    /// Submissions this month (withdrawn and rejected ones count too).
    pub used: i64,
    /// Speed-ups this month.
    pub speedup_used: i64,
}

impl Default for AuditQuota {
    fn default() -> Self {
        AuditQuota { limit: DEFAULT_AUDIT_LIMIT, speedup_limit: DEFAULT_SPEEDUP_LIMIT, month: 0, used: 0, speedup_used: 0 }
    }
}

impl AuditQuota {
    /// Starts a new month's counters when `now` is in another month.
    fn roll(&mut self, now: i64) {
        let month = month_key(now);
        if month != self.month {
            self.month = month;
            self.used = 0;
            self.speedup_used = 0;
        }
    }

    /// `85085` when this month's submissions are used up.
    pub fn check_submission(&mut self, now: i64) -> Result<(), WxError> {
        self.roll(now);
        if self.used >= self.limit {
            return Err(WxError::new(85085, "submit audit reach limit pleasetry later"));
        }
        Ok(())
    }

    /// Counts one submission (after [`AuditQuota::check_submission`] passed).
    pub fn take_submission(&mut self, now: i64) {
        self.roll(now);
        self.used += 1;
    }

    /// Takes one speed-up, or `89405` when this month's are used up.
    pub fn take_speedup(&mut self, now: i64) -> Result<(), WxError> {
        self.roll(now);
        if self.speedup_used >= self.speedup_limit {
            return Err(WxError::new(89405, "本月加急额度不足，请提升提审质量以获取更多额度"));
        }
        self.speedup_used += 1;
        Ok(())
    }

    /// The `queryquota` answer.
    pub fn answer(&mut self, now: i64) -> QueryquotaResponse {
        self.roll(now);
        QueryquotaResponse {
            rest: (self.limit - self.used).max(0),
            limit: self.limit,
            speedup_rest: (self.speedup_limit - self.speedup_used).max(0),
            speedup_limit: self.speedup_limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out_and_comes_back_next_month() {
        let jan = 1_704_067_200 + 86_400; // 2024-01-02 Beijing
        let mut quota = AuditQuota { limit: 2, ..AuditQuota::default() };
        for _ in 0..2 {
            quota.check_submission(jan).unwrap();
            quota.take_submission(jan);
        }
        assert_eq!(quota.check_submission(jan).unwrap_err().errcode, 85085);
        assert_eq!(quota.answer(jan).rest, 0);
        let feb = jan + 31 * 86_400;
        assert!(quota.check_submission(feb).is_ok());
        assert_eq!(quota.answer(feb).rest, 2);
    }
}
