//! The platform's draft box and template library (reference §7).
//!
//! A developer uploads code from DevTools with one of the platform's development mini programs; the
//! upload lands in the draft box. `addtotemplate` copies a draft into the template library, whose
//! `template_id` `wxa/commit` takes. A draft remembers what the real platform learns from the code
//! package: its pages and the privacy APIs the code calls, so a commit of it exposes both.

use serde::{Deserialize, Serialize};
use wechat::api::template::{Template, TemplateAuditStatus, TemplateDraft, TemplateType};

use super::Ids;
use crate::WxError;

/// How many templates a platform's library holds (reference §7 and the field notes: 200; older
/// docs said 50).
pub const LIBRARY_CAP: usize = 200;

/// The development mini program uploads come from when the admin API does not name one.
pub const DEFAULT_DEV_APPID: &str = "wx0demo0devtools0";

/// Drafts and templates of one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Library {
    /// The draft box, oldest first.
    pub drafts: Vec<Draft>,
    /// The template library, oldest first.
    pub templates: Vec<LibraryTemplate>,
}

/// What a DevTools upload carries: the code's version, pages and privacy API use.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CodePackage {
    /// The version typed in DevTools.
    pub user_version: String,
    /// The description typed in DevTools.
    pub user_desc: String,
    /// The pages of its `app.json`, home page first.
    pub pages: Vec<String>,
    /// The privacy keys (`UserInfo`, `Location`, …) the code's API calls need in the privacy guide.
    pub privacy_keys: Vec<String>,
}

/// One upload in the draft box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Its id, for `addtotemplate`.
    pub draft_id: i64,
    /// When it was uploaded.
    pub create_time: i64,
    /// The development mini program it was uploaded with.
    pub source_miniprogram_appid: String,
    /// That mini program's name.
    pub source_miniprogram: String,
    /// Who uploaded it.
    pub developer: String,
    /// The code.
    pub package: CodePackage,
}

/// One template in the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryTemplate {
    /// Its id, for `wxa/commit`.
    pub template_id: i64,
    /// 0 ordinary, 1 standard.
    pub template_type: i64,
    /// The draft it was made from.
    pub draft: Draft,
}

impl LibraryTemplate {
    /// A standard template (`template_type` 1) only takes `extAppid`, `ext` and `window` in `ext_json`.
    pub fn is_standard(&self) -> bool {
        self.template_type == 1
    }
}

/// What the admin API's `POST /admin/drafts` asks for (standing for a DevTools upload).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// The code.
    pub package: CodePackage,
    /// The development mini program; [`DEFAULT_DEV_APPID`] when absent.
    pub source_miniprogram_appid: Option<String>,
    /// Who uploads; a demo developer when absent.
    pub developer: Option<String>,
}

impl Library {
    /// Puts an upload into the draft box and returns its `draft_id`.
    ///
    /// The draft box keeps only the latest upload of each development mini program
    /// (developers.weixin.qq.com …/operation/thirdparty/template.html, as the field notes quote it),
    /// so an upload replaces the previous draft from the same development mini program. The
    /// official `gettemplatedraftlist` example shows two drafts of one appid; it predates that rule.
    pub fn upload(&mut self, ids: &mut Ids, upload: Upload, now: i64) -> i64 {
        let source = upload.source_miniprogram_appid.filter(|a| !a.is_empty()).unwrap_or_else(|| DEFAULT_DEV_APPID.to_owned());
        self.drafts.retain(|d| d.source_miniprogram_appid != source);
        let draft_id = ids.number() as i64;
        let mut package = upload.package;
        if package.pages.is_empty() {
            package.pages = vec!["pages/index/index".to_owned()];
        }
        self.drafts.push(Draft {
            draft_id,
            create_time: now,
            source_miniprogram: format!("开发小程序 {}", &source[source.len().saturating_sub(6)..]),
            source_miniprogram_appid: source,
            developer: upload.developer.filter(|d| !d.is_empty()).unwrap_or_else(|| "模板开发者".to_owned()),
            package,
        });
        draft_id
    }

    /// `gettemplatedraftlist`.
    pub fn draft_list(&self) -> Vec<TemplateDraft> {
        self.drafts.iter().map(Draft::to_wechat).collect()
    }

    /// `addtotemplate`: copies draft `draft_id` into the library as a template of `template_type`
    /// (0 when absent). 85064 when the draft is not in the box, 85065 when the library is full.
    pub fn add_to_template(&mut self, ids: &mut Ids, draft_id: i64, template_type: Option<TemplateType>) -> Result<i64, WxError> {
        let draft = self.drafts.iter().find(|d| d.draft_id == draft_id).ok_or_else(template_not_found)?.clone();
        let template_type = match template_type.map(i64::from).unwrap_or(0) {
            t @ (0 | 1) => t,
            _ => return Err(WxError::new(40097, "invalid args")),
        };
        if self.templates.len() >= LIBRARY_CAP {
            return Err(WxError::new(85065, "template list is full"));
        }
        let template_id = ids.number() as i64;
        self.templates.push(LibraryTemplate { template_id, template_type, draft });
        Ok(template_id)
    }

    /// `gettemplatelist`, all templates or those of one kind.
    pub fn template_list(&self, template_type: Option<TemplateType>) -> Vec<Template> {
        let wanted = template_type.map(i64::from);
        self.templates.iter().filter(|t| wanted.is_none_or(|w| w == t.template_type)).map(LibraryTemplate::to_wechat).collect()
    }

    /// `deletetemplate`; 85064 when there is no such template.
    pub fn delete_template(&mut self, template_id: i64) -> Result<(), WxError> {
        let before = self.templates.len();
        self.templates.retain(|t| t.template_id != template_id);
        if self.templates.len() == before {
            return Err(template_not_found());
        }
        Ok(())
    }

    /// The template `template_id`, if the library has it.
    pub fn template(&self, template_id: i64) -> Option<&LibraryTemplate> {
        self.templates.iter().find(|t| t.template_id == template_id)
    }
}

fn template_not_found() -> WxError {
    WxError::new(85064, "template not found")
}

impl Draft {
    fn to_wechat(&self) -> TemplateDraft {
        TemplateDraft {
            draft_id: self.draft_id,
            create_time: self.create_time,
            user_version: self.package.user_version.clone(),
            user_desc: self.package.user_desc.clone(),
            source_miniprogram_appid: Some(self.source_miniprogram_appid.clone()),
            source_miniprogram: Some(self.source_miniprogram.clone()),
            developer: Some(self.developer.clone()),
        }
    }
}

impl LibraryTemplate {
    fn to_wechat(&self) -> Template {
        let standard = self.is_standard();
        Template {
            template_id: self.template_id,
            create_time: self.draft.create_time,
            user_version: self.draft.package.user_version.clone(),
            user_desc: self.draft.package.user_desc.clone(),
            draft_id: Some(self.draft.draft_id),
            template_type: Some(TemplateType::from(self.template_type)),
            source_miniprogram_appid: Some(self.draft.source_miniprogram_appid.clone()),
            source_miniprogram: Some(self.draft.source_miniprogram.clone()),
            developer: Some(self.draft.developer.clone()),
            category_list: Vec::new(),
            // The standard-template review is not simulated: a standard template counts as passed
            // the moment it is added.
            audit_scene: standard.then_some(0),
            audit_status: standard.then_some(TemplateAuditStatus::Passed),
            reason: standard.then(String::new),
        }
    }
}

/// The pages of the demo "shop" template, home page first.
pub const DEMO_SHOP_PAGES: &[&str] = &[
    "pages/index/index",
    "pages/category/category",
    "pages/goods/detail",
    "pages/cart/cart",
    "pages/order/list",
    "pages/order/detail",
    "pages/user/user",
    "pages/address/list",
];

/// Puts the demo drafts and templates (3 template versions of a shop template) into `library`:
/// shop 1.0.0, 1.1.0 and 1.2.0 in the library, and a 1.3.0 upload still in the draft box, so
/// the sandbox has something to add.
pub fn seed_demo(library: &mut Library, ids: &mut super::Ids, now: i64) {
    const DAY: i64 = 86_400;
    let versions: [(&str, &str, usize, &[&str]); 4] = [
        ("1.0.0", "商城模板首个版本：首页、分类、商品详情、购物车", 4, &["UserInfo"]),
        ("1.1.0", "新增订单列表与订单详情", 6, &["UserInfo", "PhoneNumber"]),
        ("1.2.0", "新增个人中心与收货地址", 8, &["UserInfo", "PhoneNumber", "Address"]),
        ("1.3.0", "新增门店定位（使用位置信息）", 8, &["UserInfo", "PhoneNumber", "Address", "Location"]),
    ];
    let total = versions.len();
    for (i, (user_version, user_desc, page_count, privacy_keys)) in versions.into_iter().enumerate() {
        let package = CodePackage {
            user_version: user_version.to_owned(),
            user_desc: user_desc.to_owned(),
            pages: DEMO_SHOP_PAGES[..page_count].iter().map(|p| (*p).to_owned()).collect(),
            privacy_keys: privacy_keys.iter().map(|k| (*k).to_owned()).collect(),
        };
        let uploaded_at = now - (total - i) as i64 * 7 * DAY;
        let draft_id = library.upload(ids, Upload { package, source_miniprogram_appid: None, developer: None }, uploaded_at);
        if i + 1 < total {
            // Every version but the last goes into the library; the library is empty on a fresh
            // world, so this cannot hit the cap.
            let _ = library.add_to_template(ids, draft_id, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(version: &str, source: Option<&str>) -> Upload {
        Upload {
            package: CodePackage {
                user_version: version.into(),
                user_desc: "d".into(),
                pages: vec!["pages/a".into()],
                privacy_keys: vec![],
            },
            source_miniprogram_appid: source.map(str::to_owned),
            developer: None,
        }
    }

    #[test]
    fn an_upload_replaces_the_previous_draft_of_the_same_dev_app() {
        let mut ids = Ids::seeded(1);
        let mut lib = Library::default();
        let first = lib.upload(&mut ids, upload("1", Some("wxdev1")), 10);
        lib.upload(&mut ids, upload("1b", Some("wxdev2")), 11);
        let third = lib.upload(&mut ids, upload("2", Some("wxdev1")), 12);
        let ids_left: Vec<i64> = lib.drafts.iter().map(|d| d.draft_id).collect();
        assert!(!ids_left.contains(&first));
        assert!(ids_left.contains(&third));
        assert_eq!(lib.drafts.len(), 2);
    }

    #[test]
    fn the_library_is_capped_and_missing_ids_are_85064() {
        let mut ids = Ids::seeded(1);
        let mut lib = Library::default();
        let draft = lib.upload(&mut ids, upload("1", None), 0);
        for _ in 0..LIBRARY_CAP {
            lib.add_to_template(&mut ids, draft, None).unwrap();
        }
        assert_eq!(lib.add_to_template(&mut ids, draft, None).unwrap_err().errcode, 85065);
        assert_eq!(lib.add_to_template(&mut ids, 1, None).unwrap_err().errcode, 85064);
        assert_eq!(lib.delete_template(1).unwrap_err().errcode, 85064);
        let first = lib.templates[0].template_id;
        lib.delete_template(first).unwrap();
        assert!(lib.add_to_template(&mut ids, draft, Some(TemplateType::Standard)).is_ok());
        assert_eq!(lib.template_list(Some(TemplateType::Standard)).len(), 1);
        assert_eq!(lib.template_list(None).len(), LIBRARY_CAP);
    }

    #[test]
    fn the_demo_has_three_templates_and_one_draft_left() {
        let mut ids = Ids::seeded(1);
        let mut lib = Library::default();
        seed_demo(&mut lib, &mut ids, 1_700_000_000);
        let versions: Vec<&str> = lib.templates.iter().map(|t| t.draft.package.user_version.as_str()).collect();
        assert_eq!(versions, ["1.0.0", "1.1.0", "1.2.0"]);
        assert_eq!(lib.drafts.len(), 1);
        assert_eq!(lib.drafts[0].package.user_version, "1.3.0");
        assert!(lib.templates.iter().all(|t| t.draft.package.pages.len() >= 4));
    }
}
