//! What changed between two configurations, field by field (an RFC 6902 diff, read as a list of
//! changes with the old and the new value).

use serde::Serialize;
use serde_json::Value;

/// One changed field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtChange {
    /// Its JSON pointer (`/ext/theme/primary`).
    pub path: String,
    /// `add`, `remove` or `replace`.
    pub op: String,
    /// The value before (none when added).
    pub old: Option<Value>,
    /// The value after (none when removed).
    pub new: Option<Value>,
}

/// The changes that turn `from` into `to`, in order.
pub fn changes(from: &Value, to: &Value) -> Vec<ExtChange> {
    let patch = json_patch::diff(from, to);
    // Array removals are numbered against the document as already patched, so the old value is
    // read from a copy that follows along.
    let mut current = from.clone();
    let mut changes = Vec::with_capacity(patch.0.len());
    for operation in patch.0 {
        let path = operation.path().as_str().to_owned();
        let old = current.pointer(&path).cloned();
        let (op, new) = match &operation {
            json_patch::PatchOperation::Add(add) => ("add", Some(add.value.clone())),
            json_patch::PatchOperation::Remove(_) => ("remove", None),
            json_patch::PatchOperation::Replace(replace) => ("replace", Some(replace.value.clone())),
            // `diff` only makes the three above.
            other => (other_name(other), None),
        };
        if json_patch::patch(&mut current, std::slice::from_ref(&operation)).is_err() {
            // Cannot happen for a patch made by `diff` from this very document; keep the list honest.
            tracing::warn!(path, "an ext diff operation did not apply");
        }
        changes.push(ExtChange { path, op: op.to_owned(), old: if op == "add" { None } else { old }, new });
    }
    changes
}

fn other_name(operation: &json_patch::PatchOperation) -> &'static str {
    match operation {
        json_patch::PatchOperation::Move(_) => "move",
        json_patch::PatchOperation::Copy(_) => "copy",
        json_patch::PatchOperation::Test(_) => "test",
        _ => "other",
    }
}
