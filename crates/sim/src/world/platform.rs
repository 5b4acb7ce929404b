//! A third-party platform (第三方平台) as WeChat keeps it, and its `component_verify_ticket`s.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use wechat::xml::{ComponentHeader, ComponentVerifyTicket, Event};

use super::{code::AuditQuota, domain::PlatformDomains, register::FastRegistrations, template::Library};
use super::{OutgoingPush, PushTarget, World};
use crate::WxError;

/// How long a `component_verify_ticket` is valid.
pub const TICKET_VALIDITY_SECS: i64 = 12 * 3600;
/// How long an expired ticket is still remembered, so that using it answers 61005 (expired)
/// rather than 61006 (unknown).
const EXPIRED_TICKET_MEMORY_SECS: i64 = 24 * 3600;
/// The most tickets remembered per platform (a 10-minute interval makes 72 a half day; tests
/// with a 1-second interval must not grow the list without bound).
const MAX_REMEMBERED_TICKETS: usize = 200;
/// The first ticket after start-up (or after a platform is added) comes this many seconds later.
pub const FIRST_TICKET_DELAY_SECS: i64 = 1;

/// One platform and its configuration on the open platform's web console.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Platform {
    /// `component_appid`.
    pub component_appid: String,
    /// `component_appsecret`.
    pub component_appsecret: String,
    /// The platform's name, shown to merchants on the consent page.
    #[serde(default)]
    pub name: String,
    /// The message Token (消息校验Token).
    pub token: String,
    /// The EncodingAESKey (43 characters).
    pub encoding_aes_key: String,
    /// The authorization-event URL (授权事件接收URL).
    pub push_url: Option<String>,
    /// The message-and-event URL (消息与事件接收URL), may contain `$APPID$`.
    pub message_url: Option<String>,
    /// The authorization launch-page domain (授权发起页域名): consent pages must be opened from it
    /// and `redirect_uri` must be on it.
    pub launch_domain: String,
    /// The IP whitelist for API calls; `None` accepts every caller.
    pub ip_whitelist: Option<Vec<IpAddr>>,
    /// Tickets issued, newest last; each is valid for [`TICKET_VALIDITY_SECS`].
    pub tickets: Vec<Ticket>,
    /// When the next scheduled ticket push is due; `None` until the ticker first sees the platform.
    #[serde(default)]
    pub next_ticket_at: Option<i64>,
    /// Server and jump domains registered on the platform.
    pub domains: PlatformDomains,
    /// The draft box and the template library.
    pub library: Library,
    /// The audit-submission quota shared by all its mini programs.
    pub audit_quota: AuditQuota,
    /// Fast-registration tasks.
    pub fast_registrations: FastRegistrations,
}

/// One `component_verify_ticket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// `ticket@@@…`.
    pub value: String,
    /// When it was pushed.
    pub issued_at: i64,
}

impl Ticket {
    /// When it stops being accepted by `api_component_token`.
    pub fn expires_at(&self) -> i64 {
        self.issued_at + TICKET_VALIDITY_SECS
    }
}

impl Platform {
    /// `41004` for an empty secret, `40125` for a wrong one.
    pub fn check_secret(&self, secret: &str) -> Result<(), WxError> {
        if secret.is_empty() {
            return Err(WxError::new(41004, "appsecret missing"));
        }
        if secret != self.component_appsecret {
            return Err(WxError::new(40125, "invalid appsecret"));
        }
        Ok(())
    }

    /// Whether `value` is a ticket `api_component_token` accepts at `now`: any ticket pushed in the
    /// last 12 hours, not only the newest (`61005` when it expired, `61006` when it was never issued).
    pub fn check_ticket(&self, value: &str, now: i64) -> Result<(), WxError> {
        let ticket = self.tickets.iter().find(|t| t.value == value).ok_or_else(|| WxError::new(61006, "component ticket is invalid"))?;
        if now >= ticket.expires_at() {
            return Err(WxError::new(61005, "component ticket is expired"));
        }
        Ok(())
    }

    /// The newest ticket, if any.
    pub fn latest_ticket(&self) -> Option<&Ticket> {
        self.tickets.last()
    }

    fn remember_ticket(&mut self, ticket: Ticket) {
        let now = ticket.issued_at;
        self.tickets.push(ticket);
        self.tickets.retain(|t| now < t.expires_at() + EXPIRED_TICKET_MEMORY_SECS);
        let excess = self.tickets.len().saturating_sub(MAX_REMEMBERED_TICKETS);
        self.tickets.drain(..excess);
    }
}

impl World {
    /// Issues a new ticket to `component_appid` and queues its push; returns the ticket.
    pub fn push_ticket(&mut self, component_appid: &str, now: i64) -> Result<String, WxError> {
        self.platform(component_appid)?;
        let value = self.ids.opaque("ticket@@@", 86);
        let event = Event::ComponentVerifyTicket(ComponentVerifyTicket {
            header: ComponentHeader { app_id: component_appid.to_owned(), create_time: now },
            component_verify_ticket: value.clone(),
        });
        self.platform_mut(component_appid)?.remember_ticket(Ticket { value: value.clone(), issued_at: now });
        self.outbox.push(OutgoingPush { component_appid: component_appid.to_owned(), target: PushTarget::Component, xml: event.to_xml() });
        Ok(value)
    }

    /// Pushes a ticket to every platform whose scheduled push is due, and schedules the next one
    /// `interval_secs` later. A platform seen for the first time gets its first ticket
    /// [`FIRST_TICKET_DELAY_SECS`] from now. Missed intervals (the clock jumped) are not caught up:
    /// one ticket, then the schedule continues from `now`, as WeChat's pusher would.
    pub fn push_due_tickets(&mut self, now: i64, interval_secs: i64) {
        let mut due = Vec::new();
        for platform in self.platforms.values_mut() {
            match platform.next_ticket_at {
                None => platform.next_ticket_at = Some(now + FIRST_TICKET_DELAY_SECS),
                Some(at) if at <= now => {
                    platform.next_ticket_at = Some(now + interval_secs.max(1));
                    due.push(platform.component_appid.clone());
                }
                Some(_) => {}
            }
        }
        for component_appid in due {
            // The platform was just found, so this cannot fail.
            let _ = self.push_ticket(&component_appid, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let mut world = World::default();
        world
            .platforms
            .insert("wxc".into(), Platform { component_appid: "wxc".into(), component_appsecret: "s".into(), ..Platform::default() });
        world
    }

    #[test]
    fn any_ticket_of_the_last_12_hours_is_accepted() {
        let mut world = world();
        let first = world.push_ticket("wxc", 1000).unwrap();
        let second = world.push_ticket("wxc", 1600).unwrap();
        let platform = world.platform("wxc").unwrap();
        assert!(platform.check_ticket(&first, 1000 + TICKET_VALIDITY_SECS - 1).is_ok());
        assert_eq!(platform.check_ticket(&first, 1000 + TICKET_VALIDITY_SECS).unwrap_err().errcode, 61005);
        assert!(platform.check_ticket(&second, 1000 + TICKET_VALIDITY_SECS).is_ok());
        assert_eq!(platform.check_ticket("ticket@@@nope", 1000).unwrap_err().errcode, 61006);
        assert_eq!(world.outbox.pending.len(), 2);
    }

    #[test]
    fn schedule_starts_after_a_delay_and_does_not_catch_up() {
        let mut world = world();
        world.push_due_tickets(100, 600);
        assert!(world.outbox.pending.is_empty());
        world.push_due_tickets(100 + FIRST_TICKET_DELAY_SECS, 600);
        assert_eq!(world.outbox.pending.len(), 1);
        world.push_due_tickets(100 + FIRST_TICKET_DELAY_SECS + 599, 600);
        assert_eq!(world.outbox.pending.len(), 1);
        world.push_due_tickets(100_000, 600);
        assert_eq!(world.outbox.pending.len(), 2, "one ticket after a jump, not one per missed interval");
    }

    #[test]
    fn secrets_are_checked() {
        let world = world();
        let platform = world.platform("wxc").unwrap();
        assert_eq!(platform.check_secret("").unwrap_err().errcode, 41004);
        assert_eq!(platform.check_secret("x").unwrap_err().errcode, 40125);
        assert!(platform.check_secret("s").is_ok());
    }
}
