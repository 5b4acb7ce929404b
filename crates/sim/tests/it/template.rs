//! Code templates (reference §7): the draft box, addtotemplate, the library and its cap, delete.

use serde_json::{json, Value};
use wechat::api::template::{AddtotemplateRequest, DeletetemplateRequest, GettemplatelistRequest, TemplateAuditStatus, TemplateType};

use crate::code::{admin, errcode, setup, upload_draft, SHOP_PAGES};

#[tokio::test]
async fn a_draft_becomes_a_template_and_goes_away() {
    let fx = setup().await;
    let seeded = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest::default()).await.unwrap().template_list.len();
    let draft_id = upload_draft(&fx.sim, "1.0.0", SHOP_PAGES, &["UserInfo"]).await;

    let drafts = fx.client.gettemplatedraftlist(fx.cat()).await.unwrap().draft_list;
    let draft = drafts.iter().find(|d| d.draft_id == draft_id).expect("the upload is in the draft box");
    assert_eq!((draft.draft_id, draft.user_version.as_str(), draft.user_desc.as_str()), (draft_id, "1.0.0", "版本 1.0.0"));
    assert!(draft.source_miniprogram_appid.is_some() && draft.developer.is_some());
    assert!(draft.create_time > 1_600_000_000);

    fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: None }).await.unwrap();
    fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: Some(TemplateType::Standard) }).await.unwrap();

    let all = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest::default()).await.unwrap().template_list;
    assert_eq!(all.len(), seeded + 2);
    let mine: Vec<_> = all.iter().filter(|t| t.draft_id == Some(draft_id)).collect();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|t| t.user_version == "1.0.0" && t.user_desc == "版本 1.0.0"));
    let normal = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest { template_type: Some(TemplateType::Normal) }).await.unwrap();
    assert_eq!(normal.template_list.len(), seeded + 1);
    assert!(normal.template_list.iter().all(|t| t.template_type == Some(TemplateType::Normal)));
    let standard =
        fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest { template_type: Some(TemplateType::Standard) }).await.unwrap();
    assert_eq!(standard.template_list.len(), 1);
    assert_eq!(standard.template_list[0].audit_status, Some(TemplateAuditStatus::Passed));
    // The draft stays in the box after being added.
    let drafts = fx.client.gettemplatedraftlist(fx.cat()).await.unwrap().draft_list;
    assert!(drafts.iter().any(|d| d.draft_id == draft_id));

    let template_id = normal.template_list.iter().find(|t| t.draft_id == Some(draft_id)).unwrap().template_id;
    fx.client.deletetemplate(fx.cat(), &DeletetemplateRequest { template_id }).await.unwrap();
    assert_eq!(errcode(fx.client.deletetemplate(fx.cat(), &DeletetemplateRequest { template_id }).await), 85064);
    assert_eq!(fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest::default()).await.unwrap().template_list.len(), seeded + 1);
}

#[tokio::test]
async fn the_draft_box_keeps_the_latest_upload_of_each_dev_mini_program() {
    let fx = setup().await;
    let first = upload_draft(&fx.sim, "1.0.0", SHOP_PAGES, &[]).await;
    let second = upload_draft(&fx.sim, "1.0.1", SHOP_PAGES, &[]).await;
    let (status, other) = admin(
        &fx.sim,
        "drafts",
        json!({"user_version": "9.0.0", "user_desc": "别的开发小程序", "source_miniprogram_appid": "wx0otherdevapp0001"}),
    )
    .await;
    assert_eq!(status, 200);
    let drafts = fx.client.gettemplatedraftlist(fx.cat()).await.unwrap().draft_list;
    let ids: Vec<i64> = drafts.iter().map(|d| d.draft_id).collect();
    assert_eq!(ids, [second, other["draft_id"].as_i64().unwrap()], "the seeded draft came from the same dev mini program");
    assert_eq!(errcode(fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id: first, template_type: None }).await), 85064);
}

#[tokio::test]
async fn the_library_holds_200_templates() {
    let fx = setup().await;
    let draft_id = upload_draft(&fx.sim, "1.0.0", SHOP_PAGES, &[]).await;
    let seeded = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest::default()).await.unwrap().template_list.len();
    for _ in seeded..200 {
        fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: None }).await.unwrap();
    }
    assert_eq!(errcode(fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: None }).await), 85065);
    let list = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest::default()).await.unwrap().template_list;
    assert_eq!(list.len(), 200);
    // Deleting one makes room again.
    fx.client.deletetemplate(fx.cat(), &DeletetemplateRequest { template_id: list[0].template_id }).await.unwrap();
    fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: None }).await.unwrap();
}

#[tokio::test]
async fn template_calls_take_the_platform_token_only() {
    let fx = setup().await;
    // An authorizer token is not the platform's token.
    assert_eq!(errcode(fx.client.gettemplatedraftlist(wechat::ComponentToken(&fx.aat)).await), 40001);
    let http = reqwest::Client::new();
    let get = |path: String| http.get(fx.url(&path)).send();
    let answer: Value = get("/wxa/gettemplatelist".into()).await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 41001);
    let answer: Value = get(format!("/wxa/gettemplatelist?access_token={}&template_type=1", fx.cat)).await.unwrap().json().await.unwrap();
    assert_eq!((answer["errcode"].as_i64(), answer["template_list"].as_array().map(Vec::len)), (Some(0), Some(0)), "{answer}");
    let answer: Value = get(format!("/wxa/gettemplatelist?component_access_token={}", fx.cat)).await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 0, "the legacy parameter name works too");
    let answer: Value = get(format!("/wxa/gettemplatelist?access_token={}&template_type=x", fx.cat)).await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 40097);
    // gettemplatelist is a GET.
    let answer: Value =
        http.post(fx.url(&format!("/wxa/gettemplatelist?access_token={}", fx.cat))).body("{}").send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 43001);
    // Raw addtotemplate with a hand-written body.
    let draft_id = upload_draft(&fx.sim, "2.0.0", &[], &[]).await;
    let url = fx.url(&format!("/wxa/addtotemplate?access_token={}", fx.cat));
    let answer: Value =
        http.post(&url).body(format!(r#"{{"draft_id":{draft_id},"template_type":0}}"#)).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer, json!({"errcode": 0, "errmsg": "ok"}));
    let answer: Value = http.post(&url).body(r#"{"draft_id":"one"}"#).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 47001);
}

#[tokio::test]
async fn the_demo_platform_has_three_shop_templates_and_a_newer_draft() {
    let fx = setup().await;
    let templates = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest::default()).await.unwrap().template_list;
    let versions: Vec<&str> = templates.iter().map(|t| t.user_version.as_str()).collect();
    assert_eq!(versions, ["1.0.0", "1.1.0", "1.2.0"]);
    let drafts = fx.client.gettemplatedraftlist(fx.cat()).await.unwrap().draft_list;
    assert_eq!(drafts.iter().map(|d| d.user_version.as_str()).collect::<Vec<_>>(), ["1.3.0"]);
    // Committing a demo template works out of the box and exposes its pages.
    let template_id = templates[2].template_id;
    crate::code::commit(&fx, template_id, "1.2.0").await;
    let pages = fx.client.get_page(fx.aat()).await.unwrap().page_list;
    assert_eq!(pages.len(), 8);
    assert_eq!(pages[0], "pages/index/index");
}

#[tokio::test]
async fn addtotemplate_takes_template_type_0_or_1() {
    let fx = setup().await;
    let draft_id = upload_draft(&fx.sim, "1.0.0", SHOP_PAGES, &[]).await;
    let url = fx.url(&format!("/wxa/addtotemplate?access_token={}", fx.cat));
    let answer: Value = reqwest::Client::new()
        .post(&url)
        .body(format!(r#"{{"draft_id":{draft_id},"template_type":5}}"#))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["errcode"], 40097);
}
