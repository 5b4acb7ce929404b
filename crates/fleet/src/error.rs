//! The core's one error type, and the serialisable [`Problem`] every boundary (CLI, desktop) shows.
//!
//! WeChat's `errcode` becomes [`FleetError::WeChat`] in exactly one place (`From<wechat::api::Error>`),
//! and every problem a user sees carries the code, its meaning and the remedy in zh-CN and en from
//! the `wechat` crate's table. The UI branches on [`FleetError::code`], never on the text.

use serde::Serialize;
use wechat::errcode::{self, ErrorClass, Explanation};

/// Anything the core can fail with.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// WeChat answered with a non-zero `errcode`.
    #[error("WeChat error {errcode} on {path}: {errmsg}")]
    WeChat {
        /// The `errcode`.
        errcode: i64,
        /// The `errmsg`, verbatim (it often ends with `rid: …`).
        errmsg: String,
        /// The API path called.
        path: String,
    },
    /// WeChat (or the simulator, or the egress proxy) could not be reached, or answered with an HTTP
    /// error or something the API does not document.
    #[error("{detail}")]
    Network {
        /// What happened, without any token.
        detail: String,
        /// Worth retrying (timeouts, connection failures, 5xx).
        transient: bool,
    },
    /// No such thing in this workspace.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `mini program wx123`.
        what: String,
    },
    /// The merchant revoked the authorization of this mini program.
    #[error("{appid} is no longer authorized (the merchant revoked it); ask the merchant to authorize again")]
    Revoked {
        /// The mini program.
        appid: String,
    },
    /// The merchant did not grant a permission set the action needs; refused before calling WeChat.
    #[error("{appid} did not grant permission set {set} ({name}); ask the merchant to authorize it again with that set")]
    MissingPermission {
        /// The mini program.
        appid: String,
        /// The permission set id (`funcscope_category.id`).
        set: u32,
        /// Its name.
        name: String,
    },
    /// Input that cannot be accepted.
    #[error("{field}: {reason}")]
    Invalid {
        /// Which field or argument.
        field: String,
        /// Why, and what would be accepted.
        reason: String,
    },
    /// The action does not fit the current state (a campaign already running, a link already used).
    #[error("{0}")]
    Conflict(String),
    /// No `component_verify_ticket` has arrived for the platform yet (or it is too old).
    #[error("no valid component_verify_ticket for {platform} yet: WeChat pushes one every 10 minutes to the authorization-event URL; check the relay, or request a push now")]
    TicketMissing {
        /// The component appid.
        platform: String,
    },
    /// The database was written by a newer wxfleet.
    #[error(
        "the database is at schema version {found}, this wxfleet knows up to {supported}: update wxfleet (the database was not changed)"
    )]
    DatabaseNewer {
        /// The database's version.
        found: i64,
        /// The newest this binary knows.
        supported: i64,
    },
    /// The disk is full: nothing was written.
    #[error("the disk is full; nothing was lost — free some space and try again")]
    DiskFull,
    /// The database file, its folder or the disk became read-only: nothing was written.
    #[error(
        "the workspace database cannot be written (its file, its folder or the disk is read-only); nothing was changed — make it \
         writable again (permissions, a remounted or full disk) and try again"
    )]
    ReadOnly,
    /// The local database failed.
    #[error("local database: {0}")]
    Store(String),
    /// The master key or a secret could not be read or written.
    #[error("secrets: {0}")]
    Secrets(String),
    /// The relay failed.
    #[error("relay: {0}")]
    Relay(String),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(String),
}

/// Results of the core.
pub type Result<T, E = FleetError> = std::result::Result<T, E>;

impl FleetError {
    /// A stable, machine-readable code the UI and scripts switch on.
    pub fn code(&self) -> &'static str {
        match self {
            FleetError::WeChat { .. } => "wechat",
            FleetError::Network { .. } => "network",
            FleetError::NotFound { .. } => "not_found",
            FleetError::Revoked { .. } => "revoked",
            FleetError::MissingPermission { .. } => "missing_permission",
            FleetError::Invalid { .. } => "invalid",
            FleetError::Conflict(_) => "conflict",
            FleetError::TicketMissing { .. } => "ticket_missing",
            FleetError::DatabaseNewer { .. } => "database_newer",
            FleetError::DiskFull => "disk_full",
            FleetError::ReadOnly => "read_only",
            FleetError::Store(_) => "store",
            FleetError::Secrets(_) => "secrets",
            FleetError::Relay(_) => "relay",
            FleetError::Io(_) => "io",
        }
    }

    /// WeChat's `errcode`, for WeChat's errors.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            FleetError::WeChat { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// The errcode table's explanation, for WeChat's errors it knows.
    pub fn explanation(&self) -> Option<&'static Explanation> {
        self.errcode().and_then(errcode::explain)
    }

    /// How a caller (a campaign, a retry loop) should react.
    pub fn class(&self) -> ErrorClass {
        match self {
            FleetError::WeChat { errcode, .. } => errcode::classify(*errcode),
            FleetError::Network { transient: true, .. } => ErrorClass::Transient,
            FleetError::DiskFull | FleetError::ReadOnly | FleetError::Relay(_) => ErrorClass::Transient,
            _ => ErrorClass::Final,
        }
    }

    /// A shorthand for [`FleetError::Invalid`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> FleetError {
        FleetError::Invalid { field: field.into(), reason: reason.into() }
    }

    /// A shorthand for [`FleetError::NotFound`].
    pub fn not_found(what: impl Into<String>) -> FleetError {
        FleetError::NotFound { what: what.into() }
    }

    /// What the user sees: code, message, and for WeChat's errors the meaning and the remedy.
    pub fn problem(&self) -> Problem {
        let explanation = self.explanation();
        Problem {
            code: self.code().to_owned(),
            message: self.to_string(),
            errcode: self.errcode(),
            meaning_zh: explanation.map(|e| e.meaning_zh.to_owned()),
            meaning_en: explanation.map(|e| e.meaning_en.to_owned()),
            remedy_zh: explanation.map(|e| e.remedy_zh.to_owned()),
            remedy_en: explanation.map(|e| e.remedy_en.to_owned()),
            class: class_name(self.class()).to_owned(),
        }
    }
}

impl Problem {
    /// What WeChat's `errcode` means and what to do about it (the desktop's errcode explainer), as any
    /// error with that errcode would show it.
    pub fn for_errcode(errcode: i64) -> Problem {
        FleetError::from(wechat::api::Error::Api(wechat::api::ApiError { errcode, errmsg: String::new(), path: String::new() })).problem()
    }
}

/// An error as the user sees it: serialisable, with WeChat's meaning and remedy when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    /// [`FleetError::code`].
    pub code: String,
    /// The message (English; the UI translates by `code`).
    pub message: String,
    /// WeChat's errcode, when WeChat answered with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    /// What the errcode means (zh-CN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning_zh: Option<String>,
    /// What the errcode means (en).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning_en: Option<String>,
    /// What to do about it (zh-CN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy_zh: Option<String>,
    /// What to do about it (en).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy_en: Option<String>,
    /// `transient`, `token_invalid`, `quota`, `permission` or `final`.
    pub class: String,
}

fn class_name(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::Transient => "transient",
        ErrorClass::TokenInvalid => "token_invalid",
        ErrorClass::Quota => "quota",
        ErrorClass::Permission => "permission",
        ErrorClass::Final => "final",
    }
}

impl From<wechat::api::Error> for FleetError {
    fn from(error: wechat::api::Error) -> FleetError {
        use wechat::api::Error;
        let transient = error.class() == ErrorClass::Transient;
        match error {
            Error::Api(api) => FleetError::WeChat { errcode: api.errcode, errmsg: api.errmsg, path: api.path },
            other => FleetError::Network { detail: other.to_string(), transient },
        }
    }
}

impl From<rusqlite::Error> for FleetError {
    fn from(error: rusqlite::Error) -> FleetError {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => FleetError::DiskFull,
            Some(rusqlite::ErrorCode::ReadOnly) => FleetError::ReadOnly,
            Some(rusqlite::ErrorCode::SystemIoFailure) => FleetError::Store(format!(
                "the disk failed while reading or writing the workspace database ({error}); what was saved before is kept — check \
                 the disk (free space, errors, a removed drive) and try again"
            )),
            _ => FleetError::Store(error.to_string()),
        }
    }
}

impl From<serde_json::Error> for FleetError {
    fn from(error: serde_json::Error) -> FleetError {
        FleetError::Store(format!("stored JSON does not parse: {error}"))
    }
}

impl From<wxfleet_relay::client::ClientError> for FleetError {
    fn from(error: wxfleet_relay::client::ClientError) -> FleetError {
        FleetError::Relay(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_errcode_alone_is_explained_like_an_error_carrying_it() {
        let problem = Problem::for_errcode(85009);
        assert_eq!(problem.errcode, Some(85009));
        assert!(problem.meaning_zh.as_deref().is_some_and(|m| !m.is_empty()), "{problem:?}");
        assert!(problem.remedy_en.as_deref().is_some_and(|m| !m.is_empty()), "{problem:?}");
        let unknown = Problem::for_errcode(999_999_999);
        assert_eq!(unknown.errcode, Some(999_999_999));
        assert_eq!(unknown.meaning_zh, None);
    }
}
