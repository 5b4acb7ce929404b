//! Code templates: drafts and the template library (reference §7).
//!
//! These are the platform's own resources, so every call takes the platform's token, sent as
//! `?access_token=CAT` (the form WxJava and the newer docs use for the `wxa/*template*` calls).
//! Uploads from DevTools land in the draft box; `addtotemplate` turns a draft into a template whose
//! `template_id` `wxa/commit` takes.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::audit::{number_enum, AuditItem};
use super::{Client, ComponentToken, Error};

number_enum! {
    /// The kind of a template (`template_type`).
    pub enum TemplateType {
        /// 0 — an ordinary template (普通模板), the default.
        Normal = 0,
        /// 1 — a standard template (标准模板): audited once, its `ext_json` limited to `extAppid`,
        /// `ext` and `window`.
        Standard = 1,
    }
}

number_enum! {
    /// The audit state of a standard template (`audit_status`); ordinary templates have none.
    pub enum TemplateAuditStatus {
        /// 0 — not submitted.
        NotSubmitted = 0,
        /// 1 — under review.
        UnderReview = 1,
        /// 2 — rejected; `reason` says why.
        Rejected = 2,
        /// 3 — passed.
        Passed = 3,
        /// 4 — being submitted.
        Submitting = 4,
        /// 5 — submission failed.
        SubmitFailed = 5,
    }
}

/// The answer of `gettemplatedraftlist`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GettemplatedraftlistResponse {
    /// The drafts; the box keeps only the latest upload of each development mini program.
    #[serde(default)]
    pub draft_list: Vec<TemplateDraft>,
}

/// One draft in the draft box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateDraft {
    /// The draft's id, for `addtotemplate`.
    pub draft_id: i64,
    /// When the developer uploaded it (Unix seconds).
    pub create_time: i64,
    /// The version the developer typed in DevTools.
    pub user_version: String,
    /// The description the developer typed in DevTools.
    pub user_desc: String,
    /// The appid of the development mini program it was uploaded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram_appid: Option<String>,
    /// The name of that development mini program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram: Option<String>,
    /// The WeChat nickname of who uploaded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer: Option<String>,
}

/// The body of `addtotemplate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AddtotemplateRequest {
    /// The draft to add.
    pub draft_id: i64,
    /// The kind of template to make; WeChat's default is [`TemplateType::Normal`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_type: Option<TemplateType>,
}

/// The parameters of `gettemplatelist`, sent in the query string (the call is a `GET`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GettemplatelistRequest {
    /// Only templates of this kind; all templates when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_type: Option<TemplateType>,
}

/// The answer of `gettemplatelist`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GettemplatelistResponse {
    /// The templates in the library.
    #[serde(default)]
    pub template_list: Vec<Template>,
}

/// One template in the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    /// The template's id, for `wxa/commit` and `deletetemplate`.
    pub template_id: i64,
    /// When the draft was uploaded (Unix seconds).
    pub create_time: i64,
    /// The version the developer typed in DevTools.
    pub user_version: String,
    /// The description the developer typed in DevTools.
    pub user_desc: String,
    /// The draft it was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_id: Option<i64>,
    /// Ordinary or standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_type: Option<TemplateType>,
    /// The appid of the development mini program it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram_appid: Option<String>,
    /// The name of that development mini program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram: Option<String>,
    /// The WeChat nickname of who uploaded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer: Option<String>,
    /// Standard templates: the categories (and pages) it was audited for; empty for ordinary ones.
    #[serde(default)]
    pub category_list: Vec<AuditItem>,
    /// Standard templates: the scene label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_scene: Option<i64>,
    /// Standard templates: the audit state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_status: Option<TemplateAuditStatus>,
    /// Standard templates: why the audit was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The body of `deletetemplate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeletetemplateRequest {
    /// The template to delete.
    pub template_id: i64,
}

impl Client {
    /// The drafts uploaded from DevTools by the platform's development mini programs.
    ///
    /// `GET /wxa/gettemplatedraftlist?access_token=CAT` — the platform's own call, no permission set.
    pub async fn gettemplatedraftlist(&self, cat: ComponentToken<'_>) -> Result<GettemplatedraftlistResponse, Error> {
        self.get_json("/wxa/gettemplatedraftlist", cat.as_access_token(), &[]).await
    }

    /// Adds a draft to the template library.
    ///
    /// `POST /wxa/addtotemplate?access_token=CAT` — the platform's own call.
    ///
    /// Errors: 85064 draft not found, 85065 template library full (delete old templates first).
    pub async fn addtotemplate(&self, cat: ComponentToken<'_>, req: &AddtotemplateRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/addtotemplate", cat.as_access_token(), &[], req).await?;
        Ok(())
    }

    /// The templates in the library, optionally of one kind.
    ///
    /// `GET /wxa/gettemplatelist?access_token=CAT[&template_type=0|1]` — the platform's own call.
    /// It must be a `GET` (43001 otherwise).
    ///
    /// Errors: 85064 template not found.
    pub async fn gettemplatelist(&self, cat: ComponentToken<'_>, req: &GettemplatelistRequest) -> Result<GettemplatelistResponse, Error> {
        let template_type = req.template_type.map(|t| i64::from(t).to_string());
        let query: Vec<(&str, &str)> = template_type.iter().map(|t| ("template_type", t.as_str())).collect();
        self.get_json("/wxa/gettemplatelist", cat.as_access_token(), &query).await
    }

    /// Deletes a template from the library, making room under its size limit.
    ///
    /// `POST /wxa/deletetemplate?access_token=CAT` — the platform's own call.
    ///
    /// Errors: 85064 template not found.
    pub async fn deletetemplate(&self, cat: ComponentToken<'_>, req: &DeletetemplateRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/deletetemplate", cat.as_access_token(), &[], req).await?;
        Ok(())
    }
}
