//! The small XML subset WeChat pushes use: nested elements with text or CDATA, no attributes that
//! matter. Read into a tree first so every event kind (and the raw keeper of unknown ones) looks
//! at the same, already validated structure; written back with CDATA for strings and bare numbers.
//!
//! The tree borrows names and text from the document where it can, so that reading a push copies
//! each value once, into the typed event. Documents in WeChat's own layout are read by
//! [`event_flat`](super::event_flat) without an XML reader; anything else by quick-xml here.

use std::borrow::Cow;
use std::fmt::Display;
use std::str::FromStr;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::Event as XmlEvent;
use quick_xml::Reader;

use super::XmlError;

/// Deeper nesting never occurs in pushes; the limit keeps hostile input from exhausting the stack
/// of the recursive walks over the tree.
const MAX_DEPTH: usize = 32;

/// One element: its name, its text (CDATA sections and entity references resolved and joined),
/// and its child elements in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) text: Cow<'a, str>,
    pub(crate) children: Vec<Element<'a>>,
}

impl<'a> Element<'a> {
    fn named(name: &str) -> Self {
        Element { name: Cow::Owned(name.to_owned()), text: Cow::Borrowed(""), children: Vec::new() }
    }

    /// Reads a whole document and returns its root element: WeChat's layout on the fast path, the
    /// rest (and every error) through quick-xml. Both give the same tree (tests compare them).
    pub(crate) fn parse(xml: &'a str) -> Result<Element<'a>, XmlError> {
        match super::event_flat::parse(xml) {
            Some(root) => Ok(root),
            None => Element::parse_general(xml),
        }
    }

    /// Reads any document through quick-xml.
    pub(crate) fn parse_general(xml: &'a str) -> Result<Element<'a>, XmlError> {
        let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
        let mut reader = Reader::from_str(xml);
        let mut open: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        loop {
            let event = reader.read_event().map_err(|e| malformed(reader.error_position(), e))?;
            let at = reader.buffer_position();
            match event {
                XmlEvent::Start(start) => {
                    if root.is_some() {
                        return Err(malformed(at, "an element after the root element"));
                    }
                    if open.len() == MAX_DEPTH {
                        return Err(malformed(at, format!("elements nested deeper than {MAX_DEPTH}")));
                    }
                    open.push(Element::named(start.name().as_ref()));
                }
                XmlEvent::Empty(start) => attach(Element::named(start.name().as_ref()), &mut open, &mut root, at)?,
                XmlEvent::End(_) => {
                    // The reader has already checked the end tag matches the innermost open one.
                    let done = open.pop().ok_or_else(|| malformed(at, "an end tag without a start tag"))?;
                    attach(done, &mut open, &mut root, at)?;
                }
                XmlEvent::Text(text) => push_text(&mut open, &text, at)?,
                XmlEvent::CData(cdata) => push_text(&mut open, &cdata, at)?,
                XmlEvent::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref().map_err(|e| malformed(at, e))? {
                        Some(ch) => ch.to_string(),
                        None => resolve_xml_entity(&reference)
                            .ok_or_else(|| malformed(at, format!("unknown entity &{};", &*reference)))?
                            .to_owned(),
                    };
                    push_text(&mut open, &resolved, at)?;
                }
                XmlEvent::DocType(_) => return Err(malformed(at, "a DOCTYPE declaration (pushes never carry one)")),
                XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) => {}
                XmlEvent::Eof => break,
            }
        }
        if let Some(unclosed) = open.last() {
            return Err(malformed(reader.buffer_position(), format!("<{}> is never closed", unclosed.name)));
        }
        root.ok_or_else(|| malformed(reader.buffer_position(), "no root element"))
    }

    /// The first child element called `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|child| child.name == name)
    }

    /// The text of the first child element called `name`.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|child| &*child.text)
    }
}

fn attach<'a>(done: Element<'a>, open: &mut [Element<'a>], root: &mut Option<Element<'a>>, at: u64) -> Result<(), XmlError> {
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None if root.is_none() => *root = Some(done),
        None => return Err(malformed(at, "a second root element")),
    }
    Ok(())
}

fn push_text(open: &mut [Element], text: &str, at: u64) -> Result<(), XmlError> {
    match open.last_mut() {
        Some(element) => element.text.to_mut().push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(malformed(at, "text outside the root element")),
    }
    Ok(())
}

fn malformed(position: u64, message: impl Display) -> XmlError {
    XmlError::Malformed { position, message: message.to_string() }
}

/// Reads the fields of one known kind of push, naming the kind and field in every error.
pub(crate) struct Fields<'a> {
    kind: &'a str,
    prefix: &'a str,
    element: &'a Element<'a>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(kind: &'a str, element: &'a Element<'a>) -> Self {
        Fields { kind, prefix: "", element }
    }

    /// The fields of a nested element, e.g. `info` of `notify_third_fasteregister`.
    pub(crate) fn nested(&self, name: &'a str) -> Result<Fields<'a>, XmlError> {
        let element = self.element.child(name).ok_or_else(|| self.missing(name))?;
        Ok(Fields { kind: self.kind, prefix: name, element })
    }

    /// A string field that must be present; its text is kept exactly, `<br>` markup included.
    pub(crate) fn text(&self, name: &str) -> Result<String, XmlError> {
        self.element.child_text(name).map(str::to_owned).ok_or_else(|| self.missing(name))
    }

    /// A string field WeChat may leave out; empty when absent.
    pub(crate) fn text_or_empty(&self, name: &str) -> String {
        self.element.child_text(name).unwrap_or_default().to_owned()
    }

    /// An integer field that must be present. Surrounding whitespace is ignored, and so is a CDATA
    /// wrapper, which real pushes put around some numbers (`AuthorizationCodeExpiredTime`).
    pub(crate) fn integer<T: FromStr>(&self, name: &str) -> Result<T, XmlError> {
        let value = self.element.child_text(name).ok_or_else(|| self.missing(name))?;
        value.trim().parse().map_err(|_| XmlError::NotAnInteger {
            kind: self.kind.to_owned(),
            field: self.path(name),
            value: value.to_owned(),
        })
    }

    fn missing(&self, name: &str) -> XmlError {
        XmlError::MissingField { kind: self.kind.to_owned(), field: self.path(name) }
    }

    fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }
}

/// Writes a push the way WeChat does: `<xml>`, one element per line, strings in CDATA, numbers bare.
pub(crate) struct XmlWriter {
    out: String,
}

impl XmlWriter {
    pub(crate) fn new() -> Self {
        XmlWriter { out: String::from("<xml>") }
    }

    pub(crate) fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.out.push_str(&format!("<{name}>{}</{name}>\n", cdata(value)));
        self
    }

    pub(crate) fn integer(&mut self, name: &str, value: impl Display) -> &mut Self {
        self.out.push_str(&format!("<{name}>{value}</{name}>\n"));
        self
    }

    /// An integer that WeChat wraps in CDATA anyway (seen in captured `authorized` pushes).
    pub(crate) fn integer_in_cdata(&mut self, name: &str, value: impl Display) -> &mut Self {
        self.text(name, &value.to_string())
    }

    pub(crate) fn open(&mut self, name: &str) -> &mut Self {
        self.out.push_str(&format!("<{name}>\n"));
        self
    }

    pub(crate) fn close(&mut self, name: &str) -> &mut Self {
        self.out.push_str(&format!("</{name}>\n"));
        self
    }

    pub(crate) fn finish(&mut self) -> String {
        std::mem::take(&mut self.out) + "</xml>"
    }
}

/// A CDATA section cannot contain `]]>`; split it across two sections, which readers join again.
fn cdata(value: &str) -> String {
    format!("<![CDATA[{}]]>", value.replace("]]>", "]]]]><![CDATA[>"))
}
