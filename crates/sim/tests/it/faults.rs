//! Injected latency and faults: per path and global, by rate and by script, each kind as the
//! client sees it, deterministic by seed, and never on the admin API or the consent pages.

use std::time::{Duration, Instant};

use serde_json::json;
use wechat::api::auth::GetAuthorizerOptionRequest;
use wechat::{AuthorizerToken, Client, ClientConfig};
use wxfleet_sim::{RunningSim, SimConfig};

use crate::support::{admin, authorized_app, client, raw, start, start_with, ALL_PERMS};

const PATH: &str = "/cgi-bin/component/get_authorizer_option";

fn option() -> GetAuthorizerOptionRequest {
    GetAuthorizerOptionRequest { option_name: "voice_recognize".into(), ..GetAuthorizerOptionRequest::default() }
}

async fn app(sim: &RunningSim) -> String {
    authorized_app(sim, "wx00000000000000f1", ALL_PERMS)
}

/// What each call answered: the errcode, `http N`, or `ok`.
async fn outcomes(client: &Client, aat: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(match client.get_authorizer_option(AuthorizerToken(aat), &option()).await {
            Ok(_) => "ok".to_owned(),
            Err(wechat::Error::Api(e)) => e.errcode.to_string(),
            Err(wechat::Error::HttpStatus { status, .. }) => format!("http {status}"),
            Err(other) => panic!("unexpected {other}"),
        });
    }
    out
}

#[tokio::test]
async fn the_same_seed_fails_the_same_calls() {
    let run = |seed| async move {
        let sim = start_with(SimConfig { seed, fault_rate: 0.4, ..SimConfig::default() }).await;
        let aat = app(&sim).await;
        outcomes(&client(&sim), &aat, 40).await
    };
    let first = run(11).await;
    assert_eq!(first, run(11).await);
    assert_ne!(first, run(12).await);
    let failed = first.iter().filter(|o| *o != "ok").count();
    assert!((5..=30).contains(&failed), "about 40% of 40 calls: {first:?}");
    assert!(first.iter().all(|o| ["ok", "-1", "45009", "http 502"].contains(&o.as_str())), "{first:?}");
}

#[tokio::test]
async fn scripted_faults_answer_the_next_calls_of_a_path() {
    let sim = start(0).await;
    let aat = app(&sim).await;
    let client = client(&sim);
    let script = json!({ "script": [
        { "path": PATH, "fault": 61039, "count": 1 },
        { "path": PATH, "fault": "token_expired", "count": 1 },
        { "path": PATH, "fault": 40001, "count": 1 },
        { "path": PATH, "fault": "http_503", "count": 1 },
        { "path": "/wxa/other", "fault": -1, "count": 5 },
    ]});
    let (status, plan) = admin(&sim, "/admin/faults", script).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(outcomes(&client, &aat, 5).await, ["61039", "42001", "40001", "http 503", "ok"]);
    let (_, plan) = admin(&sim, "/admin/faults", json!({})).await;
    assert_eq!(plan["script"].as_array().unwrap().len(), 1, "only the other path's entry is left: {plan}");
}

#[tokio::test]
async fn latency_is_per_path_or_global_fixed_or_drawn() {
    let sim = start(0).await;
    let aat = app(&sim).await;
    let client = client(&sim);
    // Margins are wide: the test machine may be busy building.
    admin(&sim, "/admin/faults", json!({ "per_path": { PATH: { "latency_ms": 1500 } } })).await;
    let started = Instant::now();
    client.get_authorizer_option(AuthorizerToken(&aat), &option()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1500));
    let started = Instant::now();
    raw().post(sim.base_url().join("/cgi-bin/openapi/quota/get").unwrap()).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(1000), "other paths are not slowed: {:?}", started.elapsed());

    admin(&sim, "/admin/faults", json!({ "per_path": {}, "latency_ms": 50, "latency_max_ms": 150 })).await;
    let mut took = Vec::new();
    for _ in 0..8 {
        let started = Instant::now();
        client.get_authorizer_option(AuthorizerToken(&aat), &option()).await.unwrap();
        took.push(started.elapsed());
    }
    assert!(took.iter().all(|t| *t >= Duration::from_millis(50)), "{took:?}");
    let (min, max) = (took.iter().min().unwrap(), took.iter().max().unwrap());
    assert!(*max - *min > Duration::from_millis(5), "drawn, not fixed: {took:?}");
}

#[tokio::test]
async fn a_timeout_holds_one_request_without_blocking_the_others() {
    let sim = start(0).await;
    let aat = app(&sim).await;
    admin(&sim, "/admin/faults", json!({ "script": [{ "path": PATH, "fault": "timeout", "count": 1 }] })).await;
    let impatient =
        Client::new(ClientConfig { timeout: Duration::from_secs(3), ..ClientConfig::with_base_url(sim.base_url().clone()) }).unwrap();
    let held = tokio::spawn({
        let aat = aat.clone();
        async move { impatient.get_authorizer_option(AuthorizerToken(&aat), &option()).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    client(&sim).get_authorizer_option(AuthorizerToken(&aat), &option()).await.unwrap();
    assert!(!held.is_finished(), "still held");
    assert!(started.elapsed() < Duration::from_millis(2000), "served while the other is held: {:?}", started.elapsed());
    let err = held.await.unwrap().unwrap_err();
    assert!(matches!(err, wechat::Error::Transport { .. }), "{err:?}");
    assert_eq!(err.class(), wechat::ErrorClass::Transient);
    // Shutting down does not wait out the held request.
    let started = Instant::now();
    sim.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn the_admin_api_and_the_consent_pages_are_never_faulted() {
    let sim = start_with(SimConfig { fault_rate: 1.0, latency_ms: 1500, ..SimConfig::default() }).await;
    let aat = app(&sim).await;
    assert_ne!(outcomes(&client(&sim), &aat, 1).await, ["ok"]);
    for _ in 0..3 {
        let started = Instant::now();
        let response = raw().get(sim.base_url().join("/admin/state").unwrap()).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page = raw().get(sim.base_url().join("/cgi-bin/componentloginpage").unwrap()).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(started.elapsed() < Duration::from_millis(1500), "not delayed: {:?}", started.elapsed());
    }
    let (status, answer) = admin(&sim, "/admin/faults", json!({ "rate": 2.0 })).await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = admin(&sim, "/admin/faults", json!({ "kinds": ["explode"] })).await;
    assert_eq!(status, 400, "{answer}");
    let (status, _) = admin(&sim, "/admin/faults", json!({ "rate": 0.0, "latency_ms": 0 })).await;
    assert_eq!(status, 200);
    assert_eq!(outcomes(&client(&sim), &aat, 3).await, ["ok", "ok", "ok"]);
}
