//! A mini program's ext configuration — `{"ext": {...}, "window": {...}, ...}`, everything of
//! `ext_json` but `extAppid` — checked and composed into the `ext_json` string of `wxa/commit`
//! (reference §11).

use serde_json::{Map, Value};

use super::{schema, ExtIssue};

/// The keys of `ext_json` a configuration may set beside `ext`, with the JSON type each must have
/// (`None`: not checked here; WeChat checks it).
pub const OVERRIDE_KEYS: &[(&str, Option<Kind>)] = &[
    ("window", Some(Kind::Object)),
    ("tabBar", Some(Kind::Object)),
    ("extPages", Some(Kind::Object)),
    ("requiredPrivateInfos", Some(Kind::Strings)),
    ("pages", Some(Kind::Strings)),
    ("subPackages", Some(Kind::Array)),
    ("networkTimeout", Some(Kind::Object)),
    ("plugins", Some(Kind::Object)),
    ("permission", Some(Kind::Object)),
    ("navigateToMiniProgramAppIdList", Some(Kind::Strings)),
    ("entryPagePath", Some(Kind::String)),
    ("functionPages", None),
    ("customOpen", None),
];

/// The only keys a standard template's `ext_json` may have (else WeChat answers 9402203).
pub const STANDARD_TEMPLATE_KEYS: &[&str] = &["extAppid", "ext", "window"];

/// Keys that replace the template's `app.json` entry wholesale instead of merging into it.
const WHOLESALE: &[(&str, &str)] = &[
    ("pages", "replaces the template's page list: pages left out are not in this mini program"),
    ("subPackages", "replaces the template's subpackages: subpackages left out are not in this mini program"),
    ("plugins", "replaces the template's plugins: list every plugin the code uses, with its version and provider"),
    ("requiredPrivateInfos", "replaces the template's list: name every location API the code calls, or those calls fail (61040)"),
    ("navigateToMiniProgramAppIdList", "replaces the template's list of mini programs it may open"),
    ("functionPages", "replaces the template's setting"),
    ("customOpen", "replaces the template's setting"),
];

/// The names `requiredPrivateInfos` takes (the location APIs WeChat lists for it).
const LOCATION_APIS: &[&str] = &[
    "getFuzzyLocation",
    "getLocation",
    "onLocationChange",
    "startLocationUpdate",
    "startLocationUpdateBackground",
    "chooseLocation",
    "choosePoi",
    "chooseAddress",
];

/// The JSON type an override must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An object.
    Object,
    /// An array.
    Array,
    /// An array of strings.
    Strings,
    /// A string.
    String,
}

impl Kind {
    fn accepts(self, value: &Value) -> bool {
        match self {
            Kind::Object => value.is_object(),
            Kind::Array => value.is_array(),
            Kind::Strings => value.as_array().is_some_and(|items| items.iter().all(Value::is_string)),
            Kind::String => value.is_string(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::Strings => "an array of strings",
            Kind::String => "a string",
        }
    }
}

/// `ext_json` built from a configuration, with everything found on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Built {
    /// `{"extAppid": …, "ext": {…}, …}`.
    pub value: Map<String, Value>,
    /// What must be fixed before it can be committed.
    pub issues: Vec<ExtIssue>,
    /// What works but deserves a look.
    pub warnings: Vec<ExtIssue>,
    /// Pointers filled from the schema's defaults.
    pub filled_defaults: Vec<String>,
}

/// Builds the `ext_json` object of `appid` for template `template_id` (`standard`: of type 1) from `config`: schema defaults filled into
/// `ext`, `ext` validated against the schema, overrides checked, the standard-template rule applied.
pub fn build(appid: &str, template_id: i64, standard: bool, ext_schema: Option<&Value>, config: &Value) -> Built {
    let mut built = Built::default();
    let empty = Map::new();
    let config = match config {
        Value::Object(config) => config,
        Value::Null => &empty,
        _ => {
            built.issues.push(ExtIssue::new("", "the configuration must be a JSON object like {\"ext\": {…}, \"window\": {…}}"));
            &empty
        }
    };

    let mut ext = match config.get("ext") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(ext)) => ext.clone(),
        Some(_) => {
            built.issues.push(ExtIssue::new("/ext", "must be an object: the merchant's values the template's code reads"));
            Map::new()
        }
    };
    match ext_schema {
        Some(ext_schema) => {
            built.filled_defaults = schema::fill_defaults(ext_schema, &mut ext, "/ext");
            match schema::compile(ext_schema) {
                Ok(validator) => built.issues.extend(schema::validate(&validator, &Value::Object(ext.clone()), "/ext")),
                Err(issue) => built.issues.push(issue),
            }
            for pointer in schema::undescribed(ext_schema, &ext, "/ext") {
                built.warnings.push(ExtIssue::new(pointer, "not described by the template's ext schema (a typo?); the code may ignore it"));
            }
        }
        None => built.warnings.push(ExtIssue::new(
            "/ext",
            format!("template {template_id} has no ext schema: ext is not validated (set one in the template's metadata)"),
        )),
    }

    built.value.insert("extAppid".to_owned(), Value::String(appid.to_owned()));
    built.value.insert("ext".to_owned(), Value::Object(ext));
    for (key, value) in config {
        let at = format!("/{}", schema::escape(key));
        match key.as_str() {
            "ext" => continue,
            "extAppid" => {
                built.issues.push(ExtIssue::new(at, "set by wxfleet from the mini program's appid; remove it"));
                continue;
            }
            "extEnable" | "directCommit" => {
                built.issues.push(ExtIssue::new(at, "only used by DevTools uploads, never in a commit's ext_json; remove it"));
                continue;
            }
            _ => {}
        }
        let Some((_, kind)) = OVERRIDE_KEYS.iter().find(|(k, _)| k == key) else {
            let known: Vec<&str> = OVERRIDE_KEYS.iter().map(|(k, _)| *k).collect();
            built.issues.push(ExtIssue::new(
                at,
                format!("not an ext_json key; the merchant's own fields go inside ext, and beside it only {} may be set", known.join(", ")),
            ));
            continue;
        };
        if let Some(kind) = kind {
            if !kind.accepts(value) {
                built.issues.push(ExtIssue::new(at, format!("must be {}", kind.name())));
                continue;
            }
        }
        if standard && !STANDARD_TEMPLATE_KEYS.contains(&key.as_str()) {
            built.issues.push(ExtIssue::new(
                at,
                format!(
                    "template {template_id} is a standard template: its ext_json may only hold extAppid, ext and window (WeChat answers 9402203 otherwise); remove {key}"
                ),
            ));
            continue;
        }
        if key == "requiredPrivateInfos" {
            for (i, name) in value.as_array().into_iter().flatten().filter_map(Value::as_str).enumerate() {
                if !LOCATION_APIS.contains(&name) {
                    built.warnings.push(ExtIssue::new(
                        format!("/requiredPrivateInfos/{i}"),
                        format!("{name:?} is not one of {} (WeChat answers 85310 to an unknown name)", LOCATION_APIS.join(", ")),
                    ));
                }
            }
        }
        if let Some((_, why)) = WHOLESALE.iter().find(|(k, _)| k == key) {
            built.warnings.push(ExtIssue::new(at.clone(), format!("overrides wholesale, not merged: {why}")));
        }
        if key == "tabBar" && value.get("list").is_some() {
            built.warnings.push(ExtIssue::new("/tabBar/list", "overrides wholesale, not merged: replaces the template's tabs"));
        }
        built.value.insert(key.clone(), value.clone());
    }
    built
}
