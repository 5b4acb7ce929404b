//! `wxfleet push …`: look inside a push without any server — the first thing to do when "the
//! pushes don't work" is to learn which check refuses them.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;
use wechat::crypto::{CryptoError, MsgCrypt, PushQuery};
use wechat::xml::{Event, XmlError};

/// What can be done with a push.
#[derive(Subcommand)]
pub enum PushCommand {
    /// Verify, decrypt and parse one push; print one JSON object saying what it holds or which step failed.
    Decode(DecodeArgs),
}

/// The platform's secrets and what WeChat sent.
#[derive(Args)]
pub struct DecodeArgs {
    /// The platform's message Token (消息校验Token).
    #[arg(long, env = "WXFLEET_TOKEN")]
    token: String,
    /// The platform's EncodingAESKey (43 characters).
    #[arg(long = "aes-key", env = "WXFLEET_AES_KEY")]
    aes_key: String,
    /// The component appid the push must be addressed to.
    #[arg(long)]
    appid: String,
    /// The whole query string WeChat sent (`signature=…&timestamp=…&nonce=…&encrypt_type=aes&msg_signature=…`);
    /// --timestamp, --nonce and --msg-signature override its parts.
    #[arg(long)]
    query: Option<String>,
    /// The `timestamp` query parameter.
    #[arg(long, required_unless_present = "query")]
    timestamp: Option<String>,
    /// The `nonce` query parameter.
    #[arg(long, required_unless_present = "query")]
    nonce: Option<String>,
    /// The `msg_signature` query parameter (not `signature`: encrypted pushes are checked with this one).
    #[arg(long = "msg-signature", required_unless_present = "query")]
    msg_signature: Option<String>,
    /// The raw POST body; standard input when absent.
    #[arg(long)]
    body: Option<PathBuf>,
}

/// The one JSON object `decode` prints.
#[derive(Serialize)]
#[serde(untagged)]
enum Decoded {
    Opened { ok: bool, xml: String, event: Box<Event> },
    Refused { ok: bool, step: &'static str, code: i32, message: String },
}

impl Decoded {
    fn refused_by_crypto(e: CryptoError) -> Decoded {
        Decoded::Refused { ok: false, step: e.step(), code: e.code(), message: e.to_string() }
    }

    fn refused_by_xml(e: XmlError) -> Decoded {
        Decoded::Refused { ok: false, step: e.step(), code: e.code(), message: e.to_string() }
    }
}

impl PushCommand {
    /// Runs the command: exit 0 when the push opened, 1 when a step refused it, 2 on a usage problem.
    pub fn run(self) -> ExitCode {
        match self {
            PushCommand::Decode(args) => match args.read_body() {
                Ok(body) => {
                    let decoded = args.decode(&body);
                    let opened = matches!(decoded, Decoded::Opened { .. });
                    println!("{}", serde_json::to_string(&decoded).expect("plain data serialises"));
                    if opened {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(message) => {
                    eprintln!("wxfleet push decode: {message}");
                    ExitCode::from(2)
                }
            },
        }
    }
}

impl DecodeArgs {
    fn read_body(&self) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        match &self.body {
            Some(path) => body = std::fs::read(path).map_err(|e| format!("cannot read the body from {}: {e}", path.display()))?,
            None => {
                std::io::stdin().read_to_end(&mut body).map_err(|e| format!("cannot read the body from standard input: {e}"))?;
            }
        }
        Ok(body)
    }

    fn push_query(&self) -> PushQuery {
        let mut query = self.query.as_deref().map(PushQuery::parse).unwrap_or_default();
        let overrides =
            [(&mut query.timestamp, &self.timestamp), (&mut query.nonce, &self.nonce), (&mut query.msg_signature, &self.msg_signature)];
        for (slot, value) in overrides {
            if value.is_some() {
                slot.clone_from(value);
            }
        }
        query.encrypt_type.get_or_insert_with(|| "aes".to_owned());
        query
    }

    fn decode(&self, body: &[u8]) -> Decoded {
        let crypt = match MsgCrypt::new(&self.token, &self.aes_key, &self.appid) {
            Ok(crypt) => crypt,
            Err(e) => return Decoded::refused_by_crypto(e),
        };
        let xml = match crypt.open_push(&self.push_query(), body) {
            Ok(xml) => xml,
            Err(e) => return Decoded::refused_by_crypto(e),
        };
        match Event::parse(&xml) {
            Ok(event) => Decoded::Opened { ok: true, xml, event: Box::new(event) },
            Err(e) => Decoded::refused_by_xml(e),
        }
    }
}
