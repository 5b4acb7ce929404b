//! A mini program (小程序) as WeChat keeps it: identity, the platforms it authorized, and its state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{category::Categories, code::CodeState, domain::AppDomains, privacy::Privacy, profile::Profile, tester::Testers};

/// One mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MiniProgram {
    /// `wx…` appid.
    pub appid: String,
    /// The original id, `gh_…` (the `ToUserName` of its pushes).
    pub original_id: String,
    /// The name shown to users.
    pub nickname: String,
    /// The subject (company or person) that owns it.
    pub principal_name: String,
    /// A personal (个人) mini program: some APIs refuse it (89231).
    pub personal: bool,
    /// The WeChat id of its administrator, the person who confirms on the consent page.
    pub admin_wechat: String,
    /// Platforms it authorized, by component appid.
    pub grants: BTreeMap<String, Grant>,
    /// Name, avatar, signature, search status.
    pub profile: Profile,
    /// Categories.
    pub categories: Categories,
    /// Server and webview domains.
    pub domains: AppDomains,
    /// Privacy protection guide.
    pub privacy: Privacy,
    /// Testers.
    pub testers: Testers,
    /// Committed code, audits, releases.
    pub code: CodeState,
}

/// What a mini program granted one platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The permission set ids (`funcscope_category.id`) granted.
    pub func_ids: Vec<u32>,
    /// The `authorizer_refresh_token`; replaced (the old one dies) when the admin authorizes again.
    pub refresh_token: String,
    /// When it was (last) authorized.
    pub auth_time: i64,
}

impl MiniProgram {
    /// The grant to `component_appid`, or `61003 component is not authorized by this account`.
    pub fn grant(&self, component_appid: &str) -> Result<&Grant, crate::WxError> {
        self.grants.get(component_appid).ok_or_else(|| crate::WxError::new(61003, "component is not authorized by this account"))
    }
}
