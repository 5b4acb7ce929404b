//! The simulator from the outside, without the `wechat` crate: hand-written JSON and query strings
//! with `reqwest`, WeChat's answer shapes checked as raw JSON, and the `wxfleet-sim` binary run as
//! a separate process.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use wxfleet_sim::{SimConfig, StartupInfo};

use crate::support::{self, authorized_app, component_token, fresh_ticket, raw, start, start_with, ALL_PERMS};

async fn post_raw(sim: &wxfleet_sim::RunningSim, path_and_query: &str, body: &str) -> (u16, String, Value) {
    let response = raw()
        .post(format!("{}{}", sim.base_url().as_str().trim_end_matches('/'), path_and_query))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let text = response.text().await.unwrap();
    (status, content_type, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// `errmsg` ends with ` rid: xxxxxxxx-xxxxxxxx-xxxxxxxx`.
fn assert_rid(answer: &Value) {
    let errmsg = answer["errmsg"].as_str().unwrap();
    let rid = errmsg.rsplit_once(" rid: ").unwrap_or_else(|| panic!("no rid in {errmsg}")).1;
    let parts: Vec<&str> = rid.split('-').collect();
    assert!(parts.len() == 3 && parts.iter().all(|p| p.len() == 8 && p.chars().all(|c| c.is_ascii_hexdigit())), "{rid}");
}

#[tokio::test]
async fn the_component_token_from_a_hand_written_body() {
    let sim = start(0).await;
    let ticket = fresh_ticket(&sim);
    let body = format!(
        r#"{{"component_appid":"{}","component_appsecret":"{}","component_verify_ticket":"{ticket}"}}"#,
        sim.info.platform.component_appid, sim.info.platform.component_appsecret
    );
    let (status, _, answer) = post_raw(&sim, "/cgi-bin/component/api_component_token", &body).await;
    assert_eq!(status, 200);
    let fields: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["component_access_token", "expires_in"], "exactly WeChat's fields");
    assert_eq!(answer["expires_in"], 7200);
    let cat = answer["component_access_token"].as_str().unwrap();

    // Both spellings of the token parameter are accepted.
    let body = format!(r#"{{"component_appid":"{}"}}"#, sim.info.platform.component_appid);
    for param in ["component_access_token", "access_token"] {
        let (_, _, answer) = post_raw(&sim, &format!("/cgi-bin/component/api_create_preauthcode?{param}={cat}"), &body).await;
        assert!(answer["pre_auth_code"].as_str().unwrap().starts_with("preauthcode@@@"), "{answer}");
        assert_eq!(answer["expires_in"], 1800);
    }
}

#[tokio::test]
async fn errors_are_http_200_json_with_a_rid() {
    let sim = start(0).await;
    let cat = component_token(&sim);
    let (status, content_type, answer) = post_raw(&sim, "/cgi-bin/component/api_component_token", "{not json").await;
    assert_eq!((status, content_type.as_str()), (200, "application/json; encoding=utf-8"));
    assert_eq!(answer["errcode"], 47001);
    assert_rid(&answer);
    let list = |count: &str| format!(r#"{{"component_appid":"{}","offset":0,"count":{count}}}"#, sim.info.platform.component_appid);
    let (_, _, answer) =
        post_raw(&sim, &format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={cat}"), &list("\"10\"")).await;
    assert_eq!(answer["errcode"], 47001, "a string where a number belongs");
    let (_, _, answer) =
        post_raw(&sim, &format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={cat}"), &list("10")).await;
    assert_eq!(answer, json!({ "total_count": 0, "list": [] }));
    let (_, _, answer) = post_raw(&sim, "/cgi-bin/component/api_get_authorizer_list", &list("10")).await;
    assert_eq!(answer["errcode"], 41001);
    assert_eq!(answer["errmsg"].as_str().unwrap().split(" rid:").next(), Some("access_token missing"));
    let (_, _, answer) = post_raw(&sim, "/cgi-bin/component/api_get_authorizer_list?component_access_token=86_nope", &list("10")).await;
    assert_eq!(answer["errcode"], 40001);
    assert_rid(&answer);
}

#[tokio::test]
async fn jscode2session_from_a_hand_written_query() {
    let sim = start(1).await;
    let cat = component_token(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    authorized_app(&sim, &appid, ALL_PERMS);
    let url = |grant: &str, code: &str| {
        format!(
            "{}sns/component/jscode2session?appid={appid}&js_code={code}&grant_type={grant}&component_appid={}&component_access_token={cat}",
            sim.base_url(),
            sim.info.platform.component_appid
        )
    };
    let answer: Value = raw().get(url("client_credential", "0a1b2c3d4e5f6g7h")).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 40002);
    let answer: Value = raw().get(url("authorization_code", "0a1b2c3d4e5f6g7h")).send().await.unwrap().json().await.unwrap();
    assert!(answer["openid"].as_str().unwrap().starts_with('o'), "{answer}");
    assert!(answer.get("session_key").is_some() && answer.get("errcode").is_none());
}

#[tokio::test]
async fn quota_answers_carry_errcode_zero() {
    let sim = start(1).await;
    let aat = authorized_app(&sim, &sim.info.merchants[0].appid, ALL_PERMS);
    let (_, _, answer) = post_raw(&sim, &format!("/cgi-bin/openapi/quota/get?access_token={aat}"), r#"{"cgi_path":"/wxa/commit"}"#).await;
    assert_eq!(answer, json!({ "errcode": 0, "errmsg": "ok", "quota": { "daily_limit": 10000, "used": 0, "remain": 10000 } }));
    let body = format!(r#"{{"appid":"{}"}}"#, sim.info.merchants[0].appid);
    let (_, _, answer) = post_raw(&sim, &format!("/cgi-bin/clear_quota?access_token={aat}"), &body).await;
    assert_eq!(answer, json!({ "errcode": 0, "errmsg": "ok" }));
}

#[tokio::test]
async fn a_hand_written_admin_consent_and_an_injected_timeout() {
    let sim = start_with(SimConfig { seed_demo: 1, fault_timeout_hold_ms: 5_000, ..SimConfig::default() }).await;
    let code = support::pre_auth_code(&sim);
    let body = format!(
        r#"{{"pre_auth_code":"{code}","authorizer_appid":"{}","func_ids":[18,17],"redirect_uri":"http://127.0.0.1/cb?x=1"}}"#,
        sim.info.merchants[0].appid
    );
    let response = raw().post(sim.base_url().join("/admin/consent").unwrap()).body(body).send().await.unwrap();
    let answer: Value = response.json().await.unwrap();
    let redirect = answer["redirect"].as_str().unwrap();
    assert!(
        redirect.starts_with("http://127.0.0.1/cb?x=1&auth_code=queryauthcode%40%40%40") && redirect.ends_with("&expires_in=600"),
        "{redirect}"
    );
    assert_eq!(answer["func_ids"], json!([17, 18]));

    let plan = r#"{"script":[{"path":"/cgi-bin/openapi/quota/get","fault":"timeout","count":1}]}"#;
    raw().post(sim.base_url().join("/admin/faults").unwrap()).body(plan).send().await.unwrap();
    let impatient = reqwest::Client::builder().no_proxy().timeout(Duration::from_millis(800)).build().unwrap();
    let err = impatient.post(sim.base_url().join("/cgi-bin/openapi/quota/get").unwrap()).body("{}").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

/// Runs `wxfleet-sim` with `args`; returns the child and its announcement.
fn spawn(args: &[&str]) -> (std::process::Child, StartupInfo) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxfleet-sim"))
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let info: StartupInfo = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not the startup JSON ({e}): {line:?}"));
    (child, info)
}

fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    child.wait().unwrap()
}

#[tokio::test]
async fn the_binary_announces_itself_in_one_json_line_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let toml = dir.path().join("sim.toml");
    std::fs::write(&toml, "seed_demo = 2\nticket_interval_secs = 300\nseed = 9\naudit_default = \"manual\"\n").unwrap();
    let args = ["--config", toml.to_str().unwrap(), "--listen", "127.0.0.1:0", "--seed-demo", "4", "--state", state.to_str().unwrap()];
    let (mut child, info) = spawn(&args);
    assert!(info.base_url.starts_with("http://127.0.0.1:") && !info.base_url.ends_with('/'), "{}", info.base_url);
    assert_eq!(info.merchants.len(), 4, "the flag wins over the file");
    assert_eq!(info.platform.encoding_aes_key.len(), 43);
    let json_line = serde_json::to_value(&info).unwrap();
    for key in ["component_appid", "component_appsecret", "token", "encoding_aes_key"] {
        assert!(json_line["platform"][key].is_string());
    }

    // It serves the API and the admin API.
    let base = url::Url::parse(&info.base_url).unwrap();
    let client = wechat::Client::new(wechat::ClientConfig::with_base_url(base.clone())).unwrap();
    let req = wechat::api::component::ApiStartPushTicketRequest {
        component_appid: info.platform.component_appid.clone(),
        component_secret: info.platform.component_appsecret.clone(),
    };
    client.api_start_push_ticket(&req).await.unwrap();
    let state_json: Value = raw().get(format!("{}/admin/state", info.base_url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(state_json["app_count"], 4);
    assert!(!state_json["platforms"][0]["tickets"].as_array().unwrap().is_empty());

    assert!(terminate(&mut child).success(), "a graceful stop");
    let mut rest = String::new();
    child.stdout.take().unwrap().read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(logs.contains("serving"), "logs go to stderr: {logs}");
    assert!(!logs.contains('\x1b'), "no colour codes when stderr is not a terminal");
    assert!(state.exists(), "state saved on SIGTERM");

    // Started again on the same state, it has the same merchants.
    let (mut again, reloaded) = spawn(&["--listen", "127.0.0.1:0", "--state", state.to_str().unwrap()]);
    assert_eq!(reloaded.merchants, info.merchants);
    assert!(terminate(&mut again).success());
}

#[test]
fn the_binary_refuses_bad_flags() {
    let output = Command::new(env!("CARGO_BIN_EXE_wxfleet-sim")).args(["--seed-demo", "20000"]).output().unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("10000"));
    let output = Command::new(env!("CARGO_BIN_EXE_wxfleet-sim")).args(["--audit-default", "sometimes"]).output().unwrap();
    assert!(!output.status.success());
}
