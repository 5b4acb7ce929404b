//! Pushes this crate has no type for — user messages, other products' events, new `InfoType`s —
//! kept whole so nothing WeChat sends is ever dropped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::event_element::Element;

/// A push of a kind without its own type, with every field it carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnknownEvent {
    /// What the push is: its `InfoType`; else its `Event` when `MsgType` is `event`; else its
    /// `MsgType` (`text`, `image`, ...); else empty.
    pub kind: String,
    /// The text of every element that holds text, keyed by its path below `<xml>`: `MsgId`,
    /// `result_info.reason`. Elements that repeat among their siblings get a zero-based index:
    /// `SceneGroupAudit.scene_group_ext_list[1].status`.
    pub fields: BTreeMap<String, String>,
    /// The decrypted XML exactly as received; [`Event::to_xml`](super::Event::to_xml) returns it.
    pub xml: String,
}

impl UnknownEvent {
    pub(crate) fn new(kind: &str, root: &Element, xml: &str) -> Self {
        let mut fields = BTreeMap::new();
        collect(root, "", &mut fields);
        UnknownEvent { kind: kind.to_owned(), fields, xml: xml.to_owned() }
    }

    /// A field by its path, e.g. `"MsgId"` or `"info.name"`.
    pub fn field(&self, path: &str) -> Option<&str> {
        self.fields.get(path).map(String::as_str)
    }

    /// For an authorization-event push (one with `InfoType`): `AuthorizerAppid`, else `appid`.
    pub(crate) fn authorizer_appid(&self) -> Option<&str> {
        self.field("InfoType")?;
        self.field("AuthorizerAppid").or(self.field("appid")).map(str::trim)
    }
}

fn collect(element: &Element, path: &str, fields: &mut BTreeMap<String, String>) {
    // Leaves always count, even when empty; a parent's own text only when it is more than the
    // indentation between its children.
    if !path.is_empty() && (element.children.is_empty() || !element.text.trim().is_empty()) {
        fields.insert(path.to_owned(), element.text.to_string());
    }
    let mut occurrences: BTreeMap<&str, usize> = BTreeMap::new();
    for child in &element.children {
        *occurrences.entry(&*child.name).or_insert(0) += 1;
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for child in &element.children {
        let name = if occurrences[&*child.name] > 1 {
            let index = seen.entry(&*child.name).or_insert(0);
            *index += 1;
            format!("{}[{}]", child.name, *index - 1)
        } else {
            child.name.to_string()
        };
        let child_path = if path.is_empty() { name } else { format!("{path}.{name}") };
        collect(child, &child_path, fields);
    }
}
