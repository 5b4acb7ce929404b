//! The whole story with every program as its own process, as an agency would run it: the simulated
//! WeChat (`wxfleet-sim`), the relay (`wxfleet-relay`), and `wxfleet` — merchants authorize
//! through the relay's link and the consent page, staff configure ext_json against the template's
//! schema, a canary campaign's runner is killed mid-way and resumed (no mini program submitted
//! twice, none skipped), then one mini program releases a second version and reverts it.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use wxfleet_drills::merchant::merchant_consents;

use crate::procs::{http, wxfleet, wxfleet_ok, wxfleet_spawn, Cloud};

const MERCHANTS: usize = 6;

/// Polls `check` every 100 ms for up to `secs`.
async fn eventually(what: &str, secs: u64, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not within {secs} s: {what}");
}

fn write_json(path: &Path, value: &Value) -> String {
    std::fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The simulator's audits of `appid` as user_versions, and its live version.
async fn sim_app(cloud: &Cloud, appid: &str) -> (Vec<String>, Option<String>) {
    let state: Value = http().get(format!("{}/admin/state?appid={appid}", cloud.sim_url)).send().await.unwrap().json().await.unwrap();
    let code = &state["apps"][0]["code"];
    let audits = code["audits"].as_array().unwrap().iter().map(|a| a["version"]["user_version"].as_str().unwrap().to_owned()).collect();
    let live_version = code["live"]["app_version"].as_i64();
    let live = code["releases"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| live_version.is_some() && r["app_version"].as_i64() == live_version)
        .and_then(|r| r["version"]["user_version"].as_str().map(str::to_owned));
    (audits, live)
}

#[tokio::test(flavor = "multi_thread")]
async fn merchants_authorize_a_killed_campaign_resumes_and_a_release_reverts() {
    let cloud = Cloud::start(MERCHANTS, &["--audit-after", "1", "--seed", "11"]);
    let workspace = tempfile::tempdir().unwrap();
    let ws = workspace.path();
    let platform = cloud.platform["component_appid"].as_str().unwrap().to_owned();

    // 1. The agency adds its platform: WeChat's credentials, the relay, this desktop's credential.
    wxfleet_ok(
        ws,
        &[
            "platform",
            "add",
            "--appid",
            &platform,
            "--name",
            "演示服务商",
            "--secret",
            cloud.platform["component_appsecret"].as_str().unwrap(),
            "--token",
            cloud.platform["token"].as_str().unwrap(),
            "--aes-key",
            cloud.platform["encoding_aes_key"].as_str().unwrap(),
            "--api-base-url",
            &cloud.sim_url,
            "--relay-url",
            &cloud.relay_url,
            "--relay-platform",
            "demo",
            "--relay-credential",
            &cloud.credential,
            "--consent-origin",
            &cloud.sim_url,
        ],
    );
    let check = wxfleet_ok(ws, &["relay", "status"]);
    assert_eq!((check["healthy"].as_bool(), check["credential_accepted"].as_bool()), (Some(true), Some(true)), "{check}");
    let receiver = wxfleet_spawn(ws, &["events", "pull"]);
    wxfleet_ok(ws, &["platform", "push-ticket"]);
    eventually("a ticket arrives through the relay", 30, || wxfleet_ok(ws, &["platform", "list"])[0]["ticket"]["valid"] == true).await;

    // 2. Every merchant authorizes through a link on the relay's domain (the QR code's target).
    let appids: Vec<String> = cloud.merchants.iter().map(|m| m["appid"].as_str().unwrap().to_owned()).collect();
    for (i, appid) in appids.iter().enumerate() {
        let png = ws.join(format!("qr-{i}.png"));
        let link = wxfleet_ok(ws, &["merchant", "link", "--mode", "pc", "--png", png.to_str().unwrap()]);
        assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"), "the QR code is a PNG");
        merchant_consents(link["url"].as_str().unwrap(), &platform, appid).await;
    }
    eventually("every merchant is recorded with its permission sets", 30, || {
        let list = wxfleet_ok(ws, &["merchant", "list"]);
        list.as_array().unwrap().len() == MERCHANTS
            && list.as_array().unwrap().iter().all(|a| a["status"] == "authorized" && a["granted"].as_array().unwrap().len() == 3)
    })
    .await;
    eventually("every link shows done (the relay's redirect catcher reported it)", 30, || {
        let links = wxfleet_ok(ws, &["merchant", "links"]);
        links.as_array().unwrap().len() == MERCHANTS
            && links.as_array().unwrap().iter().all(|l| l["state"] == "done" && l["appid"].is_string())
    })
    .await;

    // 3. Each mini program gets a category and the privacy guide the template needs.
    for appid in &appids {
        wxfleet_ok(ws, &["app", "categories", appid, "--add", "287:290"]);
    }
    let settings: Vec<Value> =
        ["UserInfo", "PhoneNumber", "Address"].iter().map(|k| json!({ "privacy_key": k, "privacy_text": "提供门店服务" })).collect();
    let guide = json!({
        "name": "门店标准隐私指引",
        "owner_setting": { "contact_phone": "4000000000", "notice_method": "弹窗提示" },
        "setting_list": settings,
    });
    let guide_file = write_json(&ws.join("guide.json"), &guide);
    let mut privacy_args = vec!["app", "privacy", "--template", guide_file.as_str()];
    privacy_args.extend(appids.iter().map(String::as_str));
    let applied = wxfleet_ok(ws, &privacy_args);
    assert_eq!(applied["succeeded"], MERCHANTS as u64, "{applied}");

    // 4. The template gets an ext schema; each merchant's ext_json is validated against it.
    wxfleet_ok(ws, &["template", "sync"]);
    let templates = wxfleet_ok(ws, &["template", "list"]);
    let template = templates.as_array().unwrap().iter().find(|t| t["user_version"] == "1.2.0").unwrap()["template_id"].as_i64().unwrap();
    let template = template.to_string();
    let meta = json!({
        "changelog": "个人中心与收货地址",
        "ext_schema": {
            "type": "object",
            "required": ["shopName"],
            "properties": {
                "shopName": { "type": "string", "minLength": 1 },
                "themeColor": { "type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "default": "#07c160" }
            }
        }
    });
    wxfleet_ok(ws, &["template", "meta", &template, "--set", &write_json(&ws.join("meta.json"), &meta)]);
    let bad = wxfleet(
        ws,
        &[
            "ext",
            "set",
            &appids[0],
            "--template",
            &template,
            "--file",
            &write_json(&ws.join("bad.json"), &json!({ "ext": { "themeColor": "red" } })),
        ],
    );
    assert_eq!(bad.status.code(), Some(1), "an invalid ext_json is refused");
    let problem: Value = serde_json::from_slice(&bad.stderr).unwrap();
    let message = problem["error"]["message"].as_str().unwrap();
    assert!(message.contains("/ext/themeColor") && message.contains("shopName"), "every problem is named: {message}");
    for (i, appid) in appids.iter().enumerate() {
        let config = json!({ "ext": { "shopName": format!("门店{i}") } });
        wxfleet_ok(ws, &["ext", "set", appid, "--template", &template, "--file", &write_json(&ws.join(format!("ext-{i}.json")), &config)]);
    }
    drop(receiver);

    // 5. A canary campaign; its runner is killed (SIGKILL) once submissions have started.
    let created = wxfleet_ok(
        ws,
        &[
            "campaign",
            "create",
            "--template",
            &template,
            "--version",
            "2.0.0",
            "--canary",
            "2",
            "--auto-release",
            "--concurrency",
            "2",
            "--privacy-api-not-use",
        ],
    );
    let id = created["campaign"]["id"].as_i64().unwrap().to_string();
    assert_eq!(created["campaign"]["counts"]["excluded"], 0, "every mini program passes pre-flight: {created}");
    // The post-commit privacy scan finishes at once here (WeChat's takes minutes; the runner then
    // waits a minute per 61039), and every call is slowed so the kill lands mid-way.
    cloud.admin("/admin/code-limits", json!({ "privacy_scan_secs": 0 })).await;
    cloud.admin("/admin/faults", json!({ "latency_ms": 150 })).await;
    let mut runner = wxfleet_spawn(ws, &["campaign", "run", &id]);
    eventually("the runner submits some mini programs", 60, || {
        let counts = &wxfleet_ok(ws, &["campaign", "show", &id])["campaign"]["counts"];
        counts["under_audit"].as_u64().unwrap() + counts["passed"].as_u64().unwrap() + counts["released"].as_u64().unwrap() >= 1
    })
    .await;
    runner.kill9();
    let at_kill = wxfleet_ok(ws, &["campaign", "show", &id]);
    assert_ne!(at_kill["campaign"]["state"], "done", "killed mid-way: {}", at_kill["campaign"]["counts"]);
    cloud.admin("/admin/faults", json!({ "latency_ms": 0 })).await;

    let resumed = wxfleet(ws, &["campaign", "run", &id]);
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let view = wxfleet_ok(ws, &["campaign", "show", &id]);
    assert_eq!(view["campaign"]["state"], "done", "{}", view["campaign"]["counts"]);
    assert_eq!(view["campaign"]["counts"]["released"], MERCHANTS as u64, "{}", view["campaign"]["counts"]);
    for appid in &appids {
        let (audits, live) = sim_app(&cloud, appid).await;
        assert_eq!(audits.iter().filter(|v| *v == "2.0.0").count(), 1, "{appid} submitted exactly once: {audits:?}");
        assert_eq!(live.as_deref(), Some("2.0.0"), "{appid} released");
    }

    // 6. One mini program releases 2.0.1, then reverts to 2.0.0.
    let receiver = wxfleet_spawn(ws, &["events", "pull"]);
    let first = &appids[0];
    wxfleet_ok(ws, &["version", "commit", first, "--template", &template, "--version", "2.0.1", "--desc", "修复"]);
    let mut submitted = false;
    eventually("the privacy scan allows the submission", 30, || {
        submitted = submitted || wxfleet(ws, &["version", "submit", first, "--privacy-api-not-use"]).status.success();
        submitted
    })
    .await;
    eventually("the audit result arrives through the relay", 30, || {
        let history = wxfleet_ok(ws, &["version", "history", first]);
        history["audits"].as_array().unwrap().iter().any(|a| a["user_version"] == "2.0.1" && a["status"] == "passed")
    })
    .await;
    wxfleet_ok(ws, &["version", "release", first]);
    assert_eq!(sim_app(&cloud, first).await.1.as_deref(), Some("2.0.1"));
    wxfleet_ok(ws, &["version", "revert", first]);
    assert_eq!(sim_app(&cloud, first).await.1.as_deref(), Some("2.0.0"), "reverted to the previous release");
    drop(receiver);

    // 7. The audit log names every action and mini program.
    let log = wxfleet_ok(ws, &["log", "--limit", "500"]);
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["platform.add", "ext.set", "campaign.create", "campaign.start", "campaign.resume"] {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }
}
