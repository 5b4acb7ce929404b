//! `wxa/commit`: checking `ext_json` against the template the way WeChat does, and the committed
//! (trial, 体验) version it makes (reference §8, §11).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::world::template::LibraryTemplate;
use crate::WxError;

/// The most characters `user_version` may have.
pub const USER_VERSION_MAX_CHARS: usize = 64;

/// The keys a standard template's `ext_json` may have.
const STANDARD_TEMPLATE_KEYS: &[&str] = &["extAppid", "ext", "window"];

/// One version of a mini program's code: what a commit made, and what an audit and a release carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeVersion {
    /// The template it was committed from.
    pub template_id: i64,
    /// The `user_version` of the commit.
    pub user_version: String,
    /// The `user_desc` of the commit.
    pub user_desc: String,
    /// The `ext_json` string as committed.
    pub ext_json: String,
    /// The pages after applying `ext_json`, home page first.
    pub pages: Vec<String>,
    /// Privacy keys the code's API calls need in the privacy guide (from the template's package).
    pub privacy_keys: Vec<String>,
    /// When it was committed.
    pub commit_time: i64,
    /// When the post-commit privacy scan finishes (`submit_audit` answers 61039 before).
    pub scan_done_at: i64,
}

/// What a commit asks for, already decoded.
#[derive(Debug, Clone, Copy)]
pub struct CommitInput<'a> {
    /// The `ext_json` string.
    pub ext_json: &'a str,
    /// The `user_version`.
    pub user_version: &'a str,
    /// The `user_desc`.
    pub user_desc: &'a str,
}

/// Checks a commit of `template` and builds the version it makes.
pub fn build_version(template: &LibraryTemplate, input: CommitInput<'_>, now: i64, privacy_scan_secs: i64) -> Result<CodeVersion, WxError> {
    // WeChat's limit; it documents no errcode for it. 85015 is its "version input error" code
    // (WxOpenErrorMsgEnum) — unverified for this case.
    if input.user_version.chars().count() > USER_VERSION_MAX_CHARS {
        return Err(WxError::new(85015, "invalid user_version: at most 64 characters"));
    }
    let pages = check_ext_json(template, input.ext_json)?;
    Ok(CodeVersion {
        template_id: template.template_id,
        user_version: input.user_version.to_owned(),
        user_desc: input.user_desc.to_owned(),
        ext_json: input.ext_json.to_owned(),
        pages,
        privacy_keys: template.draft.package.privacy_keys.clone(),
        commit_time: now,
        scan_done_at: now + privacy_scan_secs.max(0),
    })
}

fn invalid_config(detail: &str) -> WxError {
    WxError::new(85013, format!("invalid ext_json, parse fail or containing invalid path: {detail}"))
}

fn path_not_exist(path: &str) -> WxError {
    WxError::new(85045, format!("some path in ext_json not exist: {path}"))
}

/// Checks `ext_json` against `template`; returns the pages of the resulting code.
///
/// An empty string counts as "no configuration" (WxJava sends `{}` then; the real platform's
/// answer to `""` is not documented).
fn check_ext_json(template: &LibraryTemplate, ext_json: &str) -> Result<Vec<String>, WxError> {
    let template_pages = &template.draft.package.pages;
    if ext_json.trim().is_empty() {
        return Ok(template_pages.clone());
    }
    let value: Value = serde_json::from_str(ext_json).map_err(|_| WxError::new(85048, "parse ext_json fail"))?;
    let Value::Object(ext) = value else {
        return Err(invalid_config("ext_json must be a JSON object"));
    };
    if template.is_standard() {
        if let Some(key) = ext.keys().find(|k| !STANDARD_TEMPLATE_KEYS.contains(&k.as_str())) {
            return Err(WxError::new(9402203, format!("标准模板extjson错误: {key} is not allowed (only extAppid, ext, window)")));
        }
    }
    expect_kind(&ext, "extAppid", Value::is_string, "a string")?;
    for key in ["ext", "window", "networkTimeout", "tabBar", "extPages", "plugins"] {
        expect_kind(&ext, key, Value::is_object, "an object")?;
    }
    let pages = match ext.get("pages") {
        None => template_pages.clone(),
        Some(Value::Array(list)) => {
            if list.is_empty() {
                return Err(WxError::new(85047, "pages are empty"));
            }
            let mut pages = Vec::with_capacity(list.len());
            for page in list {
                let page = page.as_str().ok_or_else(|| invalid_config("pages must be strings"))?;
                if !template_pages.iter().any(|p| p == page) {
                    return Err(path_not_exist(page));
                }
                pages.push(page.to_owned());
            }
            pages
        }
        Some(_) => return Err(invalid_config("pages must be an array")),
    };
    if let Some(Value::Object(ext_pages)) = ext.get("extPages") {
        if let Some(page) = ext_pages.keys().find(|p| !pages.contains(p)) {
            return Err(path_not_exist(page));
        }
    }
    if let Some(Value::Object(tab_bar)) = ext.get("tabBar") {
        check_tab_bar(tab_bar, &pages)?;
    }
    Ok(pages)
}

fn expect_kind(ext: &Map<String, Value>, key: &str, is_kind: fn(&Value) -> bool, kind: &str) -> Result<(), WxError> {
    match ext.get(key) {
        Some(value) if !is_kind(value) => Err(invalid_config(&format!("{key} must be {kind}"))),
        _ => Ok(()),
    }
}

/// Every `tabBar.list` entry needs a `pagePath` that is one of the pages (85046 otherwise).
fn check_tab_bar(tab_bar: &Map<String, Value>, pages: &[String]) -> Result<(), WxError> {
    let Some(list) = tab_bar.get("list") else { return Ok(()) };
    let list = list.as_array().ok_or_else(|| invalid_config("tabBar.list must be an array"))?;
    for item in list {
        let path = item.get("pagePath").and_then(Value::as_str).unwrap_or("");
        if path.is_empty() || !pages.iter().any(|p| p == path) {
            return Err(WxError::new(85046, format!("pagepath missing in tabbar list: {path:?}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::template::{CodePackage, Draft};

    fn template(template_type: i64) -> LibraryTemplate {
        LibraryTemplate {
            template_id: 7,
            template_type,
            draft: Draft {
                draft_id: 1,
                create_time: 0,
                source_miniprogram_appid: "wxdev".into(),
                source_miniprogram: "dev".into(),
                developer: "d".into(),
                package: CodePackage {
                    user_version: "1.0.0".into(),
                    user_desc: "d".into(),
                    pages: vec!["pages/index/index".into(), "pages/cart/cart".into(), "pages/user/user".into()],
                    privacy_keys: vec!["UserInfo".into()],
                },
            },
        }
    }

    fn errcode(template_type: i64, ext_json: &str) -> i64 {
        let input = CommitInput { ext_json, user_version: "1", user_desc: "" };
        build_version(&template(template_type), input, 0, 0).map(|_| 0).unwrap_or_else(|e| e.errcode)
    }

    #[test]
    fn valid_configurations_pass_and_select_pages() {
        assert_eq!(errcode(0, r#"{"extAppid":"wx1","ext":{"shopId":1},"window":{"navigationBarTitleText":"Shop"}}"#), 0);
        let input = CommitInput { ext_json: r#"{"pages":["pages/cart/cart","pages/index/index"]}"#, user_version: "1", user_desc: "" };
        let version = build_version(&template(0), input, 100, 60).unwrap();
        assert_eq!(version.pages, ["pages/cart/cart", "pages/index/index"]);
        assert_eq!(version.scan_done_at, 160);
        assert_eq!(version.privacy_keys, ["UserInfo"]);
        assert_eq!(errcode(0, ""), 0);
    }

    #[test]
    fn each_documented_error() {
        assert_eq!(errcode(0, "{not json"), 85048);
        assert_eq!(errcode(0, "[1,2]"), 85013);
        assert_eq!(errcode(0, r#"{"ext":"shop"}"#), 85013);
        assert_eq!(errcode(0, r#"{"pages":[]}"#), 85047);
        assert_eq!(errcode(0, r#"{"pages":["pages/new/new"]}"#), 85045);
        assert_eq!(errcode(0, r#"{"extPages":{"pages/new/new":{}}}"#), 85045);
        assert_eq!(errcode(0, r#"{"tabBar":{"list":[{"text":"home"}]}}"#), 85046);
        assert_eq!(errcode(0, r#"{"pages":["pages/index/index"],"tabBar":{"list":[{"pagePath":"pages/cart/cart"}]}}"#), 85046);
        assert_eq!(errcode(1, r#"{"extAppid":"wx1","ext":{},"window":{}}"#), 0);
        assert_eq!(errcode(1, r#"{"extAppid":"wx1","pages":["pages/index/index"]}"#), 9402203);
        let long = CommitInput { ext_json: "{}", user_version: &"9".repeat(65), user_desc: "" };
        assert_eq!(build_version(&template(0), long, 0, 0).unwrap_err().errcode, 85015);
    }
}
