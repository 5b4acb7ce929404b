//! WeChat's `errcode` values: what each means, what to do about it, and how a caller should react.
//!
//! This is the one table of codes in the project. [`crate::api::ApiError`] is the one place where a
//! non-zero `errcode` becomes a Rust error; it looks itself up here.

mod table;

pub use table::TABLE;

/// How a caller should react to an error, independent of its exact code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// WeChat or the network is busy: retry with backoff.
    Transient,
    /// The access token is invalid, expired or not the latest: refresh it (if it is still the one that
    /// failed) and retry once.
    TokenInvalid,
    /// A daily, monthly or total quota is used up: stop and resume after the quota resets.
    Quota,
    /// The merchant did not grant the permission set this call needs, or revoked the authorization:
    /// ask the merchant to authorize again.
    Permission,
    /// Retrying will not help: the request, the account or the state must change first.
    Final,
}

/// A language the explanations are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Lang {
    /// Simplified Chinese, the default: the staff and the official docs use it.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

/// One row of the table: a code, its meaning and remedy in both languages, and its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// The `errcode` as WeChat returns it.
    pub code: i64,
    /// How a caller should react.
    pub class: ErrorClass,
    /// For [`ErrorClass::Permission`] errors that name one: the permission set (权限集) id needed.
    pub permission_set: Option<u32>,
    /// What happened, in Chinese.
    pub meaning_zh: &'static str,
    /// What happened, in English.
    pub meaning_en: &'static str,
    /// What to do about it, in Chinese.
    pub remedy_zh: &'static str,
    /// What to do about it, in English.
    pub remedy_en: &'static str,
}

impl Explanation {
    /// The meaning in `lang`.
    pub fn meaning(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.meaning_zh,
            Lang::En => self.meaning_en,
        }
    }

    /// The remedy in `lang`.
    pub fn remedy(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.remedy_zh,
            Lang::En => self.remedy_en,
        }
    }
}

/// The explanation of `code`, if the table knows it.
pub fn explain(code: i64) -> Option<&'static Explanation> {
    // TABLE is sorted and unique by code (a test keeps it so).
    TABLE.binary_search_by_key(&code, |e| e.code).ok().map(|i| &TABLE[i])
}

/// How to react to `code`. Codes the table does not know are [`ErrorClass::Final`]: retrying an
/// error nobody understands only burns quota.
pub fn classify(code: i64) -> ErrorClass {
    explain(code).map_or(ErrorClass::Final, |e| e.class)
}
