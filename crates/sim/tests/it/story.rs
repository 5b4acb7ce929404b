//! The whole merchant story, only through the interfaces a platform and a merchant really use:
//! ticket push → component token → pre-auth code → the consent page in a "browser" (HTML, Referer,
//! form post, redirect) → `authorized` push → `api_query_auth` → category → template → commit →
//! submit → audit push → release → a second version → revert. Pushes are opened with the
//! independent decryption in `support`, not with the simulator's own code.

use wechat::api::audit::{AuditItem, AuditStatus, GetAuditstatusRequest, SubmitAuditRequest};
use wechat::api::auth::{ApiQueryAuthRequest, ConsentPage, ConsentScope};
use wechat::api::category::{AddcategoryRequest, NewCategory};
use wechat::api::code::{CommitRequest, ExtJson};
use wechat::api::component::{ApiComponentTokenRequest, ApiCreatePreauthcodeRequest};
use wechat::api::privacy::{GetprivacysettingRequest, OwnerSetting, PrivacySetting, SetprivacysettingRequest};
use wechat::api::release::RevertcodereleaseRequest;
use wechat::api::template::{AddtotemplateRequest, GettemplatelistRequest};
use wechat::xml::Event;
use wechat::{AuthorizerToken, ComponentToken};
use wxfleet_sim::{AuditDefault, SimConfig};

use crate::support::{self, independent, Sink};

const AUDIT_SECS: i64 = 600;

fn decrypted_events(sink: &Sink) -> Vec<Event> {
    sink.pushes().iter().map(|p| Event::parse(&independent::open(&p.query, &p.body).1).expect("a push parses")).collect()
}

#[tokio::test]
async fn a_merchant_authorizes_goes_live_and_rolls_back() {
    let config = SimConfig { seed_demo: 3, audit_default: AuditDefault::Pass, audit_after_secs: AUDIT_SECS as u64, ..SimConfig::default() };
    let (sim, sink) = support::start_with_sink(config).await;
    let client = support::client(&sim);
    let platform = sim.info.platform.clone();
    let merchant = sim.info.merchants[0].clone();

    // 1. The ticket arrives as an encrypted push to the authorization-event URL.
    let (status, _) = support::admin(&sim, "/admin/push-ticket", serde_json::json!({})).await;
    assert_eq!(status, 200);
    sink.wait_for(1, "component_verify_ticket").await;
    let ticket = decrypted_events(&sink)
        .into_iter()
        .find_map(|e| match e {
            Event::ComponentVerifyTicket(t) => Some(t.component_verify_ticket),
            _ => None,
        })
        .expect("a ticket push");

    // 2. The platform's token and a pre-auth code.
    let cat = client
        .api_component_token(&ApiComponentTokenRequest {
            component_appid: platform.component_appid.clone(),
            component_appsecret: platform.component_appsecret.clone(),
            component_verify_ticket: ticket,
        })
        .await
        .unwrap()
        .component_access_token;
    let cat = ComponentToken(&cat);
    let pre_auth_code = client
        .api_create_preauthcode(cat, &ApiCreatePreauthcodeRequest { component_appid: platform.component_appid.clone() })
        .await
        .unwrap()
        .pre_auth_code;

    // 3. The merchant's admin opens the consent page from the launch domain and confirms.
    let redirect_uri = sink.url("/authorized");
    let page = ConsentPage {
        component_appid: &platform.component_appid,
        pre_auth_code: &pre_auth_code,
        redirect_uri: &redirect_uri,
        scope: ConsentScope::Any,
    }
    .pc_url(Some(sim.base_url()));
    let browser = support::raw();
    let html = browser.get(page.clone()).header("Referer", "http://127.0.0.1/authorize").send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&merchant.appid), "the consent page lists the merchant's mini program");
    let form = [
        ("component_appid", platform.component_appid.as_str()),
        ("pre_auth_code", pre_auth_code.as_str()),
        ("authorizer_appid", merchant.appid.as_str()),
        ("func_id", "17"),
        ("func_id", "18"),
        ("func_id", "30"),
    ];
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let confirmed = browser.post(page).header("Content-Type", "application/x-www-form-urlencoded").body(body).send().await.unwrap();
    assert_eq!(confirmed.status(), 302);
    let location = url::Url::parse(confirmed.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(&redirect_uri), "{location}");
    let auth_code = location.query_pairs().find(|(k, _)| k == "auth_code").map(|(_, v)| v.into_owned()).expect("auth_code");
    assert_eq!(location.query_pairs().find(|(k, _)| k == "expires_in").map(|(_, v)| v.into_owned()).as_deref(), Some("600"));

    // 4. The same code is pushed as `authorized`; exchanging it yields the merchant's token.
    sink.wait_for(1, "<InfoType><![CDATA[authorized]]>").await;
    let pushed_code = decrypted_events(&sink)
        .into_iter()
        .find_map(|e| match e {
            Event::Authorized(a) if a.authorizer_appid == merchant.appid => Some(a.authorization_code),
            _ => None,
        })
        .expect("an authorized push for the merchant");
    assert_eq!(pushed_code, auth_code);
    let info = client
        .api_query_auth(
            cat,
            &ApiQueryAuthRequest { component_appid: platform.component_appid.clone(), authorization_code: auth_code.clone() },
        )
        .await
        .unwrap()
        .authorization_info;
    assert_eq!(info.authorizer_appid, merchant.appid);
    let granted: Vec<i64> = info.func_info.iter().map(|f| f.funcscope_category.id).collect();
    assert!([17, 18, 30].iter().all(|id| granted.contains(id)), "{granted:?}");
    let aat_value = info.authorizer_access_token.expect("an authorizer token");
    let aat = AuthorizerToken(&aat_value);
    let reused = client
        .api_query_auth(cat, &ApiQueryAuthRequest { component_appid: platform.component_appid.clone(), authorization_code: auth_code })
        .await;
    assert!(reused.is_err(), "an authorization code is single use");

    // 5. A category the audit can use.
    client
        .addcategory(aat, &AddcategoryRequest { categories: vec![NewCategory { first: 287, second: 290, certicates: vec![] }] })
        .await
        .unwrap();
    let category = client.get_category(aat).await.unwrap().category_list.into_iter().next().expect("an approved category");

    // 6. A developer uploads a draft; the platform adds it to the template library.
    let template_id = |user_version: &'static str| {
        let client = client.clone();
        let sim = &sim;
        async move {
            let (status, draft) =
                support::admin(sim, "/admin/drafts", serde_json::json!({ "user_version": user_version, "user_desc": "门店模板" })).await;
            assert_eq!(status, 200, "{draft}");
            let draft_id = draft["draft_id"].as_i64().unwrap();
            client.addtotemplate(cat, &AddtotemplateRequest { draft_id, template_type: None }).await.unwrap();
            let list = client.gettemplatelist(cat, &GettemplatelistRequest { template_type: None }).await.unwrap().template_list;
            list.into_iter().find(|t| t.user_version == user_version).expect("the new template is listed").template_id
        }
    };

    // 7. Commit with the merchant's ext_json, submit, pass, release — twice.
    let release_version = |version: &'static str| {
        let client = client.clone();
        let sim = &sim;
        let sink = &sink;
        let category = category.clone();
        let merchant_appid = merchant.appid.clone();
        async move {
            let template = template_id(version).await;
            let ext = ExtJson {
                ext_appid: Some(merchant_appid.clone()),
                ext: Some(serde_json::json!({ "shopName": "示例门店", "themeColor": "#07c160" })),
                ..ExtJson::default()
            };
            client.commit(aat, &CommitRequest::new(template, &ext, version, "门店上线")).await.unwrap();
            // The privacy scan after a commit takes a while; submitting at once is 61039.
            let early = client.submit_audit(aat, &submit_request(&category)).await;
            assert_eq!(support::errcode(early), 61039);
            support::advance(sim, 120);
            // The privacy guide must declare every privacy API the committed code uses.
            let detected = client.getprivacysetting(aat, &GetprivacysettingRequest { privacy_ver: Some(2) }).await.unwrap().privacy_list;
            assert!(!detected.is_empty(), "the demo template uses privacy APIs");
            let guide = SetprivacysettingRequest {
                privacy_ver: Some(2),
                owner_setting: OwnerSetting {
                    contact_phone: Some("4000000000".into()),
                    notice_method: "弹窗提示".into(),
                    ..OwnerSetting::default()
                },
                setting_list: detected
                    .iter()
                    .map(|key| PrivacySetting {
                        privacy_key: key.clone(), privacy_text: "用于提供门店服务".into(), privacy_label: None
                    })
                    .collect(),
            };
            client.setprivacysetting(aat, &guide).await.unwrap();
            let auditid = client.submit_audit(aat, &submit_request(&category)).await.unwrap().auditid;
            let pending = client.get_auditstatus(aat, &GetAuditstatusRequest { auditid }).await.unwrap();
            assert_eq!(pending.status, AuditStatus::UnderReview);
            let passes_before = sink.wait_for(0, "weapp_audit_success").await.len();
            support::advance(sim, AUDIT_SECS + 60);
            let passed = client.get_auditstatus(aat, &GetAuditstatusRequest { auditid }).await.unwrap();
            assert_eq!(passed.status, AuditStatus::Passed, "{passed:?} {:?}", support::state(sim).await["deliveries"]);
            sink.wait_for(passes_before + 1, "weapp_audit_success").await;
            client.release(aat).await.unwrap();
            let live = client.getversioninfo(aat).await.unwrap().release_info.expect("a live version");
            assert_eq!(live.release_version, version);
        }
    };
    release_version("1.0.0").await;
    release_version("1.1.0").await;

    // 8. Roll back: the previous version is live again.
    client.revertcoderelease(aat, &RevertcodereleaseRequest { app_version: None }).await.unwrap();
    let live = client.getversioninfo(aat).await.unwrap().release_info.expect("a live version");
    assert_eq!(live.release_version, "1.0.0");

    // Every push of the story was addressed to the platform and decrypted independently.
    for push in sink.pushes() {
        let (receive_id, _) = independent::open(&push.query, &push.body);
        assert_eq!(receive_id, platform.component_appid);
    }
}

fn submit_request(category: &wechat::api::category::AuditCategory) -> SubmitAuditRequest {
    SubmitAuditRequest {
        item_list: vec![AuditItem {
            address: Some("pages/index/index".into()),
            tag: Some("门店 商城".into()),
            first_class: Some(category.first_class.clone()),
            second_class: Some(category.second_class.clone()),
            first_id: Some(category.first_id),
            second_id: Some(category.second_id),
            title: Some("首页".into()),
            ..AuditItem::default()
        }],
        version_desc: Some("门店上线".into()),
        ..SubmitAuditRequest::default()
    }
}
