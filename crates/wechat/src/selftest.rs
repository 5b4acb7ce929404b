//! The public crypto test vectors, checked at start-up so the desktop can show that its protocol
//! layer agrees with WeChat's documentation, its official samples and the SDKs.
//!
//! The vectors are the JSON files of `tests/fixtures/crypto/`, compiled in; each file names where
//! its values were copied from. Every push is opened (envelope, `msg_signature`, decryption,
//! receive id) and then rebuilt from its decrypted random prefix, which must give the same
//! ciphertext byte for byte — and, where the body is in WeChat's own layout, the same body and
//! query string. Vectors that a source marks as failing must fail with the same code and step.

use serde::{Deserialize, Serialize};

use crate::crypto::{url_signature, verify_msg_signature, verify_url_signature, CryptoError, MsgCrypt, PushQuery};
use crate::xml::{Envelope, ReplyEnvelope};

/// One checked vector.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SelfTestCase {
    /// Where the vector comes from, e.g. `official-mp-samples: C++ Sample.cpp: DecryptMsg`.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What failed, when it did.
    pub detail: Option<String>,
}

/// The result of [`run`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SelfTestReport {
    /// How many cases passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
    /// Every case, in order.
    pub cases: Vec<SelfTestCase>,
}

/// The built-in vector files: file name and JSON text.
pub const VECTOR_FILES: &[(&str, &str)] = &[
    ("official-openplatform-docs.json", include_str!("../tests/fixtures/crypto/official-openplatform-docs.json")),
    ("official-mp-samples.json", include_str!("../tests/fixtures/crypto/official-mp-samples.json")),
    ("official-wecom-samples.json", include_str!("../tests/fixtures/crypto/official-wecom-samples.json")),
    ("wxjava.json", include_str!("../tests/fixtures/crypto/wxjava.json")),
    ("wechatpy.json", include_str!("../tests/fixtures/crypto/wechatpy.json")),
    ("easywechat.json", include_str!("../tests/fixtures/crypto/easywechat.json")),
    ("miaoxing-wechat.json", include_str!("../tests/fixtures/crypto/miaoxing-wechat.json")),
];

/// Checks every built-in vector.
pub fn run() -> SelfTestReport {
    let cases: Vec<SelfTestCase> = VECTOR_FILES.iter().flat_map(|(file, json)| check_file(file, json)).collect();
    let passed = cases.iter().filter(|c| c.ok).count();
    SelfTestReport { passed, failed: cases.len() - passed, cases }
}

/// Checks the vectors of one file (the format of `tests/fixtures/crypto/*.json`). A file that
/// cannot be read is one failed case.
pub fn check_file(file: &str, json: &str) -> Vec<SelfTestCase> {
    let label = file.trim_end_matches(".json");
    match serde_json::from_str::<VectorFile>(json) {
        Ok(vectors) => vectors
            .cases
            .iter()
            .map(|case| {
                let outcome = case.check();
                SelfTestCase { name: format!("{label}: {}", case.name()), ok: outcome.is_ok(), detail: outcome.err() }
            })
            .collect(),
        Err(e) => vec![SelfTestCase { name: format!("{label}: file"), ok: false, detail: Some(format!("unreadable vector file: {e}")) }],
    }
}

#[derive(Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct VectorFile {
    cases: Vec<Case>,
}

/// The failure a source expects.
#[derive(Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct Expected {
    code: i32,
    step: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Case {
    /// `signature` over Token, timestamp, nonce.
    UrlSignature { name: String, token: String, timestamp: String, nonce: String, signature: String },
    /// A whole push: query string and body in, plaintext XML out.
    Push {
        name: String,
        token: String,
        encoding_aes_key: String,
        receive_id: String,
        query: String,
        body: String,
        xml: Option<String>,
        random: Option<String>,
        #[serde(default)]
        wechat_layout: bool,
        expect_error: Option<Expected>,
        /// Free text for readers of the file.
        #[serde(default, rename = "note")]
        _note: Option<String>,
    },
    /// WeCom URL verification: encrypted echostr in the query.
    Echostr {
        name: String,
        token: String,
        encoding_aes_key: String,
        receive_id: String,
        query: String,
        plain: Option<String>,
        random: Option<String>,
        expect_error: Option<Expected>,
    },
    /// One `Encrypt` value from a known random prefix.
    Encrypt { name: String, encoding_aes_key: String, receive_id: String, random: String, msg: String, encrypt: String },
    /// A whole encrypted passive reply.
    Reply {
        name: String,
        token: String,
        encoding_aes_key: String,
        receive_id: String,
        random: String,
        msg: String,
        timestamp: String,
        nonce: String,
        reply: String,
    },
}

type Check = Result<(), String>;

impl Case {
    fn name(&self) -> &str {
        match self {
            Case::UrlSignature { name, .. }
            | Case::Push { name, .. }
            | Case::Echostr { name, .. }
            | Case::Encrypt { name, .. }
            | Case::Reply { name, .. } => name,
        }
    }

    fn check(&self) -> Check {
        match self {
            Case::UrlSignature { token, timestamp, nonce, signature, .. } => check_url_signature(token, timestamp, nonce, signature),
            Case::Push { token, encoding_aes_key, receive_id, query, body, xml, random, wechat_layout, expect_error, .. } => {
                let crypt = crypt(token, encoding_aes_key, receive_id)?;
                let query_params = PushQuery::parse(query);
                let opened = crypt.open_push(&query_params, body.as_bytes());
                if let Some(expected) = expect_error {
                    return check_failure(opened, expected);
                }
                let xml = xml.as_deref().ok_or("a push that should open needs `xml`")?;
                equal("decrypted XML", &opened.map_err(describe)?, xml)?;
                if let (Some(signature), Some(timestamp), Some(nonce)) =
                    (&query_params.signature, &query_params.timestamp, &query_params.nonce)
                {
                    verify_url_signature(token, timestamp, nonce, signature).map_err(describe)?;
                }
                let envelope = Envelope::parse(body.as_bytes()).map_err(|e| e.to_string())?;
                let random = check_random(&crypt, &envelope.encrypt, random.as_deref())?;
                equal("re-encrypted Encrypt", &crypt.encrypt(xml, random), &envelope.encrypt)?;
                if *wechat_layout {
                    check_reseal(&crypt, &envelope, &query_params, xml, random, query, body)?;
                }
                Ok(())
            }
            Case::Echostr { token, encoding_aes_key, receive_id, query, plain, random, expect_error, .. } => {
                let crypt = crypt(token, encoding_aes_key, receive_id)?;
                let q = PushQuery::parse(query);
                let (Some(msg_signature), Some(timestamp), Some(nonce), Some(echostr)) =
                    (&q.msg_signature, &q.timestamp, &q.nonce, &q.echostr)
                else {
                    return Err("the query needs msg_signature, timestamp, nonce and echostr".into());
                };
                let opened = crypt.verify_echostr(msg_signature, timestamp, nonce, echostr);
                if let Some(expected) = expect_error {
                    return check_failure(opened, expected);
                }
                let plain = plain.as_deref().ok_or("an echostr that should open needs `plain`")?;
                equal("echostr", &opened.map_err(describe)?, plain)?;
                let random = check_random(&crypt, echostr, random.as_deref())?;
                equal("re-encrypted echostr", &crypt.encrypt(plain, random), echostr)
            }
            Case::Encrypt { encoding_aes_key, receive_id, random, msg, encrypt, .. } => {
                let crypt = crypt("", encoding_aes_key, receive_id)?;
                equal("Encrypt", &crypt.encrypt(msg, random_bytes(random)?), encrypt)?;
                equal("decrypted", &crypt.decrypt(encrypt).map_err(describe)?, msg)
            }
            Case::Reply { token, encoding_aes_key, receive_id, random, msg, timestamp, nonce, reply, .. } => {
                let crypt = crypt(token, encoding_aes_key, receive_id)?;
                equal("reply XML", &crypt.encrypt_reply(msg, timestamp, nonce, random_bytes(random)?), reply)?;
                let parsed = ReplyEnvelope::parse(reply.as_bytes()).map_err(|e| e.to_string())?;
                verify_msg_signature(token, &parsed.timestamp, &parsed.nonce, &parsed.encrypt, &parsed.msg_signature).map_err(describe)?;
                equal("decrypted reply", &crypt.decrypt(&parsed.encrypt).map_err(describe)?, msg)
            }
        }
    }
}

fn check_url_signature(token: &str, timestamp: &str, nonce: &str, signature: &str) -> Check {
    equal("signature", &url_signature(token, timestamp, nonce), signature)?;
    verify_url_signature(token, timestamp, nonce, signature).map_err(describe)?;
    // A check that accepts everything would pass the line above too.
    let forged = format!("{}{}", &signature[..signature.len().saturating_sub(1)], if signature.ends_with('0') { '1' } else { '0' });
    match verify_url_signature(token, timestamp, nonce, &forged) {
        Err(CryptoError::SignatureMismatch { .. }) => Ok(()),
        other => Err(format!("a forged signature was not refused: {other:?}")),
    }
}

/// Rebuilds the push with [`MsgCrypt::seal_push`] and compares body and query string.
fn check_reseal(
    crypt: &MsgCrypt,
    envelope: &Envelope,
    query: &PushQuery,
    xml: &str,
    random: [u8; 16],
    raw_query: &str,
    body: &str,
) -> Check {
    let addressee = envelope.addressee.as_ref().ok_or("a push in WeChat's layout has AppId or ToUserName")?;
    let (Some(timestamp), Some(nonce)) = (&query.timestamp, &query.nonce) else {
        return Err("the query needs timestamp and nonce".into());
    };
    let sealed = crypt.seal_push(addressee, xml, timestamp, nonce, query.openid.as_deref(), random);
    equal("sealed body", &sealed.body, body)?;
    equal("sealed query string", &sealed.query_string, raw_query)
}

/// Decrypts without the receive-id check and compares the random prefix with the source's.
fn check_random(crypt: &MsgCrypt, encrypt: &str, expected: Option<&str>) -> Result<[u8; 16], String> {
    let plaintext = crypt.decrypt_plaintext(encrypt).map_err(describe)?;
    if let Some(expected) = expected {
        if plaintext.random != random_bytes(expected)? {
            return Err(format!("random prefix is {:?}, the source says {expected:?}", String::from_utf8_lossy(&plaintext.random)));
        }
    }
    Ok(plaintext.random)
}

fn check_failure<T: std::fmt::Debug>(outcome: Result<T, CryptoError>, expected: &Expected) -> Check {
    match outcome {
        Err(e) if e.code() == expected.code && e.step() == expected.step => Ok(()),
        Err(e) => Err(format!("expected {} at step {}, got {}", expected.code, expected.step, describe(e))),
        Ok(v) => Err(format!("expected {} at step {}, but it succeeded: {v:?}", expected.code, expected.step)),
    }
}

fn crypt(token: &str, encoding_aes_key: &str, receive_id: &str) -> Result<MsgCrypt, String> {
    MsgCrypt::new(token, encoding_aes_key, receive_id).map_err(describe)
}

fn random_bytes(text: &str) -> Result<[u8; 16], String> {
    text.as_bytes().try_into().map_err(|_| format!("random {text:?} is not 16 bytes"))
}

fn equal(what: &str, got: &str, expected: &str) -> Check {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what} differs:\n  got      {got:?}\n  expected {expected:?}"))
    }
}

fn describe(e: CryptoError) -> String {
    format!("{} [{} {}]", e, e.code(), e.step())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_built_in_vector_passes() {
        let report = super::run();
        let failed: Vec<_> = report.cases.iter().filter(|c| !c.ok).collect();
        assert!(failed.is_empty(), "{failed:#?}");
        assert_eq!(report.passed, report.cases.len());
    }
}
