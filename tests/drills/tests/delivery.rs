//! Drills of push delivery from WeChat through the relay to the desktop core.
//!
//! * `relay_killed_mid_burst_…` — `kill -9` of the real `wxfleet-relay` process (SQLite store)
//!   during 10,000 pushes from concurrent senders that retry like WeChat; restarted on the same
//!   database, the core (a `fleet::Fleet` pulling through the relay client all along) holds every
//!   push that was answered `success` exactly once after de-duplication.
//! * `a_desktop_offline_for_a_day_…` — the core's inbox stopped while the simulator's clock runs
//!   24 hours (tickets every 10 minutes, audit results, a merchant authorizing through the link);
//!   reconnected, it gets everything, uses the newest ticket and completes the authorization.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fleet::platforms::{PlatformInput, RelayInput};
use wechat::crypto::{MsgCrypt, SealedPush};
use wechat::xml::{Addressee, ComponentHeader, ComponentVerifyTicket, Event};
use wxfleet_drills::desk::Desk;
use wxfleet_drills::merchant::merchant_consents;
use wxfleet_drills::procs::http;
use wxfleet_drills::relay::RelayProcess;

// ---- the relay killed mid-burst ----------------------------------------------------------------

const PUSHES: usize = 10_000;
const SENDERS: usize = 16;
/// `success` answers before the kill.
const KILL_AFTER: usize = 4_000;
/// Longer than a push's retries, so some pushes are never answered `success`.
const DOWNTIME: Duration = Duration::from_millis(1_000);
/// WeChat tries a push 1 + 3 times.
const ATTEMPTS: usize = 4;
const RETRY_PAUSE: Duration = Duration::from_millis(150);

const PLATFORM_ID: &str = "drill";
const COMPONENT_APPID: &str = "wx00000000000d1211";
const TOKEN: &str = "drilltoken";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// The `n`-th push: a `component_verify_ticket` whose ticket and CreateTime are unique to `n`, so
/// WeChat's de-duplication key (AppId + InfoType + CreateTime) tells any two apart.
fn ticket_push(crypt: &MsgCrypt, n: u64) -> SealedPush {
    let event = Event::ComponentVerifyTicket(ComponentVerifyTicket {
        header: ComponentHeader { app_id: COMPONENT_APPID.to_owned(), create_time: 1_700_000_000 + n as i64 },
        component_verify_ticket: format!("ticket@@@drill-{n:05}"),
    });
    let mut random = [0u8; 16];
    random[..8].copy_from_slice(&n.to_be_bytes());
    crypt.seal_push(
        &Addressee::AppId(COMPONENT_APPID.to_owned()),
        &event.to_xml(),
        &(1_700_000_000 + n).to_string(),
        &format!("{n}"),
        None,
        random,
    )
}

/// Sends push `n` like WeChat: up to [`ATTEMPTS`] tries; true when one was answered `success`.
async fn send_like_wechat(http: &reqwest::Client, url: &str, push: &SealedPush) -> bool {
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(RETRY_PAUSE).await;
        }
        let answer = http.post(format!("{url}?{}", push.query_string)).body(push.body.clone()).send().await;
        if let Ok(response) = answer {
            if response.status() == 200 && response.text().await.is_ok_and(|t| t == "success") {
                return true;
            }
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_killed_mid_burst_every_push_answered_success_reaches_the_core_exactly_once() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut relay = RelayProcess::start(dir.path(), PLATFORM_ID, COMPONENT_APPID, TOKEN);
    let credential = relay.add_device("drill desk");
    let desk = Desk::open(Duration::from_secs(10));
    desk.fleet
        .connect_platform(PlatformInput {
            component_appid: COMPONENT_APPID.to_owned(),
            name: "drill".to_owned(),
            appsecret: "drill-secret".to_owned(),
            token: TOKEN.to_owned(),
            encoding_aes_key: AES_KEY.to_owned(),
            // No WeChat API is called in this drill.
            api_base_url: Some("http://127.0.0.1:9".to_owned()),
            relay: Some(RelayInput { url: relay.url.clone(), platform_id: PLATFORM_ID.to_owned(), credential }),
            proxy_url: None,
            consent_origin: None,
            sandbox: false,
        })
        .await
        .unwrap();

    let crypt = Arc::new(MsgCrypt::new(TOKEN, AES_KEY, COMPONENT_APPID).unwrap());
    let url = format!("{}/wx/{PLATFORM_ID}/component", relay.url);
    let next = Arc::new(AtomicUsize::new(0));
    let successes = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::new(Mutex::new(HashSet::new()));
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (http, url, crypt, next, successes, accepted) =
                (http(), url.clone(), Arc::clone(&crypt), Arc::clone(&next), Arc::clone(&successes), Arc::clone(&accepted));
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= PUSHES {
                        return;
                    }
                    let push = ticket_push(&crypt, n as u64);
                    if send_like_wechat(&http, &url, &push).await {
                        successes.fetch_add(1, Ordering::SeqCst);
                        accepted.lock().unwrap().insert(push.body);
                    }
                }
            })
        })
        .collect();

    while successes.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    tokio::task::block_in_place(|| relay.kill9());
    let at_kill = successes.load(Ordering::SeqCst);
    tokio::time::sleep(DOWNTIME).await;
    tokio::task::block_in_place(|| relay.restart());
    for sender in senders {
        sender.await.unwrap();
    }
    let accepted = Arc::try_unwrap(accepted).unwrap().into_inner().unwrap();
    let sent: HashSet<String> = (0..PUSHES as u64).map(|n| ticket_push(&crypt, n).body).collect();
    eprintln!(
        "delivery/kill: {} of {PUSHES} pushes answered success ({at_kill} before kill -9) in {:.1} s",
        accepted.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(accepted.len() > at_kill && accepted.len() < PUSHES + 1, "the kill landed mid-burst");

    // The core keeps pulling through the restart; wait until everything accepted is in its inbox.
    let deadline = Instant::now() + Duration::from_secs(180);
    let rows = loop {
        let rows = desk.inbox_rows();
        let delivered: HashSet<&str> = rows.iter().filter(|r| r.is_delivered()).map(|r| r.body.as_str()).collect();
        if accepted.iter().all(|body| delivered.contains(body.as_str())) {
            break rows;
        }
        assert!(
            Instant::now() < deadline,
            "after 180 s the core has {} of the {} pushes answered success",
            accepted.iter().filter(|b| delivered.contains(b.as_str())).count(),
            accepted.len()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    // Let anything still in flight land before judging duplicates.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rows = if desk.inbox_rows().len() > rows.len() { desk.inbox_rows() } else { rows };

    let mut copies: HashMap<&str, usize> = HashMap::new();
    for row in rows.iter().filter(|r| r.is_delivered()) {
        *copies.entry(row.body.as_str()).or_default() += 1;
    }
    let twice = copies.values().filter(|&&n| n > 1).count();
    assert_eq!(twice, 0, "pushes the core holds more than once after de-duplication");
    let failed = rows.iter().filter(|r| r.state == "failed").count();
    assert_eq!(failed, 0, "pushes the core could not open (torn or altered bytes)");
    assert!(copies.keys().all(|body| sent.contains(*body)), "the core holds a push nobody sent");
    assert!(rows.iter().all(|r| r.kind.as_deref() == Some("component_verify_ticket")));
    let lost = accepted.iter().filter(|b| !copies.contains_key(b.as_str())).count();
    assert_eq!(lost, 0, "pushes answered success missing in the core");
    let duplicates = rows.iter().filter(|r| r.state == "duplicate").count();
    eprintln!(
        "delivery/kill: the core holds {} pushes once each ({} answered success, {} more stored though unanswered), {duplicates} copies de-duplicated; {:.1} s in all",
        copies.len(),
        accepted.len(),
        copies.len() - accepted.len(),
        started.elapsed().as_secs_f64()
    );
    desk.fleet.stop_inbox(COMPONENT_APPID).await.unwrap();
}

// ---- a desktop offline for a day ---------------------------------------------------------------

/// A day of WeChat's ticket schedule: one push every 10 minutes.
const TICKET_INTERVAL_SECS: i64 = 600;
const OFFLINE_SECS: i64 = 24 * 3600;

/// POSTs to the simulator's admin API.
async fn admin(sim_url: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    let response = http().post(format!("{sim_url}{path}")).json(&body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

async fn sim_state(sim_url: &str) -> serde_json::Value {
    http().get(format!("{sim_url}/admin/state?limit=0")).send().await.unwrap().json().await.unwrap()
}

/// Inbox rows of `kind` stored after row `after`.
fn count_kind(desk: &Desk, after: usize, kind: &str) -> usize {
    desk.inbox_rows().iter().skip(after).filter(|r| r.is_delivered() && r.kind.as_deref() == Some(kind)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_offline_for_a_day_gets_every_event_uses_the_newest_ticket_and_completes_the_authorization() {
    use fleet::releases::{CommitSpec, SubmitOptions};
    use fleet::sandbox::{Sandbox, SandboxOptions};

    let started = Instant::now();
    // The desktop's clock is its own; it moves the day forward along with WeChat's.
    let clock = Arc::new(wxfleet_drills::desk::JumpClock::default());
    let desk = Desk::open_with_clock(Duration::from_secs(10), clock.clone());
    let fleet = &desk.fleet;
    let mut options = SandboxOptions::new(&desk.dir.path().join("sandbox"), 4);
    options.sim.ticket_interval_secs = TICKET_INTERVAL_SECS as u64;
    // Audits end an hour after submission: while the desktop is away.
    options.sim.audit_after_secs = 3600;
    let sandbox = Sandbox::start(fleet, options).await.unwrap();
    let (platform, sim_url) = (sandbox.platform.clone(), sandbox.sim_url());
    fleet.start_inbox(&platform).await.unwrap();
    sandbox.ensure_ticket(fleet, Duration::from_secs(20)).await.unwrap();

    // Online: two merchants authorized, each with a version under audit; a link for a third.
    let apps = sandbox.authorize_demo_merchants(fleet, 2).await.unwrap();
    sandbox.prepare_demo_merchants(fleet, &apps).await.unwrap();
    admin(&sim_url, "/admin/code-limits", serde_json::json!({ "privacy_scan_secs": 0 })).await;
    fleet.sync_templates(&platform).await.unwrap();
    let template = fleet.templates(&platform).await.unwrap().into_iter().find(|t| t.user_version == "1.1.0").unwrap();
    let commit = CommitSpec { template_id: template.template_id, user_version: "1.1.0".into(), user_desc: "订单列表".into() };
    let submit = SubmitOptions { version_desc: Some("离线一天".into()), privacy_api_not_use: true, ..SubmitOptions::default() };
    for appid in &apps {
        fleet.commit(appid, &commit).await.unwrap();
        fleet.submit_audit(appid, &submit).await.unwrap();
    }
    let link = fleet.create_authorization_link(&platform, fleet::links::LinkMode::Pc, None).await.unwrap();
    let newcomer = sandbox.info.merchants[2].appid.clone();
    let stale_ticket = fleet.current_ticket(&platform).await.unwrap().expose().to_owned();

    // Offline: the inbox stops. The merchant authorizes through the link; WeChat's day goes by.
    fleet.stop_inbox(&platform).await.unwrap();
    let rows_before = desk.inbox_rows().len();
    merchant_consents(&link.url, &platform, &newcomer).await;
    for _ in 0..OFFLINE_SECS / TICKET_INTERVAL_SECS {
        admin(&sim_url, "/admin/clock", serde_json::json!({ "advance_secs": TICKET_INTERVAL_SECS })).await;
    }
    clock.jump_ms(OFFLINE_SECS * 1000);
    // Every push of the day has reached the relay.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sim_state(&sim_url).await["pending_pushes"].as_u64() != Some(0) {
        assert!(Instant::now() < deadline, "the simulator's pushes did not reach the relay within 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let state = sim_state(&sim_url).await;
    let newest =
        state["platforms"].as_array().unwrap().iter().find(|p| p["component_appid"] == platform.as_str()).unwrap()["tickets"][0].clone();
    assert_eq!(desk.inbox_rows().len(), rows_before, "nothing reached the core while it was away");
    let offline_took = started.elapsed();

    // The stale ticket is one WeChat no longer takes: proof that a token fetched later used a newer one.
    let secret = sandbox.info.platform.component_appsecret.clone();
    let refused: serde_json::Value = http()
        .post(format!("{sim_url}/cgi-bin/component/api_component_token"))
        .json(&serde_json::json!({ "component_appid": platform, "component_appsecret": secret, "component_verify_ticket": stale_ticket }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["errcode"], 61005, "a day-old ticket is refused: {refused}");

    // Back online.
    fleet.start_inbox(&platform).await.unwrap();
    let tickets_expected = (OFFLINE_SECS / TICKET_INTERVAL_SECS) as usize;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let tickets = count_kind(&desk, rows_before, "component_verify_ticket");
        let audits = count_kind(&desk, rows_before, "weapp_audit_success") + count_kind(&desk, rows_before, "weapp_audit_fail");
        let authorized = count_kind(&desk, rows_before, "authorized");
        let redirect = count_kind(&desk, rows_before, "authorize");
        if tickets >= tickets_expected && audits == apps.len() && authorized == 1 && redirect == 1 {
            eprintln!(
                "delivery/offline: after reconnecting: {tickets} tickets, {audits} audit results, the authorization (push and redirect)"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not all delivered after reconnecting: {tickets} tickets, {audits} audit results, {authorized} authorized, {redirect} redirects"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Handled, every one: the morning's authorization waits for the day's fresh ticket, not for its
    // back-off; its code expired hours ago, so the push completes it through api_get_authorizer_info
    // and the redirect finds the code done.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rows = desk.inbox_rows();
        let stuck: Vec<_> = rows
            .iter()
            .skip(rows_before)
            .filter(|r| matches!(r.state.as_str(), "error" | "failed" | "retrying" | "pending"))
            .map(|r| (&r.state, &r.kind, &r.last_error))
            .collect();
        if stuck.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "events the core could not handle: {stuck:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // The newest ticket is the one in use, and WeChat takes it for a token.
    let in_use = fleet.current_ticket(&platform).await.unwrap().expose().to_owned();
    let shown = newest["ticket"].as_str().unwrap().trim_end_matches('…');
    assert!(in_use.starts_with(shown), "the core uses {in_use}, WeChat's newest is {newest}");
    assert_eq!(fleet.ticket_status(&platform).await.unwrap().create_time, newest["issued_at"].as_i64());
    let pre_auth = fleet
        .with_component_token(&platform, |api, cat| {
            let component_appid = platform.clone();
            async move {
                api.api_create_preauthcode(
                    wechat::api::ComponentToken(&cat),
                    &wechat::api::component::ApiCreatePreauthcodeRequest { component_appid },
                )
                .await
            }
        })
        .await;
    assert!(pre_auth.is_ok(), "a component token from the newest ticket: {pre_auth:?}");

    // The authorization completed: the merchant is there with its permission sets, and its token works.
    let deadline = Instant::now() + Duration::from_secs(30);
    let detail = loop {
        match fleet.authorizer(&newcomer).await {
            Ok(detail) => break detail,
            Err(e) => assert!(Instant::now() < deadline, "{newcomer} never appeared: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(detail.authorizer.granted.len(), 3, "{detail:?}");
    // The link the merchant used shows the authorization done, whichever of push and redirect came first.
    let finished = fleet.link(&link.id).await.unwrap();
    assert_eq!((finished.state, finished.appid.as_deref()), (fleet::links::LinkState::Done, Some(newcomer.as_str())), "{finished:?}");
    let quota = fleet::releases::calls::query_quota(fleet, &newcomer).await;
    assert!(quota.is_ok(), "the new authorizer's token: {quota:?}");
    eprintln!(
        "delivery/offline: a day away in {:.1} s, caught up in {:.1} s",
        offline_took.as_secs_f64(),
        (started.elapsed() - offline_took).as_secs_f64()
    );
    fleet.stop_inbox(&platform).await.unwrap();
    sandbox.shutdown().await.unwrap();
}
