//! Pushes to the authorization-event URL (授权事件接收URL), told apart by `InfoType` (reference §2.1).

use serde::{Deserialize, Serialize};

use super::event_element::{Fields, XmlWriter};
use super::XmlError;

/// Fields every authorization-event push carries besides `InfoType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComponentHeader {
    /// The third-party platform's own appid (component appid).
    #[serde(rename = "AppId")]
    pub app_id: String,
    /// When WeChat created the push, Unix seconds.
    #[serde(rename = "CreateTime")]
    pub create_time: i64,
}

impl ComponentHeader {
    fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(ComponentHeader { app_id: fields.text("AppId")?, create_time: fields.integer("CreateTime")? })
    }

    fn write(&self, info_type: &str) -> XmlWriter {
        let mut out = XmlWriter::new();
        out.text("AppId", &self.app_id).integer("CreateTime", self.create_time).text("InfoType", info_type);
        out
    }
}

/// `component_verify_ticket`: the ticket WeChat pushes every 10 minutes; valid 12 hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComponentVerifyTicket {
    /// `AppId` and `CreateTime`.
    #[serde(flatten)]
    pub header: ComponentHeader,
    /// The ticket, `ticket@@@...`.
    #[serde(rename = "ComponentVerifyTicket")]
    pub component_verify_ticket: String,
}

impl ComponentVerifyTicket {
    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(ComponentVerifyTicket { header: ComponentHeader::read(fields)?, component_verify_ticket: fields.text("ComponentVerifyTicket")? })
    }

    pub(crate) fn write(&self, info_type: &str) -> String {
        self.header.write(info_type).text("ComponentVerifyTicket", &self.component_verify_ticket).finish()
    }
}

/// `authorized` / `updateauthorized`: an authorizer granted, or changed, the permission sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Authorization {
    /// `AppId` and `CreateTime`.
    #[serde(flatten)]
    pub header: ComponentHeader,
    /// The authorizing mini program's (or official account's) appid.
    #[serde(rename = "AuthorizerAppid")]
    pub authorizer_appid: String,
    /// Authorization code for `api_query_auth` (`queryauthcode@@@...`).
    #[serde(rename = "AuthorizationCode")]
    pub authorization_code: String,
    /// When the authorization code expires, Unix seconds.
    #[serde(rename = "AuthorizationCodeExpiredTime")]
    pub authorization_code_expired_time: i64,
    /// The pre-authorization code the authorization page was opened with; empty if WeChat omits it.
    #[serde(rename = "PreAuthCode")]
    pub pre_auth_code: String,
}

impl Authorization {
    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(Authorization {
            header: ComponentHeader::read(fields)?,
            authorizer_appid: fields.text("AuthorizerAppid")?,
            authorization_code: fields.text("AuthorizationCode")?,
            authorization_code_expired_time: fields.integer("AuthorizationCodeExpiredTime")?,
            pre_auth_code: fields.text_or_empty("PreAuthCode"),
        })
    }

    pub(crate) fn write(&self, info_type: &str) -> String {
        self.header
            .write(info_type)
            .text("AuthorizerAppid", &self.authorizer_appid)
            .text("AuthorizationCode", &self.authorization_code)
            .integer_in_cdata("AuthorizationCodeExpiredTime", self.authorization_code_expired_time)
            .text("PreAuthCode", &self.pre_auth_code)
            .finish()
    }
}

/// `unauthorized`: an authorizer revoked the platform's access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Unauthorized {
    /// `AppId` and `CreateTime`.
    #[serde(flatten)]
    pub header: ComponentHeader,
    /// The appid that revoked.
    #[serde(rename = "AuthorizerAppid")]
    pub authorizer_appid: String,
}

impl Unauthorized {
    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(Unauthorized { header: ComponentHeader::read(fields)?, authorizer_appid: fields.text("AuthorizerAppid")? })
    }

    pub(crate) fn write(&self, info_type: &str) -> String {
        self.header.write(info_type).text("AuthorizerAppid", &self.authorizer_appid).finish()
    }
}

/// `notify_third_fasteregister`: the outcome of a fast registration of an enterprise mini program
/// (reference §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NotifyThirdFasteregister {
    /// `AppId` and `CreateTime`.
    #[serde(flatten)]
    pub header: ComponentHeader,
    /// The new mini program's appid.
    pub appid: String,
    /// 0 on success; otherwise the failure code listed in reference §4.
    pub status: i64,
    /// Authorization code to exchange with `api_query_auth`; empty if WeChat omits it.
    pub auth_code: String,
    /// WeChat's message for `status`; empty if WeChat omits it.
    pub msg: String,
    /// The registration request this result belongs to.
    pub info: FasteregisterInfo,
}

impl NotifyThirdFasteregister {
    /// Whether the mini program was created (`status` 0).
    pub fn succeeded(&self) -> bool {
        self.status == 0
    }

    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(NotifyThirdFasteregister {
            header: ComponentHeader::read(fields)?,
            appid: fields.text("appid")?,
            status: fields.integer("status")?,
            auth_code: fields.text_or_empty("auth_code"),
            msg: fields.text_or_empty("msg"),
            info: FasteregisterInfo::read(&fields.nested("info")?)?,
        })
    }

    pub(crate) fn write(&self, info_type: &str) -> String {
        let info = &self.info;
        self.header
            .write(info_type)
            .text("appid", &self.appid)
            .integer("status", self.status)
            .text("auth_code", &self.auth_code)
            .text("msg", &self.msg)
            .open("info")
            .text("name", &info.name)
            .text("code", &info.code)
            .integer("code_type", info.code_type)
            .text("legal_persona_wechat", &info.legal_persona_wechat)
            .text("legal_persona_name", &info.legal_persona_name)
            .text("component_phone", &info.component_phone)
            .close("info")
            .finish()
    }
}

/// The `info` of a fast-registration result: the request as submitted to `fastregisterweapp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FasteregisterInfo {
    /// Company name.
    pub name: String,
    /// Company code.
    pub code: String,
    /// 1 unified social credit code, 2 organization code, 3 business licence number.
    pub code_type: i32,
    /// Legal person's WeChat id.
    pub legal_persona_wechat: String,
    /// Legal person's name.
    pub legal_persona_name: String,
    /// Platform contact phone; empty when it was not given.
    pub component_phone: String,
}

impl FasteregisterInfo {
    fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(FasteregisterInfo {
            name: fields.text("name")?,
            code: fields.text("code")?,
            code_type: fields.integer("code_type")?,
            legal_persona_wechat: fields.text("legal_persona_wechat")?,
            legal_persona_name: fields.text("legal_persona_name")?,
            component_phone: fields.text_or_empty("component_phone"),
        })
    }
}
