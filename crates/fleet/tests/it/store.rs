//! The workspace database and its secrets.

use fleet::platforms::PlatformInput;
use fleet::store::migrate;
use fleet::{FleetError, FleetOptions, KeySource};

use crate::support::{Workspace, World};

fn input(appid: &str) -> PlatformInput {
    PlatformInput {
        component_appid: appid.to_owned(),
        name: "测试服务商".to_owned(),
        appsecret: "appsecret-PLAINTEXT-MARKER-1".to_owned(),
        token: "token-PLAINTEXT-MARKER-2".to_owned(),
        encoding_aes_key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".to_owned(),
        api_base_url: None,
        relay: None,
        proxy_url: None,
        consent_origin: None,
        sandbox: false,
    }
}

#[tokio::test]
async fn a_new_workspace_is_migrated_and_says_where_its_key_is() {
    let ws = Workspace::new();
    let version = ws.fleet.store().read(migrate::version).await.unwrap();
    assert_eq!(version, migrate::latest());
    assert_eq!(ws.fleet.key_source(), &KeySource::KeyFile { path: ws.dir.path().join("master.key") });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(ws.dir.path().join("master.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is the user's alone");
    }
}

#[tokio::test]
async fn a_database_from_a_newer_wxfleet_is_refused_untouched() {
    let ws = Workspace::new();
    let db = ws.dir.path().join("wxfleet.db");
    drop(ws.fleet);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", migrate::latest() + 1).unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    let err = fleet::Fleet::open(FleetOptions::in_dir_with_key_file(ws.dir.path())).unwrap_err();
    assert!(matches!(err, FleetError::DatabaseNewer { .. }), "{err}");
    assert_eq!(err.code(), "database_newer");
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing written");
}

#[tokio::test]
async fn secrets_are_never_stored_in_plaintext() {
    let ws = Workspace::new();
    ws.fleet.add_platform(input("wx00000000000000aa")).await.unwrap();
    let fleet = ws.reopen();
    assert_eq!(fleet.platform("wx00000000000000aa").await.unwrap().name, "测试服务商");
    drop(fleet);
    drop(ws.fleet);
    for file in ["wxfleet.db", "wxfleet.db-wal"] {
        let path = ws.dir.path().join(file);
        if let Ok(bytes) = std::fs::read(&path) {
            for marker in ["PLAINTEXT-MARKER", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"] {
                assert!(!bytes.windows(marker.len()).any(|w| w == marker.as_bytes()), "{marker} found in {file}");
            }
        }
    }
}

#[tokio::test]
async fn a_bad_platform_is_refused_with_the_field_named() {
    let ws = Workspace::new();
    let mut bad = input("wx00000000000000aa");
    bad.encoding_aes_key = "short".to_owned();
    let err = ws.fleet.add_platform(bad).await.unwrap_err();
    assert!(matches!(&err, FleetError::Invalid { field, .. } if field == "encoding_aes_key"), "{err}");
    assert!(ws.fleet.platforms().await.unwrap().is_empty(), "nothing stored");
    let log = ws.fleet.audit_log(None, 10).await.unwrap();
    assert_eq!(log[0].action, "platform.add");
    assert_eq!(log[0].result, "invalid");
}

#[tokio::test]
async fn the_sandbox_adds_its_platform_with_the_relay_urls() {
    let world = World::start(3).await;
    let platform = world.fleet().platform(world.platform()).await.unwrap();
    assert!(platform.sandbox);
    assert_eq!(platform.component_push_url().unwrap(), format!("{}/wx/demo/component", world.sandbox.relay.base_url));
    assert_eq!(world.sandbox.info.merchants.len(), 3);
}

#[tokio::test]
async fn a_relay_check_tells_a_wrong_credential_from_a_working_relay() {
    let world = World::start(1).await;
    let fleet = world.fleet();
    let check = fleet.check_relay(world.platform()).await.unwrap();
    assert!(check.healthy && check.credential_accepted, "{check:?}");
    assert!(check.waiting.is_some() && check.problem.is_none(), "{check:?}");

    // The same platform with a credential the relay never issued.
    let platform = fleet.platform(world.platform()).await.unwrap();
    let mut input = input(world.platform());
    input.encoding_aes_key = world.sandbox.info.platform.encoding_aes_key.clone();
    input.api_base_url = Some(platform.api_base_url.clone());
    input.relay = Some(fleet::platforms::RelayInput {
        url: platform.relay_url.clone().unwrap(),
        platform_id: "demo".to_owned(),
        credential: "wxr_not_a_real_credential".to_owned(),
    });
    fleet.add_platform(input).await.unwrap();
    let check = fleet.check_relay(world.platform()).await.unwrap();
    assert!(check.healthy && !check.credential_accepted, "{check:?}");
    assert!(check.problem.unwrap().contains("wxfleet-relay device add"));
}
