//! Drafts and the template library against the simulator: sync, add, delete, prune under the cap,
//! and local metadata that survives syncs.

use fleet::templates::{RequiredCategory, Requirements, Screenshot, TemplateMeta, LIBRARY_CAP};
use fleet::{Fleet, FleetError};
use serde_json::json;
use wechat::api::domain::ServerDomains;
use wechat::api::template::{AddtotemplateRequest, TemplateType};
use wechat::api::ComponentToken;

use crate::support::World;

async fn world() -> World {
    let world = World::start(1).await;
    world.ticket().await;
    world
}

/// What DevTools would upload; returns the draft id.
async fn upload(world: &World, user_version: &str) -> i64 {
    let answer = world.admin("/admin/drafts", json!({ "user_version": user_version, "user_desc": format!("版本 {user_version}") })).await;
    answer["draft_id"].as_i64().unwrap()
}

fn shop_meta() -> TemplateMeta {
    TemplateMeta {
        changelog: "新增门店定位".to_owned(),
        screenshots: vec![Screenshot { path: "/tmp/shop/home.png".to_owned(), caption: "首页".to_owned() }],
        ext_schema: Some(json!({
            "type": "object",
            "properties": { "shopName": { "type": "string" }, "theme": { "type": "string", "default": "green" } },
            "required": ["shopName"]
        })),
        requirements: Requirements {
            domains: ServerDomains { requestdomain: vec![" https://api.shop.example.com/ ".to_owned()], ..ServerDomains::default() },
            webviewdomain: vec!["https://h5.shop.example.com".to_owned()],
            privacy_keys: vec!["UserInfo".to_owned(), "Location".to_owned()],
            categories: vec![RequiredCategory { first: 304, second: 306, name: "商家自营 > 服装/鞋/箱包".to_owned() }],
            min_base_library: Some("2.21.2".to_owned()),
        },
    }
}

async fn live_ids(fleet: &Fleet, platform: &str) -> Vec<i64> {
    fleet.templates(platform).await.unwrap().into_iter().filter(|t| t.gone_at.is_none()).map(|t| t.template_id).collect()
}

#[tokio::test]
async fn sync_copies_the_demo_library_and_keeps_metadata_across_syncs() {
    let world = world().await;
    let (fleet, platform) = (world.fleet(), world.platform());

    let sync = fleet.sync_templates(platform).await.unwrap();
    assert_eq!((sync.drafts, sync.templates, sync.added.len()), (1, 3, 3), "{sync:?}");
    let templates = fleet.templates(platform).await.unwrap();
    let versions: Vec<&str> = templates.iter().map(|t| t.user_version.as_str()).collect();
    assert_eq!(versions, ["1.2.0", "1.1.0", "1.0.0"], "newest first");
    assert!(templates.iter().all(|t| t.template_type == 0 && t.gone_at.is_none() && !t.has_meta && !t.in_use));
    let drafts = fleet.drafts(platform).await.unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].user_version, "1.3.0");

    let newest = templates[0].template_id;
    let stored = fleet.set_template_meta(platform, newest, shop_meta()).await.unwrap();
    assert_eq!(stored.requirements.domains.requestdomain, ["https://api.shop.example.com"], "trimmed, no trailing slash");

    let again = fleet.sync_templates(platform).await.unwrap();
    assert!(again.added.is_empty() && again.gone.is_empty(), "{again:?}");
    assert_eq!(fleet.template_meta(platform, newest).await.unwrap(), stored, "metadata survives a sync");
    let listed = fleet.template(platform, newest).await.unwrap();
    assert!(listed.has_meta && listed.has_ext_schema);
    assert_eq!(fleet.template_meta(platform, templates[1].template_id).await.unwrap(), TemplateMeta::default());

    let unknown = fleet.template_meta(platform, 999_999).await.unwrap_err();
    assert!(matches!(unknown, FleetError::NotFound { .. }), "{unknown}");
    let log = fleet.audit_log(None, 10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "template.meta" && e.result == "ok"), "{log:?}");
}

#[tokio::test]
async fn adding_a_draft_makes_a_template_and_deleting_marks_it_gone() {
    let world = world().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    fleet.sync_templates(platform).await.unwrap();

    let draft_id = upload(&world, "2.0.0").await;
    let template = fleet.add_draft_to_template(platform, draft_id).await.unwrap();
    assert_eq!(template.user_version, "2.0.0");
    assert_eq!(template.template_type, 0);
    assert_eq!(template.draft_id, Some(draft_id));
    assert_eq!(live_ids(fleet, platform).await.len(), 4);
    assert_eq!(fleet.templates(platform).await.unwrap()[0].template_id, template.template_id, "the newest is listed first");

    fleet.set_template_meta(platform, template.template_id, shop_meta()).await.unwrap();
    fleet.delete_template(platform, template.template_id).await.unwrap();
    let gone = fleet.template(platform, template.template_id).await.unwrap();
    assert!(gone.gone_at.is_some());
    assert!(gone.has_meta, "metadata of a deleted template is kept");
    assert!(!live_ids(fleet, platform).await.contains(&template.template_id));
    // WeChat agrees, and deleting it again is not an error (85064 means it is already gone).
    let sync = fleet.sync_templates(platform).await.unwrap();
    assert_eq!(sync.templates, 3);
    fleet.delete_template(platform, template.template_id).await.unwrap();

    // A template deleted elsewhere (another tool, the console) is marked gone by the next sync.
    let outside = live_ids(fleet, platform).await[0];
    fleet
        .with_component_token(platform, |api, cat| async move {
            api.deletetemplate(ComponentToken(&cat), &wechat::api::template::DeletetemplateRequest { template_id: outside }).await
        })
        .await
        .unwrap();
    let sync = fleet.sync_templates(platform).await.unwrap();
    assert_eq!(sync.gone, [outside]);
    assert!(fleet.template(platform, outside).await.unwrap().gone_at.is_some());

    let missing = fleet.add_draft_to_template(platform, 424_242).await.unwrap_err();
    assert!(matches!(missing, FleetError::NotFound { .. }), "{missing}");
    assert!(missing.to_string().contains("draft 424242"), "{missing}");
    let log = fleet.audit_log(None, 20).await.unwrap();
    assert!(log.iter().any(|e| e.action == "template.add" && e.result == "ok" && e.detail.contains("2.0.0")), "{log:?}");
    assert!(log.iter().any(|e| e.action == "template.add" && e.result == "not_found"), "{log:?}");
    assert!(log.iter().any(|e| e.action == "template.delete" && e.result == "ok"), "{log:?}");
}

#[tokio::test]
async fn a_standard_template_is_added_when_asked() {
    let world = world().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    let draft_id = upload(&world, "3.0.0-std").await;
    let template = fleet.add_draft_to_template_as(platform, draft_id, TemplateType::Standard).await.unwrap();
    assert!(template.is_standard());
    assert_eq!(template.audit_status, Some(3), "the simulator passes standard templates at once");
}

#[tokio::test]
async fn an_invalid_ext_schema_is_refused_with_every_problem() {
    let world = world().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    fleet.sync_templates(platform).await.unwrap();
    let template_id = live_ids(fleet, platform).await[0];

    let bad = TemplateMeta {
        ext_schema: Some(json!({ "type": "object", "properties": { "shopName": { "type": "text" }, "count": { "minimum": "one" } } })),
        screenshots: vec![Screenshot { path: " ".to_owned(), caption: String::new() }],
        requirements: Requirements {
            domains: ServerDomains { requestdomain: vec!["http://api.example.com".to_owned()], ..ServerDomains::default() },
            webviewdomain: vec!["https://h5.example.com/path".to_owned()],
            min_base_library: Some("two".to_owned()),
            ..Requirements::default()
        },
        ..TemplateMeta::default()
    };
    let error = fleet.set_template_meta(platform, template_id, bad).await.unwrap_err();
    assert_eq!(error.code(), "invalid");
    let message = error.to_string();
    for expected in [
        "ext_schema/properties/shopName/type",
        "ext_schema/properties/count/minimum",
        "screenshots[0].path",
        "requirements.requestdomain",
        "requirements.webviewdomain",
        "requirements.min_base_library",
    ] {
        assert!(message.contains(expected), "{expected} missing from: {message}");
    }
    assert_eq!(fleet.template_meta(platform, template_id).await.unwrap(), TemplateMeta::default(), "nothing stored");

    for (schema, expected) in [
        (json!("not a schema"), "must be a JSON object"),
        (json!({ "type": "array" }), "root type must be \"object\""),
        (json!({ "$schema": "https://example.com/my-meta", "type": "object" }), "not a JSON Schema draft known here"),
        (json!({ "type": "object", "properties": { "a": { "$ref": "#/$defs/missing" } } }), "does not compile"),
    ] {
        let meta = TemplateMeta { ext_schema: Some(schema.clone()), ..TemplateMeta::default() };
        let error = fleet.set_template_meta(platform, template_id, meta).await.unwrap_err();
        assert!(error.to_string().contains(expected), "{schema}: {error}");
    }
}

/// Records that `appid`'s latest commit used `template_id`, as the releases area does.
async fn committed(fleet: &Fleet, appid: &str, template_id: i64) {
    let (appid, now) = (appid.to_owned(), fleet.now_ms());
    fleet.store().write(move |tx| fleet::ext::mark_committed(tx, &appid, None, template_id, now)).await.unwrap();
}

#[tokio::test]
async fn prune_keeps_templates_in_use_protected_and_the_newest() {
    let world = world().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    let appid = world.authorize_directly(0).await;
    for version in ["2.0.0", "2.1.0", "2.2.0"] {
        let draft_id = upload(&world, version).await;
        fleet.add_draft_to_template(platform, draft_id).await.unwrap();
    }
    let by_version =
        |templates: &[fleet::templates::Template], v: &str| templates.iter().find(|t| t.user_version == v).unwrap().template_id;
    let templates = fleet.templates(platform).await.unwrap();
    let (v100, v110, v120) = (by_version(&templates, "1.0.0"), by_version(&templates, "1.1.0"), by_version(&templates, "1.2.0"));
    let (v200, v210, v220) = (by_version(&templates, "2.0.0"), by_version(&templates, "2.1.0"), by_version(&templates, "2.2.0"));

    // The app's latest commit decides: an older commit of 1.2.0 does not keep it.
    committed(fleet, &appid, v120).await;
    committed(fleet, &appid, v100).await;
    let in_use = fleet.store().read(fleet::templates::in_use).await.unwrap();
    assert_eq!(in_use.into_iter().collect::<Vec<_>>(), [v100]);
    assert!(fleet.template(platform, v100).await.unwrap().in_use);

    let plan = fleet.prune_templates(platform, 2, &[v110], true).await.unwrap();
    assert!(plan.dry_run);
    assert_eq!(plan.library_size, 6);
    let planned: Vec<i64> = plan.delete.iter().map(|t| t.template_id).collect();
    assert_eq!(planned, [v120, v200, v210], "oldest first, skipping in-use, protected and the newest");
    assert_eq!(plan.kept_in_use, [v100, v110]);
    assert_eq!(plan.short_by, 1, "6 - 2 = 4 to go, only 3 may");
    assert_eq!(live_ids(fleet, platform).await.len(), 6, "a dry run deletes nothing");

    let done = fleet.prune_templates(platform, 2, &[v110], false).await.unwrap();
    let deleted: Vec<i64> = done.delete.iter().map(|t| t.template_id).collect();
    assert_eq!(deleted, planned);
    assert!(!done.dry_run);
    let mut left = live_ids(fleet, platform).await;
    left.sort_unstable();
    let mut expected = vec![v100, v110, v220];
    expected.sort_unstable();
    assert_eq!(left, expected);
    let sync = fleet.sync_templates(platform).await.unwrap();
    assert_eq!(sync.templates, 3, "WeChat's library agrees");

    // Nothing more to prune: a second run plans nothing.
    let again = fleet.prune_templates(platform, 3, &[], true).await.unwrap();
    assert!(again.delete.is_empty() && again.short_by == 0, "{again:?}");
    assert!(fleet.prune_templates(platform, 0, &[], true).await.is_err(), "keep 0 is refused");
    let log = fleet.audit_log(None, 50).await.unwrap();
    assert!(log.iter().any(|e| e.action == "template.prune" && e.detail.contains("short by 1")), "{log:?}");
}

#[tokio::test]
async fn a_full_library_answers_85065_and_pruning_makes_room() {
    let world = world().await;
    let (fleet, platform) = (world.fleet(), world.platform());
    fleet.sync_templates(platform).await.unwrap();
    let draft_id = upload(&world, "9.9.9").await;
    // Fill WeChat's library to the cap directly (the simulator lets one draft be added many times).
    let missing = LIBRARY_CAP - 3;
    fleet
        .with_component_token(platform, |api, cat| async move {
            for _ in 0..missing {
                api.addtotemplate(ComponentToken(&cat), &AddtotemplateRequest { draft_id, template_type: None }).await?;
            }
            Ok(())
        })
        .await
        .unwrap();

    let full = fleet.add_draft_to_template(platform, draft_id).await.unwrap_err();
    assert_eq!(full.errcode(), Some(85065), "{full}");
    assert!(full.problem().remedy_en.is_some(), "the errcode table explains 85065");
    assert_eq!(live_ids(fleet, platform).await.len(), LIBRARY_CAP);

    let plan = fleet.prune_templates(platform, LIBRARY_CAP - 1, &[], false).await.unwrap();
    assert_eq!(plan.delete.len(), 1);
    assert_eq!(plan.delete[0].user_version, "1.0.0", "the oldest goes");
    let added = fleet.add_draft_to_template(platform, draft_id).await.unwrap();
    assert_eq!(added.user_version, "9.9.9");
    assert_eq!(live_ids(fleet, platform).await.len(), LIBRARY_CAP);
}
