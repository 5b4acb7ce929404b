//! WeChat's own push layout read without an XML reader: `<xml>`, elements holding CDATA sections
//! or plain text, whitespace between them, and a level or two of nesting (`info` of
//! `notify_third_fasteregister`). quick-xml's general machinery was most of the cost of reading a
//! push; this scanner slices the document instead, and the tree it builds borrows every name and,
//! unless it comes in several pieces, every text.
//!
//! It accepts only what it reads exactly as [`Element::parse_general`] does, and gives up (`None`)
//! on anything else — declarations, comments, processing instructions, DOCTYPEs, attributes,
//! entity and character references, spaces inside tags, deeper nesting, anything malformed —
//! so that the general reader decides those, errors included. Tests compare the two on every
//! fixture and on generated documents.

use std::borrow::Cow;

use super::event_element::Element;

/// Root, child, grandchild, great-grandchild: as deep as known pushes go
/// (`open_product_scene_group_audit`). Deeper documents go to the general reader.
const MAX_DEPTH: usize = 4;

const CDATA_OPEN: &[u8] = b"<![CDATA[";
const CDATA_CLOSE: &str = "]]>";

/// The root element of a document in WeChat's layout; `None` when the general reader must decide.
pub(crate) fn parse(xml: &str) -> Option<Element<'_>> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let mut scanner = Scanner { xml, at: 0 };
    scanner.skip_whitespace();
    let root = scanner.element(1)?;
    scanner.skip_whitespace();
    (scanner.at == xml.len()).then_some(root)
}

/// Where the ASCII `byte` first occurs in `s` (a char boundary, then).
///
/// For the long values — `Encrypt`, tickets, review reasons — memchr's SIMD search is much faster
/// than a byte loop; for the few bytes of a tag, its set-up costs more than it saves.
pub(crate) fn find_byte(s: &str, byte: u8) -> Option<usize> {
    debug_assert!(byte.is_ascii());
    memchr::memchr(byte, s.as_bytes())
}

/// Where `]]>` starts in `s`.
///
/// `str::find` with a three-byte needle sets up a two-way searcher on every call, which costs
/// more than the short values searched; finding `]` and checking what follows is cheaper.
pub(crate) fn find_cdata_close(s: &str) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + find_byte(&s[from..], b']')?;
        if s[at..].starts_with(CDATA_CLOSE) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// `NAME_BYTES[b]`: whether `b` is one of `[A-Za-z0-9_]`. Names are these, starting with a letter
/// or `_`: every name WeChat uses, and nothing the general reader could read differently
/// (namespaces, odd characters). A table, because scanning names is a good part of the work.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

/// A cursor over the document. It only ever stops at ASCII delimiters, so every slice it takes
/// falls on char boundaries.
struct Scanner<'a> {
    xml: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a [u8] {
        &self.xml.as_bytes()[self.at..]
    }

    /// Whitespace outside the root. The general reader ignores any text there that `str::trim`
    /// removes; this is the ASCII part of it.
    fn skip_whitespace(&mut self) {
        self.at += self.rest().iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count();
    }

    /// One element, starting at its `<`, at nesting level `depth` (the root is 1).
    fn element(&mut self, depth: usize) -> Option<Element<'a>> {
        let (name, self_closing) = self.start_tag()?;
        let mut element = Element { name: Cow::Borrowed(name), text: Cow::Borrowed(""), children: Vec::new() };
        if !self_closing {
            element.text = self.content(depth, &mut element.children)?;
            self.end_tag(name)?;
        }
        Some(element)
    }

    /// `<name>` or `<name/>`: the name, and whether the tag closes itself.
    fn start_tag(&mut self) -> Option<(&'a str, bool)> {
        let after_lt = self.rest().strip_prefix(b"<")?;
        let len = after_lt.iter().position(|&b| !NAME_BYTES[usize::from(b)])?;
        if !after_lt.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') {
            return None;
        }
        let name = &self.xml[self.at + 1..self.at + 1 + len];
        let (close_len, self_closing) = match &after_lt[len..] {
            [b'>', ..] => (1, false),
            [b'/', b'>', ..] => (2, true),
            _ => return None,
        };
        self.at += 1 + len + close_len;
        Some((name, self_closing))
    }

    /// Text and child elements up to and including the `</` of the end tag; returns the text.
    fn content(&mut self, depth: usize, children: &mut Vec<Element<'a>>) -> Option<Cow<'a, str>> {
        let mut text = Text::One("");
        loop {
            match self.rest() {
                [b'<', b'/', ..] => {
                    self.at += 2;
                    return Some(text.into_cow());
                }
                [b'<', b'!', ..] => text.push(self.cdata()?),
                [b'<', ..] if depth < MAX_DEPTH => children.push(self.element(depth + 1)?),
                [b'<', ..] | [] => return None,
                _ => text.push(self.plain_text()?),
            }
        }
    }

    /// `name>` after the `</` already read.
    fn end_tag(&mut self, name: &str) -> Option<()> {
        match self.rest().strip_prefix(name.as_bytes())? {
            [b'>', ..] => {
                self.at += name.len() + 1;
                Some(())
            }
            _ => None,
        }
    }

    /// A CDATA section's content; `None` for any other `<!` (comments, DOCTYPEs) or no `]]>`.
    fn cdata(&mut self) -> Option<&'a str> {
        if !self.rest().starts_with(CDATA_OPEN) {
            return None;
        }
        let start = self.at + CDATA_OPEN.len();
        let len = find_cdata_close(&self.xml[start..])?;
        self.at = start + len + CDATA_CLOSE.len();
        Some(&self.xml[start..start + len])
    }

    /// Text up to the next `<`; `None` at an entity or character reference (`&`), which the
    /// general reader resolves, or when no `<` follows. It is short in pushes (numbers, the
    /// indentation between elements), so a byte loop beats a memchr call.
    fn plain_text(&mut self) -> Option<&'a str> {
        let len = self.rest().iter().position(|&b| b == b'<' || b == b'&')?;
        if self.rest()[len] == b'&' {
            return None;
        }
        let text = &self.xml[self.at..self.at + len];
        self.at += len;
        Some(text)
    }
}

/// The text of one element: borrowed while it is one piece, joined into a `String` only when it
/// comes in several (the whitespace between children, a CDATA section split around `]]>`).
enum Text<'a> {
    One(&'a str),
    Joined(String),
}

impl<'a> Text<'a> {
    fn push(&mut self, piece: &'a str) {
        match self {
            _ if piece.is_empty() => {}
            Text::One("") => *self = Text::One(piece),
            Text::One(first) => {
                // Room for the rest of the pieces too: they are usually the short indentation
                // between children, and growing a string twice costs more than the slack.
                let mut joined = String::with_capacity(first.len() + piece.len() + 32);
                joined.push_str(first);
                joined.push_str(piece);
                *self = Text::Joined(joined);
            }
            Text::Joined(joined) => joined.push_str(piece),
        }
    }

    fn into_cow(self) -> Cow<'a, str> {
        match self {
            Text::One(text) => Cow::Borrowed(text),
            Text::Joined(text) => Cow::Owned(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::xml::{
        ComponentHeader, ComponentVerifyTicket, Event, FasteregisterInfo, MessageHeader, NotifyThirdFasteregister, WeappAuditFail,
    };

    /// The fast path either declines or gives exactly the general reader's tree — and so the same event.
    fn assert_agrees(xml: &str) -> Option<Element<'_>> {
        let fast = parse(xml)?;
        let general = Element::parse_general(xml);
        assert_eq!(Ok(&fast), general.as_ref(), "{xml:?}");
        assert_eq!(Event::from_root(&fast, xml), Event::from_root(&general.unwrap(), xml), "{xml:?}");
        Some(fast)
    }

    fn fixture_files(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                fixture_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "xml") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }

    #[test]
    fn every_well_formed_fixture_takes_the_fast_path_and_agrees() {
        let mut fixtures = Vec::new();
        fixture_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events"), &mut fixtures);
        assert!(fixtures.len() >= 17, "{}", fixtures.len());
        for (path, xml) in &fixtures {
            let fast = assert_agrees(xml);
            // The malformed ones are the documentation's typos: the general reader must judge them.
            assert_eq!(fast.is_some(), !path.contains("malformed"), "{path}");
        }
    }

    #[test]
    fn every_vector_plaintext_takes_the_fast_path_and_agrees() {
        for (_, json) in crate::selftest::VECTOR_FILES {
            let file: serde_json::Value = serde_json::from_str(json).unwrap();
            for xml in file["cases"].as_array().unwrap().iter().filter_map(|c| c["xml"].as_str()).filter(|x| x.starts_with("<xml>")) {
                assert!(assert_agrees(xml).is_some(), "not flat: {xml}");
            }
        }
    }

    #[test]
    fn unusual_documents_are_left_to_the_general_reader() {
        for xml in [
            "<?xml version=\"1.0\"?><xml><A>1</A></xml>",
            "<xml><!-- c --><A>1</A></xml>",
            "<xml><?pi x?><A>1</A></xml>",
            "<!DOCTYPE xml><xml><A>1</A></xml>",
            "<xml><A x=\"1\">1</A></xml>",
            "<xml><A>&amp;</A></xml>",
            "<xml><A >1</A></xml>",
            "<xml><A>1</A ></xml>",
            "<xml><a:b>1</a:b></xml>",
            "<xml><a><b><c><d>1</d></c></b></a></xml>",
            "<xml><A>1</B></xml>",
            "<xml><A>1</A>",
            "<xml><A><![CDATA[1</A></xml>",
            "<xml></xml><xml></xml>",
            "<xml></xml>x",
            "x<xml></xml>",
            "",
        ] {
            assert_eq!(parse(xml), None, "{xml}");
        }
    }

    #[test]
    fn text_borrows_unless_it_comes_in_pieces() {
        let root = parse("<xml>\n<A><![CDATA[a]]]]><![CDATA[>b]]></A>\n<B><![CDATA[x<br>y]]></B><C>7</C><D/></xml>").unwrap();
        assert!(matches!(root.children[0].text, Cow::Owned(ref t) if t == "a]]>b"));
        assert!(matches!(root.children[1].text, Cow::Borrowed("x<br>y")));
        assert!(matches!(root.children[2].text, Cow::Borrowed("7")));
        assert!(matches!(root.children[3].text, Cow::Borrowed("")));
        assert_eq!(root.text, "\n\n");
    }

    /// Text as WeChat's fields hold it, with what trips XML readers mixed in.
    fn value() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("]]>".to_owned()),
                Just("<br>".to_owned()),
                Just("&amp;".to_owned()),
                Just("\r\n".to_owned()),
                Just("|".to_owned()),
                Just(" ".to_owned()),
                "\\PC{0,8}",
            ],
            0..5,
        )
        .prop_map(|parts| parts.concat())
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec!["AppId", "CreateTime", "InfoType", "Reason", "info", "name", "MsgType", "Event", "xml"])
                .prop_map(str::to_owned),
            "[A-Za-z_][A-Za-z0-9_]{0,6}",
        ]
    }

    /// An element's content in any of the spellings the general reader accepts: CDATA (split around
    /// `]]>`) most often, as WeChat writes it, plain text, escaped text, a mix; the fast path reads
    /// some of them and must decline the rest.
    fn content(value: String, style: u8) -> String {
        let cdata = format!("<![CDATA[{}]]>", value.replace("]]>", "]]]]><![CDATA[>"));
        let escaped = value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        match style % 16 {
            4..=7 if !value.contains(['<', '&']) => value,
            14 => escaped,
            15 => escaped + &cdata,
            _ => cdata,
        }
    }

    /// Nested elements up to five levels, WeChat's whitespace between them.
    fn element() -> impl Strategy<Value = String> {
        let separator = prop::sample::select(vec!["", "\n", "\r\n", "\n    ", "\t", " "]);
        let leaf = (name(), value(), any::<u8>(), any::<bool>()).prop_map(|(name, value, style, empty)| {
            if empty && value.is_empty() {
                format!("<{name}/>")
            } else {
                format!("<{name}>{}</{name}>", content(value, style))
            }
        });
        leaf.prop_recursive(4, 24, 6, move |inner| {
            (name(), prop::collection::vec((inner, separator.clone()), 0..6))
                .prop_map(|(name, children)| {
                    let inside: String = children.into_iter().map(|(child, sep)| format!("{sep}{child}")).collect();
                    format!("<{name}>{inside}\n</{name}>")
                })
                .boxed()
        })
    }

    fn document() -> impl Strategy<Value = String> {
        let prologue = prop::sample::select(vec!["", "", "", "\u{feff}", "\n", "<?xml version=\"1.0\"?>\n", "<!-- relay -->"]);
        let epilogue = prop::sample::select(vec!["", "", "", "\n", " \n", "<!-- end -->", "x"]);
        (prologue, prop::collection::vec(element(), 0..8), epilogue)
            .prop_map(|(prologue, children, epilogue)| format!("{prologue}<xml>{}</xml>{epilogue}", children.join("\n")))
    }

    /// WeChat's own spelling of typed events: every field written by `to_xml`.
    fn typed_event() -> impl Strategy<Value = Event> {
        prop_oneof![
            (value(), any::<i64>(), value()).prop_map(|(app_id, create_time, ticket)| {
                Event::ComponentVerifyTicket(ComponentVerifyTicket {
                    header: ComponentHeader { app_id, create_time },
                    component_verify_ticket: ticket,
                })
            }),
            (value(), value(), any::<i64>(), value(), prop::collection::vec("[A-Za-z0-9_-]{1,12}", 0..3)).prop_map(
                |(to, from, time, reason, shots)| Event::WeappAuditFail(WeappAuditFail {
                    header: MessageHeader { to_user_name: to, from_user_name: from, create_time: time },
                    reason,
                    fail_time: time,
                    screen_shot: shots,
                })
            ),
            (value(), any::<i64>(), value(), any::<i32>(), value()).prop_map(|(appid, status, msg, code_type, name)| {
                Event::NotifyThirdFasteregister(NotifyThirdFasteregister {
                    header: ComponentHeader { app_id: appid.clone(), create_time: status },
                    appid,
                    status,
                    auth_code: msg.clone(),
                    msg,
                    info: FasteregisterInfo {
                        name: name.clone(),
                        code: name.clone(),
                        code_type,
                        legal_persona_wechat: name.clone(),
                        legal_persona_name: name.clone(),
                        component_phone: name,
                    },
                })
            }),
        ]
    }

    proptest! {
        #[test]
        fn generated_documents_agree(xml in document()) {
            assert_agrees(&xml);
        }

        #[test]
        fn typed_events_take_the_fast_path_and_agree(event in typed_event()) {
            let xml = event.to_xml();
            prop_assert!(assert_agrees(&xml).is_some(), "not flat: {xml:?}");
            prop_assert_eq!(Event::parse(&xml), Ok(event));
        }

        #[test]
        fn documents_in_wechat_layout_take_the_fast_path(children in prop::collection::vec((name(), "[^<&]{0,12}", any::<bool>()), 0..8)) {
            let inside: String = children
                .iter()
                .map(|(name, value, cdata)| if *cdata { format!("<{name}><![CDATA[{value}]]></{name}>\n") } else { format!("<{name}>{value}</{name}>\n") })
                .collect();
            let xml = format!("<xml>{inside}</xml>");
            prop_assert!(assert_agrees(&xml).is_some(), "not flat: {xml:?}");
        }

        #[test]
        fn token_soup_never_disagrees(tokens in prop::collection::vec(prop::sample::select(vec![
            "<", ">", "</", "/>", "<xml>", "</xml>", "<A>", "</A>", "<info>", "</info>", "<A/>", "<![CDATA[", "]]>", "]", "&amp;", "&",
            " ", "\n", "\r", "a", "中", "\u{feff}", "<!--", "-->", "<?", "?>", "=\"1\"",
        ]), 0..40)) {
            assert_agrees(&tokens.concat());
        }
    }
}
