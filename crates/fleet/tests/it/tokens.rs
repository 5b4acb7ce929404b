//! Tokens against the simulator: single-flight, persisted across a restart, refreshed ahead of
//! expiry, expired only if still equal, retried once, and the warning when someone else refreshes.
//! Token requests are counted by WeChat's own quota counters (`openapi/quota/get`).

use std::sync::Arc;

use fleet::tokens::TokenKind;
use fleet::{Fleet, FleetError, FleetEvent, ManualClock};
use wechat::api::auth::ApiGetAuthorizerListRequest;
use wechat::api::component::ApiComponentTokenRequest;
use wechat::api::quota::{QuotaGetRequest, QuotaToken};
use wechat::api::{Client, ClientConfig, ComponentToken};

use crate::support::{world_with_clock, World};

const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
const AUTHORIZER_LIST: &str = "/cgi-bin/component/api_get_authorizer_list";
const HOUR_MS: i64 = 3_600_000;

/// How many times the platform called `cgi_path` today, by the simulator's quota counter.
async fn calls(fleet: &Fleet, platform: &str, cgi_path: &str) -> i64 {
    fleet
        .with_component_token(platform, |api, cat| {
            let request = QuotaGetRequest { cgi_path: cgi_path.to_owned() };
            async move { api.quota_get(QuotaToken::Component(ComponentToken(&cat)), &request).await }
        })
        .await
        .unwrap()
        .quota
        .used
}

/// A cheap call with the component token.
async fn list_authorizers(fleet: &Fleet, platform: &str) -> Result<i64, FleetError> {
    fleet
        .with_component_token(platform, |api, cat| {
            let request = ApiGetAuthorizerListRequest { component_appid: platform.to_owned(), offset: 0, count: 10 };
            async move { api.api_get_authorizer_list(ComponentToken(&cat), &request).await }
        })
        .await
        .map(|list| list.total_count)
}

async fn slow_token_requests(world: &World, latency_ms: u64) {
    let plan = serde_json::json!({ "latency_ms": latency_ms });
    world.admin("/admin/faults", serde_json::json!({ "per_path": { COMPONENT_TOKEN: plan.clone(), AUTHORIZER_TOKEN: plan } })).await;
}

/// A clock the test moves, starting at the real time (the simulator and the relay keep theirs).
fn manual_clock() -> ManualClock {
    ManualClock::new(fleet::Clock::now_ms(&fleet::SystemClock))
}

#[tokio::test]
async fn a_thousand_callers_with_an_expired_token_cause_one_request() {
    let clock = manual_clock();
    let world = world_with_clock(1, Arc::new(clock.clone())).await;
    world.ticket().await;
    let (fleet, platform) = (world.fleet().clone(), world.platform().to_owned());
    let appid = world.authorize_directly(0).await;
    let first_cat = fleet.component_token(&platform).await.unwrap();
    let first_aat = fleet.authorizer_token(&platform, &appid).await.unwrap();
    let (cats_before, aats_before) = (calls(&fleet, &platform, COMPONENT_TOKEN).await, calls(&fleet, &platform, AUTHORIZER_TOKEN).await);

    // Two hours later both tokens have expired; WeChat takes its time to answer.
    clock.advance_ms(2 * HOUR_MS);
    slow_token_requests(&world, 300).await;
    let callers: Vec<_> = (0..1000)
        .map(|i| {
            let (fleet, platform, appid) = (fleet.clone(), platform.clone(), appid.clone());
            tokio::spawn(async move {
                if i % 2 == 0 {
                    fleet.component_token(&platform).await.map(|t| (TokenKind::Component, t))
                } else {
                    fleet.authorizer_token(&platform, &appid).await.map(|t| (TokenKind::Authorizer, t))
                }
            })
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for caller in callers {
        seen.insert(caller.await.unwrap().unwrap());
    }
    slow_token_requests(&world, 0).await;

    assert_eq!(seen.len(), 2, "every caller got the same token of each kind");
    assert!(seen.iter().all(|(_, token)| token != &first_cat && token != &first_aat), "the tokens are new");
    assert_eq!(calls(&fleet, &platform, COMPONENT_TOKEN).await - cats_before, 1, "one api_component_token for 1,000 callers");
    assert_eq!(calls(&fleet, &platform, AUTHORIZER_TOKEN).await - aats_before, 1, "one api_authorizer_token for 1,000 callers");
}

#[tokio::test]
async fn a_restart_reuses_the_persisted_token_which_is_sealed() {
    let world = World::start(1).await;
    world.ticket().await;
    let platform = world.platform().to_owned();
    let token = world.fleet().component_token(&platform).await.unwrap();
    let before = calls(world.fleet(), &platform, COMPONENT_TOKEN).await;

    let reopened = world.ws.reopen();
    assert_eq!(reopened.component_token(&platform).await.unwrap(), token, "the restarted workspace uses the stored token");
    assert_eq!(calls(&reopened, &platform, COMPONENT_TOKEN).await, before, "no token request after the restart");
    let info = reopened.token_info(TokenKind::Component, &platform).await.unwrap().expect("a token");
    assert!(info.valid && !info.refresh_due, "{info:?}");

    // Sealed: the token is nowhere in the database's bytes (WAL included).
    for file in ["wxfleet.db", "wxfleet.db-wal"] {
        let bytes = std::fs::read(world.ws.dir.path().join(file)).unwrap_or_default();
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()), "the token is in {file} in plaintext");
    }
}

#[tokio::test]
async fn a_token_is_refreshed_ahead_of_expiry_and_kept_when_the_early_refresh_fails() {
    let clock = manual_clock();
    let world = world_with_clock(1, Arc::new(clock.clone())).await;
    world.ticket().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    let first = fleet.component_token(platform).await.unwrap();
    let before = calls(fleet, platform, COMPONENT_TOKEN).await;

    // 1 h 49 min: not yet due.
    clock.advance_ms(HOUR_MS + 49 * 60_000);
    assert_eq!(fleet.component_token(platform).await.unwrap(), first);

    // 1 h 51 min: inside the 10 minutes before expiry, still valid. The early refresh fails: the
    // current token is kept.
    clock.advance_ms(2 * 60_000);
    assert!(fleet.token_info(TokenKind::Component, platform).await.unwrap().unwrap().refresh_due);
    world.script_fault(COMPONENT_TOKEN, serde_json::json!(-1), 1).await;
    assert_eq!(fleet.component_token(platform).await.unwrap(), first, "a failed early refresh keeps the valid token");
    assert_eq!(world.scripted_left(COMPONENT_TOKEN).await, 0, "the early refresh was tried");

    // The next caller refreshes it.
    let second = fleet.component_token(platform).await.unwrap();
    assert_ne!(second, first);
    assert_eq!(calls(fleet, platform, COMPONENT_TOKEN).await - before, 1);
    let info = fleet.token_info(TokenKind::Component, platform).await.unwrap().unwrap();
    assert_eq!(info.obtained_at, fleet.now_ms());
    assert_eq!(info.expires_at, fleet.now_ms() + 7200 * 1000);
}

#[tokio::test]
async fn a_rejected_token_is_expired_only_if_it_is_still_the_current_one() {
    let clock = manual_clock();
    let world = world_with_clock(1, Arc::new(clock.clone())).await;
    world.ticket().await;
    let (fleet, platform) = (world.fleet().clone(), world.platform().to_owned());
    let first = fleet.component_token(&platform).await.unwrap();
    let before = calls(&fleet, &platform, COMPONENT_TOKEN).await;

    // Expire-if-equal, directly.
    assert!(!fleet.expire_token(TokenKind::Component, &platform, "an older token").await.unwrap());
    assert_eq!(fleet.component_token(&platform).await.unwrap(), first, "a stale failure does not expire the current token");
    assert!(fleet.expire_token(TokenKind::Component, &platform, &first).await.unwrap());
    assert!(fleet.token_info(TokenKind::Component, &platform).await.unwrap().is_none(), "gone from memory and from the database");
    let second = fleet.component_token(&platform).await.unwrap();
    assert_ne!(second, first);

    // 50 calls at once all meet 40001 with the same (20-minute-old) token: one of them expires it,
    // the others find the new one, every call is retried once and succeeds — with one new token.
    clock.advance_ms(20 * 60_000);
    let mut events = fleet.subscribe();
    let before_burst = calls(&fleet, &platform, COMPONENT_TOKEN).await;
    world.script_fault(AUTHORIZER_LIST, serde_json::json!(40001), 50).await;
    slow_token_requests(&world, 300).await;
    let burst: Vec<_> = (0..50)
        .map(|_| {
            let (fleet, platform) = (fleet.clone(), platform.clone());
            tokio::spawn(async move { list_authorizers(&fleet, &platform).await })
        })
        .collect();
    for call in burst {
        call.await.unwrap().expect("retried once with a fresh token");
    }
    assert_eq!(world.scripted_left(AUTHORIZER_LIST).await, 0);
    assert_eq!(calls(&fleet, &platform, COMPONENT_TOKEN).await - before_burst, 1, "one new token for 50 rejections");
    assert_eq!(before_burst - before, 1);
    let third = fleet.component_token(&platform).await.unwrap();
    assert_ne!(third, second);
    // A 20-minute-old token being rejected is not (necessarily) someone else refreshing.
    while let Ok(event) = events.try_recv() {
        assert!(!matches!(event, FleetEvent::TokenContested { .. }), "{event:?}");
    }

    // Rejected again after the retry: the error is WeChat's, with its code.
    world.script_fault(AUTHORIZER_LIST, serde_json::json!(40001), 2).await;
    let error = list_authorizers(&fleet, &platform).await.unwrap_err();
    assert_eq!(error.errcode(), Some(40001));
    assert_eq!(error.problem().class, "token_invalid");
}

#[tokio::test]
async fn a_fresh_token_rejected_means_someone_else_refreshes_it() {
    let world = World::start(1).await;
    world.ticket().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    let ours = fleet.component_token(platform).await.unwrap();
    let mut events = fleet.subscribe();

    // Another tool asks for a token with the same secret and ticket; five minutes later (WeChat's
    // overlap for a superseded token) ours answers 40001.
    let ticket = world.admin("/admin/push-ticket", serde_json::json!({})).await["ticket"].as_str().unwrap().to_owned();
    let other = Client::new(ClientConfig::with_base_url(world.sandbox.sim_url().parse().unwrap())).unwrap();
    let theirs = other
        .api_component_token(&ApiComponentTokenRequest {
            component_appid: platform.to_owned(),
            component_appsecret: world.sandbox.info.platform.component_appsecret.clone(),
            component_verify_ticket: ticket,
        })
        .await
        .unwrap()
        .component_access_token;
    world.admin("/admin/clock", serde_json::json!({ "advance_secs": 301 })).await;

    list_authorizers(fleet, platform).await.expect("retried with a new token");
    let event = World::wait_event(&mut events, |e| matches!(e, FleetEvent::TokenContested { .. })).await;
    assert_eq!(event, FleetEvent::TokenContested { kind: "component".to_owned(), owner: platform.to_owned() });
    let now = fleet.component_token(platform).await.unwrap();
    assert!(now != ours && now != theirs);
}

#[tokio::test]
async fn a_lost_refresh_token_is_recovered_from_the_authorizer_list() {
    let world = World::start(1).await;
    world.ticket().await;
    let (fleet, platform) = (world.fleet(), world.platform().to_owned());
    let appid = world.authorize_directly(0).await;

    // The stored refresh token is wrong (an old backup restored, say): WeChat answers 61023, and
    // the right one comes back from api_get_authorizer_list.
    let (vault, name) = (fleet.vault().clone(), fleet::authorizers::refresh_token_secret(&appid));
    fleet.store().write(move |tx| fleet::secrets::put_str(tx, &vault, &name, "refreshtoken@@@lost", 0)).await.unwrap();
    fleet.authorizer_token(&platform, &appid).await.expect("recovered through api_get_authorizer_list");
    let (vault, name) = (fleet.vault().clone(), fleet::authorizers::refresh_token_secret(&appid));
    let stored = fleet.store().read(move |c| fleet::secrets::require_str(c, &vault, &name)).await.unwrap();
    assert_ne!(stored.expose(), "refreshtoken@@@lost", "the recovered refresh token is stored");
}

#[tokio::test]
async fn a_revoked_mini_program_gets_no_token_and_wechat_is_not_called() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let appid = world.authorize_directly(0).await;
    let revoked = appid.clone();
    fleet.store().write(move |tx| Ok(tx.execute("UPDATE authorizers SET status = 'revoked' WHERE appid = ?1", [&revoked])?)).await.unwrap();
    let called = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = called.clone();
    let error = fleet
        .with_authorizer_token(&appid, move |_api, _aat| {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            async { Ok::<_, wechat::api::Error>(()) }
        })
        .await
        .unwrap_err();
    assert!(matches!(error, FleetError::Revoked { .. }), "{error:?}");
    assert!(!called.load(std::sync::atomic::Ordering::SeqCst));
}

#[tokio::test]
async fn without_a_ticket_younger_than_12_hours_the_error_says_what_to_do() {
    let clock = manual_clock();
    let world = world_with_clock(1, Arc::new(clock.clone())).await;
    let (fleet, platform) = (world.fleet(), world.platform());
    let missing = fleet.component_token(platform).await.unwrap_err();
    assert_eq!(missing.code(), "ticket_missing");

    world.ticket().await;
    let status = fleet.ticket_status(platform).await.unwrap();
    assert!(status.valid && status.age_ms == Some(0), "{status:?}");
    assert_eq!(fleet.ticket_statuses().await.unwrap(), [status]);
    clock.advance_ms(12 * HOUR_MS + 1);
    let status = fleet.ticket_status(platform).await.unwrap();
    assert!(!status.valid, "{status:?}");
    let error = fleet.current_ticket(platform).await.unwrap_err();
    assert!(matches!(error, FleetError::TicketMissing { .. }), "{error:?}");
    assert!(error.problem().message.contains("request a push now"), "{}", error.problem().message);
}
