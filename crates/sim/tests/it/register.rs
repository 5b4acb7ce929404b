//! Fast registration (reference §4): enterprise create/search with the push and its outcomes
//! (scripted by the submitted fields), and the personal variant's create/query.

use wechat::api::auth::ApiQueryAuthRequest;
use wechat::api::register::{
    FastregisterpersonalweappCreateRequest, FastregisterpersonalweappQueryRequest, FastregisterweappCreateRequest,
    FastregisterweappSearchRequest,
};
use wechat::xml::{Event, NotifyThirdFasteregister};
use wechat::{AuthorizerToken, Client, ComponentToken};
use wxfleet_sim::RunningSim;

use crate::basic::{advance, errcode};
use crate::support::{self, Receiver};

fn company(name: &str, legal_name: &str, legal_wechat: &str) -> FastregisterweappCreateRequest {
    FastregisterweappCreateRequest {
        name: name.into(),
        code: "91440300MA5XXXXX1A".into(),
        code_type: 1,
        legal_persona_wechat: legal_wechat.into(),
        legal_persona_name: legal_name.into(),
        component_phone: Some("0755-12345678".into()),
    }
}

fn search_for(req: &FastregisterweappCreateRequest) -> FastregisterweappSearchRequest {
    FastregisterweappSearchRequest {
        name: req.name.clone(),
        legal_persona_wechat: req.legal_persona_wechat.clone(),
        legal_persona_name: req.legal_persona_name.clone(),
    }
}

async fn start() -> (RunningSim, Client, String) {
    let sim = support::start(0).await;
    let client = support::client(&sim);
    let cat = support::component_token(&sim);
    (sim, client, cat)
}

fn registration(e: &Event) -> bool {
    matches!(e, Event::NotifyThirdFasteregister(_))
}

/// The `n`-th (from 1) registration result that arrived.
async fn nth_result(receiver: &Receiver, n: usize) -> NotifyThirdFasteregister {
    match receiver.wait_for_n(n, registration).await.remove(n - 1) {
        (path, Event::NotifyThirdFasteregister(result)) => {
            assert_eq!(path, "/auth", "the authorization-event URL");
            result
        }
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn a_registration_creates_an_authorized_mini_program() {
    let (sim, client, cat_s) = start().await;
    let cat = ComponentToken(&cat_s);
    let receiver = Receiver::start(&sim).await;
    let req = company("深圳好味餐饮有限公司", "张三", "zhangsan_wx");
    client.fastregisterweapp_create(cat, &req).await.unwrap();
    assert_eq!(errcode(client.fastregisterweapp_search(cat, &search_for(&req)).await), 89251, "waiting for the legal person");
    assert_eq!(errcode(client.fastregisterweapp_create(cat, &req).await), 89249, "one task per subject at a time");
    let other = FastregisterweappSearchRequest { name: "别的公司".into(), ..search_for(&req) };
    assert_eq!(errcode(client.fastregisterweapp_search(cat, &other).await), 89250);

    // Margins are wide: virtual time also runs with real time, and a loaded machine is slow.
    advance(&sim, 150);
    receiver.assert_none(registration).await;
    advance(&sim, 150);
    let result = nth_result(&receiver, 1).await;
    assert!(result.succeeded());
    assert_eq!(result.header.app_id, support::component_appid(&sim));
    assert!(result.appid.starts_with("wx") && result.appid.len() == 18, "{}", result.appid);
    assert_eq!(
        (result.info.name.as_str(), result.info.code_type, result.info.component_phone.as_str()),
        ("深圳好味餐饮有限公司", 1, "0755-12345678")
    );
    client.fastregisterweapp_search(cat, &search_for(&req)).await.unwrap();

    // The auth_code works with api_query_auth: the new mini program is already authorized.
    let cat_s = support::component_token(&sim); // virtual time moved; fetch a fresh one
    let query = ApiQueryAuthRequest { component_appid: support::component_appid(&sim), authorization_code: result.auth_code.clone() };
    let info = client.api_query_auth(ComponentToken(&cat_s), &query).await.unwrap().authorization_info;
    assert_eq!(info.authorizer_appid, result.appid);
    let func_ids: Vec<i64> = info.func_info.iter().map(|f| f.funcscope_category.id).collect();
    for set in [17, 18, 30] {
        assert!(func_ids.contains(&set), "{func_ids:?}");
    }
    let aat = info.authorizer_access_token.expect("a token");
    let basic = client.getaccountbasicinfo(AuthorizerToken(&aat)).await.unwrap();
    assert_eq!((basic.principal_name.as_str(), basic.credential.as_deref()), ("深圳好味餐饮有限公司", Some("91440300MA5XXXXX1A")));
    assert_eq!(basic.nickname.as_deref(), Some(""), "no name until setnickname");
}

#[tokio::test]
async fn field_checks_answer_wechats_codes() {
    let (_sim, client, cat) = start().await;
    let cat = ComponentToken(&cat);
    let ok = company("深圳好味餐饮有限公司", "张三", "zhangsan_wx");
    assert_eq!(errcode(client.fastregisterweapp_create(cat, &FastregisterweappCreateRequest { code_type: 4, ..ok.clone() }).await), 89248);
    assert_eq!(
        errcode(client.fastregisterweapp_create(cat, &FastregisterweappCreateRequest { code: "1234".into(), ..ok.clone() }).await),
        89255
    );
    let org_code = FastregisterweappCreateRequest { code: "12345678-9".into(), code_type: 2, ..ok.clone() };
    assert_eq!(
        errcode(client.fastregisterweapp_create(cat, &FastregisterweappCreateRequest { code_type: 3, ..org_code.clone() }).await),
        89255
    );
    assert_eq!(
        errcode(
            client
                .fastregisterweapp_create(cat, &FastregisterweappCreateRequest { legal_persona_wechat: "1bad".into(), ..ok.clone() })
                .await
        ),
        86004
    );
    assert_eq!(
        errcode(
            client
                .fastregisterweapp_create(cat, &FastregisterweappCreateRequest { legal_persona_name: "张三不一致".into(), ..ok.clone() })
                .await
        ),
        61070
    );
    assert_eq!(
        errcode(client.fastregisterweapp_create(cat, &FastregisterweappCreateRequest { name: String::new(), ..ok.clone() }).await),
        89253
    );
    client.fastregisterweapp_create(cat, &org_code).await.unwrap();
}

#[tokio::test]
async fn failures_are_pushed_with_their_status() {
    let (sim, client, cat) = start().await;
    let cat = ComponentToken(&cat);
    let receiver = Receiver::start(&sim).await;
    client.fastregisterweapp_create(cat, &company("深圳好味餐饮有限公司", "张三错误", "zhangsan_wx")).await.unwrap();
    let mut deregistered = company("深圳已注销贸易有限公司", "李四", "lisi_wx01");
    deregistered.code = "91440300MA5XXXXX2B".into();
    client.fastregisterweapp_create(cat, &deregistered).await.unwrap();
    let mut slow = company("深圳慢慢来有限公司", "王五", "timeout_wangwu");
    slow.code = "91440300MA5XXXXX3C".into();
    client.fastregisterweapp_create(cat, &slow).await.unwrap();

    advance(&sim, 300);
    let first_two = [nth_result(&receiver, 1).await, nth_result(&receiver, 2).await];
    let statuses: Vec<(i64, &str, &str)> = first_two.iter().map(|n| (n.status, n.appid.as_str(), n.auth_code.as_str())).collect();
    assert_eq!(statuses, [(103, "", ""), (101, "", "")]);
    receiver.assert_none(|e| matches!(e, Event::NotifyThirdFasteregister(n) if n.status == 100003)).await;
    advance(&sim, 24 * 3600);
    let timed_out = nth_result(&receiver, 3).await;
    assert_eq!(timed_out.status, 100003);
    assert_eq!(timed_out.info.legal_persona_wechat, "timeout_wangwu");
    assert_eq!(sim.sim.with_world(|w, _| w.apps.len()), 0, "nothing was created");
}

#[tokio::test]
async fn the_confirmation_delay_is_scriptable() {
    let (sim, client, cat) = start().await;
    let receiver = Receiver::start(&sim).await;
    let component_appid = support::component_appid(&sim);
    sim.sim.with_world(|w, _| w.platforms.get_mut(&component_appid).unwrap().fast_registrations.confirm_secs = Some(5));
    client.fastregisterweapp_create(ComponentToken(&cat), &company("深圳好味餐饮有限公司", "张三", "zhangsan_wx")).await.unwrap();
    advance(&sim, 5);
    assert!(nth_result(&receiver, 1).await.succeeded());
}

#[tokio::test]
async fn personal_registration_create_and_query() {
    let (sim, client, cat_s) = start().await;
    let cat = ComponentToken(&cat_s);
    let receiver = Receiver::start(&sim).await;
    let req = FastregisterpersonalweappCreateRequest {
        idname: "赵六".into(),
        wxuser: "zhaoliu_wx".into(),
        component_phone: None,
        new_version: Some(true),
    };
    let created = client.fastregisterpersonalweapp_create(cat, &req).await.unwrap();
    assert_eq!(created.status, Some(0));
    assert!(created.authorize_url.as_deref().is_some_and(|u| u.starts_with("https://") && u.contains(&created.taskid)));
    let query = FastregisterpersonalweappQueryRequest { taskid: created.taskid.clone(), new_version: Some(true) };
    assert_eq!(client.fastregisterpersonalweapp_query(cat, &query).await.unwrap().status, Some(0));
    assert_eq!(errcode(client.fastregisterpersonalweapp_create(cat, &req).await), 89249);
    advance(&sim, 150);
    assert_eq!(client.fastregisterpersonalweapp_query(cat, &query).await.unwrap().status, Some(3), "the person agreed");
    advance(&sim, 150);
    let result = nth_result(&receiver, 1).await;
    assert!(result.succeeded());
    assert_eq!(client.fastregisterpersonalweapp_query(cat, &query).await.unwrap().status, Some(12));
    assert!(sim.sim.with_world(|w, _| w.apps[&result.appid].personal));

    let failing = FastregisterpersonalweappCreateRequest { idname: "错误的名字".into(), wxuser: "other_wx1".into(), ..req.clone() };
    let task = client.fastregisterpersonalweapp_create(cat, &failing).await.unwrap().taskid;
    advance(&sim, 300);
    let result = nth_result(&receiver, 2).await;
    assert_eq!(result.status, 14);
    let query = FastregisterpersonalweappQueryRequest { taskid: task, new_version: None };
    assert_eq!(client.fastregisterpersonalweapp_query(cat, &query).await.unwrap().status, Some(14));
    let unknown = FastregisterpersonalweappQueryRequest { taskid: "nope".into(), new_version: None };
    assert_eq!(errcode(client.fastregisterpersonalweapp_query(cat, &unknown).await), 89250);
    let bad = FastregisterpersonalweappCreateRequest { wxuser: "no".into(), ..req };
    assert_eq!(errcode(client.fastregisterpersonalweapp_create(cat, &bad).await), 86004);
}

#[tokio::test]
async fn raw_http_missing_fields_actions_and_tokens() {
    let (sim, _client, cat) = start().await;
    let http = reqwest::Client::new();
    let base = sim.base_url().to_string();
    let post = |query: String, body: &'static str| http.post(format!("{base}{query}")).body(body).send();
    let missing: serde_json::Value = post(
        format!("cgi-bin/component/fastregisterweapp?action=create&component_access_token={cat}"),
        r#"{"name":"深圳好味餐饮有限公司","code_type":1,"legal_persona_wechat":"zhangsan_wx","legal_persona_name":"张三"}"#,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(missing["errcode"], 89253, "no code: {missing}");
    let created: serde_json::Value = post(
        format!("cgi-bin/component/fastregisterweapp?action=create&access_token={cat}"),
        r#"{"name":"深圳好味餐饮有限公司","code":"91440300MA5XXXXX1A","code_type":"1","legal_persona_wechat":"zhangsan_wx","legal_persona_name":"张三"}"#,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(created["errcode"], 0, "code_type as a string is taken too: {created}");
    let action: serde_json::Value = post(format!("cgi-bin/component/fastregisterweapp?action=delete&component_access_token={cat}"), "{}")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(action["errcode"], 85022);
    let personal: serde_json::Value =
        post(format!("wxa/component/fastregisterpersonalweapp?action=create&component_access_token={cat}"), r#"{"wxuser":"zhaoliu_wx"}"#)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(personal["errcode"], 89253);
    let aat = support::authorized_app(&sim, "wx00000000000000a9", support::ALL_PERMS);
    let wrong_token: serde_json::Value = post(
        format!("cgi-bin/component/fastregisterweapp?action=search&component_access_token={aat}"),
        r#"{"name":"x","legal_persona_wechat":"zhangsan_wx","legal_persona_name":"张三"}"#,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(wrong_token["errcode"], 40001);
}
