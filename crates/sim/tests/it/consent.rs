//! The consent pages as a browser sees them: fetched as HTML from the launch domain, the form
//! submitted, the redirect followed, the `authorized` push received and decrypted independently —
//! and every refusal the real page makes.

use reqwest::header::{LOCATION, REFERER};
use serde_json::json;
use url::Url;
use wechat::api::auth::{ApiQueryAuthRequest, AuthType, ConsentPage, ConsentScope};
use wechat::{AuthorizerToken, ComponentToken};
use wxfleet_sim::world::consent::PRE_AUTH_CODE_TTL_SECS;
use wxfleet_sim::{RunningSim, SimConfig};

use crate::support::{
    self, admin, advance, client, component_appid, component_token, errcode, independent, pre_auth_code, raw, start, start_with_sink, Sink,
};

/// The page that links to the consent page: on the demo platform's launch domain (127.0.0.1).
const LAUNCH_PAGE: &str = "http://127.0.0.1/authorize";

fn page_url(sim: &RunningSim, code: &str, redirect_uri: &str, scope: ConsentScope<'_>, mobile: bool) -> Url {
    let appid = component_appid(sim);
    let page = ConsentPage { component_appid: &appid, pre_auth_code: code, redirect_uri, scope };
    if mobile {
        page.mobile_url(Some(sim.base_url()))
    } else {
        page.pc_url(Some(sim.base_url()))
    }
}

async fn open(url: &Url, referer: Option<&str>) -> String {
    let mut request = raw().get(url.clone());
    if let Some(referer) = referer {
        request = request.header(REFERER, referer);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    response.text().await.unwrap()
}

/// The `data-error` of an error page, if it is one.
fn refusal(html: &str) -> Option<&str> {
    let start = html.find("data-error=\"")? + "data-error=\"".len();
    Some(&html[start..start + html[start..].find('"')?])
}

/// The `value`s of the `<option>`s of the page's select.
fn options(html: &str) -> Vec<String> {
    html.split("<option value=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_owned()).collect()
}

/// Posts the confirmation form the way the browser would (to the page's own path).
async fn submit(url: &Url, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut action = url.clone();
    action.set_query(None);
    action.set_fragment(None);
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    raw().post(action).header("content-type", "application/x-www-form-urlencoded").body(body).send().await.unwrap()
}

fn as_refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap() + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// A simulator whose launch domain is the sink's host, so the redirect can be followed to it.
async fn with_sink(merchants: usize) -> (RunningSim, Sink) {
    start_with_sink(SimConfig { seed_demo: merchants, ticket_interval_secs: 100_000, ..SimConfig::default() }).await
}

#[tokio::test]
async fn a_merchant_authorizes_on_the_pc_page() {
    let (sim, sink) = with_sink(3).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    let code = client
        .api_create_preauthcode(
            ComponentToken(&cat),
            &wechat::api::component::ApiCreatePreauthcodeRequest { component_appid: component_appid(&sim) },
        )
        .await
        .unwrap()
        .pre_auth_code;
    let redirect_uri = sink.url("/authorized?state=xyz");
    let url = page_url(&sim, &code, &redirect_uri, ConsentScope::AuthType(AuthType::MiniPrograms), false);
    let html = open(&url, Some(LAUNCH_PAGE)).await;
    assert_eq!(refusal(&html), None, "{html}");
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("name=\"viewport\""));
    assert!(html.contains("wxfleet 演示服务商"));
    let merchant = &sim.info.merchants[1];
    assert!(html.contains(&merchant.nickname), "lists the merchants");
    assert_eq!(options(&html).len(), 3);
    assert!(html.contains("name=\"func_id\" value=\"18\" checked"), "every permission set ticked by default");

    let response = submit(
        &url,
        &[
            ("component_appid", &hidden(&html, "component_appid")),
            ("pre_auth_code", &hidden(&html, "pre_auth_code")),
            ("authorizer_appid", &merchant.appid),
            ("func_id", "17"),
            ("func_id", "18"),
        ],
    )
    .await;
    assert_eq!(response.status(), 302);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(&sink.url("/authorized?state=xyz&auth_code=")), "{location}");
    let query: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(query["expires_in"], "600");
    let auth_code = query["auth_code"].clone();

    // The browser follows the redirect to the platform's page.
    raw().get(location.clone()).send().await.unwrap();
    assert!(sink.received().iter().any(|r| r.path == "/authorized" && r.query.contains(&format!("auth_code={}", urlencode(&auth_code)))));

    // And the platform hears of it by push, encrypted.
    let pushed = sink.wait_for(1, "<InfoType><![CDATA[authorized]]></InfoType>").await;
    let (receive_id, xml) = independent::open(&pushed[0].query, &pushed[0].body);
    assert_eq!(receive_id, component_appid(&sim));
    assert_eq!(independent::cdata(&xml, "AuthorizerAppid"), merchant.appid);
    assert_eq!(independent::cdata(&xml, "AuthorizationCode"), auth_code);
    assert_eq!(independent::cdata(&xml, "PreAuthCode"), code);

    let info = client
        .api_query_auth(
            ComponentToken(&cat),
            &ApiQueryAuthRequest { component_appid: component_appid(&sim), authorization_code: auth_code },
        )
        .await
        .unwrap()
        .authorization_info;
    assert_eq!(info.func_info.iter().map(|f| f.funcscope_category.id).collect::<Vec<_>>(), vec![17, 18]);

    // The code is used up: the page refuses to open again.
    assert_eq!(refusal(&open(&url, Some(LAUNCH_PAGE)).await), Some("used_pre_auth_code"));
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn both_mobile_paths_serve_the_page() {
    let sim = start(2).await;
    let code = pre_auth_code(&sim);
    let url = page_url(&sim, &code, "http://127.0.0.1/done", ConsentScope::Any, true);
    assert_eq!(url.path(), "/wxaopen/safe/bindcomponent");
    assert_eq!(url.fragment(), Some("wechat_redirect"));
    let html = open(&url, Some(LAUNCH_PAGE)).await;
    assert_eq!(refusal(&html), None, "{html}");
    assert!(html.contains("移动端授权页"));
    let mut old_form = url.clone();
    old_form.set_path("/safe/bindcomponent");
    let html = open(&old_form, Some(LAUNCH_PAGE)).await;
    assert_eq!(options(&html).len(), 2);
    let response = submit(
        &old_form,
        &[
            ("component_appid", &component_appid(&sim)),
            ("pre_auth_code", &code),
            ("authorizer_appid", &sim.info.merchants[0].appid),
            ("func_id", "18"),
        ],
    )
    .await;
    assert_eq!(response.status(), 302);
    assert!(response.headers()[LOCATION].to_str().unwrap().starts_with("http://127.0.0.1/done?auth_code=queryauthcode%40%40%40"));
}

#[tokio::test]
async fn the_page_must_come_from_the_launch_domain_and_send_back_to_it() {
    let sim = start(1).await;
    let code = pre_auth_code(&sim);
    let url = page_url(&sim, &code, "http://127.0.0.1/done", ConsentScope::Any, false);
    assert_eq!(refusal(&open(&url, None).await), Some("wrong_launch_domain"), "pasted into the address bar");
    assert_eq!(refusal(&open(&url, Some("https://evil.example.com/x")).await), Some("wrong_launch_domain"));
    assert_eq!(refusal(&open(&url, Some("http://127.0.0.2/x")).await), Some("wrong_launch_domain"));
    let off = page_url(&sim, &code, "https://evil.example.com/steal", ConsentScope::Any, false);
    assert_eq!(refusal(&open(&off, Some(LAUNCH_PAGE)).await), Some("redirect_off_domain"));
    let empty = page_url(&sim, &code, "", ConsentScope::Any, false);
    assert_eq!(refusal(&open(&empty, Some(LAUNCH_PAGE)).await), Some("bad_parameter"));
    // None of these used the code up.
    assert_eq!(refusal(&open(&url, Some("http://127.0.0.1:8080/any/page")).await), None, "the port does not matter");

    // The admin API follows the redirect_uri rule too.
    let body = json!({ "pre_auth_code": code, "authorizer_appid": sim.info.merchants[0].appid, "func_ids": [18], "redirect_uri": "https://evil.example.com/" });
    let (status, answer) = admin(&sim, "/admin/consent", body).await;
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("redirect_uri"), "{answer}");
}

#[tokio::test]
async fn pre_auth_codes_must_be_real_fresh_and_the_platforms_own() {
    let sim = start(1).await;
    let page = |code: &str| page_url(&sim, code, "http://127.0.0.1/done", ConsentScope::Any, false);
    assert_eq!(refusal(&open(&page("preauthcode@@@forged"), Some(LAUNCH_PAGE)).await), Some("invalid_pre_auth_code"));
    let code = pre_auth_code(&sim);
    advance(&sim, PRE_AUTH_CODE_TTL_SECS);
    assert_eq!(refusal(&open(&page(&code), Some(LAUNCH_PAGE)).await), Some("expired_pre_auth_code"));
    let mut other = page(&pre_auth_code(&sim));
    let query = other.query().unwrap().replace(&component_appid(&sim), "wx3333333333333333");
    other.set_query(Some(&query));
    assert_eq!(refusal(&open(&other, Some(LAUNCH_PAGE)).await), Some("unknown_component"));
}

#[tokio::test]
async fn auth_type_and_biz_appid_limit_who_may_authorize() {
    let sim = start(4).await;
    let target = sim.info.merchants[2].appid.clone();
    let code = pre_auth_code(&sim);
    let oa_only = page_url(&sim, &code, "http://127.0.0.1/done", ConsentScope::AuthType(AuthType::OfficialAccounts), false);
    let html = open(&oa_only, Some(LAUNCH_PAGE)).await;
    assert_eq!(refusal(&html), Some("no_accounts"));
    assert!(options(&html).is_empty());

    let mut bad = oa_only.clone();
    let query = bad.query().unwrap().replace("auth_type=1", "auth_type=9");
    bad.set_query(Some(&query));
    assert_eq!(refusal(&open(&bad, Some(LAUNCH_PAGE)).await), Some("bad_parameter"));

    let only_one = page_url(&sim, &code, "http://127.0.0.1/done", ConsentScope::BizAppid(&target), false);
    let html = open(&only_one, Some(LAUNCH_PAGE)).await;
    assert_eq!(options(&html), vec![target.clone()]);
    let fields = |appid: &str| {
        vec![
            ("component_appid".to_owned(), component_appid(&sim)),
            ("pre_auth_code".to_owned(), code.clone()),
            ("authorizer_appid".to_owned(), appid.to_owned()),
            ("func_id".to_owned(), "18".to_owned()),
        ]
    };
    let other = fields(&sim.info.merchants[0].appid);
    let html = submit(&only_one, &as_refs(&other)).await.text().await.unwrap();
    assert_eq!(refusal(&html), Some("account_not_allowed"), "the page was opened for one account only");
    let unknown = fields("wx4444444444444444");
    assert_eq!(refusal(&submit(&only_one, &as_refs(&unknown)).await.text().await.unwrap()), Some("unknown_account"));
    let mut none = fields(&target);
    none.pop();
    assert_eq!(refusal(&submit(&only_one, &as_refs(&none)).await.text().await.unwrap()), Some("no_permission_set"));
    let mut odd = fields(&target);
    odd.push(("func_id".to_owned(), "99".to_owned()));
    assert_eq!(refusal(&submit(&only_one, &as_refs(&odd)).await.text().await.unwrap()), Some("unknown_permission_set"));
    assert_eq!(submit(&only_one, &as_refs(&fields(&target))).await.status(), 302);
    let bogus_biz = page_url(&sim, &pre_auth_code(&sim), "http://127.0.0.1/done", ConsentScope::BizAppid("wx5555555555555555"), false);
    assert_eq!(refusal(&open(&bogus_biz, Some(LAUNCH_PAGE)).await), Some("unknown_account"));
}

#[tokio::test]
async fn a_long_list_can_be_searched() {
    let sim = start(30).await;
    let code = pre_auth_code(&sim);
    let url = page_url(&sim, &code, "http://127.0.0.1/done", ConsentScope::Any, false);
    let html = open(&url, Some(LAUNCH_PAGE)).await;
    assert_eq!(options(&html).len(), 30);
    assert!(html.contains("type=\"search\""));
    // The search form resubmits the page from the simulator's own origin.
    let wanted = sim.info.merchants[7].clone();
    let mut search = url.clone();
    search.query_pairs_mut().append_pair("q", &wanted.appid);
    let own_page = sim.base_url().join("/cgi-bin/componentloginpage").unwrap();
    let html = open(&search, Some(own_page.as_str())).await;
    assert_eq!(options(&html), vec![wanted.appid.clone()]);
    // Text from the world is escaped.
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn authorizing_again_is_updateauthorized_and_replaces_the_tokens() {
    let (sim, sink) = with_sink(1).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    let first = support::consent(&sim, &appid, &[17, 18, 30]).await;
    assert_eq!(first["update"], false);
    let info = client
        .api_query_auth(
            ComponentToken(&cat),
            &ApiQueryAuthRequest {
                component_appid: component_appid(&sim),
                authorization_code: first["auth_code"].as_str().unwrap().into(),
            },
        )
        .await
        .unwrap()
        .authorization_info;
    let aat = info.authorizer_access_token.unwrap();
    let second = support::consent(&sim, &appid, &[18]).await;
    assert_eq!(second["update"], true);
    assert_eq!(second["func_ids"], json!([18]));
    let pushed = sink.wait_for(1, "updateauthorized").await;
    let xml = independent::open(&pushed[0].query, &pushed[0].body).1;
    assert_eq!(independent::cdata(&xml, "AuthorizationCode"), second["auth_code"].as_str().unwrap());
    let req = wechat::api::auth::GetAuthorizerOptionRequest { option_name: "voice_recognize".into(), ..Default::default() };
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat), &req).await), 40001, "the old token died");
}

#[tokio::test]
async fn exclusive_permission_sets_stay_with_the_platform_that_has_them() {
    let sim = start(1).await;
    let appid = sim.info.merchants[0].appid.clone();
    let (status, _) = admin(
        &sim,
        "/admin/platforms",
        json!({
            "component_appid": "wx7777777777777777", "component_appsecret": "other-secret", "name": "另一家服务商",
            "token": "othertoken", "encoding_aes_key": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", "launch_domain": "127.0.0.1"
        }),
    )
    .await;
    assert_eq!(status, 200);
    let other_code = sim.sim.with_world(|w, now| w.create_pre_auth_code("wx7777777777777777", now)).unwrap().0;
    let (status, answer) =
        admin(&sim, "/admin/consent", json!({ "pre_auth_code": other_code, "authorizer_appid": appid, "func_ids": [17, 18] })).await;
    assert_eq!((status, &answer["func_ids"]), (200, &json!([17, 18])));
    let mine = support::consent(&sim, &appid, &[17, 18, 30]).await;
    assert_eq!(mine["func_ids"], json!([17, 30]), "18 is exclusive and held by the other platform");
}
