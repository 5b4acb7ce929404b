//! A template's ext schema: a JSON Schema document describing the `ext` object (modules, styles,
//! feature switches). Checked when the template's metadata is set, used to validate each merchant's
//! values (every problem, each under its JSON pointer), and walked for `default`s — JSON Schema
//! validators do not fill defaults, so this module does.

use serde_json::{Map, Value};

use super::ExtIssue;

/// `$schema` values whose meta-schema is built in (no network is ever used to fetch one).
const KNOWN_DRAFTS: &[&str] = &[
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema",
    "http://json-schema.org/draft-06/schema",
    "http://json-schema.org/draft-04/schema",
];

/// Every problem of `schema` as a JSON Schema for the `ext` object; empty when it is usable.
pub fn check_schema(schema: &Value) -> Vec<ExtIssue> {
    let Value::Object(root) = schema else {
        return vec![ExtIssue::new("", "the ext schema must be a JSON object (a JSON Schema document)")];
    };
    if let Some(declared) = root.get("$schema") {
        let known = declared.as_str().is_some_and(|s| KNOWN_DRAFTS.contains(&s.trim_end_matches('#')));
        if !known {
            return vec![ExtIssue::new(
                "/$schema",
                format!("{declared} is not a JSON Schema draft known here; use one of {}", KNOWN_DRAFTS.join(", ")),
            )];
        }
    }
    let meta = match jsonschema::meta::validator_for(schema) {
        Ok(meta) => meta,
        Err(e) => return vec![ExtIssue::new("", format!("the meta-schema could not be loaded: {e}"))],
    };
    let mut issues: Vec<ExtIssue> = meta.iter_errors(schema).map(|e| issue_of(&e, "")).map(with_hint).collect();
    if issues.is_empty() {
        if let Err(e) = jsonschema::validator_for(schema) {
            // With several broken `$ref`s the compiler names whichever it met first, which varies
            // from call to call; name the first in document order instead (found by fuzzing).
            let issue = match unresolvable_ref(schema, schema, "") {
                Some((pointer, reference)) => ExtIssue::new(
                    pointer,
                    format!("the schema does not compile: $ref {reference:?} points to nothing in this schema (an ext schema must be self-contained: use \"#/$defs/…\")"),
                ),
                None => ExtIssue::new(e.schema_path().as_str(), format!("the schema does not compile: {e}")),
            };
            issues.push(issue);
        }
    }
    if issues.is_empty() {
        let mut steps = MAX_FILL_STEPS;
        fill_within(schema, &mut Map::new(), "", &mut steps);
        if steps == 0 {
            issues.push(ExtIssue::new(
                "",
                format!("filling the schema's defaults walks {MAX_FILL_STEPS} properties or more: $refs that multiply at every level? simplify them"),
            ));
        }
    }
    if let Some(kind) = root.get("type") {
        let describes_object = match kind {
            Value::String(t) => t == "object",
            Value::Array(types) => types.iter().any(|t| t == "object"),
            _ => true,
        };
        if !describes_object {
            issues.push(ExtIssue::new("/type", "the ext schema describes the `ext` object: its root type must be \"object\""));
        }
    }
    issues
}

/// The first `$ref` (in document order) that points neither to an anchor nor to a part of `root`,
/// with its pointer. Only asked once the compiler refused the schema, so embedded resources it
/// would have resolved are never blamed.
fn unresolvable_ref(root: &Value, node: &Value, at: &str) -> Option<(String, String)> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let resolves = match reference.strip_prefix('#') {
                    Some(pointer) if pointer.starts_with('/') && !pointer.contains('%') => root.pointer(pointer).is_some(),
                    Some(_) => true,
                    None => false,
                };
                if !resolves {
                    return Some((format!("{at}/$ref"), reference.clone()));
                }
            }
            map.iter()
                .find_map(|(key, value)| unresolvable_ref(root, value, &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))))
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(i, value)| unresolvable_ref(root, value, &format!("{at}/{i}"))),
        _ => None,
    }
}

/// The meta-schema's own words for a bad `type` are about `anyOf`; say what is accepted.
fn with_hint(mut issue: ExtIssue) -> ExtIssue {
    if issue.pointer.ends_with("/type") {
        issue.message.push_str(
            " (a type is one of \"string\", \"number\", \"integer\", \"boolean\", \"object\", \"array\", \"null\", or a list of them)",
        );
    }
    issue
}

/// Compiles a schema already accepted by [`check_schema`].
pub fn compile(schema: &Value) -> Result<jsonschema::Validator, ExtIssue> {
    jsonschema::validator_for(schema).map_err(|e| ExtIssue::new("", format!("the template's ext schema does not compile: {e}")))
}

/// Every way `instance` breaks the schema, pointers prefixed with `prefix` (`/ext`).
pub fn validate(validator: &jsonschema::Validator, instance: &Value, prefix: &str) -> Vec<ExtIssue> {
    let mut issues: Vec<ExtIssue> = Vec::new();
    for error in validator.iter_errors(instance) {
        match error.kind() {
            // One issue per field, under the field itself: the UI marks the input that needs a change.
            jsonschema::error::ValidationErrorKind::Required { property } => {
                let name = property.as_str().map(str::to_owned).unwrap_or_else(|| property.to_string());
                let at = format!("{prefix}{}/{}", error.instance_path().as_str(), escape(&name));
                issues.push(ExtIssue::new(at, "required, but not set (and the schema gives no default)"));
            }
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let at = format!("{prefix}{}/{}", error.instance_path().as_str(), escape(name));
                    issues.push(ExtIssue::new(at, "not allowed here (the schema lists the fields this object takes)"));
                }
            }
            _ => issues.push(issue_of(&error, prefix)),
        }
    }
    issues.dedup();
    issues
}

fn issue_of(error: &jsonschema::ValidationError<'_>, prefix: &str) -> ExtIssue {
    ExtIssue::new(format!("{prefix}{}", error.instance_path().as_str()), error.to_string())
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Follows local `$ref`s (`#/$defs/…`, `#/definitions/…`) from `schema` within `root`.
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => match root.pointer(pointer) {
                Some(target) => schema = target,
                None => break,
            },
            None => break,
        }
    }
    schema
}

/// Fills `value` (an object) with the `default` of every property the schema describes and the
/// value lacks, recursing into nested objects (also creating an object whose properties have
/// defaults). Returns the pointers filled, prefixed with `prefix`.
///
/// Only `properties` (through local `$ref`s) are walked: defaults under `allOf`/`anyOf`/`if` are not
/// applied, since which branch applies depends on the values.
///
/// A recursive schema (a property whose `$ref` leads back to a schema it is inside of, e.g. a tree
/// of menus) describes values of any depth: a property the value lacks is not filled when its
/// schema is already one of the path's, so the defaults end where the recursion starts instead of
/// never — and filling what this returned fills nothing more. A schema whose `$ref`s multiply (each
/// level referring twice to the next) is walked [`MAX_FILL_STEPS`] properties at most; [`check_schema`]
/// refuses one that needs more.
pub fn fill_defaults(schema: &Value, value: &mut Map<String, Value>, prefix: &str) -> Vec<String> {
    fill_within(schema, value, prefix, &mut { MAX_FILL_STEPS })
}

/// The most properties [`fill_defaults`] walks: an ext object's worth many times over.
pub const MAX_FILL_STEPS: usize = 10_000;

fn fill_within(schema: &Value, value: &mut Map<String, Value>, prefix: &str, steps: &mut usize) -> Vec<String> {
    let mut filled = Vec::new();
    fill(schema, schema, value, prefix, &mut filled, &mut vec![resolve(schema, schema)], steps);
    filled
}

/// `path`: the (resolved) schemas of the objects from the root down to `value`.
fn fill<'a>(
    root: &'a Value,
    schema: &'a Value,
    value: &mut Map<String, Value>,
    at: &str,
    filled: &mut Vec<String>,
    path: &mut Vec<&'a Value>,
    steps: &mut usize,
) {
    let schema = resolve(root, schema);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return };
    for (key, property) in properties {
        let Some(left) = steps.checked_sub(1) else { return };
        *steps = left;
        let property = resolve(root, property);
        let pointer = format!("{at}/{}", escape(key));
        match value.get_mut(key) {
            Some(Value::Object(nested)) => {
                path.push(property);
                fill(root, property, nested, &pointer, filled, path, steps);
                path.pop();
            }
            Some(_) => {}
            None if path.iter().any(|on_path| std::ptr::eq(*on_path, property)) => {}
            None => {
                if let Some(default) = property.get("default") {
                    filled.push(pointer.clone());
                    let mut default = default.clone();
                    if let Value::Object(nested) = &mut default {
                        path.push(property);
                        fill(root, property, nested, &pointer, filled, path, steps);
                        path.pop();
                    }
                    value.insert(key.clone(), default);
                } else if property.get("properties").is_some() {
                    let mut nested = Map::new();
                    path.push(property);
                    fill(root, property, &mut nested, &pointer, filled, path, steps);
                    path.pop();
                    if !nested.is_empty() {
                        value.insert(key.clone(), Value::Object(nested));
                    }
                }
            }
        }
    }
}

/// Keys of `value` the schema does not describe, where the schema does not say whether others are
/// allowed (a typo shows up here rather than silently doing nothing in the template's code).
pub fn undescribed(schema: &Value, value: &Map<String, Value>, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    walk_undescribed(schema, schema, value, prefix, &mut found);
    found
}

fn walk_undescribed(root: &Value, schema: &Value, value: &Map<String, Value>, at: &str, found: &mut Vec<String>) {
    let schema = resolve(root, schema);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return };
    let open = schema.get("additionalProperties").is_none() && schema.get("patternProperties").is_none();
    for (key, item) in value {
        let path = format!("{at}/{}", escape(key));
        match properties.get(key) {
            Some(property) => {
                if let Value::Object(nested) = item {
                    walk_undescribed(root, property, nested, &path, found);
                }
            }
            None if open => found.push(path),
            None => {}
        }
    }
}
