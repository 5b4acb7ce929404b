//! The one error shape that crosses to the UI.
use serde::Serialize;
use specta::Type;

/// A failure as the UI sees it. The UI branches on `code`, shows `message`, and keeps `detail` for
/// the log or a "details" disclosure; it never parses text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// What kind of failure this is; stable across releases and languages.
    pub code: ErrorCode,
    /// One sentence for people.
    pub message: String,
    /// What a developer needs to follow it up (the underlying error chain), when there is any.
    pub detail: Option<String>,
}

/// The kinds of failure the UI can tell apart. Serialised in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A bug or an unexpected state inside wxfleet itself: nothing the user can fix.
    Internal,
}

impl AppError {
    /// A failure of wxfleet itself, with the underlying error kept as `detail`.
    pub fn internal(message: impl Into<String>, source: &dyn std::error::Error) -> Self {
        Self { code: ErrorCode::Internal, message: message.into(), detail: Some(source.to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_detail() {
        let io = std::io::Error::other("disk on fire");
        let json = serde_json::to_value(AppError::internal("Could not save", &io)).unwrap();
        assert_eq!(json, serde_json::json!({ "code": "internal", "message": "Could not save", "detail": "disk on fire" }));
    }
}
