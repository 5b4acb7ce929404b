//! Authorizers: authorization codes accepted once, profiles synced, revocations, and the re-sync
//! with WeChat's authorizer list — against the simulator.

use fleet::authorizers::{self, AuthorizerFilter, AuthorizerStatus};
use fleet::{FleetError, FleetEvent};

use crate::support::World;

#[tokio::test]
async fn an_authorization_code_becomes_an_authorizer_with_its_sets_and_profile() {
    let world = World::start(2).await;
    world.ticket().await;
    let fleet = world.fleet();
    let mut events = fleet.subscribe();
    let merchant = world.sandbox.info.merchants[0].clone();

    let appid = world.authorize(0, &[17, 18, 30]).await;
    assert_eq!(appid, merchant.appid);
    World::wait_event(
        &mut events,
        |e| matches!(e, FleetEvent::AuthorizerChanged { appid: a, status } if a == &appid && status == "authorized"),
    )
    .await;

    let detail = fleet.authorizer(&appid).await.unwrap();
    let a = &detail.authorizer;
    assert_eq!(a.status, AuthorizerStatus::Authorized);
    assert_eq!(a.component_appid, world.platform());
    assert_eq!(a.granted.iter().map(|g| g.id).collect::<Vec<_>>(), [17, 18, 30]);
    assert!(a.granted.iter().any(|g| g.id == 18 && g.name.contains("开发")), "{:?}", a.granted);
    assert_eq!(a.nick_name, merchant.nickname, "the profile was fetched");
    assert!(a.user_name.starts_with("gh_"), "{}", a.user_name);
    assert!(!a.principal_name.is_empty());
    assert!(a.info_synced_at.is_some());
    assert_eq!(detail.info.expect("the stored profile").user_name, a.user_name);

    // The refresh token is sealed, and works.
    let vault = fleet.vault().clone();
    let name = authorizers::refresh_token_secret(&appid);
    let refresh = fleet.store().read(move |c| fleet::secrets::get_str(c, &vault, &name)).await.unwrap();
    assert!(refresh.is_some());
    // The token that came with the authorization is kept: no refresh needed.
    let kept = fleet.token_info(fleet::tokens::TokenKind::Authorizer, &appid).await.unwrap();
    assert!(kept.is_some(), "the authorizer token of api_query_auth is kept");
    fleet.authorizer_token(world.platform(), &appid).await.unwrap();

    // The audit log names WeChat as the actor.
    let log = fleet.audit_log(Some(&appid), 10).await.unwrap();
    let entry = log.iter().find(|e| e.action == "authorizer.authorize").expect("an audit entry");
    assert_eq!((entry.actor.as_str(), entry.result.as_str()), ("wechat", "ok"));
    assert!(entry.detail.contains("17,18,30"), "{}", entry.detail);
}

#[tokio::test]
async fn the_same_code_twice_is_accepted_once() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let code = world.consent_code(0, &[17, 18, 30]).await;

    // Both sources at once (push and redirect catcher): one exchange, one answer.
    let (first, second) = tokio::join!(
        authorizers::accept_auth_code(fleet, world.platform(), &code, None),
        authorizers::accept_auth_code(fleet, world.platform(), &code, None)
    );
    assert_eq!(first.unwrap(), second.unwrap());
    // And later again, without asking WeChat (the scripted answer stays unused).
    world.script_fault("/cgi-bin/component/api_query_auth", serde_json::json!(-1), 1).await;
    let third = authorizers::accept_auth_code(fleet, world.platform(), &code, None).await.unwrap();
    assert_eq!(third, world.sandbox.info.merchants[0].appid);
    assert_eq!(world.scripted_left("/cgi-bin/component/api_query_auth").await, 1, "no second exchange");
    world.admin("/admin/faults", serde_json::json!({ "script": [] })).await;
    let log = fleet.audit_log(None, 50).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "authorizer.authorize").count(), 1, "{log:?}");

    // Only the code's hash is kept.
    let path = fleet.store().path().unwrap().to_owned();
    let bytes = std::fs::read(&path).unwrap();
    let wal = std::fs::read(path.with_extension("db-wal")).unwrap_or_default();
    let hash = authorizers::code_sha256(&code);
    let stored: String = fleet.store().read(|c| Ok(c.query_row("SELECT code_sha256 FROM auth_codes", [], |r| r.get(0))?)).await.unwrap();
    assert_eq!(stored, hash);
    for file in [&bytes, &wal] {
        assert!(!file.windows(code.len()).any(|w| w == code.as_bytes()), "the authorization code is not stored");
    }

    // A code WeChat does not know is refused with its errcode.
    let bad = authorizers::accept_auth_code(fleet, world.platform(), "queryauthcode@@@nonsense", None).await.unwrap_err();
    assert!(matches!(bad, FleetError::WeChat { .. }), "{bad:?}");
}

#[tokio::test]
async fn revocation_is_recorded_once_and_an_older_one_does_not_undo_a_newer_authorization() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let appid = world.authorize(0, &[17, 18, 30]).await;
    let authorized_at = fleet.authorizer(&appid).await.unwrap().authorizer.authorized_at.unwrap();

    // An `unauthorized` from before this authorization (out of order): nothing changes.
    authorizers::mark_revoked(fleet, world.platform(), &appid, authorized_at - 60_000).await.unwrap();
    assert_eq!(fleet.authorizer(&appid).await.unwrap().authorizer.status, AuthorizerStatus::Authorized);

    let mut events = fleet.subscribe();
    let now = fleet.now_ms() + 1;
    authorizers::mark_revoked(fleet, world.platform(), &appid, now).await.unwrap();
    authorizers::mark_revoked(fleet, world.platform(), &appid, now + 5).await.unwrap();
    let a = fleet.authorizer(&appid).await.unwrap().authorizer;
    assert_eq!((a.status, a.revoked_at), (AuthorizerStatus::Revoked, Some(now)));
    let token = fleet.token_info(fleet::tokens::TokenKind::Authorizer, &appid).await.unwrap();
    assert!(token.is_none(), "a revoked mini program's token is dropped");
    World::wait_event(&mut events, |e| matches!(e, FleetEvent::AuthorizerChanged { status, .. } if status == "revoked")).await;
    let log = fleet.audit_log(Some(&appid), 20).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "authorizer.revoke").count(), 1, "idempotent: {log:?}");

    let revoked = fleet.authorizers(AuthorizerFilter { status: Some(AuthorizerStatus::Revoked), ..Default::default() }).await.unwrap();
    assert_eq!(revoked.iter().map(|a| a.appid.as_str()).collect::<Vec<_>>(), [appid.as_str()]);
    let err = fleet.require_permission(&appid, fleet::permissions::DEVELOPMENT).await.unwrap_err();
    assert!(matches!(err, FleetError::Revoked { .. }), "{err:?}");

    // Authorizing again brings it back.
    world.authorize(0, &[17, 18, 30]).await;
    assert_eq!(fleet.authorizer(&appid).await.unwrap().authorizer.status, AuthorizerStatus::Authorized);
}

#[tokio::test]
async fn sync_all_recovers_a_lost_refresh_token_finds_new_ones_and_revokes_the_missing() {
    let world = World::start(4).await;
    world.ticket().await;
    let fleet = world.fleet();
    let merchants = world.sandbox.info.merchants.clone();
    let kept = world.authorize(0, &[17, 18, 30]).await;
    let lost = world.authorize(1, &[17, 18, 30]).await;
    let revoked = world.authorize(2, &[18]).await;
    // Merchant 3 authorizes while we are not listening: only WeChat knows.
    let code = world.consent_code(3, &[17, 30]).await;
    assert!(!code.is_empty());

    // The refresh token of `lost` is gone (the field-notes #4 story), and `revoked` revokes at
    // WeChat without us hearing it.
    let name = authorizers::refresh_token_secret(&lost);
    fleet.store().write(move |tx| fleet::secrets::delete(tx, &name)).await.unwrap();
    fleet.forget_token(fleet::tokens::TokenKind::Authorizer, &lost).await.unwrap();
    let err = fleet.basic_info(&lost).await.unwrap_err();
    assert!(matches!(err, FleetError::Secrets(_)), "without its refresh token nothing works: {err:?}");
    world.admin("/admin/revoke", serde_json::json!({ "authorizer_appid": revoked })).await;

    let report = fleet.sync_authorizers(world.platform()).await.unwrap();
    assert_eq!(report.total, 3);
    assert_eq!(report.added, [merchants[3].appid.clone()]);
    assert_eq!(report.revoked, std::slice::from_ref(&revoked));
    assert_eq!(report.recovered, std::slice::from_ref(&lost));
    assert_eq!(report.refresh_tokens_recovered, 1);

    fleet.basic_info(&lost).await.expect("the recovered refresh token works");
    let new = fleet.authorizer(&merchants[3].appid).await.unwrap().authorizer;
    assert_eq!(new.status, AuthorizerStatus::Authorized);
    assert_eq!(new.granted.iter().map(|g| g.id).collect::<Vec<_>>(), [17, 30], "the sets come from the profile");
    assert_eq!(new.nick_name, merchants[3].nickname);
    assert!(new.list_synced_at.is_some());
    assert_eq!(fleet.authorizer(&revoked).await.unwrap().authorizer.status, AuthorizerStatus::Revoked);
    assert_eq!(fleet.authorizer(&kept).await.unwrap().authorizer.status, AuthorizerStatus::Authorized);

    // A second sync changes nothing.
    let again = authorizers::sync_all(fleet, world.platform()).await.unwrap();
    assert!(again.added.is_empty() && again.revoked.is_empty() && again.recovered.is_empty(), "{again:?}");
    let log = fleet.audit_log(None, 100).await.unwrap();
    assert!(log.iter().any(|e| e.action == "authorizers.sync" && e.result == "ok"));
}

#[tokio::test]
async fn the_list_filters_by_status_name_and_sets_and_info_sync_sees_a_revocation() {
    let world = World::start(3).await;
    world.ticket().await;
    let fleet = world.fleet();
    let merchants = world.sandbox.info.merchants.clone();
    let full = world.authorize(0, &[17, 18, 30]).await;
    let partial = world.authorize(1, &[17, 30]).await;

    let all = fleet.authorizers(AuthorizerFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let missing_dev = fleet.authorizers(AuthorizerFilter { missing: Some(18), ..Default::default() }).await.unwrap();
    assert_eq!(missing_dev.iter().map(|a| a.appid.as_str()).collect::<Vec<_>>(), [partial.as_str()]);
    let by_name = fleet.authorizers(AuthorizerFilter { search: Some(merchants[0].nickname.clone()), ..Default::default() }).await.unwrap();
    assert_eq!(by_name.iter().map(|a| a.appid.as_str()).collect::<Vec<_>>(), [full.as_str()]);
    let other =
        fleet.authorizers(AuthorizerFilter { component_appid: Some("wx_other_platform".into()), ..Default::default() }).await.unwrap();
    assert!(other.is_empty());

    let synced = fleet.sync_authorizer_info(&full).await.unwrap();
    assert_eq!(synced.authorizer.nick_name, merchants[0].nickname);

    world.admin("/admin/revoke", serde_json::json!({ "authorizer_appid": full })).await;
    let err = fleet.sync_authorizer_info(&full).await.unwrap_err();
    assert!(matches!(err, FleetError::Revoked { .. }), "61003 marks it revoked: {err:?}");
    assert_eq!(fleet.authorizer(&full).await.unwrap().authorizer.status, AuthorizerStatus::Revoked);
}
