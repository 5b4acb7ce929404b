//! Categories (reference §5.2).
//!
//! A mini program's service categories (服务类目) decide what it may offer and which categories an
//! audit submission may name. Changing them is perm 30 (`?access_token=AAT`); reading the approved
//! ones for `submit_audit` ([`Client::get_category`]) is perm 18.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{AuthorizerToken, Client, Error};

/// The answer of `getallcategories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetallcategoriesResponse {
    /// The category tree, flattened.
    pub categories_list: CategoriesList,
}

/// The flattened category tree of `getallcategories`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CategoriesList {
    /// Every node; the one with `id` 0 is the root and its `children` are the first-level categories.
    #[serde(default)]
    pub categories: Vec<CategoryNode>,
}

/// One node of the settable-category tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CategoryNode {
    /// The category id.
    pub id: i64,
    /// Its name (absent on the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 1 or 2 (absent on the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<i64>,
    /// The parent's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father: Option<i64>,
    /// The children's ids.
    #[serde(default)]
    pub children: Vec<i64>,
    /// 1: sensitive, needs the qualifications in `qualify`; 0: no review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive_type: Option<i64>,
    /// The qualifications a sensitive category needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualify: Option<Qualify>,
}

/// The qualifications a sensitive category needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Qualify {
    /// Groups of documents; one document of each group is required.
    #[serde(default)]
    pub exter_list: Vec<ExterList>,
    /// A free-text note.
    #[serde(default)]
    pub remark: String,
}

/// One group of alternative qualification documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExterList {
    /// The documents of the group.
    #[serde(default)]
    pub inner_list: Vec<QualifyDocument>,
}

/// A qualification document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QualifyDocument {
    /// The document's name; it is the `key` of a certificate in `addcategory`.
    pub name: String,
    /// A sample of it.
    #[serde(default)]
    pub url: String,
}

/// The answer of `getcategory`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetcategoryResponse {
    /// The categories set on the mini program, with their review state.
    #[serde(default)]
    pub categories: Vec<SetCategory>,
    /// How many categories may be added per change cycle.
    #[serde(default)]
    pub limit: i64,
    /// How many may still be added in this cycle.
    #[serde(default)]
    pub quota: i64,
    /// The most categories the mini program may have.
    #[serde(default)]
    pub category_limit: i64,
}

/// A category set on the mini program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetCategory {
    /// First-level id.
    pub first: i64,
    /// First-level name.
    #[serde(default)]
    pub first_name: String,
    /// Second-level id.
    pub second: i64,
    /// Second-level name.
    #[serde(default)]
    pub second_name: String,
    /// 1 reviewing, 2 rejected, 3 passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_status: Option<i64>,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_reason: Option<String>,
}

/// The body of `addcategory`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AddcategoryRequest {
    /// The categories to add.
    pub categories: Vec<NewCategory>,
}

/// A category to add, with the qualifications it needs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewCategory {
    /// First-level id.
    pub first: i64,
    /// Second-level id.
    pub second: i64,
    /// The qualification documents (the doc's spelling `certicates`); empty for non-sensitive categories.
    #[serde(default)]
    pub certicates: Vec<Certicate>,
}

/// One qualification document, as a temporary media id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Certicate {
    /// The document's name, as in `qualify.exter_list.inner_list.name`.
    pub key: String,
    /// Its temporary media id.
    pub value: String,
}

/// The body of `deletecategory`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeletecategoryRequest {
    /// First-level id.
    pub first: i64,
    /// Second-level id.
    pub second: i64,
}

/// The body of `modifycategory`: new qualifications for a category already set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifycategoryRequest {
    /// First-level id.
    pub first: i64,
    /// Second-level id.
    pub second: i64,
    /// The qualification documents (the doc's spelling).
    #[serde(default)]
    pub certicates: Vec<Certicate>,
}

/// The answer of `wxa/get_category`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetCategoryResponse {
    /// The approved categories, usable in `submit_audit`'s `item_list`.
    #[serde(default)]
    pub category_list: Vec<AuditCategory>,
}

/// An approved category, by name and id, as `submit_audit` wants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditCategory {
    /// First-level name.
    pub first_class: String,
    /// Second-level name.
    pub second_class: String,
    /// Third-level name, for three-level categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_class: Option<String>,
    /// First-level id.
    pub first_id: i64,
    /// Second-level id.
    pub second_id: i64,
    /// Third-level id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_id: Option<i64>,
}

impl Client {
    /// Every category this mini program's subject may set (first and second level).
    ///
    /// `GET /cgi-bin/wxopen/getallcategories?access_token=AAT` — perm 30.
    ///
    /// Errors: 61007 perm 30 not granted.
    pub async fn getallcategories(&self, aat: AuthorizerToken<'_>) -> Result<GetallcategoriesResponse, Error> {
        self.get_json("/cgi-bin/wxopen/getallcategories", aat.param(), &[]).await
    }

    /// The categories set on the mini program, with review state and quotas.
    ///
    /// `GET /cgi-bin/wxopen/getcategory?access_token=AAT` — perm 30.
    ///
    /// Errors: 61007 perm 30 not granted.
    pub async fn getcategory(&self, aat: AuthorizerToken<'_>) -> Result<GetcategoryResponse, Error> {
        self.get_json("/cgi-bin/wxopen/getcategory", aat.param(), &[]).await
    }

    /// Adds categories; sensitive ones go to review and the result is pushed as `wxa_category_audit`.
    ///
    /// `POST /cgi-bin/wxopen/addcategory?access_token=AAT` — perm 30.
    ///
    /// Errors: 53303 bad parameters, 61007 perm 30 not granted; other 533xx codes (limits, missing
    /// qualifications) are explained by the error-code table.
    pub async fn addcategory(&self, aat: AuthorizerToken<'_>, req: &AddcategoryRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/wxopen/addcategory", aat.param(), &[], req).await?;
        Ok(())
    }

    /// Removes a category.
    ///
    /// `POST /cgi-bin/wxopen/deletecategory?access_token=AAT` — perm 30.
    ///
    /// Errors: 53303 bad parameters, 53308 cannot delete while under review.
    pub async fn deletecategory(&self, aat: AuthorizerToken<'_>, req: &DeletecategoryRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/wxopen/deletecategory", aat.param(), &[], req).await?;
        Ok(())
    }

    /// Replaces the qualifications of a category already set.
    ///
    /// `POST /cgi-bin/wxopen/modifycategory?access_token=AAT` — perm 30.
    ///
    /// Errors: 53303 bad parameters, 61007 perm 30 not granted.
    pub async fn modifycategory(&self, aat: AuthorizerToken<'_>, req: &ModifycategoryRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/wxopen/modifycategory", aat.param(), &[], req).await?;
        Ok(())
    }

    /// The approved categories, as `submit_audit` names them.
    ///
    /// `GET /wxa/get_category?access_token=AAT` — perm 18.
    ///
    /// Errors: 86000 not called by a platform, 61007 perm 18 not granted.
    pub async fn get_category(&self, aat: AuthorizerToken<'_>) -> Result<GetCategoryResponse, Error> {
        self.get_json("/wxa/get_category", aat.param(), &[]).await
    }
}
