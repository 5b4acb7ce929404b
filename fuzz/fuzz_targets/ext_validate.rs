//! A template's ext schema and a merchant's ext configuration, as the core checks them: the schema
//! when the template's metadata is saved (`templates::meta::check` → `ext::schema::check_schema`),
//! the configuration against it when saved or composed (`ext::config::build`: defaults filled,
//! validated, overrides checked, the standard-template rule), and the diff the editor shows.
//!
//! The input is `flags, schema JSON, 0, configuration JSON` (no 0: no configuration). Bit 0 of
//! `flags` makes the template a standard one; bit 1 checks the configuration without a schema.
//!
//! Checked beside "no panic": every check is deterministic; `ext_json` is an object holding
//! `extAppid` (the mini program's) and an `ext` object, never a DevTools-only key, only
//! `extAppid`/`ext`/`window` for a standard template once accepted, and its string (what
//! `wxa/commit` sends) parses back to the same value; an accepted configuration composes to itself
//! (building from the composed `ext_json` fills nothing more and finds nothing wrong); a value
//! diffed against itself has no changes.
#![no_main]

use fleet::ext::config::{build, STANDARD_TEMPLATE_KEYS};
use fleet::ext::{changes, schema};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const APPID: &str = "wx1234567890abcdef";
const TEMPLATE_ID: i64 = 7;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let (schema_bytes, config_bytes) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let standard = flags & 1 != 0;
    let config: Value = if config_bytes.is_empty() { Value::Null } else { serde_json::from_slice(config_bytes).unwrap_or(Value::Null) };
    let ext_schema: Option<Value> = if flags & 2 != 0 { None } else { serde_json::from_slice(schema_bytes).ok() };

    if let Some(ext_schema) = &ext_schema {
        let issues = schema::check_schema(ext_schema);
        assert_eq!(issues, schema::check_schema(ext_schema), "check_schema is not deterministic");
        if !issues.is_empty() {
            // The template's metadata refuses it: the configuration is never checked against it.
            return;
        }
    }
    check_config(standard, ext_schema.as_ref(), &config);
});

fn check_config(standard: bool, ext_schema: Option<&Value>, config: &Value) {
    let built = build(APPID, TEMPLATE_ID, standard, ext_schema, config);
    assert_eq!(built, build(APPID, TEMPLATE_ID, standard, ext_schema, config), "build is not deterministic");

    let value = &built.value;
    assert_eq!(value.get("extAppid"), Some(&Value::String(APPID.to_owned())), "extAppid is the mini program's");
    assert!(value.get("ext").is_some_and(Value::is_object), "ext is an object");
    for devtools_only in ["extEnable", "directCommit"] {
        assert!(!value.contains_key(devtools_only), "{devtools_only} reached ext_json");
    }
    let ext_json = serde_json::to_string(value).expect("ext_json serializes");
    let parsed: Value = serde_json::from_str(&ext_json).expect("ext_json is JSON");
    assert_eq!(parsed, Value::Object(value.clone()), "ext_json does not read back as composed");

    assert!(changes(&parsed, &parsed).is_empty(), "a value differs from itself");
    let _ = changes(config, &parsed);

    if !built.issues.is_empty() {
        return;
    }
    if standard {
        assert!(
            value.keys().all(|k| STANDARD_TEMPLATE_KEYS.contains(&k.as_str())),
            "a standard template's ext_json holds {:?}",
            value.keys()
        );
    }
    // What a commit sends, saved again as the configuration, composes to the same ext_json.
    let mut again = value.clone();
    again.remove("extAppid");
    let rebuilt = build(APPID, TEMPLATE_ID, standard, ext_schema, &Value::Object(again));
    assert_eq!(rebuilt.issues, vec![], "an accepted configuration's own ext_json is refused");
    assert_eq!(rebuilt.filled_defaults, Vec::<String>::new(), "defaults filled twice");
    assert_eq!(rebuilt.value, built.value, "composing is not idempotent");
}
