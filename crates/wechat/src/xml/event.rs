//! [`Event`]: one decrypted push, typed by its `InfoType` or `Event`.

use serde::{Deserialize, Serialize};

use super::event_app::{MessageHeader, WeappAuditDelay, WeappAuditFail, WeappAuditSuccess, WxaCategoryAudit, WxaNicknameAudit};
use super::event_component::{Authorization, ComponentHeader, ComponentVerifyTicket, NotifyThirdFasteregister, Unauthorized};
use super::event_element::{Element, Fields};
use super::event_unknown::UnknownEvent;
use super::XmlError;

/// A decrypted push from WeChat.
///
/// Variants are named after the `InfoType` (authorization-event URL) or `Event`
/// (message-and-event URL) they stand for; the JSON form carries that same name in `type`:
/// `{"type": "weapp_audit_fail", "ToUserName": "gh_...", "Reason": "...", ...}`.
/// Anything else arrives as [`Event::Unknown`] with all its fields and the XML as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type")]
pub enum Event {
    /// `component_verify_ticket`, every 10 minutes.
    #[serde(rename = "component_verify_ticket")]
    ComponentVerifyTicket(ComponentVerifyTicket),
    /// `authorized`: a merchant authorized the platform.
    #[serde(rename = "authorized")]
    Authorized(Authorization),
    /// `updateauthorized`: a merchant changed the permission sets granted.
    #[serde(rename = "updateauthorized")]
    UpdateAuthorized(Authorization),
    /// `unauthorized`: a merchant revoked the authorization.
    #[serde(rename = "unauthorized")]
    Unauthorized(Unauthorized),
    /// `notify_third_fasteregister`: result of a fast registration.
    #[serde(rename = "notify_third_fasteregister")]
    NotifyThirdFasteregister(NotifyThirdFasteregister),
    /// `weapp_audit_success`: code review passed.
    #[serde(rename = "weapp_audit_success")]
    WeappAuditSuccess(WeappAuditSuccess),
    /// `weapp_audit_fail`: code review rejected.
    #[serde(rename = "weapp_audit_fail")]
    WeappAuditFail(WeappAuditFail),
    /// `weapp_audit_delay`: code review delayed.
    #[serde(rename = "weapp_audit_delay")]
    WeappAuditDelay(WeappAuditDelay),
    /// `wxa_nickname_audit`: name review result.
    #[serde(rename = "wxa_nickname_audit")]
    WxaNicknameAudit(WxaNicknameAudit),
    /// `wxa_category_audit`: category review result.
    #[serde(rename = "wxa_category_audit")]
    WxaCategoryAudit(WxaCategoryAudit),
    /// Any other push, kept whole.
    #[serde(rename = "unknown")]
    Unknown(UnknownEvent),
}

impl Event {
    /// Reads a decrypted push (the plaintext inside `Encrypt`).
    ///
    /// Well-formed XML of a kind without its own variant becomes [`Event::Unknown`]; a known kind
    /// that lacks a documented field, or has a non-integer where an integer belongs, is an error.
    /// Fields a known kind does not document are ignored, as in WxJava; keep the plaintext if they
    /// matter.
    pub fn parse(xml: &str) -> Result<Event, XmlError> {
        Event::from_root(&Element::parse(xml)?, xml)
    }

    /// The event a document's root element holds; `xml` is the document, kept by unknown kinds.
    pub(crate) fn from_root(root: &Element, xml: &str) -> Result<Event, XmlError> {
        if root.name != "xml" {
            return Err(XmlError::UnexpectedRoot(root.name.to_string()));
        }
        if let Some(info_type) = root.child_text("InfoType").map(str::trim) {
            let fields = Fields::new(info_type, root);
            return Ok(match info_type {
                "component_verify_ticket" => Event::ComponentVerifyTicket(ComponentVerifyTicket::read(&fields)?),
                "authorized" => Event::Authorized(Authorization::read(&fields)?),
                "updateauthorized" => Event::UpdateAuthorized(Authorization::read(&fields)?),
                "unauthorized" => Event::Unauthorized(Unauthorized::read(&fields)?),
                "notify_third_fasteregister" => Event::NotifyThirdFasteregister(NotifyThirdFasteregister::read(&fields)?),
                other => Event::Unknown(UnknownEvent::new(other, root, xml)),
            });
        }
        let msg_type = root.child_text("MsgType").map(str::trim).unwrap_or_default();
        let event = root.child_text("Event").map(str::trim).filter(|_| msg_type == "event");
        let Some(event) = event else {
            return Ok(Event::Unknown(UnknownEvent::new(msg_type, root, xml)));
        };
        let fields = Fields::new(event, root);
        Ok(match event {
            "weapp_audit_success" => Event::WeappAuditSuccess(WeappAuditSuccess::read(&fields)?),
            "weapp_audit_fail" => Event::WeappAuditFail(WeappAuditFail::read(&fields)?),
            "weapp_audit_delay" => Event::WeappAuditDelay(WeappAuditDelay::read(&fields)?),
            "wxa_nickname_audit" => Event::WxaNicknameAudit(WxaNicknameAudit::read(&fields)?),
            "wxa_category_audit" => Event::WxaCategoryAudit(WxaCategoryAudit::read(&fields)?),
            other => Event::Unknown(UnknownEvent::new(other, root, xml)),
        })
    }

    /// The push as WeChat sends it, before encryption: fields in the documented order, strings in
    /// CDATA, numbers bare. An [`Event::Unknown`] gives back the XML it was read from.
    pub fn to_xml(&self) -> String {
        let kind = self.kind();
        match self {
            Event::ComponentVerifyTicket(e) => e.write(kind),
            Event::Authorized(e) | Event::UpdateAuthorized(e) => e.write(kind),
            Event::Unauthorized(e) => e.write(kind),
            Event::NotifyThirdFasteregister(e) => e.write(kind),
            Event::WeappAuditSuccess(e) => e.write(kind),
            Event::WeappAuditFail(e) => e.write(kind),
            Event::WeappAuditDelay(e) => e.write(kind),
            Event::WxaNicknameAudit(e) => e.write(kind),
            Event::WxaCategoryAudit(e) => e.write(kind),
            Event::Unknown(e) => e.xml.clone(),
        }
    }

    /// The `InfoType` or `Event` of the push (for unknown pushes, [`UnknownEvent::kind`]).
    pub fn kind(&self) -> &str {
        match self {
            Event::ComponentVerifyTicket(_) => "component_verify_ticket",
            Event::Authorized(_) => "authorized",
            Event::UpdateAuthorized(_) => "updateauthorized",
            Event::Unauthorized(_) => "unauthorized",
            Event::NotifyThirdFasteregister(_) => "notify_third_fasteregister",
            Event::WeappAuditSuccess(_) => "weapp_audit_success",
            Event::WeappAuditFail(_) => "weapp_audit_fail",
            Event::WeappAuditDelay(_) => "weapp_audit_delay",
            Event::WxaNicknameAudit(_) => "wxa_nickname_audit",
            Event::WxaCategoryAudit(_) => "wxa_category_audit",
            Event::Unknown(e) => &e.kind,
        }
    }

    /// `CreateTime`, Unix seconds; `None` only for an unknown push without a numeric one.
    pub fn create_time(&self) -> Option<i64> {
        if let Event::Unknown(e) = self {
            return e.field("CreateTime").and_then(|t| t.trim().parse().ok());
        }
        self.component_header().map(|h| h.create_time).or_else(|| self.message_header().map(|h| h.create_time))
    }

    /// The authorizer an authorization-event push is about: `AuthorizerAppid`, or `appid` of a fast
    /// registration. `None` for the ticket and for message-and-event pushes, which name the mini
    /// program by its original id (`ToUserName`) instead.
    pub fn authorizer_appid(&self) -> Option<&str> {
        match self {
            Event::Authorized(e) | Event::UpdateAuthorized(e) => Some(&e.authorizer_appid),
            Event::Unauthorized(e) => Some(&e.authorizer_appid),
            Event::NotifyThirdFasteregister(e) => Some(&e.appid),
            Event::Unknown(e) => e.authorizer_appid(),
            _ => None,
        }
    }

    /// `AppId` and `CreateTime` of an authorization-event push.
    pub fn component_header(&self) -> Option<&ComponentHeader> {
        match self {
            Event::ComponentVerifyTicket(e) => Some(&e.header),
            Event::Authorized(e) | Event::UpdateAuthorized(e) => Some(&e.header),
            Event::Unauthorized(e) => Some(&e.header),
            Event::NotifyThirdFasteregister(e) => Some(&e.header),
            _ => None,
        }
    }

    /// `ToUserName`, `FromUserName` and `CreateTime` of a message-and-event push.
    pub fn message_header(&self) -> Option<&MessageHeader> {
        match self {
            Event::WeappAuditSuccess(e) => Some(&e.header),
            Event::WeappAuditFail(e) => Some(&e.header),
            Event::WeappAuditDelay(e) => Some(&e.header),
            Event::WxaNicknameAudit(e) => Some(&e.header),
            Event::WxaCategoryAudit(e) => Some(&e.header),
            _ => None,
        }
    }

    /// The key that identifies a push across WeChat's retries (it retries 3 times when `success`
    /// does not come back within 5 s), for removing duplicates after decryption.
    ///
    /// WeChat's rule is `MsgId` when present, else `FromUserName` + `CreateTime`, and for
    /// authorization events `AppId` + `InfoType` + `CreateTime`. One platform receives for many
    /// authorizers, and the system account that sends their events is the same for all, so the key
    /// also carries what tells them apart: `ToUserName` and `Event` (or `MsgType`) for messages and
    /// events, the authorizer's appid for authorization events. A retry repeats every field, so
    /// these additions never split one push's retries; they only stop distinct pushes that share
    /// a second from collapsing into one.
    ///
    /// Forms: `msgid|{ToUserName}|{MsgId}`, `component|{AppId}|{InfoType}|{CreateTime}[|{appid}]`,
    /// `message|{ToUserName}|{FromUserName}|{CreateTime}|{Event or MsgType}`.
    pub fn dedup_key(&self) -> String {
        match self {
            Event::ComponentVerifyTicket(ComponentVerifyTicket { header, .. })
            | Event::Authorized(Authorization { header, .. })
            | Event::UpdateAuthorized(Authorization { header, .. })
            | Event::Unauthorized(Unauthorized { header, .. })
            | Event::NotifyThirdFasteregister(NotifyThirdFasteregister { header, .. }) => {
                component_key(&header.app_id, self.kind(), header.create_time, self.authorizer_appid())
            }
            Event::WeappAuditSuccess(WeappAuditSuccess { header, .. })
            | Event::WeappAuditFail(WeappAuditFail { header, .. })
            | Event::WeappAuditDelay(WeappAuditDelay { header, .. })
            | Event::WxaNicknameAudit(WxaNicknameAudit { header, .. })
            | Event::WxaCategoryAudit(WxaCategoryAudit { header, .. }) => {
                message_key(&header.to_user_name, &header.from_user_name, header.create_time, self.kind())
            }
            Event::Unknown(e) => unknown_key(e),
        }
    }
}

fn component_key(app_id: &str, info_type: &str, create_time: impl std::fmt::Display, subject: Option<&str>) -> String {
    let mut key = format!("component|{app_id}|{info_type}|{create_time}");
    if let Some(subject) = subject {
        key.push('|');
        key.push_str(subject);
    }
    key
}

fn message_key(to: &str, from: &str, create_time: impl std::fmt::Display, kind: &str) -> String {
    format!("message|{to}|{from}|{create_time}|{kind}")
}

fn unknown_key(e: &UnknownEvent) -> String {
    let field = |name: &str| e.field(name).unwrap_or_default().trim();
    if let Some(msg_id) = e.field("MsgId") {
        return format!("msgid|{}|{}", field("ToUserName"), msg_id.trim());
    }
    if e.field("InfoType").is_some() {
        return component_key(field("AppId"), &e.kind, field("CreateTime"), e.authorizer_appid());
    }
    message_key(field("ToUserName"), field("FromUserName"), field("CreateTime"), &e.kind)
}
