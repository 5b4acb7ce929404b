//! The outer XML of encrypted pushes and replies (reference §1.4, §1.5): only `Encrypt` is secret,
//! the rest says who the push is for or carries the reply's signature.
//!
//! Reading keeps `Encrypt` exactly as the XML holds it (CDATA or text), because `msg_signature` is
//! computed over that text. Writing reproduces WeChat's layout byte for byte, so the simulator's
//! pushes are indistinguishable from real ones.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

use super::event_flat::{find_byte, find_cdata_close};

/// Who an encrypted push is addressed to: the element next to `Encrypt`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Addressee {
    /// `<AppId>` — pushes to the authorization-event URL (ticket, authorized, ...): the component appid.
    AppId(String),
    /// `<ToUserName>` — pushes to the message-and-event URL: the original id (`gh_...`) of the mini program.
    ToUserName(String),
}

impl Addressee {
    /// The element name, `AppId` or `ToUserName`.
    pub fn tag(&self) -> &'static str {
        match self {
            Addressee::AppId(_) => "AppId",
            Addressee::ToUserName(_) => "ToUserName",
        }
    }

    /// The element's text.
    pub fn value(&self) -> &str {
        match self {
            Addressee::AppId(v) | Addressee::ToUserName(v) => v,
        }
    }
}

/// The body of an encrypted push.
///
/// ```text
/// <xml>
///     <AppId><![CDATA[wx...]]></AppId>          (or <ToUserName><![CDATA[gh_...]]></ToUserName>)
///     <Encrypt><![CDATA[base64...]]></Encrypt>
/// </xml>
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `AppId` or `ToUserName`, when present (WeCom's echostr and some test bodies have neither).
    pub addressee: Option<Addressee>,
    /// The base64 ciphertext, exactly as in the XML.
    pub encrypt: String,
}

impl Envelope {
    /// Reads a push body. Other top-level elements — the plaintext copies of MP "compatible mode",
    /// WeCom's `AgentID` — are ignored: only `Encrypt` is trusted, after its signature is checked.
    pub fn parse(body: &[u8]) -> Result<Envelope, EnvelopeError> {
        BorrowedEnvelope::parse(body).map(BorrowedEnvelope::into_owned)
    }

    /// The body as WeChat sends it: four-space indented, CDATA, no trailing newline (the layout of
    /// the official third-party-platform push example and of captured pushes).
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(self.encrypt.len() + 96);
        out.push_str("<xml>\n");
        if let Some(addressee) = &self.addressee {
            push_element(&mut out, "    ", addressee.tag(), addressee.value());
        }
        push_element(&mut out, "    ", "Encrypt", &self.encrypt);
        out.push_str("</xml>");
        out
    }
}

/// An [`Envelope`] whose values borrow from the body where they can: opening a push needs
/// `Encrypt` only for the signature and the decryption, so copying it would be wasted.
pub(crate) struct BorrowedEnvelope<'a> {
    app_id: Option<Cow<'a, str>>,
    to_user_name: Option<Cow<'a, str>>,
    /// The base64 ciphertext, exactly as in the XML.
    pub(crate) encrypt: Cow<'a, str>,
}

impl<'a> BorrowedEnvelope<'a> {
    /// Reads a push body exactly as [`Envelope::parse`] does.
    pub(crate) fn parse(body: &'a [u8]) -> Result<BorrowedEnvelope<'a>, EnvelopeError> {
        let [app_id, to_user_name, encrypt] = read_fields(body, ["AppId", "ToUserName", "Encrypt"])?;
        Ok(BorrowedEnvelope { app_id, to_user_name, encrypt: non_empty("Encrypt", encrypt)? })
    }

    pub(crate) fn into_owned(self) -> Envelope {
        let addressee =
            self.app_id.map(|v| Addressee::AppId(v.into_owned())).or(self.to_user_name.map(|v| Addressee::ToUserName(v.into_owned())));
        Envelope { addressee, encrypt: self.encrypt.into_owned() }
    }
}

/// The encrypted passive reply of reference §1.5.
///
/// ```text
/// <xml>
/// <Encrypt><![CDATA[...]]></Encrypt>
/// <MsgSignature><![CDATA[...]]></MsgSignature>
/// <TimeStamp>1411525903</TimeStamp>
/// <Nonce><![CDATA[461056294]]></Nonce>
/// </xml>
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyEnvelope {
    /// The base64 ciphertext.
    pub encrypt: String,
    /// `sha1(sort(Token, TimeStamp, Nonce, Encrypt))`.
    pub msg_signature: String,
    /// The timestamp the signature covers.
    pub timestamp: String,
    /// The nonce the signature covers.
    pub nonce: String,
}

impl ReplyEnvelope {
    /// Reads a reply; all four elements are required.
    pub fn parse(body: &[u8]) -> Result<ReplyEnvelope, EnvelopeError> {
        let [encrypt, msg_signature, timestamp, nonce] = read_fields(body, ["Encrypt", "MsgSignature", "TimeStamp", "Nonce"])?;
        Ok(ReplyEnvelope {
            encrypt: non_empty("Encrypt", encrypt)?.into_owned(),
            msg_signature: non_empty("MsgSignature", msg_signature)?.into_owned(),
            timestamp: non_empty("TimeStamp", timestamp)?.into_owned(),
            nonce: non_empty("Nonce", nonce)?.into_owned(),
        })
    }

    /// The reply exactly as the official samples (and the documentation's example) write it:
    /// one element per line, `TimeStamp` as plain text, the rest as CDATA.
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(self.encrypt.len() + 160);
        out.push_str("<xml>\n");
        push_element(&mut out, "", "Encrypt", &self.encrypt);
        push_element(&mut out, "", "MsgSignature", &self.msg_signature);
        out.push_str("<TimeStamp>");
        out.push_str(&quick_xml::escape::escape(self.timestamp.as_str()));
        out.push_str("</TimeStamp>\n");
        push_element(&mut out, "", "Nonce", &self.nonce);
        out.push_str("</xml>");
        out
    }
}

/// Why an envelope could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not well-formed XML (or not UTF-8, or with a DOCTYPE, which pushes never have).
    #[error("malformed XML at byte {position}: {message}")]
    Malformed {
        /// Byte offset where reading stopped.
        position: u64,
        /// What was wrong.
        message: String,
    },
    /// The root element is not `<xml>`.
    #[error("the root element is <{0}>, not <xml>")]
    UnexpectedRoot(String),
    /// A required element is absent or empty.
    #[error("no <{0}> (or it is empty)")]
    Missing(&'static str),
    /// An element appears twice, so it is ambiguous which one was signed.
    #[error("<{0}> appears more than once")]
    Duplicate(&'static str),
    /// An element that must hold text holds elements.
    #[error("<{0}> holds elements instead of text")]
    NotText(&'static str),
}

fn non_empty<'a>(name: &'static str, value: Option<Cow<'a, str>>) -> Result<Cow<'a, str>, EnvelopeError> {
    value.filter(|v| !v.is_empty()).ok_or(EnvelopeError::Missing(name))
}

fn push_element(out: &mut String, indent: &str, tag: &str, value: &str) {
    out.push_str(indent);
    out.push('<');
    out.push_str(tag);
    out.push('>');
    push_cdata(out, value);
    out.push_str("</");
    out.push_str(tag);
    out.push_str(">\n");
}

/// A CDATA section cannot contain `]]>`; such a value is split across two sections.
fn push_cdata(out: &mut String, value: &str) {
    out.push_str("<![CDATA[");
    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

/// The text of the named children of `<xml>`, each at most once; other children are skipped.
fn read_fields<'a, const N: usize>(body: &'a [u8], names: [&'static str; N]) -> Result<[Option<Cow<'a, str>>; N], EnvelopeError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| EnvelopeError::Malformed { position: e.valid_up_to() as u64, message: "not UTF-8".into() })?;
    match read_flat(text, &names) {
        Some(fields) => fields,
        None => read_general(text, names),
    }
}

/// The layout WeChat actually sends — `<xml>`, then children holding one CDATA section or plain
/// text without references, whitespace between — read without an XML reader, which is most of
/// the cost of opening a push otherwise. `None` for anything else (declarations, comments,
/// attributes, entities, nesting, `\r`): the general reader decides those. For documents it
/// accepts, the result is the general reader's (a unit test compares them). Values are borrowed.
fn read_flat<'a, const N: usize>(text: &'a str, names: &[&'static str; N]) -> Option<Result<[Option<Cow<'a, str>>; N], EnvelopeError>> {
    const WS: [char; 3] = [' ', '\t', '\n'];
    if find_byte(text, b'\r').is_some() {
        return None;
    }
    let mut rest = text.trim_start_matches(WS).strip_prefix("<xml>")?;
    let mut fields: [Option<Cow<'a, str>>; N] = std::array::from_fn(|_| None);
    loop {
        rest = rest.trim_start_matches(WS);
        if let Some(after) = rest.strip_prefix("</xml>") {
            return after.trim_start_matches(WS).is_empty().then_some(Ok(fields));
        }
        let after_lt = rest.strip_prefix('<')?;
        let name_len = find_byte(after_lt, b'>')?;
        let name = &after_lt[..name_len];
        let mut chars = name.chars();
        if !chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let content = &after_lt[name_len + 1..];
        let (value, after_value) = if let Some(cdata) = content.strip_prefix("<![CDATA[") {
            let end = find_cdata_close(cdata)?;
            (&cdata[..end], &cdata[end + 3..])
        } else {
            let end = find_byte(content, b'<')?;
            let value = &content[..end];
            if value.contains('&') {
                return None;
            }
            (value, &content[end..])
        };
        rest = after_value.strip_prefix("</")?.strip_prefix(name)?.strip_prefix('>')?;
        match claim(&mut fields, names, name) {
            Ok(Some(i)) => fields[i] = Some(Cow::Borrowed(value)),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
}

/// Any well-formed document, through quick-xml.
fn read_general<const N: usize>(text: &str, names: [&'static str; N]) -> Result<[Option<Cow<'static, str>>; N], EnvelopeError> {
    let mut reader = Reader::from_str(text);
    let mut fields: [Option<Cow<'static, str>>; N] = std::array::from_fn(|_| None);
    let mut depth = 0usize;
    let mut root_done = false;
    // The field being read, while directly inside one of the named children.
    let mut current: Option<usize> = None;
    let malformed = |reader: &Reader<&[u8]>, message: String| EnvelopeError::Malformed { position: reader.buffer_position(), message };
    loop {
        let event = reader.read_event().map_err(|e| malformed(&reader, e.to_string()))?;
        match event {
            Event::Start(start) if depth == 0 => {
                check_root(&reader, root_done, start.name().as_ref())?;
                depth = 1;
            }
            Event::Empty(start) if depth == 0 => {
                check_root(&reader, root_done, start.name().as_ref())?;
                root_done = true;
            }
            Event::Start(start) => {
                if let Some(i) = current {
                    return Err(EnvelopeError::NotText(names[i]));
                }
                if depth == 1 {
                    current = claim(&mut fields, &names, start.name().as_ref())?;
                }
                depth += 1;
            }
            Event::Empty(start) => {
                if let Some(i) = current {
                    return Err(EnvelopeError::NotText(names[i]));
                }
                if depth == 1 {
                    claim(&mut fields, &names, start.name().as_ref())?;
                }
            }
            Event::End(_) => {
                depth -= 1;
                if depth <= 1 {
                    current = None;
                }
                if depth == 0 {
                    root_done = true;
                }
            }
            Event::Text(t) => {
                if let Some(i) = current {
                    append(&mut fields[i], &t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some(i) = current {
                    append(&mut fields[i], &c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_reference(&r).ok_or_else(|| malformed(&reader, format!("unknown entity &{};", &*r)))?;
                if let Some(i) = current {
                    let mut utf8 = [0u8; 4];
                    append(&mut fields[i], resolved.encode_utf8(&mut utf8));
                }
            }
            Event::DocType(_) => return Err(malformed(&reader, "a DOCTYPE (pushes never have one)".into())),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                if !root_done {
                    return Err(malformed(&reader, "no complete <xml> element".into()));
                }
                return Ok(fields);
            }
        }
    }
}

fn check_root(reader: &Reader<&[u8]>, root_done: bool, name: &str) -> Result<(), EnvelopeError> {
    if root_done {
        return Err(EnvelopeError::Malformed { position: reader.buffer_position(), message: "a second root element".into() });
    }
    if name != "xml" {
        return Err(EnvelopeError::UnexpectedRoot(name.to_owned()));
    }
    Ok(())
}

/// Marks the named child as seen and returns its index; `None` for children we do not read.
fn claim<const N: usize>(
    fields: &mut [Option<Cow<'_, str>>; N],
    names: &[&'static str; N],
    name: &str,
) -> Result<Option<usize>, EnvelopeError> {
    let Some(i) = names.iter().position(|n| *n == name) else {
        return Ok(None);
    };
    if fields[i].is_some() {
        return Err(EnvelopeError::Duplicate(names[i]));
    }
    fields[i] = Some(Cow::Borrowed(""));
    Ok(Some(i))
}

fn append(field: &mut Option<Cow<'_, str>>, text: &str) {
    field.get_or_insert(Cow::Borrowed("")).to_mut().push_str(text);
}

fn resolve_reference(r: &BytesRef<'_>) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match &**r {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const NAMES: [&str; 3] = ["AppId", "ToUserName", "Encrypt"];

    fn element() -> impl Strategy<Value = String> {
        let name = prop::sample::select(vec!["AppId", "ToUserName", "Encrypt", "MsgType", "AgentID", "_x1"]);
        let ws = prop::sample::select(vec!["", " ", "\n", "\n    ", "\t"]);
        (name, "[^\r]{0,40}", any::<bool>(), ws).prop_map(|(name, value, cdata, ws)| {
            if cdata && !value.contains("]]>") {
                format!("<{name}><![CDATA[{value}]]></{name}>{ws}")
            } else {
                let plain: String = value.chars().filter(|c| !matches!(c, '<' | '&')).collect();
                format!("<{name}>{plain}</{name}>{ws}")
            }
        })
    }

    proptest! {
        #[test]
        fn the_flat_reader_agrees_with_quick_xml(lead in "[ \n]{0,3}", children in prop::collection::vec(element(), 0..6), trail in "[ \n]{0,3}") {
            let doc = format!("{lead}<xml>\n{}</xml>{trail}", children.concat());
            let flat = read_flat(&doc, &NAMES);
            prop_assert!(flat.is_some(), "the flat reader gave up on {doc:?}");
            prop_assert_eq!(flat.unwrap(), read_general(&doc, NAMES));
        }

        #[test]
        fn the_flat_reader_never_disagrees_on_anything(doc in "[<>a-zA-Z/!\\[\\] \n&;CDAT]{0,60}") {
            if let Some(flat) = read_flat(&doc, &NAMES) {
                prop_assert_eq!(flat, read_general(&doc, NAMES));
            }
        }
    }

    #[test]
    fn every_vector_body_takes_the_flat_path() {
        for (_, json) in crate::selftest::VECTOR_FILES {
            let file: serde_json::Value = serde_json::from_str(json).unwrap();
            for body in file["cases"].as_array().unwrap().iter().filter_map(|c| c["body"].as_str()) {
                let flat = read_flat(body, &NAMES).unwrap_or_else(|| panic!("not flat: {body}"));
                assert_eq!(flat, read_general(body, NAMES));
            }
        }
    }
}
