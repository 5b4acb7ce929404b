//! A mini program (小程序) as WeChat keeps it: identity, the platforms it authorized, and its state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wechat::api::auth::{AuthorizerInfo, BasicConfig, BusinessInfo, MiniProgramCategory, MiniProgramInfo, Network, TypeInfo};

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
    /// Account options (`location_report`, `voice_recognize`, `customer_service`) that were set;
    /// the others have their default value.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
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

/// The account options `api_get_authorizer_option` knows, with the values each takes and its default.
pub const OPTIONS: &[(&str, &[&str], &str)] =
    &[("location_report", &["0", "1", "2"], "0"), ("voice_recognize", &["0", "1"], "0"), ("customer_service", &["0", "1"], "0")];

impl MiniProgram {
    /// The value of option `name`: `61012` for an unknown name.
    pub fn option(&self, name: &str) -> Result<String, crate::WxError> {
        let (_, _, default) = OPTIONS.iter().find(|(n, _, _)| *n == name).ok_or_else(invalid_option_name)?;
        Ok(self.options.get(name).cloned().unwrap_or_else(|| (*default).to_owned()))
    }

    /// This mini program's profile as `api_get_authorizer_info` reports it.
    pub fn authorizer_info(&self) -> AuthorizerInfo {
        AuthorizerInfo {
            nick_name: self.nickname.clone(),
            // WeChat's CDN URLs; the simulator serves no images there.
            head_img: Some(if self.profile.head_image_url.is_empty() {
                format!("http://wx.qlogo.cn/mmopen/{}/0", self.original_id)
            } else {
                self.profile.head_image_url.clone()
            }),
            service_type_info: Some(TypeInfo { id: 0, name: None }),
            // -1 unverified (personal mini programs cannot be verified), 0 WeChat-verified.
            verify_type_info: Some(TypeInfo { id: if self.personal { -1 } else { 0 }, name: None }),
            user_name: self.original_id.clone(),
            principal_name: Some(self.principal_name.clone()),
            alias: Some(String::new()),
            qrcode_url: Some(format!("http://mmbiz.qpic.cn/mmbiz_jpg/{}/0", self.original_id)),
            business_info: Some(BusinessInfo::default()),
            idc: Some(1),
            signature: Some(self.profile.signature.clone()),
            mini_program_info: Some(MiniProgramInfo {
                network: self.network(),
                categories: self
                    .categories
                    .approved()
                    .into_iter()
                    .map(|c| MiniProgramCategory { first: c.first_class, second: c.second_class })
                    .collect(),
                visit_status: 0,
            }),
            register_type: Some(0),
            account_status: Some(1),
            basic_config: Some(BasicConfig { is_phone_configured: true, is_email_configured: true }),
        }
    }

    /// The domains in effect, as `MiniProgramInfo.network` spells them.
    fn network(&self) -> Network {
        let server = super::domain::effective_domain(&self.domains).effective_domain;
        Network {
            request_domain: server.requestdomain,
            ws_request_domain: server.wsrequestdomain,
            upload_domain: server.uploaddomain,
            download_domain: server.downloaddomain,
            biz_domain: super::domain::effective_webviewdomain(&self.domains).effective_webviewdomain,
            udp_domain: server.udpdomain,
            tcp_domain: server.tcpdomain,
            prefetch_dns_domain: Vec::new(),
        }
    }

    /// Sets option `name`: `61012` for an unknown name, `61013` for a value it does not take.
    pub fn set_option(&mut self, name: &str, value: &str) -> Result<(), crate::WxError> {
        let (_, values, _) = OPTIONS.iter().find(|(n, _, _)| *n == name).ok_or_else(invalid_option_name)?;
        if !values.contains(&value) {
            return Err(crate::WxError::new(61013, "invalid option value"));
        }
        self.options.insert(name.to_owned(), value.to_owned());
        Ok(())
    }

    /// The grant to `component_appid`, or `61003 component is not authorized by this account`.
    pub fn grant(&self, component_appid: &str) -> Result<&Grant, crate::WxError> {
        self.grants.get(component_appid).ok_or_else(|| crate::WxError::new(61003, "component is not authorized by this account"))
    }
}

fn invalid_option_name() -> crate::WxError {
    crate::WxError::new(61012, "invalid option name")
}
