//! Authorization links: the relay's entry page, WeChat's consent page opened from it, the redirect
//! caught, the link's outcome; QR codes of the link's URL.

use std::sync::Arc;

use fleet::links::{self, LinkFilter, LinkMode, LinkState};
use fleet::platforms::PlatformInput;
use fleet::{FleetError, FleetEvent, ManualClock};

use crate::support::{self, World};

#[tokio::test]
async fn a_merchant_authorizes_through_a_link_on_the_relay() {
    let world = World::start(2).await;
    world.ticket().await;
    let fleet = world.fleet();
    let mut events = fleet.subscribe();

    let link = fleet.create_authorization_link(world.platform(), LinkMode::Pc, None).await.unwrap();
    assert_eq!(link.state, LinkState::Pending);
    assert!(link.url.starts_with(&format!("{}/authorize/", world.sandbox.relay.base_url)), "{}", link.url);
    assert!(link.expires_at > link.created_at);
    World::wait_event(
        &mut events,
        |e| matches!(e, FleetEvent::LinkChanged { link_id, state, .. } if link_id == &link.id && state == "pending"),
    )
    .await;

    // The QR code holds the link's URL.
    let png = fleet.link_qr_png(&link.id).await.unwrap();
    assert_eq!(support::read_qr(&png), link.url);
    let svg = fleet.link_qr_svg(&link.id).await.unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");

    // The merchant's browser: relay entry page → consent page (Referer: the relay) → redirect to the
    // relay's catcher.
    let consent = world.consent_through_link(&link.url, 1, &[17, 18, 30]).await;
    assert!(consent.done_page.contains("授权完成"), "{}", consent.done_page);

    // The relay reports the outcome (the inbox does this in the product).
    links::on_link_result(fleet, world.platform(), &link.id, "done", Some(&consent.auth_code)).await.unwrap();
    let appid = world.sandbox.info.merchants[1].appid.clone();
    let done = fleet.link(&link.id).await.unwrap();
    assert_eq!((done.state, done.appid.as_deref()), (LinkState::Done, Some(appid.as_str())));
    assert!(done.finished_at.is_some());
    World::wait_event(
        &mut events,
        |e| matches!(e, FleetEvent::LinkChanged { state, appid: Some(a), .. } if state == "done" && a == &appid),
    )
    .await;
    let authorizer = fleet.authorizer(&appid).await.unwrap().authorizer;
    assert_eq!(authorizer.granted.iter().map(|g| g.id).collect::<Vec<_>>(), [17, 18, 30]);

    // The `authorized` push brings the same code: nothing more happens; a repeated report neither.
    let again = fleet::authorizers::accept_auth_code(fleet, world.platform(), &consent.auth_code, None).await.unwrap();
    assert_eq!(again, appid);
    links::on_link_result(fleet, world.platform(), &link.id, "done", Some(&consent.auth_code)).await.unwrap();
    let log = fleet.audit_log(Some(&appid), 20).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "authorizer.authorize").count(), 1, "{log:?}");

    // A finished link has no QR code to show.
    let err = fleet.link_qr_png(&link.id).await.unwrap_err();
    assert!(matches!(err, FleetError::Conflict(_)), "{err:?}");
    assert_eq!(fleet.links(LinkFilter { state: Some(LinkState::Done), ..Default::default() }).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_code_arriving_by_push_first_still_completes_its_link() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let link =
        fleet.create_authorization_link(world.platform(), LinkMode::Mobile, Some(&world.sandbox.info.merchants[0].appid)).await.unwrap();
    assert_eq!(link.mode, LinkMode::Mobile);
    assert_eq!(link.biz_appid.as_deref(), Some(world.sandbox.info.merchants[0].appid.as_str()));
    let consent = world.consent_through_link(&link.url, 0, &[18, 30]).await;

    let appid = fleet::authorizers::accept_auth_code(fleet, world.platform(), &consent.auth_code, None).await.unwrap();
    assert_eq!(fleet.link(&link.id).await.unwrap().state, LinkState::Pending, "the push does not name the link");
    links::on_link_result(fleet, world.platform(), &link.id, "done", Some(&consent.auth_code)).await.unwrap();
    let done = fleet.link(&link.id).await.unwrap();
    assert_eq!((done.state, done.appid), (LinkState::Done, Some(appid)));
}

#[tokio::test]
async fn links_expire_with_the_clock_and_failures_are_recorded_once() {
    let clock = ManualClock::new(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64);
    let world = support::world_with_clock(1, Arc::new(clock.clone())).await;
    world.ticket().await;
    let fleet = world.fleet();

    let expiring = fleet.create_authorization_link(world.platform(), LinkMode::Pc, None).await.unwrap();
    let failing = fleet.create_authorization_link(world.platform(), LinkMode::Pc, None).await.unwrap();
    clock.set_ms(expiring.expires_at + 1);
    assert_eq!(fleet.link(&expiring.id).await.unwrap().state, LinkState::Expired, "a pending link past its time reads as expired");
    let err = fleet.link_qr_svg(&expiring.id).await.unwrap_err();
    assert!(matches!(err, FleetError::Conflict(_)), "{err:?}");

    let mut events = fleet.subscribe();
    links::on_link_result(fleet, world.platform(), &failing.id, "failed", None).await.unwrap();
    links::on_link_result(fleet, world.platform(), &failing.id, "failed", None).await.unwrap();
    let failed = fleet.link(&failing.id).await.unwrap();
    assert_eq!(failed.state, LinkState::Failed);
    World::wait_event(
        &mut events,
        |e| matches!(e, FleetEvent::LinkChanged { link_id, state, .. } if link_id == &failing.id && state == "failed"),
    )
    .await;
    links::on_link_result(fleet, world.platform(), &expiring.id, "expired", None).await.unwrap();
    let expired = fleet.links(LinkFilter { state: Some(LinkState::Expired), ..Default::default() }).await.unwrap();
    assert_eq!(expired.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), [expiring.id.as_str()]);
    // A done link stays done; an unknown state is refused.
    let err = links::on_link_result(fleet, world.platform(), &failing.id, "weird", None).await.unwrap_err();
    assert!(matches!(err, FleetError::Invalid { .. }), "{err:?}");
    // A link of another device (not tracked here) is ignored.
    links::on_link_result(fleet, world.platform(), "someone-elses-link", "failed", None).await.unwrap();
}

#[tokio::test]
async fn a_code_wechat_refuses_fails_its_link() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let link = fleet.create_authorization_link(world.platform(), LinkMode::Pc, None).await.unwrap();
    links::on_link_result(fleet, world.platform(), &link.id, "done", Some("queryauthcode@@@forged")).await.unwrap();
    assert_eq!(fleet.link(&link.id).await.unwrap().state, LinkState::Failed);
    let log = fleet.audit_log(None, 20).await.unwrap();
    assert!(log.iter().any(|e| e.action == "authorizer.authorize" && e.result == "wechat" && e.actor == "wechat"), "{log:?}");
}

#[tokio::test]
async fn without_a_relay_a_link_is_refused_with_the_reason() {
    let world = World::start(0).await;
    let fleet = world.fleet();
    let info = &world.sandbox.info.platform;
    let mut input: PlatformInput = serde_json::from_value(serde_json::json!({
        "component_appid": "wx0000000000norelay",
        "name": "no relay",
        "appsecret": info.component_appsecret,
        "token": info.token,
        "encoding_aes_key": info.encoding_aes_key,
    }))
    .unwrap();
    input.api_base_url = Some(world.sandbox.sim_url());
    fleet.add_platform(input).await.unwrap();
    let err = fleet.create_authorization_link("wx0000000000norelay", LinkMode::Pc, None).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, FleetError::Invalid { .. }), "{err:?}");
    assert!(message.contains("relay") && message.contains("launch-page domain"), "{message}");
    let log = fleet.audit_log(None, 5).await.unwrap();
    assert!(log.iter().any(|e| e.action == "link.create" && e.result == "invalid"), "{log:?}");

    let err = fleet.create_authorization_link(world.platform(), LinkMode::Pc, Some("not-an-appid")).await.unwrap_err();
    assert!(matches!(err, FleetError::Invalid { .. }), "{err:?}");
}

#[test]
fn qr_codes_are_well_formed_and_hold_the_text() {
    let url = "https://relay.example.com/authorize/AbC-_9xyz";
    let png = links::qr::png(url).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let image = image::load_from_memory(&png).unwrap();
    assert!(image.width() >= 360 && image.width() == image.height());
    assert_eq!(support::read_qr(&png), url);
    let svg = links::qr::svg(url).unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
}

/// The `authorized` push of `consent`'s code for demo merchant `index`, its code expiring at `expires_at` (unix s).
fn authorized_push(world: &World, index: usize, auth_code: &str, expires_at: i64) -> wechat::xml::Authorization {
    wechat::xml::Authorization {
        header: wechat::xml::ComponentHeader { app_id: world.platform().to_owned(), create_time: expires_at - 600 },
        authorizer_appid: world.sandbox.info.merchants[index].appid.clone(),
        authorization_code: auth_code.to_owned(),
        authorization_code_expired_time: expires_at,
        pre_auth_code: String::new(),
    }
}

/// Codes that expired before the desktop got to them (it was away): the `authorized` push names the
/// mini program, so the authorization completes through `api_get_authorizer_info` — after WeChat's
/// 61010, or at once when the push's expiry time has passed — and the link ends done with it
/// whichever of the redirect and the push is handled first.
#[tokio::test]
async fn an_expired_code_completes_through_the_push_and_its_link_ends_done_in_either_order() {
    let world = World::start(2).await;
    world.ticket().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    let redirect_first = fleet.create_authorization_link(platform, LinkMode::Pc, None).await.unwrap();
    let push_first = fleet.create_authorization_link(platform, LinkMode::Pc, None).await.unwrap();
    let early = world.consent_through_link(&redirect_first.url, 0, &[17, 18, 30]).await;
    let late = world.consent_through_link(&push_first.url, 1, &[18, 30]).await;
    world.admin("/admin/clock", serde_json::json!({ "advance_secs": 11 * 60 })).await;
    let (first, second) = (world.sandbox.info.merchants[0].appid.clone(), world.sandbox.info.merchants[1].appid.clone());

    // The redirect first: WeChat refuses the expired code, the link waits for the push.
    let err = links::on_link_result(fleet, platform, &redirect_first.id, "done", Some(&early.auth_code)).await.unwrap_err();
    assert_eq!(err.errcode(), Some(fleet::authorizers::CODE_EXPIRED), "{err:?}");
    assert_eq!(fleet.link(&redirect_first.id).await.unwrap().state, LinkState::Pending);
    // The push (its expiry time still ahead by this clock): 61010, then the authorization read from WeChat.
    let push = authorized_push(&world, 0, &early.auth_code, fleet.now_ms() / 1000 + 60);
    assert_eq!(fleet::authorizers::accept_authorized_push(fleet, platform, &push).await.unwrap(), first);
    links::on_link_result(fleet, platform, &redirect_first.id, "done", Some(&early.auth_code)).await.unwrap();
    let done = fleet.link(&redirect_first.id).await.unwrap();
    assert_eq!((done.state, done.appid.as_deref()), (LinkState::Done, Some(first.as_str())));

    // The push first, its expiry time past: read from WeChat straight away; the redirect finds it done.
    let push = authorized_push(&world, 1, &late.auth_code, fleet.now_ms() / 1000 - 60);
    assert_eq!(fleet::authorizers::accept_authorized_push(fleet, platform, &push).await.unwrap(), second);
    links::on_link_result(fleet, platform, &push_first.id, "done", Some(&late.auth_code)).await.unwrap();
    let done = fleet.link(&push_first.id).await.unwrap();
    assert_eq!((done.state, done.appid.as_deref()), (LinkState::Done, Some(second.as_str())));

    // Both merchants are there with what they granted, their refresh tokens work, once each in the log.
    for (appid, granted) in [(&first, vec![17, 18, 30]), (&second, vec![18, 30])] {
        let authorizer = fleet.authorizer(appid).await.unwrap().authorizer;
        assert_eq!(authorizer.granted.iter().map(|g| g.id).collect::<Vec<_>>(), granted);
        fleet.authorizer_token(platform, appid).await.expect("the refresh token read from WeChat works");
        let log = fleet.audit_log(Some(appid), 20).await.unwrap();
        let accepted: Vec<_> = log.iter().filter(|e| e.action == "authorizer.authorize" && e.result == "ok").collect();
        assert_eq!(accepted.len(), 1, "{log:?}");
        assert!(accepted[0].detail.contains("the code had expired"), "{accepted:?}");
    }
    // The push again (WeChat repeats pushes): nothing more happens.
    assert_eq!(fleet::authorizers::accept_authorized_push(fleet, platform, &push).await.unwrap(), second);
    assert_eq!(fleet.audit_log(Some(&second), 20).await.unwrap().iter().filter(|e| e.action == "authorizer.authorize").count(), 1);
}
