//! A third-party platform (第三方平台) as WeChat keeps it.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{code::AuditQuota, domain::PlatformDomains, register::FastRegistrations, template::Library};

/// How long a `component_verify_ticket` is valid.
pub const TICKET_VALIDITY_SECS: i64 = 12 * 3600;

/// One platform and its configuration on the open platform's web console.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Platform {
    /// `component_appid`.
    pub component_appid: String,
    /// `component_appsecret`.
    pub component_appsecret: String,
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
