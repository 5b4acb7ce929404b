//! The device API without a socket: authentication, the pull's JSON, cursors, long-polls, acks.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use wxfleet_relay::server::purge_once;
use wxfleet_relay::store::EventStore;

use crate::harness::{audit_push, ticket_push, TestRelay, APPID, PLATFORM};

async fn push_ticket(relay: &TestRelay, n: u64) {
    let push = ticket_push(n);
    let (status, _, _) = relay.post(&format!("/wx/{PLATFORM}/component?{}", push.query_string), push.body).await;
    assert_eq!(status, 200);
}

async fn push_audit(relay: &TestRelay, n: u64) {
    let push = audit_push(n);
    let (status, _, _) = relay.post(&format!("/wx/{PLATFORM}/app/{APPID}?{}", push.query_string), push.body).await;
    assert_eq!(status, 200);
}

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

#[tokio::test]
async fn the_device_api_needs_a_valid_unrevoked_bearer_credential() {
    let relay = TestRelay::new();
    let (id, credential) = relay.device("desk").await;
    let (status, headers, body) = relay.get("/v1/events", None).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert!(json(&body)["error"].is_string());
    assert_eq!(relay.get("/v1/events", Some("wxr_guessed")).await.0, 401);
    // The credential is accepted only in the header, never in the URL.
    assert_eq!(relay.get(&format!("/v1/events?access_token={credential}"), None).await.0, 401);
    let basic = axum::http::Request::get("/v1/events")
        .header("authorization", format!("Basic {credential}"))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(relay.send(basic).await.0, 401);
    assert_eq!(relay.get("/v1/events", Some(&credential)).await.0, 200);
    assert_eq!(relay.post_json("/v1/ack", "wxr_guessed", serde_json::json!({"seq": 0})).await.0, 401);

    relay.state.store().revoke_device(id, relay.state.now_ms()).await.unwrap();
    assert_eq!(relay.get("/v1/events", Some(&credential)).await.0, 401, "revoked");
    assert_eq!(relay.post_json("/v1/ack", &credential, serde_json::json!({"seq": 0})).await.0, 401, "revoked");
}

#[tokio::test]
async fn events_come_in_the_documented_json_shape() {
    let relay = TestRelay::new();
    push_ticket(&relay, 1).await;
    push_audit(&relay, 1).await;
    let (_, credential) = relay.device("desk").await;
    let (status, headers, body) = relay.get("/v1/events?after=0&wait=0&limit=10", Some(&credential)).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/json"));
    let pull = json(&body);
    assert_eq!(pull["gap"], false);
    let events = pull["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    let keys = |e: &serde_json::Value| e.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&events[0]), ["body", "platform", "query", "received_at", "seq", "source"], "component events have no appid");
    assert_eq!(keys(&events[1]), ["appid", "body", "platform", "query", "received_at", "seq", "source"]);
    assert_eq!(events[0]["source"], "component");
    assert_eq!(events[1]["source"], "app");
    assert_eq!(events[1]["appid"], APPID);
    assert_eq!(events[0]["seq"], 1);
    assert_eq!(events[1]["seq"], 2);
    assert_eq!(events[0]["body"], ticket_push(1).body);
    assert_eq!(events[0]["query"], ticket_push(1).query_string);
    assert_eq!(events[0]["received_at"], 1_700_000_000_000i64);
}

#[tokio::test]
async fn limit_and_after_page_through_the_log_and_bad_values_are_400() {
    let relay = TestRelay::new();
    for n in 0..5 {
        push_ticket(&relay, n).await;
    }
    let (_, credential) = relay.device("desk").await;
    let seqs = |body: &[u8]| json(body)["events"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(seqs(&relay.get("/v1/events?after=0&limit=2", Some(&credential)).await.2), [1, 2]);
    assert_eq!(seqs(&relay.get("/v1/events?after=2&limit=2", Some(&credential)).await.2), [3, 4]);
    assert_eq!(seqs(&relay.get("/v1/events?after=4&limit=2", Some(&credential)).await.2), [5]);
    assert_eq!(seqs(&relay.get("/v1/events?after=5", Some(&credential)).await.2), Vec::<i64>::new());
    for bad in ["limit=0", "limit=1001", "after=-1", "after=abc", "wait=-3", "limit=x"] {
        let (status, _, body) = relay.get(&format!("/v1/events?{bad}"), Some(&credential)).await;
        assert_eq!(status, 400, "{bad}");
        assert!(json(&body)["error"].is_string());
    }
}

#[tokio::test]
async fn ack_moves_the_cursor_forward_only_and_a_missing_after_resumes_from_it() {
    let relay = TestRelay::new();
    for n in 0..4 {
        push_ticket(&relay, n).await;
    }
    let (id, credential) = relay.device("desk").await;
    let acked = || async {
        let devices = relay.state.store().list_devices().await.unwrap();
        devices.into_iter().find(|d| d.id == id).unwrap().acked_seq
    };
    assert_eq!(relay.post_json("/v1/ack", &credential, serde_json::json!({"seq": 3})).await.0, 204);
    assert_eq!(acked().await, 3);
    assert_eq!(relay.post_json("/v1/ack", &credential, serde_json::json!({"seq": 1})).await.0, 204);
    assert_eq!(acked().await, 3, "never backwards");

    // No `after`: continue from this device's acked cursor.
    let pull = json(&relay.get("/v1/events", Some(&credential)).await.2);
    assert_eq!(pull["events"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect::<Vec<_>>(), [4]);

    for (bad, why) in [
        (serde_json::json!({"seq": -1}), "negative"),
        (serde_json::json!({"sequence": 1}), "wrong field"),
        (serde_json::json!("4"), "not an object"),
    ] {
        assert_eq!(relay.post_json("/v1/ack", &credential, bad).await.0, 400, "{why}");
    }
    assert_eq!(acked().await, 3);
}

#[tokio::test]
async fn a_cursor_from_another_log_is_told_to_start_again() {
    let relay = TestRelay::new();
    for n in 0..4 {
        push_ticket(&relay, n).await;
    }
    let (id, credential) = relay.device("desk").await;
    let log_id = relay.state.store().log_id().to_owned();
    let seqs = |pull: &serde_json::Value| pull["events"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect::<Vec<_>>();

    // Every pull names the log; a cursor in it is served as before.
    let pull = json(&relay.get("/v1/events?after=1", Some(&credential)).await.2);
    assert_eq!(
        (pull["log_id"].as_str(), pull["reset"].as_bool(), pull["gap"].as_bool()),
        (Some(log_id.as_str()), Some(false), Some(false))
    );
    assert_eq!(seqs(&pull), [2, 3, 4]);
    let pull = json(&relay.get(&format!("/v1/events?after=2&log={log_id}"), Some(&credential)).await.2);
    assert_eq!((seqs(&pull), pull["reset"].as_bool()), (vec![3, 4], Some(false)));
    let pull = json(&relay.get(&format!("/v1/events?after=4&log={log_id}"), Some(&credential)).await.2);
    assert_eq!((seqs(&pull), pull["reset"].as_bool()), (vec![], Some(false)), "the end of the log is a cursor in it");

    // A cursor in another log (the database was wiped and this one is new): reset, events from 0,
    // answered at once although asked to wait.
    for (query, why) in
        [("after=2&log=anotherlog", "another log id"), ("after=9", "beyond the log's end, no id"), ("after=5&log=LOG", "beyond the end")]
    {
        let query = query.replace("LOG", &log_id);
        let started = Instant::now();
        let pull = json(&relay.get(&format!("/v1/events?{query}&wait=10&limit=3"), Some(&credential)).await.2);
        assert!(started.elapsed() < Duration::from_secs(2), "{why}: answered at once");
        assert_eq!((pull["reset"].as_bool(), pull["gap"].as_bool()), (Some(true), Some(true)), "{why}");
        assert_eq!(pull["log_id"], log_id.as_str(), "{why}");
        assert_eq!(seqs(&pull), [1, 2, 3], "{why}: from 0, `limit` still applies");
    }

    // Acks: the same rule, answered 409 with the log to start again in; nothing moves.
    let ack = |body| async { relay.post_json("/v1/ack", &credential, body).await };
    let (status, _, body) = ack(serde_json::json!({"seq": 2, "log": "anotherlog"})).await;
    assert_eq!(status, 409);
    let answer = json(&body);
    assert_eq!((answer["reset"].as_bool(), answer["log_id"].as_str()), (Some(true), Some(log_id.as_str())));
    assert!(answer["error"].as_str().unwrap().contains("anotherlog"), "{answer}");
    let (status, _, body) = ack(serde_json::json!({"seq": 5})).await;
    assert_eq!((status, json(&body)["reset"].as_bool()), (409, Some(true)), "beyond the end of the log");
    let acked = relay.state.store().list_devices().await.unwrap().into_iter().find(|d| d.id == id).unwrap().acked_seq;
    assert_eq!(acked, 0);
    assert_eq!(ack(serde_json::json!({"seq": 3, "log": log_id})).await.0, 204);
    assert_eq!(ack(serde_json::json!({"seq": 4})).await.0, 204, "`log` is optional");
}

#[tokio::test]
async fn two_devices_each_get_everything_with_their_own_cursor() {
    let relay = TestRelay::new();
    for n in 0..3 {
        push_audit(&relay, n).await;
    }
    let (a, cred_a) = relay.device("a").await;
    let (b, cred_b) = relay.device("b").await;
    for credential in [&cred_a, &cred_b] {
        let pull = json(&relay.get("/v1/events?after=0", Some(credential)).await.2);
        assert_eq!(pull["events"].as_array().unwrap().len(), 3);
    }
    assert_eq!(relay.post_json("/v1/ack", &cred_a, serde_json::json!({"seq": 3})).await.0, 204);
    let devices = relay.state.store().list_devices().await.unwrap();
    let cursor = |id| devices.iter().find(|d| d.id == id).unwrap().acked_seq;
    assert_eq!((cursor(a), cursor(b)), (3, 0));
    // b, resuming from its own cursor, still gets all three.
    assert_eq!(json(&relay.get("/v1/events", Some(&cred_b)).await.2)["events"].as_array().unwrap().len(), 3);
    assert_eq!(json(&relay.get("/v1/events", Some(&cred_a)).await.2)["events"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_long_poll_is_woken_by_a_push() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let started = Instant::now();
    let poll = {
        let app = relay.app.clone();
        let credential = credential.clone();
        tokio::spawn(async move {
            use tower::ServiceExt;
            let request = axum::http::Request::get("/v1/events?after=0&wait=20")
                .header("authorization", format!("Bearer {credential}"))
                .body(axum::body::Body::empty())
                .unwrap();
            let response = app.oneshot(request).await.unwrap();
            axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!poll.is_finished(), "the poll waits while the log is empty");
    push_audit(&relay, 1).await;
    let body = tokio::time::timeout(Duration::from_secs(5), poll).await.expect("woken by the push").unwrap();
    let pull = json(&body);
    assert_eq!(pull["events"].as_array().unwrap().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_long_poll_with_nothing_new_returns_empty_after_its_wait() {
    let relay = TestRelay::new();
    push_ticket(&relay, 1).await;
    let (_, credential) = relay.device("desk").await;
    let started = Instant::now();
    let (status, _, body) = relay.get("/v1/events?after=1&wait=1", Some(&credential)).await;
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert_eq!(json(&body)["events"].as_array().unwrap().len(), 0);
    assert!(waited >= Duration::from_millis(950) && waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn shutdown_answers_waiting_long_polls_at_once() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let poll = {
        let app = relay.app.clone();
        tokio::spawn(async move {
            use tower::ServiceExt;
            let request = axum::http::Request::get("/v1/events?after=0&wait=25")
                .header("authorization", format!("Bearer {credential}"))
                .body(axum::body::Body::empty())
                .unwrap();
            app.oneshot(request).await.unwrap().status()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    relay.state.begin_shutdown();
    let status = tokio::time::timeout(Duration::from_secs(3), poll).await.expect("answered promptly").unwrap();
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_device_behind_the_retention_window_is_told_of_the_gap() {
    let relay = TestRelay::new();
    for n in 0..3 {
        push_ticket(&relay, n).await;
    }
    // Eight days later, one more push; then the retention purge (7 days).
    relay.clock.fetch_add(8 * 24 * 3600 * 1000, Ordering::SeqCst);
    push_ticket(&relay, 3).await;
    let purged = purge_once(relay.state.store(), relay.state.now_ms(), relay.state.config().retention_days).await.unwrap();
    assert_eq!(purged, 3);

    let (_, credential) = relay.device("back from holiday").await;
    let pull = json(&relay.get("/v1/events?after=0&wait=10", Some(&credential)).await.2);
    assert_eq!(pull["gap"], true, "the device must reconcile through WeChat's query APIs");
    assert_eq!(pull["reset"], false, "the cursor is in this log, only behind it");
    assert_eq!(pull["purged_through"], 3, "where a device that took the gap continues");
    assert_eq!(pull["events"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect::<Vec<_>>(), [4]);
    let pull = json(&relay.get("/v1/events?after=3", Some(&credential)).await.2);
    assert_eq!(pull["gap"], false);

    // A gap with nothing left after it still answers at once (no 10 s wait), with the purge point;
    // from there on the pull is an ordinary long-poll.
    relay.clock.fetch_add(8 * 24 * 3600 * 1000, Ordering::SeqCst);
    purge_once(relay.state.store(), relay.state.now_ms(), 7).await.unwrap();
    let started = Instant::now();
    let pull = json(&relay.get("/v1/events?after=0&wait=10", Some(&credential)).await.2);
    assert_eq!((pull["gap"].as_bool(), pull["events"].as_array().unwrap().len()), (Some(true), 0));
    assert_eq!(pull["purged_through"], 4);
    assert!(started.elapsed() < Duration::from_secs(2));
    let started = Instant::now();
    let pull = json(&relay.get("/v1/events?after=4&wait=1", Some(&credential)).await.2);
    assert_eq!((pull["gap"].as_bool(), pull["reset"].as_bool(), pull["events"].as_array().unwrap().len()), (Some(false), Some(false), 0));
    assert!(started.elapsed() >= Duration::from_millis(900), "waited for events: {:?}", started.elapsed());
}

#[tokio::test]
async fn pulls_record_last_seen() {
    let relay = TestRelay::new();
    let (id, credential) = relay.device("desk").await;
    relay.clock.store(1_700_000_123_000, Ordering::SeqCst);
    relay.get("/v1/events", Some(&credential)).await;
    let devices = relay.state.store().list_devices().await.unwrap();
    assert_eq!(devices.iter().find(|d| d.id == id).unwrap().last_seen, Some(1_700_000_123_000));
}
