//! Everything a push goes through before the desktop trusts it: the envelope parser, the signature
//! check, the decryption (base64, AES, PKCS#7, length, receive id) and the event parser.
//!
//! The first byte picks the layer, so that random input reaches the deep layers instead of always
//! being stopped by the signature check:
//! * 0 — the input is a POST body; a correct `msg_signature` is computed over whatever `Encrypt`
//!   it holds, then the push is opened and its event parsed.
//! * 1 — the input is ciphertext; it is base64-encoded and decrypted (padding, length, appid checks).
//! * 2 — the input is decrypted XML; it is parsed as an event, and a parsed event must survive
//!   `to_xml` → `parse` unchanged (the simulator builds its pushes with `to_xml`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat::crypto::{msg_signature, MsgCrypt, PushQuery};
use wechat::xml::{Envelope, Event};

const TOKEN: &str = "pamtest";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wxb11529c136998cb6";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, input)) = data.split_first() else { return };
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("the sample key is valid");
    match mode % 3 {
        0 => open_body(&crypt, input),
        1 => decrypt_raw(&crypt, input),
        _ => parse_event(input),
    }
});

fn open_body(crypt: &MsgCrypt, body: &[u8]) {
    let Ok(envelope) = Envelope::parse(body) else { return };
    let query = PushQuery {
        timestamp: Some("1409304348".into()),
        nonce: Some("xxxxxx".into()),
        encrypt_type: Some("aes".into()),
        msg_signature: Some(msg_signature(TOKEN, "1409304348", "xxxxxx", &envelope.encrypt)),
        ..PushQuery::default()
    };
    if let Ok(xml) = crypt.open_push(&query, body) {
        let _ = Event::parse(&xml);
    }
}

fn decrypt_raw(crypt: &MsgCrypt, ciphertext: &[u8]) {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(ciphertext);
    let _ = crypt.decrypt(&encoded);
}

fn parse_event(xml: &[u8]) {
    let Ok(text) = std::str::from_utf8(xml) else { return };
    if let Ok(event) = Event::parse(text) {
        let again = Event::parse(&event.to_xml()).expect("to_xml output parses");
        assert_eq!(event, again, "to_xml → parse changed the event");
    }
}
