//! Push delivery as a receiver sees it: encrypted envelopes and XML checked byte for byte with an
//! independent decrypter, retries when the answer is not `success` (or does not come), the delivery
//! log, `$APPID$`, per-URL order, and the ticket schedule in virtual time.

use std::time::Duration;

use serde_json::Value;
use wechat::xml::{Event, MessageHeader, WeappAuditSuccess};
use wxfleet_sim::world::{DeliveryOutcome, OutgoingPush, PushTarget};
use wxfleet_sim::{RunningSim, SimConfig};

use crate::support::{self, admin, advance, component_appid, eventually, independent, start, start_with_sink, Answer, Received, Sink};

/// A simulator pushing to a sink, its first (start-up) ticket already received, and no other
/// scheduled ticket for a long while — so the test owns what the sink sees next.
async fn quiet() -> (RunningSim, Sink) {
    let (sim, sink) = start_with_sink(SimConfig { seed_demo: 2, ticket_interval_secs: 100_000, ..SimConfig::default() }).await;
    sink.wait_for(1, "component_verify_ticket").await;
    (sim, sink)
}

fn query_keys(query: &str) -> Vec<&str> {
    query.split('&').map(|pair| pair.split('=').next().unwrap()).collect()
}

fn deliveries(sim: &RunningSim, kind: &str) -> Vec<wxfleet_sim::world::Delivery> {
    sim.sim.with_world(|w, _| w.outbox.log.iter().filter(|d| d.kind == kind).cloned().collect())
}

fn check_envelope(received: &Received, tag: &str, addressee: &str) {
    let body = std::str::from_utf8(&received.body).unwrap();
    let encrypt = independent::cdata(body, "Encrypt");
    assert_eq!(body, format!("<xml>\n    <{tag}><![CDATA[{addressee}]]></{tag}>\n    <Encrypt><![CDATA[{encrypt}]]></Encrypt>\n</xml>"));
    assert_eq!(query_keys(&received.query), ["signature", "timestamp", "nonce", "encrypt_type", "msg_signature"]);
    assert_eq!(received.content_type, "text/xml");
}

#[tokio::test]
async fn a_ticket_push_is_exactly_what_wechat_sends() {
    let (sim, sink) = quiet().await;
    let (_, answer) = admin(&sim, "/admin/push-ticket", serde_json::json!({})).await;
    let ticket = answer["ticket"].as_str().unwrap().to_owned();
    let pushed = sink.wait_for(1, &ticket).await;
    let received = &pushed[0];
    assert_eq!(received.path, "/auth");
    let appid = component_appid(&sim);
    check_envelope(received, "AppId", &appid);
    let (receive_id, xml) = independent::open(&received.query, &received.body);
    assert_eq!(receive_id, appid);
    let create_time = sim.sim.with_world(|w, _| w.platforms[&appid].tickets.iter().find(|t| t.value == ticket).unwrap().issued_at);
    assert_eq!(
        xml,
        format!(
            "<xml><AppId><![CDATA[{appid}]]></AppId>\n<CreateTime>{create_time}</CreateTime>\n<InfoType><![CDATA[component_verify_ticket]]></InfoType>\n<ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket>\n</xml>"
        )
    );
    // The nonce is a decimal number, the timestamp virtual seconds.
    let nonce = received.query.split('&').find_map(|p| p.strip_prefix("nonce=")).unwrap();
    assert!(nonce.chars().all(|c| c.is_ascii_digit()), "{nonce}");
    let timestamp: i64 = received.query.split('&').find_map(|p| p.strip_prefix("timestamp=")).unwrap().parse().unwrap();
    assert!((timestamp - create_time).abs() <= 1);
}

#[tokio::test]
async fn an_authorized_push_is_exactly_what_wechat_sends() {
    let (sim, sink) = quiet().await;
    let appid = sim.info.merchants[0].appid.clone();
    let answer = support::consent(&sim, &appid, &[18]).await;
    let code = answer["auth_code"].as_str().unwrap();
    let received = &sink.wait_for(1, code).await[0];
    let component = component_appid(&sim);
    check_envelope(received, "AppId", &component);
    let xml = independent::open(&received.query, &received.body).1;
    let pre_auth_code = independent::cdata(&xml, "PreAuthCode");
    let t = sim.sim.with_world(|w, _| w.apps[&appid].grants[&component].auth_time);
    assert_eq!(
        xml,
        format!(
            "<xml><AppId><![CDATA[{component}]]></AppId>\n<CreateTime>{t}</CreateTime>\n<InfoType><![CDATA[authorized]]></InfoType>\n\
<AuthorizerAppid><![CDATA[{appid}]]></AuthorizerAppid>\n<AuthorizationCode><![CDATA[{code}]]></AuthorizationCode>\n\
<AuthorizationCodeExpiredTime><![CDATA[{}]]></AuthorizationCodeExpiredTime>\n<PreAuthCode><![CDATA[{pre_auth_code}]]></PreAuthCode>\n</xml>",
            t + 600
        )
    );
}

#[tokio::test]
async fn a_push_is_retried_until_the_answer_is_success() {
    let (sim, sink) = quiet().await;
    // An empty answer is not `success` on the authorization-event URL.
    sink.answer([Answer::Body(""), Answer::Status(500)]);
    let (_, answer) = admin(&sim, "/admin/push-ticket", serde_json::json!({})).await;
    let ticket = answer["ticket"].as_str().unwrap().to_owned();
    let arrivals = sink.wait_for(3, &ticket).await;
    assert_eq!(arrivals.len(), 3);
    assert!(arrivals.iter().all(|a| a.body == arrivals[0].body), "a retry repeats the push");
    eventually(&sim, "delivered on the third attempt", |w| {
        w.outbox.log.back().is_some_and(|d| d.outcome == DeliveryOutcome::Delivered && d.attempts == 3)
    })
    .await;
    let last = deliveries(&sim, "component_verify_ticket").pop().unwrap();
    assert!(last.last_error.unwrap().contains("HTTP 500"));
    assert_eq!(last.url.as_deref(), Some(sink.url("/auth").as_str()));
}

#[tokio::test]
async fn three_failed_attempts_give_up_and_are_logged() {
    let (sim, sink) = quiet().await;
    // Too slow (the receiver timeout is 1 s here), then the wrong word, then an error status.
    sink.answer([Answer::Hang(Duration::from_millis(1500)), Answer::Body("SUCCESS"), Answer::Status(502)]);
    let (_, answer) = admin(&sim, "/admin/push-ticket", serde_json::json!({})).await;
    let ticket = answer["ticket"].as_str().unwrap().to_owned();
    sink.wait_for(3, &ticket).await;
    eventually(&sim, "failed after 3 attempts", |w| w.outbox.log.back().is_some_and(|d| d.outcome == DeliveryOutcome::Failed)).await;
    let failed = deliveries(&sim, "component_verify_ticket").pop().unwrap();
    assert_eq!(failed.attempts, 3);
    assert_eq!(failed.last_error.as_deref(), Some("HTTP 502"));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(sink.pushes().iter().filter(|r| independent::open(&r.query, &r.body).1.contains(&ticket)).count(), 3, "no fourth attempt");

    let state = support::state(&sim).await;
    let logged: &Value = state["deliveries"].as_array().unwrap().iter().rev().find(|d| d["kind"] == "component_verify_ticket").unwrap();
    assert_eq!((logged["outcome"].as_str(), logged["attempts"].as_u64()), (Some("failed"), Some(3)));
}

#[tokio::test]
async fn a_timeout_counts_as_a_failure_and_is_retried() {
    let (sim, sink) = quiet().await;
    sink.answer([Answer::Hang(Duration::from_millis(1500))]);
    let (_, answer) = admin(&sim, "/admin/push-ticket", serde_json::json!({})).await;
    let ticket = answer["ticket"].as_str().unwrap().to_owned();
    eventually(&sim, "delivered on the second attempt", |w| w.outbox.log.back().is_some_and(|d| d.outcome == DeliveryOutcome::Delivered))
        .await;
    let delivery = deliveries(&sim, "component_verify_ticket").pop().unwrap();
    assert_eq!(delivery.attempts, 2);
    assert!(delivery.last_error.unwrap().contains("no answer within 1000 ms"));
    assert_eq!(sink.wait_for(2, &ticket).await.len(), 2);
}

fn audit_success(sim: &RunningSim, appid: &str, succ_time: i64) -> OutgoingPush {
    let original_id = sim.sim.with_world(|w, _| w.apps[appid].original_id.clone());
    let event = Event::WeappAuditSuccess(WeappAuditSuccess {
        header: MessageHeader { to_user_name: original_id, from_user_name: "o_system".into(), create_time: succ_time },
        succ_time,
    });
    OutgoingPush { component_appid: component_appid(sim), target: PushTarget::App { appid: appid.to_owned() }, xml: event.to_xml() }
}

#[tokio::test]
async fn app_pushes_go_to_the_message_url_in_order() {
    let (sim, sink) = quiet().await;
    let appid = sim.info.merchants[0].appid.clone();
    let original_id = sim.info.merchants[0].original_id.clone();
    // An empty answer is accepted on the message URL (the MP's rule); it would fail a ticket push.
    sink.answer([Answer::Body("")]);
    let pushes: Vec<OutgoingPush> = (0..6).map(|i| audit_success(&sim, &appid, 1_700_000_000 + i)).collect();
    sim.sim.with_world(|w, _| pushes.iter().cloned().for_each(|p| w.outbox.push(p)));
    let arrived = sink.wait_for(6, "weapp_audit_success").await;
    for (i, received) in arrived.iter().enumerate() {
        assert_eq!(received.path, format!("/msg/{appid}"), "$APPID$ replaced");
        check_envelope(received, "ToUserName", &original_id);
        let (receive_id, xml) = independent::open(&received.query, &received.body);
        assert_eq!(receive_id, component_appid(&sim), "encrypted for the platform, not the mini program");
        assert_eq!(xml, pushes[i].xml, "in the order queued");
    }
    eventually(&sim, "all delivered at the first attempt", |w| {
        w.outbox.log.iter().filter(|d| d.kind == "weapp_audit_success").all(|d| d.outcome == DeliveryOutcome::Delivered && d.attempts == 1)
    })
    .await;
}

#[tokio::test]
async fn without_a_url_a_push_is_undeliverable_not_retried() {
    let sim = start(1).await;
    let (_, _) = admin(&sim, "/admin/push-ticket", serde_json::json!({})).await;
    let appid = sim.info.merchants[0].appid.clone();
    let push = audit_success(&sim, &appid, 1_700_000_000);
    sim.sim.with_world(|w, _| w.outbox.push(push));
    eventually(&sim, "both logged", |w| w.outbox.log.len() >= 2).await;
    let log = sim.sim.with_world(|w, _| w.outbox.log.clone());
    let ticket = log.iter().find(|d| d.kind == "component_verify_ticket").unwrap();
    assert_eq!((ticket.outcome, ticket.attempts, ticket.url.as_deref()), (DeliveryOutcome::Undeliverable, 0, None));
    assert_eq!(ticket.last_error.as_deref(), Some("no authorization-event URL configured"));
    let audit = log.iter().find(|d| d.kind == "weapp_audit_success").unwrap();
    assert_eq!(audit.appid.as_deref(), Some(appid.as_str()));
    assert_eq!(audit.last_error.as_deref(), Some("no message-and-event URL configured"));
}

#[tokio::test]
async fn tickets_come_every_interval_of_virtual_time() {
    let (sim, sink) = start_with_sink(SimConfig { ticket_interval_secs: 600, ..SimConfig::default() }).await;
    sink.wait_for(1, "component_verify_ticket").await;
    advance(&sim, 599);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.pushes().len(), 1, "not yet");
    advance(&sim, 1);
    sink.wait_for(2, "component_verify_ticket").await;
    // POST /admin/clock does the same.
    let (status, clock) = admin(&sim, "/admin/clock", serde_json::json!({ "advance_secs": 600 })).await;
    assert_eq!(status, 200);
    assert!(clock["offset_secs"].as_i64().unwrap() >= 1200);
    let tickets = sink.wait_for(3, "component_verify_ticket").await;
    let values: std::collections::HashSet<String> =
        tickets.iter().map(|r| independent::cdata(&independent::open(&r.query, &r.body).1, "ComponentVerifyTicket").to_owned()).collect();
    assert_eq!(values.len(), 3, "each push is a new ticket");
}
