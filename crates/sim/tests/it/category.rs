//! Categories (reference §5.2): the tree, adding (review for sensitive ones, pushed as
//! `wxa_category_audit`), deleting, modifying, and the approved list `submit_audit` uses.

use wechat::api::category::{AddcategoryRequest, Certicate, DeletecategoryRequest, ModifycategoryRequest, NewCategory};
use wechat::xml::Event;
use wechat::AuthorizerToken;

use crate::basic::{advance, errcode, png, setup, upload_image, APPID};
use crate::support::{self, Receiver, ALL_PERMS};

fn add(first: i64, second: i64, certicates: Vec<Certicate>) -> AddcategoryRequest {
    AddcategoryRequest { categories: vec![NewCategory { first, second, certicates }] }
}

fn category_audit(e: &Event) -> bool {
    matches!(e, Event::WxaCategoryAudit(_))
}

fn food_licence(media_id: &str) -> Vec<Certicate> {
    vec![Certicate { key: "《食品经营许可证》".into(), value: media_id.to_owned() }]
}

#[tokio::test]
async fn the_tree_has_levels_qualifications_and_depends_on_the_subject() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let all = client.getallcategories(AuthorizerToken(&aat)).await.unwrap().categories_list.categories;
    let root = all.iter().find(|n| n.id == 0).expect("root");
    assert!(root.children.len() >= 8);
    let food = all.iter().find(|n| n.id == 307).expect("食品");
    assert_eq!((food.level, food.father, food.sensitive_type), (Some(2), Some(304), Some(1)));
    let docs = &food.qualify.as_ref().unwrap().exter_list[0].inner_list;
    assert_eq!(docs[0].name, "《食品经营许可证》");
    let tools = all.iter().find(|n| n.id == 287).unwrap();
    assert_eq!(tools.level, Some(1));
    assert!(tools.children.contains(&288));
    assert!(all.iter().all(|n| n.id == 0 || n.father.is_some_and(|f| f == 0 || all.iter().any(|p| p.id == f))));

    sim.sim.with_world(|w, _| w.apps.get_mut(APPID).unwrap().personal = true);
    let personal = client.getallcategories(AuthorizerToken(&aat)).await.unwrap().categories_list.categories;
    assert!(personal.len() < all.len());
    assert!(personal.iter().all(|n| n.id != 304 && n.sensitive_type != Some(1)));
    assert_eq!(errcode(client.addcategory(AuthorizerToken(&aat), &add(304, 305, vec![])).await), 53302);
}

#[tokio::test]
async fn a_plain_category_is_approved_at_once() {
    let (_sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    client.addcategory(aat, &add(287, 288, vec![])).await.unwrap();
    let got = client.getcategory(aat).await.unwrap();
    assert_eq!(got.categories.len(), 1);
    let c = &got.categories[0];
    assert_eq!((c.first, c.first_name.as_str(), c.second, c.second_name.as_str(), c.audit_status), (287, "工具", 288, "信息查询", Some(3)));
    assert_eq!((got.limit, got.quota, got.category_limit), (5, 4, 20));
    let approved = client.get_category(aat).await.unwrap().category_list;
    assert_eq!(approved.len(), 1);
    assert_eq!(
        (approved[0].first_class.as_str(), approved[0].second_class.as_str(), approved[0].first_id, approved[0].second_id),
        ("工具", "信息查询", 287, 288)
    );

    assert_eq!(errcode(client.addcategory(aat, &add(287, 288, vec![])).await), 53304, "duplicate");
    assert_eq!(errcode(client.addcategory(aat, &add(287, 999, vec![])).await), 53303, "unknown");
    assert_eq!(errcode(client.addcategory(aat, &add(304, 288, vec![])).await), 53303, "second not under first");
    assert_eq!(errcode(client.addcategory(aat, &AddcategoryRequest { categories: vec![] }).await), 53303);
    assert_eq!(errcode(client.addcategory(aat, &add(800, 801, vec![])).await), 53302, "government only");
}

#[tokio::test]
async fn a_sensitive_category_is_reviewed_and_the_result_pushed() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    let receiver = Receiver::start(&sim).await;
    assert_eq!(errcode(client.addcategory(aat, &add(304, 307, vec![])).await), 53311, "qualification missing");
    let wrong = vec![Certicate { key: "《营业执照》".into(), value: "x".into() }];
    assert_eq!(errcode(client.addcategory(aat, &add(304, 307, wrong)).await), 53311, "not the document the category needs");
    assert_eq!(errcode(client.addcategory(aat, &add(304, 307, food_licence("nosuchmedia"))).await), 46001);
    let licence = upload_image(&client, &aat_s, "food-licence.png", png(500)).await;
    client.addcategory(aat, &add(304, 307, food_licence(&licence))).await.unwrap();
    assert_eq!(client.getcategory(aat).await.unwrap().categories[0].audit_status, Some(1));
    assert!(client.get_category(aat).await.unwrap().category_list.is_empty(), "not approved yet");
    assert_eq!(errcode(client.deletecategory(aat, &DeletecategoryRequest { first: 304, second: 307 }).await), 53308);

    // Margins are wide: virtual time also runs with real time, and a loaded machine is slow.
    advance(&sim, 300);
    assert_eq!(client.getcategory(aat).await.unwrap().categories[0].audit_status, Some(1));
    receiver.assert_none(category_audit).await;
    advance(&sim, 300);
    let (path, event) = receiver.wait_for(category_audit).await;
    assert_eq!(path, format!("/msg/{APPID}"));
    let Event::WxaCategoryAudit(event) = event else { unreachable!() };
    assert!(event.passed());
    assert_eq!((event.first, event.second), (304, 307));
    assert_eq!(client.get_category(aat).await.unwrap().category_list[0].second_class, "食品");
    client.deletecategory(aat, &DeletecategoryRequest { first: 304, second: 307 }).await.unwrap();
    assert!(client.getcategory(aat).await.unwrap().categories.is_empty());
    assert_eq!(errcode(client.deletecategory(aat, &DeletecategoryRequest { first: 304, second: 307 }).await), 53303);
}

#[tokio::test]
async fn a_rejected_category_can_be_modified_and_reviewed_again() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    let receiver = Receiver::start(&sim).await;
    let blurry = upload_image(&client, &aat_s, "reject-blurry.png", png(500)).await;
    client.addcategory(aat, &add(304, 307, food_licence(&blurry))).await.unwrap();
    let modify = |media: &str| ModifycategoryRequest { first: 304, second: 307, certicates: food_licence(media) };
    assert_eq!(errcode(client.modifycategory(aat, &modify(&blurry)).await), 53307, "only rejected ones");
    advance(&sim, 600);
    let Event::WxaCategoryAudit(event) = receiver.wait_for(category_audit).await.1 else { unreachable!() };
    assert_eq!(event.ret, 2);
    assert!(event.reason.contains("食品经营许可证"));
    let state = &client.getcategory(aat).await.unwrap().categories[0];
    assert_eq!(state.audit_status, Some(2));
    assert!(state.audit_reason.is_some());

    let clear = upload_image(&client, &aat_s, "licence.png", png(500)).await;
    assert_eq!(errcode(client.modifycategory(aat, &ModifycategoryRequest { first: 304, second: 308, certicates: vec![] }).await), 53303);
    client.modifycategory(aat, &modify(&clear)).await.unwrap();
    assert_eq!(client.getcategory(aat).await.unwrap().categories[0].audit_status, Some(1));
    advance(&sim, 600);
    let second = receiver.wait_for_n(2, category_audit).await.remove(1).1;
    assert!(matches!(second, Event::WxaCategoryAudit(e) if e.passed()));
    assert_eq!(client.get_category(aat).await.unwrap().category_list.len(), 1);
}

#[tokio::test]
async fn monthly_and_total_limits() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    for second in [288, 289, 290, 291, 292] {
        client.addcategory(aat, &add(287, second, vec![])).await.unwrap();
    }
    assert_eq!(client.getcategory(aat).await.unwrap().quota, 0);
    assert_eq!(errcode(client.addcategory(aat, &add(150, 152, vec![])).await), 53300);

    sim.sim.with_world(|w, _| {
        let categories = &mut w.apps.get_mut(APPID).unwrap().categories;
        categories.additions.clear();
        let template = categories.items[0].clone();
        while categories.items.len() < 20 {
            categories.items.push(template.clone());
        }
    });
    assert_eq!(errcode(client.addcategory(aat, &add(150, 152, vec![])).await), 53301);
}

#[tokio::test]
async fn permission_sets_30_and_18() {
    let (sim, client, _) = setup(ALL_PERMS).await;
    let dev_only = support::authorized_app(&sim, "wx00000000000000d4", &[18]);
    let basic_only = support::authorized_app(&sim, "wx00000000000000d5", &[30]);
    assert_eq!(errcode(client.getcategory(AuthorizerToken(&dev_only)).await), 61007);
    assert_eq!(errcode(client.getallcategories(AuthorizerToken(&dev_only)).await), 61007);
    assert!(client.get_category(AuthorizerToken(&dev_only)).await.unwrap().category_list.is_empty());
    assert_eq!(errcode(client.get_category(AuthorizerToken(&basic_only)).await), 61007);
}

#[tokio::test]
async fn raw_http_with_the_docs_spelling_certicates() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let licence = upload_image(&client, &aat, "licence.png", png(500)).await;
    let http = reqwest::Client::new();
    let base = sim.base_url().to_string();
    let body = format!(
        r#"{{"categories":[{{"first":304,"second":307,"certicates":[{{"key":"《食品经营许可证》","value":"{licence}"}}]}},{{"first":287,"second":289}}]}}"#
    );
    let answer: serde_json::Value =
        http.post(format!("{base}cgi-bin/wxopen/addcategory?access_token={aat}")).body(body).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 0, "{answer}");
    let got: serde_json::Value =
        http.get(format!("{base}cgi-bin/wxopen/getcategory?access_token={aat}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["categories"][0]["audit_status"], 1);
    assert_eq!(got["categories"][1]["audit_status"], 3);
    assert_eq!(got["categories"][1]["second_name"], "办公");
    assert_eq!(got["quota"], 4);
    let approved: serde_json::Value =
        http.get(format!("{base}wxa/get_category?access_token={aat}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(approved["category_list"].as_array().unwrap().len(), 1);
    assert_eq!(approved["category_list"][0]["first_class"], "工具");
    assert_eq!(approved["errcode"], 0);
}

#[tokio::test]
async fn approved_is_what_submit_audit_sees() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    client.addcategory(AuthorizerToken(&aat), &add(220, 222, vec![])).await.unwrap();
    let approved = sim.sim.with_world(|w, _| w.apps[APPID].categories.approved());
    assert_eq!(approved.len(), 1);
    assert_eq!((approved[0].first_class.as_str(), approved[0].second_class.as_str()), ("餐饮", "点评与推荐"));
}
