//! Each merchant's ext_json against the simulator: validated against the template's schema (every
//! problem listed), composed with defaults into the string `wxa/commit` takes, committed for real,
//! kept in history and diffed against the committed revision.

use fleet::ext::{self, ExtIssue};
use fleet::templates::TemplateMeta;
use fleet::Fleet;
use serde_json::{json, Value};
use wechat::api::code::CommitRequest;
use wechat::api::template::TemplateType;
use wechat::api::AuthorizerToken;

use crate::support::World;

/// The demo shop template's ext schema: a name, a theme with defaults, modules, switches.
fn shop_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "shopName": { "type": "string", "minLength": 1, "maxLength": 20 },
            "shopId": { "type": "integer", "minimum": 1 },
            "theme": {
                "type": "object",
                "properties": {
                    "primary": { "type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "default": "#07c160" },
                    "layout": { "enum": ["grid", "list"], "default": "grid" }
                },
                "additionalProperties": false
            },
            "modules": { "type": "array", "items": { "$ref": "#/$defs/module" }, "default": ["home", "cart"] },
            "features": {
                "type": "object",
                "properties": { "coupons": { "type": "boolean", "default": false }, "live": { "type": "boolean" } }
            },
            "pageSize": { "type": "integer", "minimum": 1, "maximum": 50, "default": 20 }
        },
        "required": ["shopName", "shopId"],
        "$defs": { "module": { "enum": ["home", "cart", "coupons", "stores"] } }
    })
}

struct Shop {
    world: World,
    appid: String,
    /// The newest demo template (1.2.0), with the shop schema.
    template_id: i64,
}

impl Shop {
    async fn start() -> Shop {
        let world = World::start(2).await;
        world.ticket().await;
        let appid = world.authorize_directly(0).await;
        let (fleet, platform) = (world.fleet(), world.platform());
        fleet.sync_templates(platform).await.unwrap();
        let template_id = fleet.templates(platform).await.unwrap()[0].template_id;
        let meta = TemplateMeta { ext_schema: Some(shop_schema()), ..TemplateMeta::default() };
        fleet.set_template_meta(platform, template_id, meta).await.unwrap();
        Shop { world, appid, template_id }
    }

    fn fleet(&self) -> &Fleet {
        self.world.fleet()
    }
}

fn pointers(issues: &[ExtIssue]) -> Vec<&str> {
    let mut pointers: Vec<&str> = issues.iter().map(|i| i.pointer.as_str()).collect();
    pointers.sort_unstable();
    pointers
}

#[tokio::test]
async fn validation_lists_every_bad_field_under_its_pointer() {
    let shop = Shop::start().await;
    let config = json!({
        "ext": {
            "shopName": "",
            "theme": { "primary": "green", "layout": "cards", "font": "serif" },
            "modules": ["home", "blog"],
            "pageSize": 0
        },
        "window": "dark",
        "tabbar": { "list": [] },
        "extAppid": "wx_someone_else",
        "directCommit": true
    });
    let issues = shop.fleet().check_ext_config(&shop.appid, shop.template_id, config.clone()).await.unwrap();
    assert_eq!(
        pointers(&issues),
        [
            "/directCommit",
            "/ext/modules/1",
            "/ext/pageSize",
            "/ext/shopId",
            "/ext/shopName",
            "/ext/theme/font",
            "/ext/theme/layout",
            "/ext/theme/primary",
            "/extAppid",
            "/tabbar",
            "/window",
        ],
        "{issues:#?}"
    );
    assert!(issues.iter().all(|i| !i.message.is_empty()));
    let required = issues.iter().find(|i| i.pointer == "/ext/shopId").unwrap();
    assert!(required.message.contains("required"), "{required:?}");

    let error = shop.fleet().set_ext_config(&shop.appid, shop.template_id, config).await.unwrap_err();
    assert_eq!(error.code(), "invalid");
    let message = error.to_string();
    assert!(message.contains("11 problems"), "{message}");
    for issue in &issues {
        assert!(message.contains(&issue.pointer), "{} missing from {message}", issue.pointer);
    }
    assert!(shop.fleet().ext_config(&shop.appid).await.unwrap().is_none(), "nothing saved");
    let log = shop.fleet().audit_log(Some(&shop.appid), 5).await.unwrap();
    assert_eq!(log[0].action, "ext.set");
    assert_eq!(log[0].result, "invalid");
}

#[tokio::test]
async fn compose_fills_defaults_and_the_simulator_accepts_the_commit() {
    let shop = Shop::start().await;
    let fleet = shop.fleet();
    let config = json!({
        "ext": { "shopName": "好运小店", "shopId": 42, "theme": { "primary": "#ff6600" }, "features": { "live": true } },
        "window": { "navigationBarTitleText": "好运小店", "navigationBarBackgroundColor": "#ff6600" },
        "requiredPrivateInfos": ["getLocation", "getPosition"]
    });
    let revision = fleet.set_ext_config(&shop.appid, shop.template_id, config.clone()).await.unwrap();
    assert_eq!(revision.config, config, "saved as given: defaults are filled when composing");

    let composed = ext::compose(fleet, &shop.appid, shop.template_id).await.unwrap();
    assert_eq!(composed.revision_id, Some(revision.id));
    let value: Value = serde_json::from_str(&composed.ext_json).unwrap();
    assert_eq!(
        value,
        json!({
            "extAppid": shop.appid,
            "ext": {
                "shopName": "好运小店", "shopId": 42,
                "theme": { "primary": "#ff6600", "layout": "grid" },
                "modules": ["home", "cart"],
                "features": { "coupons": false, "live": true },
                "pageSize": 20
            },
            "window": { "navigationBarTitleText": "好运小店", "navigationBarBackgroundColor": "#ff6600" },
            "requiredPrivateInfos": ["getLocation", "getPosition"]
        })
    );
    let mut filled = composed.filled_defaults.clone();
    filled.sort_unstable();
    assert_eq!(filled, ["/ext/features/coupons", "/ext/modules", "/ext/pageSize", "/ext/theme/layout"]);
    let warned = pointers(&composed.warnings);
    assert_eq!(warned, ["/requiredPrivateInfos", "/requiredPrivateInfos/1"], "{:#?}", composed.warnings);
    assert!(composed.warnings.iter().any(|w| w.message.contains("wholesale")));

    // The real commit: the simulator checks ext_json the way WeChat does.
    let request = CommitRequest {
        template_id: shop.template_id,
        ext_json: composed.ext_json.clone(),
        user_version: "1.2.0".to_owned(),
        user_desc: "好运小店".to_owned(),
    };
    fleet
        .with_authorizer_token(&shop.appid, |api, aat| {
            let request = request.clone();
            async move { api.commit(AuthorizerToken(&aat), &request).await }
        })
        .await
        .unwrap();
    let state: Value =
        reqwest::get(format!("{}/admin/state?appid={}", shop.world.sandbox.sim_url(), shop.appid)).await.unwrap().json().await.unwrap();
    assert_eq!(state["apps"][0]["code"]["trial"]["ext_json"], json!(composed.ext_json), "the simulator keeps what was committed");

    // Recorded as the releases area does, in its commit transaction.
    let (appid, revision_id, template_id, now) = (shop.appid.clone(), composed.revision_id, shop.template_id, fleet.now_ms());
    fleet.store().write(move |tx| ext::mark_committed(tx, &appid, revision_id, template_id, now)).await.unwrap();
    let unchanged = fleet.ext_diff_against_committed(&shop.appid).await.unwrap();
    assert!(unchanged.changes.is_empty(), "{unchanged:?}");
    assert_eq!((unchanged.from_revision, unchanged.to_revision), (Some(revision.id), Some(revision.id)));
    assert_eq!(fleet.ext_history(&shop.appid).await.unwrap()[0].committed_at, Some(now));
    assert!(fleet.template(shop.world.platform(), shop.template_id).await.unwrap().in_use);

    // The merchant changes the colour and drops the location APIs: the diff says exactly that.
    let edited = json!({
        "ext": { "shopName": "好运小店", "shopId": 42, "theme": { "primary": "#0066ff" }, "features": { "live": true } },
        "window": { "navigationBarTitleText": "好运小店", "navigationBarBackgroundColor": "#ff6600" }
    });
    let next = fleet.set_ext_config(&shop.appid, shop.template_id, edited).await.unwrap();
    let diff = fleet.ext_diff_against_committed(&shop.appid).await.unwrap();
    assert_eq!((diff.from_revision, diff.to_revision), (Some(revision.id), Some(next.id)));
    assert_eq!(diff.from_template, Some(shop.template_id));
    let changes: Vec<(String, String, Option<Value>, Option<Value>)> =
        diff.changes.into_iter().map(|c| (c.path, c.op, c.old, c.new)).collect();
    assert_eq!(
        changes,
        [
            ("/ext/theme/primary".to_owned(), "replace".to_owned(), Some(json!("#ff6600")), Some(json!("#0066ff"))),
            ("/requiredPrivateInfos".to_owned(), "remove".to_owned(), Some(json!(["getLocation", "getPosition"])), None),
        ]
    );
}

#[tokio::test]
async fn a_standard_template_takes_only_ext_app_id_ext_and_window() {
    let shop = Shop::start().await;
    let (fleet, platform) = (shop.fleet(), shop.world.platform());
    let draft_id = shop.world.admin("/admin/drafts", json!({ "user_version": "5.0.0" })).await["draft_id"].as_i64().unwrap();
    let standard = fleet.add_draft_to_template_as(platform, draft_id, TemplateType::Standard).await.unwrap();
    assert!(standard.is_standard());

    let with_tabs = json!({
        "ext": { "shopName": "标准店" },
        "window": { "navigationBarTitleText": "标准店" },
        "tabBar": { "color": "#999999" },
        "pages": ["pages/index/index"]
    });
    let error = fleet.set_ext_config(&shop.appid, standard.template_id, with_tabs.clone()).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("9402203") && message.contains("/tabBar") && message.contains("/pages"), "{message}");

    // Saved against the ordinary template, the same configuration cannot be composed for the
    // standard one — the same rule WeChat applies, as the simulator shows.
    let ordinary = json!({ "ext": { "shopName": "标准店", "shopId": 7 }, "window": {}, "tabBar": { "color": "#999999" } });
    fleet.set_ext_config(&shop.appid, shop.template_id, ordinary).await.unwrap();
    let refused = ext::compose(fleet, &shop.appid, standard.template_id).await.unwrap_err();
    assert!(refused.to_string().contains("9402203"), "{refused}");
    let raw = CommitRequest {
        template_id: standard.template_id,
        ext_json: json!({ "extAppid": shop.appid, "ext": {}, "tabBar": { "color": "#999999" } }).to_string(),
        user_version: "5.0.0".to_owned(),
        user_desc: String::new(),
    };
    let wechat_says = fleet
        .with_authorizer_token(&shop.appid, |api, aat| {
            let raw = raw.clone();
            async move { api.commit(AuthorizerToken(&aat), &raw).await }
        })
        .await
        .unwrap_err();
    assert_eq!(wechat_says.errcode(), Some(9402203));

    let plain = json!({ "ext": { "shopName": "标准店" }, "window": { "navigationBarTitleText": "标准店" } });
    fleet.set_ext_config(&shop.appid, standard.template_id, plain).await.unwrap();
    let composed = ext::compose(fleet, &shop.appid, standard.template_id).await.unwrap();
    let mut keys: Vec<String> = serde_json::from_str::<Value>(&composed.ext_json).unwrap().as_object().unwrap().keys().cloned().collect();
    keys.sort_unstable();
    assert_eq!(keys, ["ext", "extAppid", "window"]);
    let request = CommitRequest {
        template_id: standard.template_id,
        ext_json: composed.ext_json,
        user_version: "5.0.0".to_owned(),
        user_desc: String::new(),
    };
    fleet
        .with_authorizer_token(&shop.appid, |api, aat| {
            let request = request.clone();
            async move { api.commit(AuthorizerToken(&aat), &request).await }
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn history_keeps_every_revision_and_diffs_any_two() {
    let shop = Shop::start().await;
    let fleet = shop.fleet();
    let first = json!({ "ext": { "shopName": "一号店", "shopId": 1, "modules": ["home", "cart", "coupons"] } });
    let second =
        json!({ "ext": { "shopName": "一号店", "shopId": 1, "modules": ["home"] }, "window": { "navigationBarTitleText": "一号店" } });
    let third =
        json!({ "ext": { "shopName": "壹号店", "shopId": 1, "modules": ["home"] }, "window": { "navigationBarTitleText": "壹号店" } });
    let r1 = fleet.set_ext_config(&shop.appid, shop.template_id, first).await.unwrap();
    let r2 = fleet.set_ext_config(&shop.appid, shop.template_id, second.clone()).await.unwrap();
    let same = fleet.set_ext_config(&shop.appid, shop.template_id, second).await.unwrap();
    assert_eq!(same.id, r2.id, "saving the latest again adds no revision");
    let r3 = fleet.set_ext_config(&shop.appid, shop.template_id, third).await.unwrap();

    let history = fleet.ext_history(&shop.appid).await.unwrap();
    let ids: Vec<i64> = history.iter().map(|r| r.id).collect();
    assert_eq!(ids, [r3.id, r2.id, r1.id], "newest first");
    assert!(history.iter().all(|r| r.actor == fleet.actor() && r.created_at > 0 && r.committed_at.is_none()));
    assert_eq!(fleet.ext_config(&shop.appid).await.unwrap().unwrap().id, r3.id);

    let changes = fleet.ext_diff(&shop.appid, r1.id, r3.id).await.unwrap();
    let flat: Vec<(&str, &str, Option<&Value>, Option<&Value>)> =
        changes.iter().map(|c| (c.path.as_str(), c.op.as_str(), c.old.as_ref(), c.new.as_ref())).collect();
    assert_eq!(
        flat,
        [
            ("/ext/modules/1", "remove", Some(&json!("cart")), None),
            ("/ext/modules/1", "remove", Some(&json!("coupons")), None),
            ("/ext/shopName", "replace", Some(&json!("一号店")), Some(&json!("壹号店"))),
            ("/window", "add", None, Some(&json!({ "navigationBarTitleText": "壹号店" }))),
        ]
    );
    assert!(fleet.ext_diff(&shop.appid, r3.id, r3.id).await.unwrap().is_empty());

    // Never committed: everything is new against the commit.
    let diff = fleet.ext_diff_against_committed(&shop.appid).await.unwrap();
    assert_eq!(diff.from_revision, None);
    assert_eq!(diff.changes.len(), 2, "{:?}", diff.changes);
    assert!(diff.changes.iter().all(|c| c.op == "add" && c.old.is_none()));

    // Another merchant's revisions are not this one's.
    let other = shop.world.authorize_directly(1).await;
    assert!(fleet.ext_diff(&other, r1.id, r3.id).await.is_err());
    let (appid, id, template_id) = (other.clone(), r1.id, shop.template_id);
    let refused = fleet.store().write(move |tx| ext::mark_committed(tx, &appid, Some(id), template_id, 1)).await.unwrap_err();
    assert_eq!(refused.code(), "not_found");
    assert!(fleet.ext_history(&other).await.unwrap().is_empty());
}

#[tokio::test]
async fn preview_shows_the_result_problems_and_warnings_without_saving() {
    let shop = Shop::start().await;
    let fleet = shop.fleet();
    // Nothing saved yet: the schema's defaults only, and the required fields missing.
    let preview = ext::preview(fleet, &shop.appid, shop.template_id).await.unwrap();
    assert_eq!(preview.revision_id, None);
    assert_eq!(preview.value["ext"]["theme"], json!({ "primary": "#07c160", "layout": "grid" }));
    assert_eq!(pointers(&preview.issues), ["/ext/shopId", "/ext/shopName"]);
    assert!(preview.pretty.contains("\n  \"ext\": {"), "{}", preview.pretty);
    let refused = ext::compose(fleet, &shop.appid, shop.template_id).await.unwrap_err();
    assert!(refused.to_string().contains("/ext/shopId"), "{refused}");

    let unsaved = json!({
        "ext": { "shopName": "预览店", "shopId": 3, "banner": "summer" },
        "pages": ["pages/index/index", "pages/cart/cart"],
        "plugins": {},
        "tabBar": { "list": [{ "pagePath": "pages/index/index", "text": "首页" }] }
    });
    let preview = ext::preview_unsaved(fleet, &shop.appid, shop.template_id, unsaved).await.unwrap();
    assert!(preview.issues.is_empty(), "{:?}", preview.issues);
    assert_eq!(pointers(&preview.warnings), ["/ext/banner", "/pages", "/plugins", "/tabBar/list"], "{:#?}", preview.warnings);
    assert!(fleet.ext_config(&shop.appid).await.unwrap().is_none(), "a preview saves nothing");

    // A template without a schema: nothing to validate against, and the preview says so.
    let platform = shop.world.platform();
    let bare = fleet.templates(platform).await.unwrap()[1].template_id;
    let preview = ext::preview_unsaved(fleet, &shop.appid, bare, json!({ "ext": { "anything": 1 } })).await.unwrap();
    assert!(preview.issues.is_empty());
    assert!(preview.warnings.iter().any(|w| w.message.contains("no ext schema")), "{:?}", preview.warnings);
    let unknown = ext::preview_unsaved(fleet, &shop.appid, 777_777, json!({})).await.unwrap();
    assert!(unknown.warnings.iter().any(|w| w.message.contains("not in the local copy")), "{:?}", unknown.warnings);
    let not_synced = fleet.set_ext_config(&shop.appid, 777_777, json!({})).await.unwrap_err();
    assert_eq!(not_synced.code(), "not_found", "saved only against a known template: {not_synced}");
    assert_eq!(fleet.ext_history("wx_not_a_merchant").await.unwrap_err().code(), "not_found");
}

/// Found by the `ext_validate` fuzz target (input `45e45ff3…`: the schema
/// `{"type":"object","properties":{"a":{"$ref":"#"}}}` and `{"ext":{}}`): filling the defaults of a
/// recursive schema created the missing object, then the same one inside it, without end — a stack
/// overflow that took the desktop down when a merchant's configuration was checked or composed.
/// A recursive part is filled as deep as the value goes, and not created where the value stops.
#[tokio::test]
async fn fuzz_crash_45e45ff3() {
    let shop = Shop::start().await;
    let (fleet, platform) = (shop.fleet(), shop.world.platform());
    let menus = json!({
        "type": "object",
        "properties": {
            "theme": { "default": "light" },
            "self": { "$ref": "#" },
            "menu": { "$ref": "#/$defs/menu" }
        },
        "$defs": {
            "menu": {
                "type": "object",
                "properties": { "title": { "type": "string", "default": "首页" }, "sub": { "$ref": "#/$defs/menu" } }
            }
        }
    });
    let meta = TemplateMeta { ext_schema: Some(menus), ..TemplateMeta::default() };
    fleet.set_template_meta(platform, shop.template_id, meta).await.expect("a recursive schema is a valid JSON Schema");

    let preview = ext::preview_unsaved(fleet, &shop.appid, shop.template_id, json!({ "ext": {} })).await.unwrap();
    assert!(preview.issues.is_empty(), "{:?}", preview.issues);
    assert_eq!(preview.value["ext"], json!({ "theme": "light", "menu": { "title": "首页" } }));
    let mut filled = preview.filled_defaults.clone();
    filled.sort_unstable();
    assert_eq!(filled, ["/ext/menu/title", "/ext/theme"]);

    let nested = json!({ "ext": { "menu": { "sub": { "sub": {} } }, "self": {} } });
    fleet.set_ext_config(&shop.appid, shop.template_id, nested).await.unwrap();
    let composed = ext::compose(fleet, &shop.appid, shop.template_id).await.unwrap();
    let value: Value = serde_json::from_str(&composed.ext_json).unwrap();
    assert_eq!(
        value["ext"],
        json!({
            "theme": "light",
            "self": { "theme": "light", "menu": { "title": "首页" } },
            "menu": { "title": "首页", "sub": { "title": "首页", "sub": { "title": "首页" } } }
        }),
        "every level the value has gets its defaults; none is added below"
    );
}

/// An ext schema whose `$ref`s double at each of `levels` levels down to a field with a default.
fn multiplying_schema(levels: usize) -> Value {
    let mut defs = serde_json::Map::new();
    for i in 0..levels {
        let next = json!({ "$ref": format!("#/$defs/d{}", i + 1) });
        defs.insert(format!("d{i}"), json!({ "type": "object", "properties": { "l": next, "r": next } }));
    }
    defs.insert(format!("d{levels}"), json!({ "type": "object", "properties": { "x": { "default": 1 } } }));
    json!({ "type": "object", "properties": { "a": { "$ref": "#/$defs/d0" } }, "$defs": defs })
}

/// Found with the `ext_validate` fuzz target (input `7e79a8db…`, 2.5 KB: [`multiplying_schema`] of
/// 26 levels, `{"ext":{}}`): filling the defaults walked 2^26 objects — a hang
/// when a configuration was checked or composed. Such a schema is refused when the template's
/// metadata is saved, and filling is bounded whatever the schema; a moderate one is filled in full.
#[tokio::test]
async fn fuzz_crash_7e79a8db() {
    let shop = Shop::start().await;
    let (fleet, platform) = (shop.fleet(), shop.world.platform());
    let meta = TemplateMeta { ext_schema: Some(multiplying_schema(26)), ..TemplateMeta::default() };
    let refused = fleet.set_template_meta(platform, shop.template_id, meta).await.unwrap_err();
    assert_eq!(refused.code(), "invalid");
    assert!(refused.to_string().contains("properties or more"), "{refused}");
    let filled = ext::schema::fill_defaults(&multiplying_schema(26), &mut serde_json::Map::new(), "/ext");
    assert!(filled.len() <= ext::schema::MAX_FILL_STEPS, "{} defaults filled", filled.len());

    let meta = TemplateMeta { ext_schema: Some(multiplying_schema(8)), ..TemplateMeta::default() };
    fleet.set_template_meta(platform, shop.template_id, meta).await.expect("256 fields with defaults are fine");
    let preview = ext::preview_unsaved(fleet, &shop.appid, shop.template_id, json!({ "ext": {} })).await.unwrap();
    assert_eq!(preview.filled_defaults.len(), 256);
    assert_eq!(preview.value.pointer("/ext/a/l/r/l/r/l/r/l/r/x"), Some(&json!(1)));
}

/// Found by `ext_validate`: with two broken `$ref`s the compiler's message named one or the other
/// from call to call; the check names the first in document order, the same every time.
#[test]
fn fuzz_crash_0d22dab0() {
    let schema = json!({
        "item": "object",
        "proeprties": { "a": { "$ref": "#/$defs/d0" } },
        "$defs": {
            "d0": { "type": "object", "properties": { "l": { "$ref": "'0" }, "r": { "$ref": "d$/#ed$efs/d4" } } },
            "d4": { "type": "object", "properties": { "x": { "d-fault": 0 } } }
        }
    });
    let first = ext::schema::check_schema(&schema);
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].pointer, "/$defs/d0/properties/l/$ref");
    assert!(first[0].message.contains("\"'0\""), "{first:?}");
    for _ in 0..20 {
        assert_eq!(ext::schema::check_schema(&schema), first);
    }
}
