//! WXBizMsgCrypt (reference §1): the signatures and the AES-256-CBC message encryption WeChat uses
//! for every push to a third-party platform, and for the encrypted passive reply.
//!
//! * [`url_signature`], [`msg_signature`] and their constant-time checks [`verify_url_signature`],
//!   [`verify_msg_signature`] — SHA-1 over the sorted strings, lowercase hex.
//! * [`MsgCrypt`] — one platform's `Token`, `EncodingAESKey` and receive id (the component appid):
//!   [`MsgCrypt::encrypt`] / [`MsgCrypt::decrypt`] of one `Encrypt` value, and the push level:
//!   [`MsgCrypt::open_push`] (query string + body in, plaintext XML out),
//!   [`MsgCrypt::seal_push`] (the reverse, for the simulator) and [`MsgCrypt::encrypt_reply`].
//! * [`verify_push`] — the check the relay can make with the `Token` alone, without the key.
//! * [`CryptoError`] — every failure, with the official sample code (`-40001` …) and the [step](CryptoError::step)
//!   that failed, so a broken push says *which* check refused it.
//!
//! Randomness and time are inputs: the 16 random bytes, the timestamp and the nonce are always passed in.

mod base64_decode;
mod cipher;
mod error;
mod key;
mod msg_crypt;
mod push;
mod signature;

pub use error::{CryptoError, SampleCode};
pub use msg_crypt::{MsgCrypt, Plaintext};
pub use push::{verify_push, PushQuery, SealedPush};
pub use signature::{msg_signature, url_signature, verify_msg_signature, verify_url_signature};
