//! All simulator state, as plain serialisable data.
//!
//! Operations are methods on these types that take `now` (virtual Unix seconds) and return either
//! the answer or a [`WxError`](crate::WxError); they never sleep, never do I/O, never read a clock.
//! Pushes an operation causes are queued in [`World::outbox`] and delivered by [`crate::push`].
//! The HTTP layer locks the world, calls one operation, unlocks — never across an `.await`.

pub mod app;
pub mod category;
pub mod code;
pub mod consent;
pub mod domain;
pub mod ids;
pub mod outbox;
pub mod platform;
pub mod privacy;
pub mod profile;
pub mod quota;
pub mod register;
pub mod template;
pub mod tester;
pub mod tokens;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use app::{Grant, MiniProgram};
pub use consent::{Confirmation, ConsentRefusal, Consented};
pub use ids::Ids;
pub use outbox::{Delivery, DeliveryOutcome, Outbox, OutgoingPush, PushTarget};
pub use platform::{Platform, Ticket};
pub use quota::{Quotas, RidLog};
pub use tokens::{TokenKind, Tokens};

/// Permission set (权限集) ids the endpoints require (reference conventions).
pub mod perm {
    /// Mini program codes (wxacode, QR codes).
    pub const QRCODE: u32 = 17;
    /// Development management: code, domains, testers, privacy, audit.
    pub const DEVELOPMENT: u32 = 18;
    /// Basic info and categories of a mini program.
    pub const BASIC_INFO: u32 = 30;
}

/// Everything the simulated WeChat knows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct World {
    /// Third-party platforms, by component appid.
    pub platforms: BTreeMap<String, Platform>,
    /// Every mini program (authorized or not), by appid.
    pub apps: BTreeMap<String, MiniProgram>,
    /// Issued component and authorizer access tokens.
    pub tokens: Tokens,
    /// Pre-auth codes and authorization codes in flight.
    pub consent: consent::Consent,
    /// Daily call counters and quota resets.
    pub quotas: Quotas,
    /// Failed calls by rid, for `openapi/rid/get`.
    #[serde(default)]
    pub rids: RidLog,
    /// Pushes waiting for delivery, and the delivery log.
    pub outbox: Outbox,
    /// How audits end: the default rule and per-app scripts.
    pub audit_rules: code::AuditRules,
    /// Counters for ids (audit ids, draft ids, template ids, media ids).
    pub ids: Ids,
}

impl World {
    /// The platform `component_appid`, or `61011 invalid component`.
    pub fn platform(&self, component_appid: &str) -> Result<&Platform, crate::WxError> {
        self.platforms.get(component_appid).ok_or_else(|| crate::WxError::new(61011, "invalid component"))
    }

    /// The platform `component_appid`, mutable, or `61011 invalid component`.
    pub fn platform_mut(&mut self, component_appid: &str) -> Result<&mut Platform, crate::WxError> {
        self.platforms.get_mut(component_appid).ok_or_else(|| crate::WxError::new(61011, "invalid component"))
    }

    /// Runs everything that time moves forward: audits, reviews, fast registrations. Called by the
    /// ticker and after the clock is advanced.
    pub fn advance(&mut self, now: i64) {
        code::advance(self, now);
        category::advance(self, now);
        profile::advance(self, now);
        register::advance(self, now);
    }

    /// The mini program `appid`, or `40013 invalid appid`.
    pub fn app(&self, appid: &str) -> Result<&MiniProgram, crate::WxError> {
        self.apps.get(appid).ok_or_else(|| crate::WxError::new(40013, "invalid appid"))
    }

    /// The mini program `appid`, mutable, or `40013 invalid appid`.
    pub fn app_mut(&mut self, appid: &str) -> Result<&mut MiniProgram, crate::WxError> {
        self.apps.get_mut(appid).ok_or_else(|| crate::WxError::new(40013, "invalid appid"))
    }
}
