//! Events waiting on something another event brings are due again the moment it arrives, not at
//! the end of their back-off.
//!
//! After a day away the relay hands over the day in order: a merchant's `authorized` push and the
//! link's result from the morning come before that day's tickets, so they fail `ticket_missing`
//! (the only ticket here is a day old) and back off. A fresh ticket a moment later in the same
//! backlog is what they wait for, so storing it makes them due now; the retry timer takes them
//! within a tick. Likewise a link's result whose code expired waits for the `authorized` push with
//! that code. Only the time of the next attempt changes (and `error` rows become `retrying` again):
//! each row is still handled by one task at a time, and de-duplication is untouched.

use rusqlite::params;

use crate::Fleet;

/// What the events wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// A valid `component_verify_ticket`: events that failed for the want of one (none valid here,
    /// or WeChat refused the one here: 61005 expired, 61006 unknown).
    Ticket,
    /// An `authorized` push: links' results whose code expired (61010) before it was exchanged.
    AuthorizedPush,
}

impl Waiting {
    fn condition(self) -> &'static str {
        match self {
            Waiting::Ticket => {
                "(last_error LIKE '[ticket_missing]%' OR last_error LIKE '[wechat:61005]%' OR last_error LIKE '[wechat:61006]%')"
            }
            Waiting::AuthorizedPush => "(kind = 'authorize' AND last_error LIKE '[wechat:61010]%')",
        }
    }
}

impl Fleet {
    /// Makes the platform's failed events that wait for `what` due now. A failure here is logged:
    /// the events keep their back-off and are retried all the same.
    pub(crate) async fn due_now(&self, platform: &str, what: Waiting) {
        let (platform_, now) = (platform.to_owned(), self.now_ms());
        let sql = format!(
            "UPDATE inbox SET state = 'retrying', next_attempt_at = ?2
             WHERE component_appid = ?1 AND state IN ('retrying', 'error') AND {}",
            what.condition()
        );
        match self.store().write(move |tx| Ok(tx.execute(&sql, params![platform_, now])?)).await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(platform, rows, ?what, "events waiting for this are due again now"),
            Err(e) => tracing::warn!(platform, error = %e, ?what, "could not make waiting events due; they keep their back-off"),
        }
    }
}
