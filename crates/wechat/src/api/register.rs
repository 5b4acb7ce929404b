//! Fast registration of mini programs (reference §4).
//!
//! The platform asks WeChat to create a mini program for a company (or a person); WeChat then asks
//! the legal person (or the person) to confirm in WeChat within 24 hours. The result arrives as the
//! `notify_third_fasteregister` push, whose `auth_code` goes to [`Client::api_query_auth`]: the new
//! mini program is already authorized to the platform. All calls use the platform's own token as
//! `?component_access_token=` (WxJava's form; the newer docs call the parameter `access_token`).

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{Client, ComponentToken, Error};

/// The body of `fastregisterweapp?action=create`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FastregisterweappCreateRequest {
    /// The company name exactly as registered (for a 个体户 without a name: "个体户" + the legal person's name).
    pub name: String,
    /// The company code, of the kind `code_type` says.
    pub code: String,
    /// 1 unified social credit code (18 chars), 2 organization code (9, `xxxxxxxx-x`), 3 business licence number (15).
    pub code_type: i64,
    /// The legal person's WeChat id.
    pub legal_persona_wechat: String,
    /// The legal person's name (as bound to their bank card).
    pub legal_persona_name: String,
    /// A platform contact phone shown to the legal person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_phone: Option<String>,
}

/// The body of `fastregisterweapp?action=search`: the same subject as the create call.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FastregisterweappSearchRequest {
    /// The company name.
    pub name: String,
    /// The legal person's WeChat id.
    pub legal_persona_wechat: String,
    /// The legal person's name.
    pub legal_persona_name: String,
}

/// The body of `fastregisterpersonalweapp?action=create`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FastregisterpersonalweappCreateRequest {
    /// The person's real name.
    pub idname: String,
    /// The person's WeChat id.
    pub wxuser: String,
    /// A platform contact phone shown to the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_phone: Option<String>,
    /// `true` selects the newer flow the reference mentions (unverified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_version: Option<bool>,
}

/// The body of `fastregisterpersonalweapp?action=query`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FastregisterpersonalweappQueryRequest {
    /// The task id the create call returned.
    pub taskid: String,
    /// As in the create call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_version: Option<bool>,
}

/// The answer of both `fastregisterpersonalweapp` actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FastregisterpersonalweappResponse {
    /// The task id, for the query call.
    pub taskid: String,
    /// The link the person opens in WeChat to confirm and verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_url: Option<String>,
    /// The task's state (query).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
}

impl Client {
    /// Starts registering an enterprise mini program.
    ///
    /// `POST /cgi-bin/component/fastregisterweapp?action=create&component_access_token=CAT` — the
    /// platform needs the fast-registration permission sets granted and published.
    ///
    /// Errors: -1 system, 89249 a task for this subject is running (retry 24 h after the last one),
    /// 86004 invalid WeChat id, 61070 legal name ≠ WeChat account name, 89248 invalid `code_type`,
    /// 89253 missing parameter, 89254 platform lacks the permission sets, 89255 `code` invalid for its type.
    pub async fn fastregisterweapp_create(&self, cat: ComponentToken<'_>, req: &FastregisterweappCreateRequest) -> Result<(), Error> {
        let query = [("action", "create")];
        let _: IgnoredAny = self.post_json("/cgi-bin/component/fastregisterweapp", cat.as_component_access_token(), &query, req).await?;
        Ok(())
    }

    /// Asks WeChat about a running enterprise registration; the outcome itself comes as a push.
    ///
    /// `POST /cgi-bin/component/fastregisterweapp?action=search&component_access_token=CAT`.
    ///
    /// Errors: 89250 task not found, 89251 waiting for the legal person's face check, 89252 legal
    /// person / company check in progress, 89247 internal error.
    pub async fn fastregisterweapp_search(&self, cat: ComponentToken<'_>, req: &FastregisterweappSearchRequest) -> Result<(), Error> {
        let query = [("action", "search")];
        let _: IgnoredAny = self.post_json("/cgi-bin/component/fastregisterweapp", cat.as_component_access_token(), &query, req).await?;
        Ok(())
    }

    /// Starts registering a personal mini program.
    ///
    /// `POST /wxa/component/fastregisterpersonalweapp?action=create&component_access_token=CAT`.
    ///
    /// Errors: 89253 missing parameter, 86004 invalid WeChat id, 89249 a task for this person is running.
    pub async fn fastregisterpersonalweapp_create(
        &self,
        cat: ComponentToken<'_>,
        req: &FastregisterpersonalweappCreateRequest,
    ) -> Result<FastregisterpersonalweappResponse, Error> {
        let query = [("action", "create")];
        self.post_json("/wxa/component/fastregisterpersonalweapp", cat.as_component_access_token(), &query, req).await
    }

    /// The state of a personal registration task.
    ///
    /// `POST /wxa/component/fastregisterpersonalweapp?action=query&component_access_token=CAT`.
    ///
    /// Errors: 89250 task not found.
    pub async fn fastregisterpersonalweapp_query(
        &self,
        cat: ComponentToken<'_>,
        req: &FastregisterpersonalweappQueryRequest,
    ) -> Result<FastregisterpersonalweappResponse, Error> {
        let query = [("action", "query")];
        self.post_json("/wxa/component/fastregisterpersonalweapp", cat.as_component_access_token(), &query, req).await
    }
}
