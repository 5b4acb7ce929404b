//! The one error shape that crosses to the UI: the core's [`Problem`] — a stable `code`, a message,
//! and for WeChat's errors the errcode with its meaning and remedy in zh-CN and en — so every screen
//! shows the same explainer the CLI prints.
use fleet::{FleetError, Problem};
use serde::Serialize;
use specta::Type;

/// A failure as the UI sees it. The UI branches on `code` (and `class`), shows `message` or, when
/// WeChat answered with an errcode, its meaning and remedy; it never parses text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[error("{}", problem.message)]
pub struct AppError {
    /// What happened, as the core explains it.
    #[serde(flatten)]
    pub problem: Problem,
}

impl From<FleetError> for AppError {
    fn from(e: FleetError) -> Self {
        AppError { problem: e.problem() }
    }
}

impl AppError {
    /// A failure of the desktop shell itself (a window, a file dialog), with `code` `internal`.
    pub fn internal(message: impl Into<String>) -> Self {
        AppError {
            problem: Problem {
                code: "internal".to_owned(),
                message: message.into(),
                errcode: None,
                meaning_zh: None,
                meaning_en: None,
                remedy_zh: None,
                remedy_en: None,
                class: "final".to_owned(),
            },
        }
    }
}

/// What every command returns.
pub type Answer<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wechat_error_carries_its_errcode_meaning_and_remedy() {
        let e = FleetError::from(wechat::api::Error::Api(wechat::api::ApiError {
            errcode: 61039,
            errmsg: "ticket".into(),
            path: "/cgi-bin/component/api_component_token".into(),
        }));
        let json = serde_json::to_value(AppError::from(e)).unwrap();
        assert_eq!(json["errcode"], 61039);
        assert!(json["meaning_zh"].as_str().is_some_and(|m| !m.is_empty()), "{json}");
        assert!(json["remedy_en"].as_str().is_some_and(|m| !m.is_empty()), "{json}");
        assert!(json["code"].as_str().is_some_and(|c| !c.is_empty()));
    }

    #[test]
    fn an_internal_error_has_code_message_and_no_errcode() {
        let json = serde_json::to_value(AppError::internal("Could not save")).unwrap();
        assert_eq!(json["code"], "internal");
        assert_eq!(json["message"], "Could not save");
        assert!(json.get("errcode").is_none());
    }
}
