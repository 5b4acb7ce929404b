//! A mini program's categories and their review (reference §5.2).
//!
//! The category tree is the simulator's own: about fifty nodes in the real tree's shape (first-level
//! groups, second-level categories, the sensitive ones with the qualifications they need, some only
//! for organizations or only for government bodies). The ids are not WeChat's (the real tree has
//! hundreds of nodes and changes over time); clients should read them from `getallcategories`.

use serde::{Deserialize, Serialize};
use wechat::api::category::{
    CategoriesList, CategoryNode, Certicate, ExterList, GetallcategoriesResponse, GetcategoryResponse, NewCategory, Qualify,
    QualifyDocument, SetCategory,
};
use wechat::xml::{Event, WxaCategoryAudit};

use super::profile::{app_event_header, check_media, push_to_platforms, ReviewScript};
use super::{MiniProgram, World};
use crate::WxError;

/// The most categories a mini program may have (`category_limit`).
pub const CATEGORY_LIMIT: usize = 20;
/// `addcategory` calls per calendar month (`limit`; `quota` is what remains).
pub const ADDS_PER_MONTH: usize = 5;

/// Who may set a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subjects {
    /// Organizations and persons.
    Anyone,
    /// Organizations only (personal mini programs get 53302).
    Organizations,
    /// Government bodies only (every simulated subject gets 53302).
    Government,
}

/// One node of the tree.
struct Node {
    id: i64,
    name: &'static str,
    /// 0 for first-level categories.
    father: i64,
    subjects: Subjects,
    /// Groups of alternative qualification documents; one of each group is required. Empty: not
    /// sensitive, approved without review.
    qualify: &'static [&'static [&'static str]],
}

const fn first(id: i64, name: &'static str, subjects: Subjects) -> Node {
    Node { id, name, father: 0, subjects, qualify: &[] }
}

const fn second(id: i64, name: &'static str, father: i64, subjects: Subjects, qualify: &'static [&'static [&'static str]]) -> Node {
    Node { id, name, father, subjects, qualify }
}

use Subjects::{Anyone, Government, Organizations};

static TREE: &[Node] = &[
    first(1, "快递业与邮政", Organizations),
    second(2, "快递、物流", 1, Organizations, &[&["《快递业务经营许可证》"]]),
    second(3, "邮政", 1, Organizations, &[&["《邮政企业资质证明》"]]),
    first(150, "教育", Anyone),
    second(151, "学历教育（学校）", 150, Organizations, &[&["《办学许可证》", "《事业单位法人证书》"]]),
    second(152, "教育信息服务", 150, Anyone, &[]),
    second(153, "培训机构", 150, Organizations, &[&["《办学许可证》", "《民办非企业单位登记证书》"]]),
    second(154, "在线教育", 150, Organizations, &[]),
    first(220, "餐饮", Anyone),
    second(221, "餐饮服务场所/餐饮服务管理企业", 220, Organizations, &[&["《食品经营许可证》", "《餐饮服务许可证》"]]),
    second(222, "点评与推荐", 220, Anyone, &[]),
    second(223, "菜谱", 220, Anyone, &[]),
    first(287, "工具", Anyone),
    second(288, "信息查询", 287, Anyone, &[]),
    second(289, "办公", 287, Anyone, &[]),
    second(290, "效率", 287, Anyone, &[]),
    second(291, "预约/报名", 287, Organizations, &[]),
    second(292, "记账", 287, Anyone, &[]),
    first(304, "商家自营", Organizations),
    second(305, "服装/鞋/箱包", 304, Organizations, &[]),
    second(306, "美妆/洗护", 304, Organizations, &[]),
    second(307, "食品", 304, Organizations, &[&["《食品经营许可证》"]]),
    second(308, "酒/盐", 304, Organizations, &[&["《酒类流通备案登记表》", "《食品经营许可证》"]]),
    second(309, "母婴用品", 304, Organizations, &[]),
    second(310, "家居家纺", 304, Organizations, &[]),
    second(311, "数码家电", 304, Organizations, &[]),
    second(312, "珠宝/饰品/眼镜/钟表", 304, Organizations, &[]),
    first(400, "生活服务", Anyone),
    second(401, "家政", 400, Organizations, &[]),
    second(402, "丽人", 400, Organizations, &[]),
    second(403, "宠物（非医院类）", 400, Anyone, &[]),
    second(404, "婚庆服务", 400, Organizations, &[]),
    second(405, "搬家公司", 400, Organizations, &[]),
    first(500, "医疗服务", Organizations),
    second(501, "公立医疗机构", 500, Organizations, &[&["《医疗机构执业许可证》"]]),
    second(502, "互联网医院", 500, Organizations, &[&["《医疗机构执业许可证》"], &["《互联网医院信息系统安全等级保护备案证明》"]]),
    second(503, "药品信息", 500, Organizations, &[&["《互联网药品信息服务资格证书》"]]),
    first(600, "金融业", Organizations),
    second(601, "银行", 600, Organizations, &[&["《金融许可证》"]]),
    second(602, "保险", 600, Organizations, &[&["《经营保险业务许可证》", "《保险代理业务许可证》"]]),
    first(700, "旅游", Anyone),
    second(701, "旅游线路", 700, Organizations, &[&["《旅行社业务经营许可证》"]]),
    second(702, "景区服务", 700, Organizations, &[]),
    second(703, "住宿服务", 700, Organizations, &[]),
    first(800, "政务民生", Government),
    second(801, "政务服务", 800, Government, &[&["《事业单位法人证书》", "《机关法人证明》"]]),
    second(802, "公共事业", 800, Government, &[]),
    first(900, "社交", Anyone),
    second(901, "直播", 900, Organizations, &[&["《信息网络传播视听节目许可证》", "《网络文化经营许可证》"]]),
    second(902, "笔记", 900, Anyone, &[]),
    second(903, "问答", 900, Anyone, &[]),
];

fn node(id: i64) -> Option<&'static Node> {
    TREE.iter().find(|n| n.id == id)
}

fn allowed(node: &Node, personal: bool) -> bool {
    match node.subjects {
        Anyone => true,
        Organizations => !personal,
        Government => false,
    }
}

/// The categories of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Categories {
    /// The categories set, in the order they were added.
    pub items: Vec<AppCategory>,
    /// When each counted `addcategory` call happened.
    pub additions: Vec<i64>,
    /// How reviews of this mini program's categories end (tests and the admin set it).
    pub review_script: ReviewScript,
}

/// A category set on a mini program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCategory {
    /// First-level id.
    pub first: i64,
    /// Second-level id.
    pub second: i64,
    /// 1 reviewing, 2 rejected, 3 passed.
    pub audit_status: i64,
    /// Why it was rejected.
    pub audit_reason: Option<String>,
    /// The qualification documents submitted.
    pub certicates: Vec<Certicate>,
    /// When the review is (or was) decided.
    pub decide_at: i64,
    /// The reason it will be rejected with, decided at submission (`None` passes).
    pub planned_rejection: Option<String>,
}

/// A category a mini program may use in `submit_audit` (approved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedCategory {
    /// First-level id.
    pub first_id: i64,
    /// First-level name.
    pub first_class: String,
    /// Second-level id.
    pub second_id: i64,
    /// Second-level name.
    pub second_class: String,
    /// Third-level id, if any.
    pub third_id: Option<i64>,
    /// Third-level name, if any.
    pub third_class: Option<String>,
}

fn name_of(id: i64) -> String {
    node(id).map(|n| n.name.to_owned()).unwrap_or_default()
}

impl Categories {
    /// The approved categories (`/wxa/get_category`).
    pub fn approved(&self) -> Vec<ApprovedCategory> {
        self.items
            .iter()
            .filter(|c| c.audit_status == 3)
            .map(|c| ApprovedCategory {
                first_id: c.first,
                first_class: name_of(c.first),
                second_id: c.second,
                second_class: name_of(c.second),
                third_id: None,
                third_class: None,
            })
            .collect()
    }

    /// `addcategory` calls left this month.
    pub fn quota(&self, now: i64) -> usize {
        ADDS_PER_MONTH.saturating_sub(super::profile::period::count_in_month(&self.additions, now))
    }

    /// `GET /cgi-bin/wxopen/getcategory`.
    pub fn answer(&self, now: i64) -> GetcategoryResponse {
        GetcategoryResponse {
            categories: self
                .items
                .iter()
                .map(|c| SetCategory {
                    first: c.first,
                    first_name: name_of(c.first),
                    second: c.second,
                    second_name: name_of(c.second),
                    audit_status: Some(c.audit_status),
                    audit_reason: c.audit_reason.clone(),
                })
                .collect(),
            limit: ADDS_PER_MONTH as i64,
            quota: self.quota(now) as i64,
            category_limit: CATEGORY_LIMIT as i64,
        }
    }
}

/// `GET /cgi-bin/wxopen/getallcategories`: the tree as `app`'s subject may use it, flattened, with
/// the root (id 0) first.
pub fn all_categories(app: &MiniProgram) -> GetallcategoriesResponse {
    let visible: Vec<&Node> = TREE.iter().filter(|n| allowed(n, app.personal)).collect();
    let children_of = |id: i64| visible.iter().filter(|n| n.father == id).map(|n| n.id).collect::<Vec<_>>();
    let mut categories =
        vec![CategoryNode { id: 0, name: None, level: None, father: None, children: children_of(0), sensitive_type: None, qualify: None }];
    for n in &visible {
        let sensitive = !n.qualify.is_empty();
        categories.push(CategoryNode {
            id: n.id,
            name: Some(n.name.to_owned()),
            level: Some(if n.father == 0 { 1 } else { 2 }),
            father: Some(n.father),
            children: children_of(n.id),
            sensitive_type: Some(i64::from(sensitive)),
            qualify: sensitive.then(|| Qualify {
                exter_list: n
                    .qualify
                    .iter()
                    .map(|group| ExterList {
                        inner_list: group.iter().map(|d| QualifyDocument { name: (*d).to_owned(), url: String::new() }).collect(),
                    })
                    .collect(),
                remark: "请上传资质证件的清晰照片或扫描件".to_owned(),
            }),
        });
    }
    GetallcategoriesResponse { categories_list: CategoriesList { categories } }
}

/// The second-level node `second` under `first`, or `53303`.
fn leaf(first: i64, second: i64) -> Result<&'static Node, WxError> {
    match node(second) {
        Some(n) if n.father == first && first != 0 => Ok(n),
        _ => Err(WxError::new(53303, "提交的参数不合法：类目不存在")),
    }
}

/// Checks the certificates of `node` (`53311` missing, `40007`/`46001` bad media); returns the
/// rejection the review will give, if any: a certificate uploaded under a file name containing
/// "reject" is refused — the simulator's deterministic review rule.
fn check_certicates(world: &World, appid: &str, node: &Node, certicates: &[Certicate], now: i64) -> Result<Option<String>, WxError> {
    for group in node.qualify {
        if !certicates.iter().any(|c| group.contains(&c.key.as_str()) && !c.value.trim().is_empty()) {
            return Err(WxError::new(53311, format!("需要提交资料信息：{}", group.join(" 或 "))));
        }
    }
    let mut rejection = None;
    for c in certicates {
        let media = check_media(world, appid, &c.value, now)?;
        if media.file_name.to_lowercase().contains("reject") {
            rejection = Some(format!("{} 不清晰或已过期，请重新上传", c.key));
        }
    }
    Ok(rejection)
}

/// `POST /cgi-bin/wxopen/addcategory`.
pub fn addcategory(world: &mut World, appid: &str, categories: &[NewCategory], now: i64) -> Result<(), WxError> {
    if categories.is_empty() {
        return Err(WxError::new(53303, "提交的参数不合法：categories 为空"));
    }
    let app = world.app(appid)?;
    let mut added = Vec::new();
    for (i, c) in categories.iter().enumerate() {
        let category = leaf(c.first, c.second)?;
        if !allowed(category, app.personal) || node(c.first).is_some_and(|f| !allowed(f, app.personal)) {
            return Err(WxError::new(53302, "当前账号主体类型不允许设置此种类目"));
        }
        let duplicate = app.categories.items.iter().any(|x| x.first == c.first && x.second == c.second)
            || categories[..i].iter().any(|x| x.first == c.first && x.second == c.second);
        if duplicate {
            return Err(WxError::new(53304, "与已有类目重复"));
        }
        let rejection = check_certicates(world, appid, category, &c.certicates, now)?;
        let sensitive = !category.qualify.is_empty();
        let planned_rejection = if sensitive { app.categories.review_script.reject_reason.clone().or(rejection) } else { None };
        added.push(AppCategory {
            first: c.first,
            second: c.second,
            audit_status: if sensitive { 1 } else { 3 },
            audit_reason: None,
            certicates: c.certicates.clone(),
            decide_at: if sensitive { app.categories.review_script.decide_at(now) } else { now },
            planned_rejection,
        });
    }
    if app.categories.items.len() + added.len() > CATEGORY_LIMIT {
        return Err(WxError::new(53301, "超出可配置类目总数限制"));
    }
    if app.categories.quota(now) == 0 {
        return Err(WxError::new(53300, "超出每月次数限制"));
    }
    let app = world.app_mut(appid)?;
    app.categories.additions.push(now);
    app.categories.items.extend(added);
    Ok(())
}

/// `POST /cgi-bin/wxopen/deletecategory`: `53303` when not set, `53308` while under review.
pub fn deletecategory(app: &mut MiniProgram, first: i64, second: i64) -> Result<(), WxError> {
    let index = app
        .categories
        .items
        .iter()
        .position(|c| c.first == first && c.second == second)
        .ok_or_else(|| WxError::new(53303, "提交的参数不合法：该类目未设置"))?;
    if app.categories.items[index].audit_status == 1 {
        return Err(WxError::new(53308, "审核中的类目不允许删除"));
    }
    app.categories.items.remove(index);
    Ok(())
}

/// `POST /cgi-bin/wxopen/modifycategory`: new certificates for a rejected category, which goes back
/// to review. `53303` not set, `53307` not rejected.
pub fn modifycategory(world: &mut World, appid: &str, first: i64, second: i64, certicates: &[Certicate], now: i64) -> Result<(), WxError> {
    let app = world.app(appid)?;
    let item = app
        .categories
        .items
        .iter()
        .find(|c| c.first == first && c.second == second)
        .ok_or_else(|| WxError::new(53303, "提交的参数不合法：该类目未设置"))?;
    if item.audit_status != 2 {
        return Err(WxError::new(53307, "只有审核失败的类目允许修改"));
    }
    let category = leaf(first, second)?;
    let rejection = check_certicates(world, appid, category, certicates, now)?;
    let planned_rejection = app.categories.review_script.reject_reason.clone().or(rejection);
    let decide_at = app.categories.review_script.decide_at(now);
    let app = world.app_mut(appid)?;
    if let Some(item) = app.categories.items.iter_mut().find(|c| c.first == first && c.second == second) {
        item.audit_status = 1;
        item.audit_reason = None;
        item.certicates = certicates.to_vec();
        item.decide_at = decide_at;
        item.planned_rejection = planned_rejection;
    }
    Ok(())
}

/// Moves category reviews whose time has come and queues `wxa_category_audit` pushes.
pub fn advance(world: &mut super::World, now: i64) {
    let World { apps, outbox, .. } = world;
    for app in apps.values_mut() {
        let mut decided = Vec::new();
        for item in app.categories.items.iter_mut().filter(|c| c.audit_status == 1 && c.decide_at <= now) {
            item.audit_reason.clone_from(&item.planned_rejection);
            item.audit_status = if item.planned_rejection.is_some() { 2 } else { 3 };
            decided.push((item.audit_status, item.first, item.second, item.audit_reason.clone().unwrap_or_default()));
        }
        for (status, first, second, reason) in decided {
            let event =
                Event::WxaCategoryAudit(WxaCategoryAudit { header: app_event_header(app, now), ret: status as i32, first, second, reason });
            push_to_platforms(outbox, app, &event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_consistent() {
        let mut ids: Vec<i64> = TREE.iter().map(|n| n.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TREE.len(), "ids are unique");
        for n in TREE.iter().filter(|n| n.father != 0) {
            let parent = node(n.father).expect("parent exists");
            assert_eq!(parent.father, 0, "two levels");
        }
        assert!(TREE.len() >= 40);
    }

    #[test]
    fn personal_subjects_see_fewer_categories() {
        let company = MiniProgram::default();
        let person = MiniProgram { personal: true, ..MiniProgram::default() };
        let all = all_categories(&company).categories_list.categories.len();
        let personal = all_categories(&person).categories_list.categories;
        assert!(personal.len() < all);
        assert!(personal.iter().all(|n| n.sensitive_type != Some(1)));
    }
}
