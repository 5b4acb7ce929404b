//! Whole pushes (reference §1.4): the query string WeChat appends and the envelope it posts.

use std::borrow::Cow;

use url::form_urlencoded;

use super::{msg_signature, url_signature, verify_msg_signature, CryptoError, MsgCrypt};
use crate::xml::{Addressee, BorrowedEnvelope, Envelope};

/// The query parameters of a push (or of a URL verification), as WeChat sends them.
///
/// Every field is optional here; [`MsgCrypt::open_push`] reports the ones it needs and lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushQuery {
    /// `sha1(sort(Token, timestamp, nonce))` — sent, but for encrypted pushes check `msg_signature`.
    pub signature: Option<String>,
    /// Seconds, as text: the signatures cover the text.
    pub timestamp: Option<String>,
    /// The nonce, as text.
    pub nonce: Option<String>,
    /// `aes` on encrypted pushes.
    pub encrypt_type: Option<String>,
    /// `sha1(sort(Token, timestamp, nonce, Encrypt))`.
    pub msg_signature: Option<String>,
    /// The user, on pushes caused by a user (and on the documentation's `debug_demo` example).
    pub openid: Option<String>,
    /// The challenge of a URL verification (GET).
    pub echostr: Option<String>,
}

impl PushQuery {
    /// Reads a raw query string (`a=1&b=2`, a leading `?` tolerated), percent-decoding values.
    /// Unknown parameters are ignored; of a repeated one the first counts.
    pub fn parse(query: &str) -> PushQuery {
        let mut q = PushQuery::default();
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            // WeChat's values are hex, digits and `aes`: most pairs need no decoding at all.
            let (name, value) = if pair.contains(['%', '+']) {
                let (name, value) = form_urlencoded::parse(pair.as_bytes()).next().unwrap_or_default();
                (name, value)
            } else {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (Cow::Borrowed(name), Cow::Borrowed(value))
            };
            let slot = match &*name {
                "signature" => &mut q.signature,
                "timestamp" => &mut q.timestamp,
                "nonce" => &mut q.nonce,
                "encrypt_type" => &mut q.encrypt_type,
                "msg_signature" => &mut q.msg_signature,
                "openid" => &mut q.openid,
                "echostr" => &mut q.echostr,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        q
    }

    /// The query string in WeChat's order — `signature`, `timestamp`, `nonce`, `openid`,
    /// `encrypt_type`, `msg_signature`, then `echostr` — percent-encoding values, absent ones left out.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        let fields = [
            ("signature", &self.signature),
            ("timestamp", &self.timestamp),
            ("nonce", &self.nonce),
            ("openid", &self.openid),
            ("encrypt_type", &self.encrypt_type),
            ("msg_signature", &self.msg_signature),
            ("echostr", &self.echostr),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                out.append_pair(name, value);
            }
        }
        out.finish()
    }

    fn require(&self) -> Result<(&str, &str, &str), CryptoError> {
        let timestamp = self.timestamp.as_deref().ok_or(CryptoError::MissingQueryParam("timestamp"))?;
        let nonce = self.nonce.as_deref().ok_or(CryptoError::MissingQueryParam("nonce"))?;
        let msg_signature = self.msg_signature.as_deref().ok_or(CryptoError::MissingQueryParam("msg_signature"))?;
        Ok((timestamp, nonce, msg_signature))
    }
}

/// A push built by [`MsgCrypt::seal_push`]: what WeChat would append to the URL and post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedPush {
    /// `signature=…&timestamp=…&nonce=…[&openid=…]&encrypt_type=aes&msg_signature=…`.
    pub query_string: String,
    /// The envelope XML.
    pub body: String,
}

/// Parses the envelope and checks `msg_signature` over its `Encrypt`, with the `Token` only.
///
/// This is all the relay can check: it holds the Token but never the EncodingAESKey.
pub fn verify_push(token: &str, query: &PushQuery, body: &[u8]) -> Result<Envelope, CryptoError> {
    verify_borrowed(token, query, body).map(BorrowedEnvelope::into_owned)
}

/// [`verify_push`] without copying the envelope's values out of the body.
fn verify_borrowed<'a>(token: &str, query: &PushQuery, body: &'a [u8]) -> Result<BorrowedEnvelope<'a>, CryptoError> {
    let envelope = BorrowedEnvelope::parse(body)?;
    let (timestamp, nonce, msg_signature) = query.require()?;
    verify_msg_signature(token, timestamp, nonce, &envelope.encrypt, msg_signature)?;
    Ok(envelope)
}

impl MsgCrypt {
    /// Opens a push: parses the envelope, checks `msg_signature` over `Encrypt` exactly as the XML
    /// holds it (constant time), decrypts, checks the receive id, and returns the plaintext XML.
    ///
    /// The signature is checked before anything is decrypted, so an unsigned body never reaches
    /// the padding check (no padding oracle for whoever can reach the URL).
    pub fn open_push(&self, query: &PushQuery, body: &[u8]) -> Result<String, CryptoError> {
        let envelope = verify_borrowed(self.token(), query, body)?;
        self.decrypt(&envelope.encrypt)
    }

    /// Builds the push WeChat would send for `plaintext_xml`: encrypts it with `random`, wraps it in
    /// the envelope for `addressee`, and signs it with `timestamp` and `nonce`. `openid` is added
    /// to the query when given, where WeChat puts it.
    pub fn seal_push(
        &self,
        addressee: &Addressee,
        plaintext_xml: &str,
        timestamp: &str,
        nonce: &str,
        openid: Option<&str>,
        random: [u8; 16],
    ) -> SealedPush {
        let encrypt = self.encrypt(plaintext_xml, random);
        let query = PushQuery {
            signature: Some(url_signature(self.token(), timestamp, nonce)),
            timestamp: Some(timestamp.to_owned()),
            nonce: Some(nonce.to_owned()),
            encrypt_type: Some("aes".to_owned()),
            msg_signature: Some(msg_signature(self.token(), timestamp, nonce, &encrypt)),
            openid: openid.map(str::to_owned),
            echostr: None,
        };
        let body = Envelope { addressee: Some(addressee.clone()), encrypt }.to_xml();
        SealedPush { query_string: query.to_query_string(), body }
    }
}
