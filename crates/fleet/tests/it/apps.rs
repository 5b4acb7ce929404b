//! A mini program's settings through the core, against the simulator: permission checks before any
//! call, batches with per-app results, the domain quota, payment secrets, codes.

use fleet::apps::basic::AvatarImage;
use fleet::apps::domains::{DomainChange, DomainMode, PlatformDomainList};
use fleet::apps::payment::{PaymentInput, SecretState};
use fleet::apps::privacy::PrivacyTemplate;
use fleet::{authorizers, FleetError};
use wechat::api::domain::{DomainAction, ServerDomains};
use wechat::api::privacy::{OwnerSetting, PrivacySetting};
use wechat::api::qrcode::{CreatewxaqrcodeRequest, EnvVersion, GetwxacodeRequest, GetwxacodeunlimitRequest};
use wechat::api::tester::UnbindTesterRequest;

use crate::support::{read_qr, World};

#[tokio::test]
async fn a_missing_permission_set_is_refused_before_calling_wechat() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let appid = world.authorize(0, &[17, 30]).await;

    // Were the call made, the simulator would answer 45009 (and, without the fault, 61007).
    world.script_fault("/wxa/bind_tester", serde_json::json!(45009), 1).await;
    let err = fleet.bind_tester(&appid, "tester_wx01").await.unwrap_err();
    match &err {
        FleetError::MissingPermission { appid: a, set, name } => {
            assert_eq!((a.as_str(), *set), (appid.as_str(), 18));
            assert!(name.contains("开发"), "{name}");
        }
        other => panic!("expected MissingPermission, got {other:?}"),
    }
    assert_eq!(world.scripted_left("/wxa/bind_tester").await, 1, "no call reached WeChat");
    assert_eq!(err.problem().code, "missing_permission");
    assert!(err.to_string().contains("18"), "{err}");
    let log = fleet.audit_log(Some(&appid), 5).await.unwrap();
    assert_eq!((log[0].action.as_str(), log[0].result.as_str()), ("app.tester.bind", "missing_permission"));

    // What was granted works.
    let info = fleet.basic_info(&appid).await.unwrap();
    assert_eq!(info.appid, appid);
}

#[tokio::test]
async fn a_revoked_mini_program_is_refused_with_the_reason() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let appid = world.authorize(0, &[17, 18, 30]).await;
    authorizers::mark_revoked(fleet, world.platform(), &appid, fleet.now_ms() + 1).await.unwrap();

    world.script_fault("/cgi-bin/account/getaccountbasicinfo", serde_json::json!(-1), 1).await;
    let err = fleet.basic_info(&appid).await.unwrap_err();
    assert!(matches!(err, FleetError::Revoked { .. }), "{err:?}");
    assert!(err.to_string().contains("authorize again"), "{err}");
    assert_eq!(world.scripted_left("/cgi-bin/account/getaccountbasicinfo").await, 1, "no call reached WeChat");

    // Revoked at WeChat but not yet here: the 61003 on the way marks it.
    let other = World::start(1).await;
    other.ticket().await;
    let appid = other.authorize(0, &[17, 18, 30]).await;
    other.admin("/admin/revoke", serde_json::json!({ "authorizer_appid": appid })).await;
    let err = other.fleet().testers(&appid).await.unwrap_err();
    assert!(matches!(err, FleetError::Revoked { .. }), "{err:?}");
    let status = other.fleet().authorizer(&appid).await.unwrap().authorizer.status;
    assert_eq!(status, authorizers::AuthorizerStatus::Revoked);
}

fn template(name: &str) -> PrivacyTemplate {
    PrivacyTemplate {
        name: name.to_owned(),
        owner_setting: OwnerSetting {
            notice_method: "弹窗提示".to_owned(),
            contact_email: Some("privacy@example.com".to_owned()),
            ..OwnerSetting::default()
        },
        setting_list: vec![
            PrivacySetting { privacy_key: "UserInfo".to_owned(), privacy_text: "识别会员身份".to_owned(), privacy_label: None },
            PrivacySetting { privacy_key: "Location".to_owned(), privacy_text: "推荐附近门店".to_owned(), privacy_label: None },
        ],
        updated_at: 0,
    }
}

#[tokio::test]
async fn a_privacy_template_goes_to_many_apps_and_one_failure_stops_nothing() {
    let world = World::start(3).await;
    world.ticket().await;
    let fleet = world.fleet();
    let first = world.authorize(0, &[17, 18, 30]).await;
    let no_dev = world.authorize(1, &[17, 30]).await;
    let third = world.authorize(2, &[18, 30]).await;

    // WeChat's rules are checked before saving.
    let mut bad = template("bad");
    bad.owner_setting.contact_email = None;
    let err = fleet.save_privacy_template(bad).await.unwrap_err();
    assert!(matches!(err, FleetError::Invalid { ref field, .. } if field == "owner_setting"), "{err:?}");

    let saved = fleet.save_privacy_template(template("门店通用")).await.unwrap();
    assert!(saved.updated_at > 0);
    assert_eq!(fleet.privacy_templates().await.unwrap().len(), 1);

    let report = fleet.apply_privacy_template("门店通用", &[first.clone(), no_dev.clone(), third.clone(), first.clone()]).await.unwrap();
    assert_eq!(report.results.iter().map(|r| r.appid.as_str()).collect::<Vec<_>>(), [first.as_str(), no_dev.as_str(), third.as_str()]);
    assert_eq!((report.succeeded, report.failed), (2, 1));
    assert!(report.get(&first).unwrap().is_ok());
    assert!(report.get(&third).unwrap().is_ok(), "the failure before it did not stop the batch");
    let failed = report.get(&no_dev).unwrap().error.clone().expect("the app without set 18 failed");
    assert_eq!(failed.code, "missing_permission");

    for appid in [&first, &third] {
        let setting = fleet.privacy_setting(appid).await.unwrap();
        let keys: Vec<&str> = setting.setting_list.iter().map(|s| s.privacy_key.as_str()).collect();
        assert_eq!(keys, ["UserInfo", "Location"], "{appid}");
        assert_eq!(setting.owner_setting.unwrap().contact_email.as_deref(), Some("privacy@example.com"));
    }
    let log = fleet.audit_log(None, 50).await.unwrap();
    let applied: Vec<_> = log.iter().filter(|e| e.action == "app.privacy.apply").collect();
    assert_eq!(applied.len(), 3, "one entry per mini program");
    assert_eq!(applied.iter().filter(|e| e.result == "ok").count(), 2);

    // A WeChat failure is reported with its errcode.
    world.script_fault("/cgi-bin/component/setprivacysetting", serde_json::json!(-1), 10).await;
    let report = fleet.apply_privacy_template("门店通用", std::slice::from_ref(&first)).await.unwrap();
    assert_eq!(report.results[0].error.as_ref().and_then(|p| p.errcode), Some(-1));

    fleet.delete_privacy_template("门店通用").await.unwrap();
    assert!(matches!(fleet.apply_privacy_template("门店通用", &[first]).await, Err(FleetError::NotFound { .. })));
}

#[tokio::test]
async fn domain_changes_count_against_the_monthly_quota() {
    let world = World::start(2).await;
    world.ticket().await;
    let fleet = world.fleet();
    let a = world.authorize(0, &[17, 18, 30]).await;
    let b = world.authorize(1, &[17, 18, 30]).await;

    let platform = fleet
        .platform_domains(world.platform(), PlatformDomainList::Server, DomainAction::Add, &["example.com".into()], true)
        .await
        .unwrap();
    assert_eq!(platform.published, ["example.com"]);
    assert_eq!((platform.quota.used, platform.quota.remaining), (1, 49));
    let err = fleet
        .platform_domains(world.platform(), PlatformDomainList::Server, DomainAction::Add, &["https://example.com".into()], true)
        .await
        .unwrap_err();
    assert!(matches!(err, FleetError::Invalid { .. }), "{err:?}");

    assert_eq!(fleet.domain_quota(&a).await.unwrap().remaining, 50);
    let change = DomainChange {
        action: DomainAction::Add,
        domains: ServerDomains { requestdomain: vec!["https://api.example.com".into()], ..ServerDomains::default() },
    };
    let set = fleet.set_app_domains(&a, DomainMode::Registered, &change).await.unwrap();
    assert_eq!(set.domains.requestdomain, ["https://api.example.com"]);
    assert_eq!((set.quota.used, set.quota.remaining, set.quota.limit), (1, 49, 50));
    let effective = fleet.effective_domains(&a).await.unwrap();
    assert_eq!(effective.effective_domain.requestdomain, ["https://api.example.com"]);

    // To many: each one's result, each quota counted.
    let downloads = DomainChange {
        action: DomainAction::Add,
        domains: ServerDomains { downloaddomain: vec!["https://img.example.com".into()], ..ServerDomains::default() },
    };
    let report = fleet.apply_app_domains(&[a.clone(), b.clone()], DomainMode::Registered, &downloads).await.unwrap();
    assert_eq!((report.succeeded, report.failed), (2, 0), "{report:?}");
    assert_eq!(fleet.domain_quota(&a).await.unwrap().remaining, 48);
    assert_eq!(fleet.domain_quota(&b).await.unwrap().remaining, 49);
    // Reading changes nothing.
    fleet.app_domains(&a, DomainMode::Registered).await.unwrap();
    assert_eq!(fleet.domain_quota(&a).await.unwrap().remaining, 48);

    // The usual mistake is named before WeChat answers 85301.
    let wrong = DomainChange {
        action: DomainAction::Add,
        domains: ServerDomains { wsrequestdomain: vec!["wss://https://ws.example.com".into()], ..ServerDomains::default() },
    };
    let err = fleet.set_app_domains(&a, DomainMode::Direct, &wrong).await.unwrap_err();
    assert!(matches!(err, FleetError::Invalid { ref field, .. } if field == "wsrequestdomain"), "{err:?}");

    // Once the month's requests are used up, refused here.
    let (owner, now) = (b.clone(), fleet.now_ms());
    fleet
        .store()
        .write(move |tx| {
            for _ in 0..49 {
                tx.execute("INSERT INTO domain_changes (owner, kind, at) VALUES (?1, 'app', ?2)", rusqlite::params![owner, now])?;
            }
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(fleet.domain_quota(&b).await.unwrap().remaining, 0);
    world.script_fault("/wxa/modify_domain_directly", serde_json::json!(-1), 1).await;
    let err = fleet.set_app_domains(&b, DomainMode::Direct, &change).await.unwrap_err();
    assert!(matches!(err, FleetError::Conflict(ref m) if m.contains("50")), "{err:?}");
    assert_eq!(world.scripted_left("/wxa/modify_domain_directly").await, 1, "no call reached WeChat");

    // Web-view domains: the platform's business domains first.
    fleet.platform_domains(world.platform(), PlatformDomainList::Jump, DomainAction::Add, &["h5.example.com".into()], true).await.unwrap();
    let webview =
        fleet.set_webview_domains(&a, DomainMode::Registered, DomainAction::Add, &["https://h5.example.com".into()]).await.unwrap();
    assert_eq!(webview, ["https://h5.example.com"]);
    assert_eq!(fleet.webview_domains(&a, DomainMode::Registered).await.unwrap(), ["https://h5.example.com"]);
    let jump = fleet.platform_domain_quota(world.platform(), PlatformDomainList::Jump).await.unwrap();
    assert_eq!(jump.used, 1);
    let file = fleet.webview_confirm_file(&a).await.unwrap();
    assert!(!file.file_name.is_empty() && !file.file_content.is_empty(), "{file:?}");
    let file = fleet.platform_confirm_file(world.platform()).await.unwrap();
    assert!(!file.file_name.is_empty(), "{file:?}");
}

#[tokio::test]
async fn payment_secrets_are_sealed_and_never_shown() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let appid = world.authorize(0, &[17, 18, 30]).await;
    let key = "K3yK3yK3yK3yK3yK3yK3yK3yK3yK3yZZ";
    let mut p12 = vec![0x30, 0x82, 0x0a, 0x00];
    p12.extend_from_slice(b"P12-CERTIFICATE-BODY-MARKER-0123456789");

    let err = fleet
        .set_payment_config(&appid, PaymentInput { mchid: "1900000109".into(), key: Some("short".into()), p12: None })
        .await
        .unwrap_err();
    assert!(matches!(err, FleetError::Invalid { ref field, .. } if field == "key"), "{err:?}");

    let view = fleet
        .set_payment_config(&appid, PaymentInput { mchid: "1900000109".into(), key: Some(key.into()), p12: Some(p12.clone()) })
        .await
        .unwrap();
    assert_eq!(view.mchid, "1900000109");
    assert_eq!(view.key, SecretState::Set);
    let cert = view.p12.clone().expect("the certificate is described");
    assert_eq!(cert.size, p12.len() as u64);
    assert_eq!(cert.sha256.len(), 64);
    let shown = serde_json::to_string(&view).unwrap();
    assert!(shown.contains("\"key\":\"set\""), "{shown}");
    assert!(!shown.contains(key) && !shown.contains("MARKER"), "{shown}");

    // Changing the merchant id keeps the secrets.
    let view = fleet.set_payment_config(&appid, PaymentInput { mchid: "1900000110".into(), key: None, p12: None }).await.unwrap();
    assert_eq!((view.key, view.p12.map(|c| c.sha256)), (SecretState::Set, Some(cert.sha256.clone())));
    assert_eq!(fleet.payment_config(&appid).await.unwrap().unwrap().mchid, "1900000110");

    // The database file (and its log) never holds them in the clear.
    let path = fleet.store().path().unwrap().to_owned();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    assert!(!bytes.windows(key.len()).any(|w| w == key.as_bytes()), "the API key is sealed");
    assert!(!bytes.windows(6).any(|w| w == b"MARKER"), "the certificate is sealed");
    let vault = fleet.vault().clone();
    let name = fleet::apps::payment::p12_secret(&appid);
    let opened = fleet.store().read(move |c| fleet::secrets::get(c, &vault, &name)).await.unwrap().unwrap();
    assert_eq!(&*opened, p12.as_slice());

    fleet.clear_payment_config(&appid).await.unwrap();
    assert!(fleet.payment_config(&appid).await.unwrap().is_none());
    let log = fleet.audit_log(Some(&appid), 10).await.unwrap();
    assert!(log.iter().all(|e| !e.detail.contains(key)), "{log:?}");
    assert!(log.iter().any(|e| e.action == "app.payment.set" && e.result == "ok"));
}

#[tokio::test]
async fn basic_info_testers_categories_and_codes() {
    let world = World::start(1).await;
    world.ticket().await;
    let fleet = world.fleet();
    let appid = world.authorize(0, &[17, 18, 30]).await;

    let info = fleet.basic_info(&appid).await.unwrap();
    assert_eq!(info.nickname, world.sandbox.info.merchants[0].nickname);
    assert!(info.rename_quota.limit > 0 && info.avatar_quota.limit > 0, "{info:?}");
    fleet.set_signature(&appid, "一家卖咖啡的小店，欢迎光临").await.unwrap();
    let after = fleet.basic_info(&appid).await.unwrap();
    assert_eq!(after.signature, "一家卖咖啡的小店，欢迎光临");
    assert_eq!(after.signature_quota.used, info.signature_quota.used + 1);
    assert!(matches!(fleet.set_signature(&appid, "短").await, Err(FleetError::Invalid { .. })));
    assert!(matches!(
        fleet.set_nickname(&appid, wechat::api::basic::SetnicknameRequest { nick_name: "咖啡小程序".into(), ..Default::default() }).await,
        Err(FleetError::Invalid { .. })
    ));
    let avatar =
        AvatarImage { file_name: "avatar.png".into(), content_type: "image/png".into(), bytes: fleet::links::qr::png("avatar").unwrap() };
    fleet.set_avatar(&appid, avatar).await.unwrap();
    assert_eq!(fleet.basic_info(&appid).await.unwrap().avatar_quota.used, info.avatar_quota.used + 1);
    fleet.set_search_hidden(&appid, true).await.unwrap();
    assert!(fleet.search_hidden(&appid).await.unwrap());

    let userstr = fleet.bind_tester(&appid, "tester_wx01").await.unwrap();
    assert_eq!(fleet.testers(&appid).await.unwrap(), std::slice::from_ref(&userstr));
    fleet.unbind_tester(&appid, UnbindTesterRequest::Userstr(userstr)).await.unwrap();
    assert!(fleet.testers(&appid).await.unwrap().is_empty());

    let all = fleet.all_categories(&appid).await.unwrap();
    assert!(!all.categories_list.categories.is_empty());
    fleet.add_categories(&appid, vec![wechat::api::category::NewCategory { first: 287, second: 290, certicates: vec![] }]).await.unwrap();
    let set = fleet.categories(&appid).await.unwrap();
    assert!(set.categories.iter().any(|c| (c.first, c.second) == (287, 290)), "{set:?}");
    fleet.delete_category(&appid, 287, 290).await.unwrap();

    // Codes come back as images of the right thing.
    let a = fleet.wxacode(&appid, &GetwxacodeRequest { path: "pages/index/index?from=qr".into(), ..Default::default() }).await.unwrap();
    assert_eq!(a.content_type, "image/png");
    let text = read_qr(&a.bytes);
    assert!(text.contains(&appid) && text.contains("pages%2Findex%2Findex"), "{text}");
    let c = fleet.wxa_qrcode(&appid, &CreatewxaqrcodeRequest { path: "pages/shop/shop".into(), width: Some(430) }).await.unwrap();
    assert!(read_qr(&c.bytes).contains("pages%2Fshop%2Fshop"));
    let b = fleet
        .wxacode_unlimited(
            &appid,
            &GetwxacodeunlimitRequest {
                scene: "shop=42".into(),
                check_path: Some(false),
                env_version: Some(EnvVersion::Develop),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!b.bytes.is_empty());
    let err =
        fleet.wxacode_unlimited(&appid, &GetwxacodeunlimitRequest { scene: "门店=42".into(), ..Default::default() }).await.unwrap_err();
    assert!(matches!(err, FleetError::Invalid { ref field, .. } if field == "scene"), "{err:?}");

    // The experience QR needs committed code; its page picker lists the pages.
    let platform = world.platform().to_owned();
    let templates = fleet
        .with_component_token(&platform, |api, cat| async move {
            api.gettemplatelist(wechat::api::ComponentToken(&cat), &wechat::api::template::GettemplatelistRequest { template_type: None })
                .await
        })
        .await
        .unwrap()
        .template_list;
    let template_id = templates.first().expect("the demo templates").template_id;
    let commit = wechat::api::code::CommitRequest::from_ext_value(template_id, &serde_json::json!({}), "1.0.0", "demo");
    fleet
        .with_authorizer_token(&appid, |api, aat| {
            let commit = commit.clone();
            async move { api.commit(wechat::api::AuthorizerToken(&aat), &commit).await }
        })
        .await
        .unwrap();
    let pages = fleet.pages(&appid).await.unwrap();
    assert!(!pages.is_empty());
    let qr = fleet.experience_qr(&appid, Some(&pages[0])).await.unwrap();
    let text = read_qr(&qr.bytes);
    assert!(text.contains("getexpappinfo") && text.contains(&appid), "{text}");

    let log = fleet.audit_log(Some(&appid), 50).await.unwrap();
    for action in ["app.signature.set", "app.avatar.set", "app.tester.bind", "app.tester.unbind", "app.category.add", "app.wxacode"] {
        assert!(log.iter().any(|e| e.action == action), "{action} is in the audit log");
    }
}

#[tokio::test]
async fn fast_registration_is_requested_and_tracked() {
    let world = World::start(0).await;
    world.ticket().await;
    let fleet = world.fleet();
    let request = wechat::api::register::FastregisterweappCreateRequest {
        name: "上海测试咖啡有限公司".into(),
        code: "91310000MA1FL8XQ3X".into(),
        code_type: 1,
        legal_persona_wechat: "legal_wx01".into(),
        legal_persona_name: "张三".into(),
        component_phone: None,
    };
    let err = fleet
        .fast_register(world.platform(), wechat::api::register::FastregisterweappCreateRequest { code_type: 2, ..request.clone() })
        .await
        .unwrap_err();
    assert!(matches!(err, FleetError::Invalid { ref field, .. } if field == "code"), "{err:?}");

    let task = fleet.fast_register(world.platform(), request.clone()).await.unwrap();
    assert_eq!(task.state, fleet::apps::register::RegistrationState::Waiting);
    assert_eq!(fleet.fast_registrations(world.platform()).await.unwrap().len(), 1);
    assert_eq!(fleet.search_fast_registration(task.id).await.unwrap(), fleet::apps::register::SearchStatus::WaitingForLegalPerson);

    // The push that follows makes the new mini program an authorizer (the inbox hands it over;
    // here it is read from the relay directly).
    world.admin("/admin/clock", serde_json::json!({ "advance_secs": 600 })).await;
    assert_eq!(fleet.search_fast_registration(task.id).await.unwrap(), fleet::apps::register::SearchStatus::Finished);
    let notify = fast_registration_push(&world).await;
    assert!(notify.succeeded(), "{notify:?}");
    let appid =
        fleet::apps::register::on_fast_registration_result(fleet, world.platform(), &notify).await.unwrap().expect("a new mini program");
    assert_eq!(appid, notify.appid);
    let done = fleet.fast_registrations(world.platform()).await.unwrap().remove(0);
    assert_eq!(
        (done.state, done.appid.as_deref(), done.status),
        (fleet::apps::register::RegistrationState::Done, Some(appid.as_str()), Some(0))
    );
    let authorizer = fleet.authorizer(&appid).await.unwrap().authorizer;
    assert!(authorizer.has(fleet::permissions::DEVELOPMENT), "{authorizer:?}");
    // Handing it over twice changes nothing.
    assert_eq!(fleet::apps::register::on_fast_registration_result(fleet, world.platform(), &notify).await.unwrap(), Some(appid));
}

/// Waits for the `notify_third_fasteregister` push at the relay and opens it.
async fn fast_registration_push(world: &World) -> wechat::xml::NotifyThirdFasteregister {
    use wechat::crypto::PushQuery;
    use wechat::xml::Event;

    let fleet = world.fleet();
    let (vault, name) = (fleet.vault().clone(), fleet::platforms::secret::relay_credential(world.platform()));
    let credential = fleet.store().read(move |c| fleet::secrets::require_str(c, &vault, &name)).await.unwrap();
    let relay = wxfleet_relay::client::RelayClient::new(&world.sandbox.relay.base_url, credential.expose()).unwrap();
    let crypt = fleet.msg_crypt(world.platform()).await.unwrap();
    let found = std::sync::Arc::new(std::sync::Mutex::new(None));
    crate::support::eventually("the fast-registration push reaches the relay", || {
        let (relay, crypt, found) = (relay.clone(), crypt.clone(), found.clone());
        async move {
            let pulled = relay.pull(0, std::time::Duration::ZERO, 500).await.unwrap();
            for event in pulled.events {
                let Ok(xml) = crypt.open_push(&PushQuery::parse(&event.query), event.body.as_bytes()) else { continue };
                if let Ok(Event::NotifyThirdFasteregister(notify)) = Event::parse(&xml) {
                    *found.lock().unwrap() = Some(notify);
                    return true;
                }
            }
            false
        }
    })
    .await;
    let notify = found.lock().unwrap().take().unwrap();
    notify
}
