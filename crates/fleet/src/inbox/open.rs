//! Opening a stored push: verify `msg_signature`, decrypt (AES, padding, receive id), parse the XML,
//! check the `AppId` inside — or read the relay's authorization result. Each failure names its step,
//! so a push that does not open is kept with the reason, never dropped.

use serde::Serialize;
use sha2::{Digest, Sha256};
use wechat::crypto::{verify_url_signature, CryptoError, MsgCrypt, PushQuery};
use wechat::xml::Event;

/// What a stored event holds once opened.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    /// A push from WeChat.
    Push {
        /// The decrypted XML.
        xml: String,
        /// What it says.
        event: Box<Event>,
    },
    /// The relay's `redirect_uri` catcher: a merchant finished (or failed) an authorization link.
    LinkResult { link: String, state: String, auth_code: Option<String> },
    /// The relay lost events after this device's cursor: reconcile through the query APIs.
    Gap,
}

/// An opened event, with what the inbox indexes it by.
#[derive(Debug, Clone)]
pub(crate) struct Opened {
    pub(crate) kind: String,
    pub(crate) subject: Option<String>,
    pub(crate) create_time: Option<i64>,
    pub(crate) dedup_key: Option<String>,
    pub(crate) content: Content,
}

/// Why an event did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// `signature`, `xml`, `base64`, `aes`, `padding`, `length`, `appid`, `key`, or `body` (an
    /// authorization result that is not the relay's JSON).
    pub(crate) step: &'static str,
    /// The WXBizMsgCrypt sample code (`-40001` …), for the crypto steps.
    pub(crate) code: Option<i32>,
    pub(crate) detail: String,
}

impl From<CryptoError> for Failure {
    fn from(e: CryptoError) -> Failure {
        Failure { step: e.step(), code: Some(e.code()), detail: e.to_string() }
    }
}

/// Opens an event of `source` (`component`, `app`, `authorize`, `gap`) for `platform`.
pub(crate) fn open(
    crypt: &MsgCrypt,
    platform: &str,
    source: &str,
    relay_appid: Option<&str>,
    query: &str,
    body: &str,
) -> Result<Opened, Failure> {
    match source {
        "authorize" => link_result(query, body),
        "gap" => Ok(Opened { kind: "relay_gap".to_owned(), subject: None, create_time: None, dedup_key: None, content: Content::Gap }),
        _ => push(crypt, platform, relay_appid, query, body),
    }
}

fn push(crypt: &MsgCrypt, platform: &str, relay_appid: Option<&str>, query: &str, body: &str) -> Result<Opened, Failure> {
    let xml = crypt.open_push(&PushQuery::parse(query), body.as_bytes())?;
    let event = Event::parse(&xml).map_err(|e| Failure { step: e.step(), code: Some(e.code()), detail: e.to_string() })?;
    if let Some(header) = event.component_header() {
        // The receive id matched, but the AppId inside must be ours too: a ticket for another
        // platform must never replace this one's (field-notes #1).
        if header.app_id != platform {
            return Err(Failure {
                step: "appid",
                code: Some(wechat::crypto::SampleCode::ValidateAppidError.code()),
                detail: format!("the push's AppId is {:?}, not this platform's {platform}", header.app_id),
            });
        }
    }
    let subject = event.authorizer_appid().map(str::to_owned).or_else(|| relay_appid.map(str::to_owned));
    Ok(Opened {
        kind: event.kind().to_owned(),
        subject,
        create_time: event.create_time(),
        dedup_key: Some(dedup_key(&event)),
        content: Content::Push { xml, event: Box::new(event) },
    })
}

/// WeChat's key ([`Event::dedup_key`]); for tickets also (a hash of) the ticket: two tickets pushed
/// within one second — the regular one and one asked for with `api_start_push_ticket` — share
/// `AppId`, `InfoType` and `CreateTime` but are different tickets, while WeChat's retries of one
/// repeat its value.
fn dedup_key(event: &Event) -> String {
    match event {
        Event::ComponentVerifyTicket(ticket) => {
            // The ticket is a credential: the key (stored in plain) carries a hash of it.
            let digest = hex::encode(Sha256::digest(ticket.component_verify_ticket.as_bytes()));
            format!("{}|{}", event.dedup_key(), &digest[..16])
        }
        _ => event.dedup_key(),
    }
}

/// The relay's `{"link": …, "state": …}`, with the `auth_code` from the redirect's query.
fn link_result(query: &str, body: &str) -> Result<Opened, Failure> {
    #[derive(serde::Deserialize)]
    #[cfg_attr(feature = "specta", derive(specta::Type))]
    struct Body {
        link: String,
        state: String,
    }
    let parsed: Body = serde_json::from_str(body).map_err(|e| Failure {
        step: "body",
        code: None,
        detail: format!("not the relay's authorization result: {e}"),
    })?;
    let auth_code = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "auth_code").map(|(_, v)| v.into_owned());
    let auth_code = auth_code.filter(|code| !code.is_empty());
    Ok(Opened {
        kind: "authorize".to_owned(),
        subject: None,
        create_time: None,
        dedup_key: Some(format!("authorize|{}|{}", parsed.link, parsed.state)),
        content: Content::LinkResult { link: parsed.link, state: parsed.state, auth_code },
    })
}

/// What the callback diagnostics found in one push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PushDiagnosis {
    /// Whether it opened.
    pub ok: bool,
    /// The step that failed: `signature`, `xml`, `base64`, `aes`, `padding`, `length`, `appid`, `key`.
    pub step: Option<String>,
    /// The WXBizMsgCrypt sample code of the failure (`-40001` …).
    pub code: Option<i32>,
    /// What went wrong, or what the push is.
    pub message: String,
    /// A hint at the cause, when one can be told.
    pub hint: Option<String>,
    /// The push's kind (`component_verify_ticket`, `authorized`, …), when it opened.
    pub kind: Option<String>,
    /// WeChat's de-duplication key, when it opened.
    pub dedup_key: Option<String>,
    /// The decrypted XML, when it decrypted.
    pub xml: Option<String>,
    /// The receive id at the end of the plaintext, when it decrypted but was for someone else.
    pub receive_id: Option<String>,
}

/// Runs the inbox's pipeline on one push and says where it stops.
pub(crate) fn diagnose(crypt: &MsgCrypt, platform: &str, query: &str, body: &str) -> PushDiagnosis {
    match push(crypt, platform, None, query, body) {
        Ok(opened) => {
            let xml = match &opened.content {
                Content::Push { xml, .. } => Some(xml.clone()),
                _ => None,
            };
            PushDiagnosis {
                ok: true,
                step: None,
                code: None,
                message: format!("the push opens: {}", opened.kind),
                hint: None,
                kind: Some(opened.kind),
                dedup_key: opened.dedup_key,
                xml,
                receive_id: None,
            }
        }
        Err(failure) => {
            let (hint, receive_id, xml) = explain(crypt, query, body, &failure);
            PushDiagnosis {
                ok: false,
                step: Some(failure.step.to_owned()),
                code: failure.code,
                message: failure.detail,
                hint,
                kind: None,
                dedup_key: None,
                xml,
                receive_id,
            }
        }
    }
}

/// The likely cause of a failure, told from what else can be checked.
fn explain(crypt: &MsgCrypt, query: &str, body: &str, failure: &Failure) -> (Option<String>, Option<String>, Option<String>) {
    let q = PushQuery::parse(query);
    match failure.step {
        "signature" => {
            if q.msg_signature.is_none() {
                return (Some("the query has no msg_signature: was the push posted in plaintext mode, or was the query string cut off?".to_owned()), None, None);
            }
            let url_signed = match (&q.signature, &q.timestamp, &q.nonce) {
                (Some(signature), Some(timestamp), Some(nonce)) => verify_url_signature(crypt.token(), timestamp, nonce, signature).is_ok(),
                _ => false,
            };
            let hint = if url_signed {
                "`signature` matches this Token but `msg_signature` does not: the body was altered on the way (a proxy re-encoding it?)"
            } else {
                "neither signature matches: the Token stored for this platform differs from the one on the open platform's console"
            };
            (Some(hint.to_owned()), None, None)
        }
        "padding" | "length" | "aes" | "base64" => (
            Some("the signature is right, so the Token is; the EncodingAESKey stored here differs from the console's (it changes when someone resets it there)".to_owned()),
            None,
            None,
        ),
        "appid" => {
            let plaintext = wechat::crypto::verify_push(crypt.token(), &q, body.as_bytes()).ok().and_then(|envelope| crypt.decrypt_plaintext(&envelope.encrypt).ok());
            match plaintext {
                Some(plaintext) if plaintext.receive_id != crypt.receive_id() => (
                    Some(format!("the push is for {} — another platform sharing this Token and key, or the wrong component appid here", plaintext.receive_id)),
                    Some(plaintext.receive_id),
                    Some(plaintext.msg),
                ),
                Some(plaintext) => (Some("the AppId inside the push names another platform".to_owned()), None, Some(plaintext.msg)),
                None => (None, None, None),
            }
        }
        "xml" => (Some("it decrypted, but the content is not a WeChat push".to_owned()), None, None),
        _ => (None, None, None),
    }
}
