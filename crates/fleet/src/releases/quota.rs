//! Quotas of the code lifecycle: withdrawals (5 a day, 10 a month per mini program, counted here
//! from the history) and the platform's monthly audit budget (`queryquota`).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use wechat::api::audit::QueryquotaResponse;

use super::calendar;
use super::history::{self, EventKind};
use crate::error::{FleetError, Result};
use crate::{permissions, Fleet};

/// Withdrawals per mini program per Beijing day (reference §8: the docs and WeChat's staff say 5;
/// some errmsg texts still say 1).
pub const UNDO_PER_DAY: u32 = 5;
/// Withdrawals per mini program per Beijing month.
pub const UNDO_PER_MONTH: u32 = 10;

/// What is left of a mini program's withdrawals, from the withdrawals made through this workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UndoQuota {
    /// Withdrawals today (Beijing day).
    pub used_today: u32,
    /// Withdrawals this month (Beijing month).
    pub used_this_month: u32,
    /// The daily limit.
    pub per_day: u32,
    /// The monthly limit.
    pub per_month: u32,
    /// How many more are allowed now.
    pub left: u32,
}

/// The undo quota of `appid` at `now_ms`.
pub fn undo_quota(conn: &Connection, appid: &str, now_ms: i64) -> Result<UndoQuota> {
    let used_today = history::count_events_since(conn, appid, EventKind::UndoAudit, calendar::day_start_ms(now_ms))?;
    let used_this_month = history::count_events_since(conn, appid, EventKind::UndoAudit, calendar::month_start_ms(now_ms))?;
    let left = UNDO_PER_DAY.saturating_sub(used_today).min(UNDO_PER_MONTH.saturating_sub(used_this_month));
    Ok(UndoQuota { used_today, used_this_month, per_day: UNDO_PER_DAY, per_month: UNDO_PER_MONTH, left })
}

/// A mini program of the platform that granted development management, whose token can ask for the
/// platform's audit budget.
pub fn quota_witness(conn: &Connection, component_appid: &str) -> Result<String> {
    conn.query_row(
        "SELECT appid FROM authorizers WHERE component_appid = ?1 AND status = 'authorized'
           AND EXISTS (SELECT 1 FROM json_each(func_ids) WHERE value = ?2)
         ORDER BY appid LIMIT 1",
        rusqlite::params![component_appid, permissions::DEVELOPMENT],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        FleetError::invalid(
            "platform",
            format!("{component_appid} has no authorized mini program with development management (18): the audit budget is read with one's token"),
        )
    })
}

impl Fleet {
    /// The withdrawals `appid` has left (5 a day, 10 a month), counted from this workspace's history.
    pub async fn undo_quota(&self, appid: &str) -> Result<UndoQuota> {
        let (appid, now) = (appid.to_owned(), self.now_ms());
        self.store().read(move |conn| undo_quota(conn, &appid, now)).await
    }

    /// The platform's audit budget this month (`queryquota`): submissions and speed-ups left.
    pub async fn audit_quota(&self, component_appid: &str) -> Result<QueryquotaResponse> {
        let platform = component_appid.to_owned();
        let witness = self.store().read(move |conn| quota_witness(conn, &platform)).await?;
        super::calls::query_quota(self, &witness).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::releases::history::{insert_event, NewEvent};
    use crate::Store;

    const DAY: i64 = 86_400_000;
    /// 2026-03-10 12:00 Beijing.
    const MARCH_10: i64 = 1_773_115_200_000;
    /// 2026-04-01 00:00 Beijing.
    const APRIL_1: i64 = 1_774_972_800_000;

    #[test]
    fn five_a_day_and_ten_a_month_reset_on_beijing_midnight() {
        let store = Store::open_in_memory().unwrap();
        store
            .blocking_write(|tx| {
                let undo = |at| insert_event(tx, &NewEvent::new("wx1", EventKind::UndoAudit, at, "op")).map(|_| ());
                assert_eq!(undo_quota(tx, "wx1", MARCH_10)?.left, 5);
                for i in 0..5 {
                    undo(MARCH_10 + i)?;
                }
                let quota = undo_quota(tx, "wx1", MARCH_10 + 10)?;
                assert_eq!((quota.used_today, quota.used_this_month, quota.left), (5, 5, 0));
                // The next day: five more.
                assert_eq!(undo_quota(tx, "wx1", MARCH_10 + DAY)?.left, 5);
                for i in 0..5 {
                    undo(MARCH_10 + DAY + i)?;
                }
                // Ten this month: none left on any later day of March.
                let quota = undo_quota(tx, "wx1", MARCH_10 + 2 * DAY)?;
                assert_eq!((quota.used_today, quota.used_this_month, quota.left), (0, 10, 0));
                assert_eq!(undo_quota(tx, "wx1", APRIL_1 - 1)?.left, 0);
                // April, Beijing time: back to five. Other mini programs never shared the count.
                assert_eq!(undo_quota(tx, "wx1", APRIL_1)?.left, 5);
                assert_eq!(undo_quota(tx, "wx2", MARCH_10)?.left, 5);
                Ok(())
            })
            .unwrap();
    }
}
