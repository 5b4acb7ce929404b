//! The inbox against the real simulator and relay: the simulator pushes to the relay, the inbox
//! pulls — tickets, authorizations, pushes that do not open, duplicates, restarts, link results.

use std::sync::Arc;

use fleet::inbox::{InboxFilter, InboxItem, InboxState};
use fleet::sandbox::RELAY_PLATFORM_ID;
use fleet::{Fleet, FleetEvent, ManualClock};
use wechat::crypto::MsgCrypt;
use wechat::xml::{Addressee, ComponentHeader, ComponentVerifyTicket, Event};

use crate::support::{eventually, world_with_clock, World};

/// Starts the inbox and waits until the simulator's start-up ticket has been handled (and the
/// outcome recorded on its row).
async fn inbox_with_ticket(world: &World) {
    let mut events = world.fleet().subscribe();
    world.fleet().start_inbox(world.platform()).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::PushReceived { kind, ok: true, .. } if kind == "component_verify_ticket"))
        .await;
}

async fn items(fleet: &Fleet, filter: InboxFilter) -> Vec<InboxItem> {
    fleet.inbox(filter).await.unwrap()
}

/// Polls the inbox (every 50 ms, up to 20 s) for an item matching `pred`.
async fn item_where(fleet: &Fleet, what: &str, pred: impl Fn(&InboxItem) -> bool) -> InboxItem {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(item) = items(fleet, InboxFilter::default()).await.into_iter().find(&pred) {
            return item;
        }
        assert!(tokio::time::Instant::now() < deadline, "not within 20 s: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A ticket push as WeChat would seal it, with `crypt`, for `app_id`.
fn ticket_push(crypt: &MsgCrypt, app_id: &str, ticket: &str, create_time: i64) -> wechat::crypto::SealedPush {
    let xml = Event::ComponentVerifyTicket(ComponentVerifyTicket {
        header: ComponentHeader { app_id: app_id.to_owned(), create_time },
        component_verify_ticket: ticket.to_owned(),
    })
    .to_xml();
    crypt.seal_push(&Addressee::AppId(app_id.to_owned()), &xml, &create_time.to_string(), "nonce123", None, [7; 16])
}

/// POSTs a push to the relay's authorization-event URL, as WeChat would.
async fn post_to_relay(world: &World, query: &str, body: &str) {
    let url = format!("{}/wx/{RELAY_PLATFORM_ID}/component?{query}", world.sandbox.relay.base_url);
    let response = reqwest::Client::new().post(url).body(body.to_owned()).send().await.unwrap();
    assert_eq!(response.status(), 200, "the relay accepts it (the signature is right)");
    assert_eq!(response.text().await.unwrap(), "success");
}

fn platform_crypt(world: &World) -> MsgCrypt {
    let p = &world.sandbox.info.platform;
    MsgCrypt::new(&p.token, &p.encoding_aes_key, &p.component_appid).unwrap()
}

#[tokio::test]
async fn a_pushed_ticket_arrives_and_the_component_token_works() {
    let world = World::start(1).await;
    let fleet = world.fleet();
    let mut events = fleet.subscribe();
    fleet.start_inbox(world.platform()).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::RelayStatus { state, .. } if state == "connected")).await;
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::TicketReceived { platform } if platform == world.platform())).await;

    let status = fleet.ticket_status(world.platform()).await.unwrap();
    assert!(status.valid, "{status:?}");
    fleet.component_token(world.platform()).await.expect("the pushed ticket buys a component token");

    let ticket = item_where(fleet, "a handled ticket push", |i| {
        i.kind.as_deref() == Some("component_verify_ticket") && i.state == InboxState::Handled
    })
    .await;
    assert!(ticket.opened && ticket.handled && ticket.relay_seq.is_some() && ticket.attempts == 1, "{ticket:?}");
    assert_eq!(ticket.source, "component");
    eventually("everything handled is acked", || async { fleet.relay_status(world.platform()).expect("the inbox runs").lag == 0 }).await;

    // The detail view decrypts on demand; the plaintext is not stored.
    let detail = fleet.inbox_item(ticket.id).await.unwrap();
    assert!(detail.xml.as_deref().unwrap().contains("<InfoType><![CDATA[component_verify_ticket]]></InfoType>"), "{:?}", detail.xml);
    assert_eq!(detail.event.unwrap()["type"], "component_verify_ticket");
    assert!(detail.query.contains("msg_signature="));
    assert!(detail.body.contains("<Encrypt>"));

    fleet.stop_inbox(world.platform()).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::RelayStatus { state, .. } if state == "stopped")).await;
    assert!(fleet.relay_status(world.platform()).is_none());
}

#[tokio::test]
async fn asking_for_a_ticket_push_brings_one_and_is_audited() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let before = items(fleet, InboxFilter { kind: Some("component_verify_ticket".to_owned()), ..InboxFilter::default() }).await.len();
    let mut events = fleet.subscribe();
    fleet.request_ticket_push(world.platform()).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::TicketReceived { .. })).await;
    let after = items(fleet, InboxFilter { kind: Some("component_verify_ticket".to_owned()), ..InboxFilter::default() }).await.len();
    assert_eq!(after, before + 1);
    let log = fleet.audit_log(None, 10).await.unwrap();
    let entry = log.iter().find(|e| e.action == "ticket.request_push").expect("audited");
    assert_eq!((entry.result.as_str(), entry.detail.as_str()), ("ok", world.platform()));
}

#[tokio::test]
async fn a_push_sealed_with_the_wrong_key_is_kept_with_the_failing_step_and_the_loop_moves_on() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let platform = world.platform().to_owned();

    // The right Token (the relay accepts it), a wrong EncodingAESKey.
    let p = &world.sandbox.info.platform;
    let wrong = MsgCrypt::new(&p.token, "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI", &platform).unwrap();
    let push = ticket_push(&wrong, &platform, "ticket@@@wrong-key", 1_700_000_000);
    let mut events = fleet.subscribe();
    post_to_relay(&world, &push.query_string, &push.body).await;
    let event = World::wait_event(&mut events, |e| matches!(e, FleetEvent::PushReceived { ok: false, .. })).await;
    let FleetEvent::PushReceived { inbox_id, kind: step, .. } = event else { unreachable!() };
    assert_eq!(step, "padding");

    let failed = items(fleet, InboxFilter { problems_only: true, ..InboxFilter::default() }).await;
    let item = failed.iter().find(|i| i.id == inbox_id).expect("kept");
    assert_eq!(
        (item.state, item.opened, item.failed_step.as_deref(), item.failed_code),
        (InboxState::Failed, false, Some("padding"), Some(-40008))
    );
    assert!(item.kind.is_none());
    let detail = fleet.inbox_item(inbox_id).await.unwrap();
    assert_eq!((detail.query.as_str(), detail.body.as_str()), (push.query_string.as_str(), push.body.as_str()), "byte-exact");
    let diagnosis = detail.diagnosis.expect("a diagnosis");
    assert_eq!(diagnosis.step.as_deref(), Some("padding"));
    assert!(diagnosis.hint.unwrap().contains("EncodingAESKey"));
    assert_eq!(fleet.diagnose_push(&platform, &push.query_string, &push.body).await.unwrap().step.as_deref(), Some("padding"));

    // Retrying does not help while the key is wrong.
    let retried = fleet.retry_inbox_item(inbox_id).await.unwrap();
    assert_eq!(retried.state, InboxState::Failed);

    // The loop moved on: the next real ticket is handled.
    fleet.request_ticket_push(&platform).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::TicketReceived { .. })).await;

    // A push with a good key diagnoses fine; a wrong Token is named.
    let good = ticket_push(&platform_crypt(&world), &platform, "ticket@@@good", 1_700_000_000);
    let fine = fleet.diagnose_push(&platform, &good.query_string, &good.body).await.unwrap();
    assert!(fine.ok && fine.kind.as_deref() == Some("component_verify_ticket"), "{fine:?}");
    let forged = MsgCrypt::new("another-token", &p.encoding_aes_key, &platform).unwrap();
    let forged = ticket_push(&forged, &platform, "ticket@@@forged", 1_700_000_000);
    let bad = fleet.diagnose_push(&platform, &forged.query_string, &forged.body).await.unwrap();
    assert_eq!((bad.step.as_deref(), bad.code), (Some("signature"), Some(-40001)));
    assert!(bad.hint.unwrap().contains("Token"));
}

#[tokio::test]
async fn a_ticket_naming_another_platform_is_not_stored() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let platform = world.platform().to_owned();
    let before = fleet.ticket_status(&platform).await.unwrap();

    // Signed and encrypted for this platform, but the AppId inside is another's, and newer.
    let push = ticket_push(&platform_crypt(&world), "wx0000000000other", "ticket@@@other-platform", 4_000_000_000);
    let mut events = fleet.subscribe();
    post_to_relay(&world, &push.query_string, &push.body).await;
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::PushReceived { ok: false, kind, .. } if kind == "appid")).await;
    let after = fleet.ticket_status(&platform).await.unwrap();
    assert_eq!((after.received_at, after.create_time), (before.received_at, before.create_time), "the ticket was not replaced");
    let current = fleet.current_ticket(&platform).await.unwrap();
    assert_ne!(current.expose(), "ticket@@@other-platform");
}

#[tokio::test]
async fn a_push_sent_twice_is_handled_once() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let original = items(fleet, InboxFilter { state: Some(InboxState::Handled), ..InboxFilter::default() }).await.remove(0);
    let detail = fleet.inbox_item(original.id).await.unwrap();

    // WeChat retrying: the same bytes again.
    let mut events = fleet.subscribe();
    post_to_relay(&world, &detail.query, &detail.body).await;
    let copy = item_where(fleet, "the copy is stored", |i| i.state == InboxState::Duplicate).await;
    assert_eq!(copy.duplicate_of, Some(original.id));
    assert!(copy.handled && copy.attempts == 0 && copy.handled_at.is_none(), "not handled again: {copy:?}");
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::PushReceived { inbox_id, ok: true, .. } if *inbox_id == copy.id)).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let copy = fleet.inbox(InboxFilter::default()).await.unwrap().into_iter().find(|i| i.id == copy.id).unwrap();
    assert_eq!((copy.state, copy.attempts), (InboxState::Duplicate, 0), "the retry timer leaves it alone");
}

#[tokio::test]
async fn a_restarted_inbox_does_not_handle_events_again() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    fleet.request_ticket_push(world.platform()).await.unwrap();
    item_where(fleet, "two tickets handled", |i| i.relay_seq.is_some_and(|s| s >= 2) && i.state == InboxState::Handled).await;
    fleet.stop_inbox(world.platform()).await.unwrap();
    let before = items(fleet, InboxFilter::default()).await;
    let (seq, log_id) = cursor(fleet, world.platform()).await;
    assert!(seq >= 2 && log_id.is_some(), "the cursor and the relay's log id are kept: {seq} {log_id:?}");

    // A new process on the same workspace.
    let reopened = world.ws.reopen();
    let mut events = reopened.subscribe();
    reopened.start_inbox(world.platform()).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::RelayStatus { state, .. } if state == "connected")).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(items(&reopened, InboxFilter::default()).await, before, "nothing stored or handled again");
    while let Ok(event) = events.try_recv() {
        assert!(!matches!(event, FleetEvent::PushReceived { .. } | FleetEvent::TicketReceived { .. }), "{event:?}");
    }

    // And new pushes still come.
    reopened.request_ticket_push(world.platform()).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::TicketReceived { .. })).await;
    assert_eq!(items(&reopened, InboxFilter::default()).await.len(), before.len() + 1);
    reopened.stop_inbox(world.platform()).await.unwrap();
}

/// An `authorized` push whose handler fails (WeChat answers -1 to `api_query_auth`) is stored and
/// kept for a retry; the retry timer hands it over again and it goes through.
#[tokio::test]
async fn an_authorized_push_whose_handler_fails_is_kept_and_retried() {
    let clock = ManualClock::new(fleet::Clock::now_ms(&fleet::SystemClock));
    let world = world_with_clock(1, Arc::new(clock.clone())).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    world.script_fault("/cgi-bin/component/api_query_auth", serde_json::json!(-1), 1).await;
    let merchant = world.sandbox.info.merchants[0].appid.clone();
    let _code = world.consent_code(0, &[17, 18, 30]).await;

    let pushed = item_where(fleet, "the authorized push is stored and its handler failed", |i| {
        i.kind.as_deref() == Some("authorized") && i.attempts >= 1
    })
    .await;
    assert_eq!(pushed.subject.as_deref(), Some(merchant.as_str()));
    assert_eq!(pushed.state, InboxState::Retrying, "{pushed:?}");
    assert!(pushed.last_error.as_deref().unwrap().contains("-1"), "{:?}", pushed.last_error);
    assert_eq!(pushed.next_attempt_at, Some(fleet.now_ms() + fleet::inbox::retry_delay_ms(1)));

    // Later, the retry timer hands it over again.
    clock.advance_ms(fleet::inbox::retry_delay_ms(1));
    let handled = item_where(fleet, "the authorized push is handled", |i| i.id == pushed.id && i.state != InboxState::Retrying).await;
    assert_eq!(handled.state, InboxState::Handled, "{handled:?}");
    assert_eq!(handled.attempts, 2);
    assert_eq!(fleet.authorizer_platform(&merchant).await.unwrap(), world.platform(), "accept_auth_code recorded the authorizer");
}

#[tokio::test]
async fn a_links_result_reaches_the_links_area_with_its_code_sealed() {
    use wxfleet_relay::client::{AuthorizeLinkRequest, LinkMode, RelayClient};

    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let platform = world.platform().to_owned();
    let pre_auth_code = fleet
        .with_component_token(&platform, |api, cat| {
            let request = wechat::api::component::ApiCreatePreauthcodeRequest { component_appid: platform.clone() };
            async move { api.api_create_preauthcode(wechat::api::ComponentToken(&cat), &request).await }
        })
        .await
        .unwrap()
        .pre_auth_code;
    let (vault, name) = (fleet.vault().clone(), fleet::platforms::secret::relay_credential(&platform));
    let credential = fleet.store().read(move |c| fleet::secrets::require_str(c, &vault, &name)).await.unwrap();
    let relay = RelayClient::new(&world.sandbox.relay.base_url, credential.expose()).unwrap();
    let link = relay
        .create_authorize_link(&AuthorizeLinkRequest {
            platform: RELAY_PLATFORM_ID.to_owned(),
            pre_auth_code,
            mode: LinkMode::Pc,
            auth_type: Some(2),
            biz_appid: None,
            consent_origin: Some(world.sandbox.sim_url()),
            expires_in: 600,
        })
        .await
        .unwrap();
    let consent = world.consent_through_link(&link.url, 0, &[17, 18, 30]).await;

    let result = item_where(fleet, "the link's result is stored", |i| i.kind.as_deref() == Some("authorize")).await;
    assert_eq!(result.source, "authorize");
    let detail = fleet.inbox_item(result.id).await.unwrap();
    let auth_code = url::form_urlencoded::parse(detail.query.as_bytes()).find(|(k, _)| k == "auth_code").map(|(_, v)| v.into_owned());
    assert_eq!(auth_code, Some(consent.auth_code), "the query is kept: {}", detail.query);
    assert_eq!(detail.event.unwrap()["link"], link.id);
    // The auth_code is a credential: sealed at rest.
    let id = result.id;
    let plain: Option<String> =
        fleet.store().read(move |c| Ok(c.query_row("SELECT query FROM inbox WHERE id = ?1", [id], |r| r.get(0))?)).await.unwrap();
    assert_eq!(plain, None);
}

#[test]
fn retries_back_off_to_ten_minutes() {
    let delays: Vec<i64> = (1..=9).map(fleet::inbox::retry_delay_ms).collect();
    assert_eq!(delays, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000]);
}

/// The relay's log id and the cursor in it, as stored.
async fn cursor(fleet: &Fleet, platform: &str) -> (i64, Option<String>) {
    let platform = platform.to_owned();
    fleet
        .store()
        .read(move |c| {
            Ok(c.query_row("SELECT seq, log_id FROM inbox_cursors WHERE component_appid = ?1", [platform], |r| Ok((r.get(0)?, r.get(1)?)))?)
        })
        .await
        .unwrap()
}

/// The relay is replaced (a new database: a new log whose sequence starts at 1 again). The relay
/// answers the old cursor with a reset: the gap is reconciled through WeChat's query APIs, and the
/// new log's events are stored — not mistaken for the old log's events with the same numbers.
#[tokio::test]
async fn a_replaced_relay_is_reconciled_and_its_events_are_not_mistaken_for_old_ones() {
    use fleet::sandbox::{Sandbox, SandboxOptions};

    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let platform = world.platform().to_owned();
    world.fleet().stop_inbox(&platform).await.unwrap();
    let (old_seq, old_log) = cursor(world.fleet(), &platform).await;
    assert!(old_seq >= 1 && old_log.is_some());
    let old_rows = items(world.fleet(), InboxFilter::default()).await.len();

    let World { ws, sandbox } = world;
    sandbox.shutdown().await.unwrap();
    let mut options = SandboxOptions::new(&ws.dir.path().join("sandbox-new"), 1);
    options.sim.audit_after_secs = 1;
    let sandbox = Sandbox::start(&ws.fleet, options).await.unwrap();
    let world = World { ws, sandbox };
    let fleet = world.fleet();
    let mut events = fleet.subscribe();
    fleet.start_inbox(&platform).await.unwrap();

    World::wait_event(&mut events, |e| matches!(e, FleetEvent::PushReceived { kind, .. } if kind == "relay_gap")).await;
    let gap =
        item_where(fleet, "the reconciliation is done", |i| i.kind.as_deref() == Some("relay_gap") && i.state == InboxState::Handled).await;
    assert_eq!(gap.source, "gap");
    let new_first = item_where(fleet, "the new log's first event is stored", |i| i.relay_seq == Some(1) && i.id > gap.id).await;
    assert_eq!(new_first.kind.as_deref(), Some("component_verify_ticket"));
    assert!(items(fleet, InboxFilter::default()).await.len() > old_rows + 1);
    let (_, new_log) = cursor(fleet, &platform).await;
    assert!(new_log.is_some() && new_log != old_log, "the cursor counts in the new log");
    fleet.component_token(&platform).await.expect("a ticket of the new simulator");
    fleet.stop_inbox(&platform).await.unwrap();
}

/// The story of field-notes #6: the EncodingAESKey stored here is wrong, so pushes fail at the
/// padding step (or, by chance, the checks right after it) and are kept; once the right key is stored, retrying one opens and handles it.
#[tokio::test]
async fn a_push_that_failed_with_a_wrong_stored_key_is_handled_on_retry_once_the_key_is_fixed() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let platform = world.platform().to_owned();
    let name = fleet::platforms::secret::aes_key(&platform);
    let set_key = |key: String| {
        let (vault, name) = (fleet.vault().clone(), name.clone());
        async move { fleet.store().write(move |tx| fleet::secrets::put_str(tx, &vault, &name, &key, 0)).await.unwrap() }
    };

    set_key("Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI".to_owned()).await;
    let mut events = fleet.subscribe();
    fleet.request_ticket_push(&platform).await.unwrap();
    let failed = World::wait_event(&mut events, |e| matches!(e, FleetEvent::PushReceived { ok: false, .. })).await;
    let FleetEvent::PushReceived { inbox_id, kind: step, .. } = failed else { unreachable!() };
    // A wrong key decrypts to noise: its PKCS#7 padding is refused, except about once in 256 pushes
    // when the noise happens to end in valid padding and the length or appid check after it refuses it.
    assert!(["padding", "length", "appid"].contains(&step.as_str()), "a wrong key is refused while decrypting, not {step}");

    set_key(world.sandbox.info.platform.encoding_aes_key.clone()).await;
    let retried = fleet.retry_inbox_item(inbox_id).await.unwrap();
    assert_eq!((retried.state, retried.kind.as_deref(), retried.failed_step), (InboxState::Handled, Some("component_verify_ticket"), None));
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::TicketReceived { .. })).await;
    let log = fleet.audit_log(None, 10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "inbox.retry" && e.result == "ok"), "{log:?}");
    let again = fleet.retry_inbox_item(inbox_id).await.unwrap_err();
    assert_eq!(again.code(), "conflict", "a handled item is not retried: {again}");
}

/// The merchant revokes at WeChat: the `unauthorized` push marks the mini program, and its actions
/// are refused before calling WeChat.
#[tokio::test]
async fn an_unauthorized_push_marks_the_mini_program_revoked() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let appid = world.authorize_directly(0).await;
    fleet.authorizer_token(world.platform(), &appid).await.unwrap();

    world.admin("/admin/revoke", serde_json::json!({ "authorizer_appid": appid })).await;
    let pushed = item_where(fleet, "the unauthorized push is handled", |i| {
        i.kind.as_deref() == Some("unauthorized") && i.state == InboxState::Handled
    })
    .await;
    assert_eq!(pushed.subject.as_deref(), Some(appid.as_str()));
    let error = fleet.with_authorizer_token(&appid, |_api, _aat| async { Ok::<_, wechat::api::Error>(()) }).await.unwrap_err();
    assert!(matches!(error, fleet::FleetError::Revoked { .. }), "{error:?}");
    assert!(fleet.token_info(fleet::tokens::TokenKind::Authorizer, &appid).await.unwrap().is_none(), "its token is dropped");
}

/// An audit result pushed to the mini program's message URL reaches the releases area for the
/// appid of that URL.
#[tokio::test]
async fn an_audit_result_is_dispatched_for_the_appid_of_its_url() {
    let world = World::start(1).await;
    inbox_with_ticket(&world).await;
    let fleet = world.fleet();
    let appid = world.sandbox.info.merchants[0].appid.clone();
    let xml = Event::WeappAuditSuccess(wechat::xml::WeappAuditSuccess {
        header: wechat::xml::MessageHeader {
            to_user_name: "gh_0123456789ab".to_owned(),
            from_user_name: "o0000000000000000000000000000".to_owned(),
            create_time: 1_700_000_000,
        },
        succ_time: 1_700_000_000,
    })
    .to_xml();
    let push =
        platform_crypt(&world).seal_push(&Addressee::ToUserName("gh_0123456789ab".to_owned()), &xml, "1700000000", "n", None, [1; 16]);
    let url = format!("{}/wx/{RELAY_PLATFORM_ID}/app/{appid}?{}", world.sandbox.relay.base_url, push.query_string);
    let response = reqwest::Client::new().post(url).body(push.body).send().await.unwrap();
    assert_eq!(response.status(), 200);

    let item =
        item_where(fleet, "the audit result is dispatched", |i| i.kind.as_deref() == Some("weapp_audit_success") && i.attempts >= 1).await;
    assert_eq!((item.source.as_str(), item.appid.as_deref(), item.subject.as_deref()), ("app", Some(appid.as_str()), Some(appid.as_str())));
    assert!(matches!(item.state, InboxState::Handled | InboxState::Retrying), "{item:?}");
}

/// Waits until the simulator has delivered every push it queued (to the relay).
async fn pushes_delivered(world: &World) {
    let url = format!("{}/admin/state?limit=0", world.sandbox.sim_url());
    eventually("the simulator's pushes reached the relay", || async {
        let state: serde_json::Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        state["pending_pushes"].as_u64() == Some(0)
    })
    .await;
}

/// A ticket counts from the later of the relay's receive time and WeChat's `CreateTime`: a relay
/// whose clock lags does not make a fresh ticket look stale; both old, it is stale.
#[test]
fn a_tickets_age_counts_from_the_later_of_its_receive_and_create_times() {
    const HOUR_MS: i64 = 3_600_000;
    let now = 1_800_000_000_000;
    assert_eq!(fleet::tickets::fresh_since(now - 24 * HOUR_MS, now / 1000 - 60, now), now - 60_000, "the relay's clock a day behind");
    assert_eq!(fleet::tickets::fresh_since(now - 60_000, (now - 24 * HOUR_MS) / 1000, now), now - 60_000, "WeChat's clock behind");
    assert_eq!(fleet::tickets::fresh_since(now - 13 * HOUR_MS, (now - 13 * HOUR_MS) / 1000, now), now - 13 * HOUR_MS);
    assert_eq!(fleet::tickets::fresh_since(now + 5_000, now / 1000 + 5, now), now, "never in the future");
}

/// Makes the ticket here a day old (and drops the component token bought with it), as after a day away.
async fn age_the_ticket(fleet: &Fleet, platform: &str) {
    let day_ago = fleet.now_ms() - 24 * 3_600_000;
    fleet
        .store()
        .write(move |tx| Ok(tx.execute("UPDATE tickets SET received_at = ?1, create_time = ?2", [day_ago, day_ago / 1000])?))
        .await
        .unwrap();
    fleet.forget_token(fleet::tokens::TokenKind::Component, platform).await.unwrap();
    assert!(!fleet.ticket_status(platform).await.unwrap().valid);
}

/// After a day away the relay's backlog has a merchant's `authorized` push before the day's tickets.
/// A fresh ticket in the same pulled batch is applied first, so the push goes through at once; one
/// that comes only later makes the push, failed `ticket_missing` meanwhile, due at once. The
/// workspace's clock stands still here, so no back-off ever ends by itself.
#[tokio::test]
async fn a_fresh_ticket_is_applied_before_the_events_of_its_batch_and_makes_earlier_failures_due() {
    let clock = ManualClock::new(fleet::Clock::now_ms(&fleet::SystemClock));
    let world = world_with_clock(2, Arc::new(clock.clone())).await;
    inbox_with_ticket(&world).await;
    let (fleet, platform) = (world.fleet(), world.platform().to_owned());
    let (first, second) = (world.sandbox.info.merchants[0].appid.clone(), world.sandbox.info.merchants[1].appid.clone());
    let authorized_of = |appid: &str| {
        let appid = appid.to_owned();
        move |i: &InboxItem| i.kind.as_deref() == Some("authorized") && i.subject.as_deref() == Some(appid.as_str())
    };

    // The ticket comes after the push has failed for want of one.
    fleet.stop_inbox(&platform).await.unwrap();
    world.consent_code(0, &[17, 18, 30]).await;
    pushes_delivered(&world).await;
    age_the_ticket(fleet, &platform).await;
    fleet.start_inbox(&platform).await.unwrap();
    let failed = item_where(fleet, "the first push failed", authorized_of(&first)).await;
    let failed = item_where(fleet, "the first push failed", |i| i.id == failed.id && i.attempts == 1).await;
    assert_eq!(failed.state, InboxState::Retrying, "{failed:?}");
    assert!(failed.last_error.as_deref().unwrap().starts_with("[ticket_missing]"), "{failed:?}");
    fleet.request_ticket_push(&platform).await.unwrap();
    let handled = item_where(fleet, "the first push handled", |i| i.id == failed.id && i.state == InboxState::Handled).await;
    assert_eq!(handled.attempts, 2, "{handled:?}");

    // The ticket is behind the push in the same backlog.
    fleet.stop_inbox(&platform).await.unwrap();
    world.consent_code(1, &[18, 30]).await;
    age_the_ticket(fleet, &platform).await;
    fleet.request_ticket_push(&platform).await.unwrap();
    pushes_delivered(&world).await;
    fleet.start_inbox(&platform).await.unwrap();
    let handled = item_where(fleet, "the second push handled", |i| authorized_of(&second)(i) && i.state == InboxState::Handled).await;
    assert_eq!(handled.attempts, 1, "the batch's ticket was applied first: {handled:?}");

    assert!(fleet.ticket_status(&platform).await.unwrap().valid);
    assert_eq!(fleet.authorizer(&first).await.unwrap().authorizer.granted.len(), 3);
    assert_eq!(fleet.authorizer(&second).await.unwrap().authorizer.granted.len(), 2);
    fleet.stop_inbox(&platform).await.unwrap();
}

/// A link's result whose code expired before the desktop got to it (61010) leaves the link pending
/// and waits; the `authorized` push names the mini program, completes the authorization through
/// `api_get_authorizer_info`, and makes the link's result due at once: the link ends done. The
/// workspace's clock stands still, so nothing is retried by its back-off.
#[tokio::test]
async fn a_links_result_with_an_expired_code_waits_for_the_authorized_push_and_ends_done() {
    let clock = ManualClock::new(fleet::Clock::now_ms(&fleet::SystemClock));
    let world = world_with_clock(1, Arc::new(clock.clone())).await;
    inbox_with_ticket(&world).await;
    let (fleet, platform) = (world.fleet(), world.platform().to_owned());
    let link = fleet.create_authorization_link(&platform, fleet::links::LinkMode::Pc, None).await.unwrap();
    fleet.stop_inbox(&platform).await.unwrap();

    // Away: the merchant authorizes through the link; WeChat's clock passes the code's 10 minutes.
    let merchant = world.sandbox.info.merchants[0].appid.clone();
    world.consent_through_link(&link.url, 0, &[17, 18, 30]).await;
    world.admin("/admin/clock", serde_json::json!({ "advance_secs": 11 * 60 })).await;
    pushes_delivered(&world).await;
    // The push's first go fails after the code was refused: both events are left waiting.
    world.script_fault("/cgi-bin/component/api_get_authorizer_info", serde_json::json!(-1), 1).await;

    fleet.start_inbox(&platform).await.unwrap();
    let push = item_where(fleet, "the push failed once", |i| i.kind.as_deref() == Some("authorized") && i.attempts == 1).await;
    let redirect = item_where(fleet, "the link's result failed once", |i| i.kind.as_deref() == Some("authorize") && i.attempts == 1).await;
    assert_eq!(push.state, InboxState::Retrying, "{push:?}");
    assert!(push.last_error.as_deref().unwrap().starts_with("[wechat:-1]"), "{push:?}");
    assert_eq!(redirect.state, InboxState::Retrying, "{redirect:?}");
    assert!(redirect.last_error.as_deref().unwrap().starts_with("[wechat:61010]"), "{redirect:?}");
    assert_eq!(fleet.link(&link.id).await.unwrap().state, fleet::links::LinkState::Pending, "an expired code does not fail the link");

    // The push goes through: the authorization as WeChat reports it, and the link's result at once.
    let retried = fleet.retry_inbox_item(push.id).await.unwrap();
    assert_eq!(retried.state, InboxState::Handled, "{retried:?}");
    let redirect = item_where(fleet, "the link's result is handled", |i| i.id == redirect.id && i.state != InboxState::Retrying).await;
    assert_eq!((redirect.state, redirect.attempts), (InboxState::Handled, 2), "{redirect:?}");
    let done = fleet.link(&link.id).await.unwrap();
    assert_eq!((done.state, done.appid.as_deref()), (fleet::links::LinkState::Done, Some(merchant.as_str())));
    let authorizer = fleet.authorizer(&merchant).await.unwrap().authorizer;
    assert_eq!(authorizer.granted.iter().map(|g| g.id).collect::<Vec<_>>(), [17, 18, 30]);
    fleet.authorizer_token(&platform, &merchant).await.expect("the refresh token read from WeChat works");
    fleet.stop_inbox(&platform).await.unwrap();
}
