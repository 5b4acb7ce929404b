//! The rows of the error-code table. Sources: reference §12 and the per-endpoint docs, cross-checked
//! with WxJava's `WxOpenErrorMsgEnum` / `WxMaErrorMsgEnum`.

use super::{ErrorClass::*, Explanation};

/// Every code the project knows, in ascending order (a test keeps it sorted and unique).
pub static TABLE: &[Explanation] = &[
    Explanation {
        code: -1,
        class: Transient,
        permission_set: None,
        meaning_zh: "系统繁忙",
        meaning_en: "WeChat is busy",
        remedy_zh: "稍后重试",
        remedy_en: "Retry in a moment.",
    },
];
