//! Service categories (服务类目, perm 30): what is set with its review state and quota, what can be
//! added, add and delete.

use wechat::api::category::{AddcategoryRequest, DeletecategoryRequest, GetallcategoriesResponse, GetcategoryResponse, NewCategory};
use wechat::api::AuthorizerToken;

use crate::error::{FleetError, Result};
use crate::permissions::BASIC_INFO;
use crate::Fleet;

impl Fleet {
    /// The categories set on the mini program, with their review state and the change quota.
    pub async fn categories(&self, appid: &str) -> Result<GetcategoryResponse> {
        self.call_app(appid, BASIC_INFO, |api, aat| async move { api.getcategory(AuthorizerToken(&aat)).await }).await
    }

    /// Every category the mini program could add, with the qualifications each one needs.
    pub async fn all_categories(&self, appid: &str) -> Result<GetallcategoriesResponse> {
        self.call_app(appid, BASIC_INFO, |api, aat| async move { api.getallcategories(AuthorizerToken(&aat)).await }).await
    }

    /// Adds categories (certificates are temporary media ids); some go to review.
    pub async fn add_categories(&self, appid: &str, categories: Vec<NewCategory>) -> Result<()> {
        let detail = categories.iter().map(|c| format!("{}/{}", c.first, c.second)).collect::<Vec<_>>().join(", ");
        let outcome = async {
            if categories.is_empty() {
                return Err(FleetError::invalid("categories", "name at least one category (first and second level ids)"));
            }
            let request = AddcategoryRequest { categories: categories.clone() };
            self.call_app(appid, BASIC_INFO, |api, aat| {
                let request = request.clone();
                async move { api.addcategory(AuthorizerToken(&aat), &request).await }
            })
            .await
        }
        .await;
        self.record("app.category.add", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    /// Removes a category.
    pub async fn delete_category(&self, appid: &str, first: i64, second: i64) -> Result<()> {
        let request = DeletecategoryRequest { first, second };
        let outcome = self
            .call_app(appid, BASIC_INFO, |api, aat| {
                let request = request.clone();
                async move { api.deletecategory(AuthorizerToken(&aat), &request).await }
            })
            .await;
        self.record("app.category.delete", &[appid.to_owned()], &outcome, &format!("{first}/{second}")).await;
        outcome
    }
}
