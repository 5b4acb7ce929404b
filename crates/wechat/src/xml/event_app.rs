//! Events for an authorized mini program, pushed to the message-and-event URL (消息与事件接收URL)
//! with `MsgType` `event` and told apart by `Event` (reference §2.2).

use serde::{Deserialize, Serialize};

use super::event_element::{Fields, XmlWriter};
use super::XmlError;

/// Fields every message-and-event push carries besides `MsgType` and `Event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageHeader {
    /// The mini program's original id, `gh_...`.
    #[serde(rename = "ToUserName")]
    pub to_user_name: String,
    /// The sender; for these events a system account's openid.
    #[serde(rename = "FromUserName")]
    pub from_user_name: String,
    /// When WeChat created the push, Unix seconds.
    #[serde(rename = "CreateTime")]
    pub create_time: i64,
}

impl MessageHeader {
    fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(MessageHeader {
            to_user_name: fields.text("ToUserName")?,
            from_user_name: fields.text("FromUserName")?,
            create_time: fields.integer("CreateTime")?,
        })
    }

    fn write(&self, event: &str) -> XmlWriter {
        let mut out = XmlWriter::new();
        out.text("ToUserName", &self.to_user_name)
            .text("FromUserName", &self.from_user_name)
            .integer("CreateTime", self.create_time)
            .text("MsgType", "event")
            .text("Event", event);
        out
    }
}

/// `weapp_audit_success`: the submitted code passed review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeappAuditSuccess {
    /// `ToUserName`, `FromUserName`, `CreateTime`.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// When the review passed, Unix seconds.
    #[serde(rename = "SuccTime")]
    pub succ_time: i64,
}

impl WeappAuditSuccess {
    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(WeappAuditSuccess { header: MessageHeader::read(fields)?, succ_time: fields.integer("SuccTime")? })
    }

    pub(crate) fn write(&self, event: &str) -> String {
        self.header.write(event).integer("SuccTime", self.succ_time).finish()
    }
}

/// `weapp_audit_fail`: the submitted code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeappAuditFail {
    /// `ToUserName`, `FromUserName`, `CreateTime`.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// Why, as WeChat wrote it: text with `<br>` line breaks, kept verbatim.
    #[serde(rename = "Reason")]
    pub reason: String,
    /// When the review failed, Unix seconds.
    #[serde(rename = "FailTime")]
    pub fail_time: i64,
    /// Media ids of example screenshots (fetch them with the permanent-material API). WeChat sends
    /// them joined by `|`; empty when it sends none.
    #[serde(rename = "ScreenShot")]
    pub screen_shot: Vec<String>,
}

impl WeappAuditFail {
    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        let screen_shot = fields.text_or_empty("ScreenShot");
        Ok(WeappAuditFail {
            header: MessageHeader::read(fields)?,
            reason: fields.text("Reason")?,
            fail_time: fields.integer("FailTime")?,
            screen_shot: screen_shot.split('|').map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned).collect(),
        })
    }

    pub(crate) fn write(&self, event: &str) -> String {
        self.header
            .write(event)
            .text("Reason", &self.reason)
            .integer("FailTime", self.fail_time)
            .text("ScreenShot", &self.screen_shot.join("|"))
            .finish()
    }
}

/// `weapp_audit_delay`: the review will take longer; a success or fail event still follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeappAuditDelay {
    /// `ToUserName`, `FromUserName`, `CreateTime`.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// Why the review is delayed.
    #[serde(rename = "Reason")]
    pub reason: String,
    /// When the review was delayed, Unix seconds.
    #[serde(rename = "DelayTime")]
    pub delay_time: i64,
}

impl WeappAuditDelay {
    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(WeappAuditDelay {
            header: MessageHeader::read(fields)?,
            reason: fields.text("Reason")?,
            delay_time: fields.integer("DelayTime")?,
        })
    }

    pub(crate) fn write(&self, event: &str) -> String {
        self.header.write(event).text("Reason", &self.reason).integer("DelayTime", self.delay_time).finish()
    }
}

/// The `ret` of name and category reviews that means "passed"; 2 means rejected.
const REVIEW_PASSED: i32 = 3;

/// `wxa_nickname_audit`: the result of reviewing a new mini program name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WxaNicknameAudit {
    /// `ToUserName`, `FromUserName`, `CreateTime`.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// 2 rejected, 3 passed.
    pub ret: i32,
    /// The name that was reviewed.
    pub nickname: String,
    /// Why it was rejected; empty if WeChat omits it.
    pub reason: String,
}

impl WxaNicknameAudit {
    /// Whether the name passed review (`ret` 3).
    pub fn passed(&self) -> bool {
        self.ret == REVIEW_PASSED
    }

    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(WxaNicknameAudit {
            header: MessageHeader::read(fields)?,
            ret: fields.integer("ret")?,
            nickname: fields.text("nickname")?,
            reason: fields.text_or_empty("reason"),
        })
    }

    pub(crate) fn write(&self, event: &str) -> String {
        self.header.write(event).integer("ret", self.ret).text("nickname", &self.nickname).text("reason", &self.reason).finish()
    }
}

/// `wxa_category_audit`: the result of reviewing a category added to the mini program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WxaCategoryAudit {
    /// `ToUserName`, `FromUserName`, `CreateTime`.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// 2 rejected, 3 passed.
    pub ret: i32,
    /// First-level category id.
    pub first: i64,
    /// Second-level category id.
    pub second: i64,
    /// Why it was rejected; empty if WeChat omits it.
    pub reason: String,
}

impl WxaCategoryAudit {
    /// Whether the category passed review (`ret` 3).
    pub fn passed(&self) -> bool {
        self.ret == REVIEW_PASSED
    }

    pub(crate) fn read(fields: &Fields) -> Result<Self, XmlError> {
        Ok(WxaCategoryAudit {
            header: MessageHeader::read(fields)?,
            ret: fields.integer("ret")?,
            first: fields.integer("first")?,
            second: fields.integer("second")?,
            reason: fields.text_or_empty("reason"),
        })
    }

    pub(crate) fn write(&self, event: &str) -> String {
        self.header
            .write(event)
            .integer("ret", self.ret)
            .integer("first", self.first)
            .integer("second", self.second)
            .text("reason", &self.reason)
            .finish()
    }
}
