//! One platform's message crypto: `Token`, `EncodingAESKey` and the receive id.

use std::fmt;

use super::{cipher, key, msg_signature, verify_msg_signature, CryptoError};
use crate::xml::ReplyEnvelope;

/// WXBizMsgCrypt for one receive id.
///
/// For a third-party platform the receive id is the **component appid**, for authorization events
/// and for the messages of authorized mini programs alike (reference §1.1); WeCom uses the corp id.
#[derive(Clone)]
pub struct MsgCrypt {
    token: String,
    key: [u8; 32],
    open_key: cipher::OpenKey,
    receive_id: String,
}

/// Every field of a decrypted `Encrypt`, before the receive id is compared with ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plaintext {
    /// The 16 random bytes the sender put first.
    pub random: [u8; 16],
    /// The message (the push XML).
    pub msg: String,
    /// The trailing receive id, decoded lossily so that a wrong one can still be shown.
    pub receive_id: String,
}

impl MsgCrypt {
    /// Checks and decodes the `EncodingAESKey` (43 characters, -40004 otherwise).
    pub fn new(token: &str, encoding_aes_key: &str, receive_id: &str) -> Result<Self, CryptoError> {
        let key = key::aes_key(encoding_aes_key)?;
        Ok(MsgCrypt { token: token.to_owned(), key, open_key: cipher::OpenKey::new(&key), receive_id: receive_id.to_owned() })
    }

    /// The `Token` signatures are computed with.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The receive id plaintexts must end with.
    pub fn receive_id(&self) -> &str {
        &self.receive_id
    }

    /// Encrypts `msg` into an `Encrypt` value (standard base64 with padding), with the given 16
    /// random bytes in front.
    pub fn encrypt(&self, msg: &str, random: [u8; 16]) -> String {
        cipher::seal(&self.key, random, msg.as_bytes(), self.receive_id.as_bytes())
    }

    /// Decrypts an `Encrypt` value and checks that it ends with our receive id (-40005 otherwise).
    ///
    /// This does not check a signature; [`open_push`](Self::open_push) does both, signature first.
    pub fn decrypt(&self, encrypt_b64: &str) -> Result<String, CryptoError> {
        let mut buf = Vec::new();
        let frame = cipher::open(&self.open_key, encrypt_b64, &mut buf)?;
        if frame.receive_id != self.receive_id.as_bytes() {
            return Err(CryptoError::AppIdMismatch {
                expected: self.receive_id.clone(),
                got: String::from_utf8_lossy(frame.receive_id).into_owned(),
            });
        }
        let msg_len = frame.msg.len();
        String::from_utf8(cipher::into_msg(buf, msg_len)).map_err(|_| CryptoError::NotUtf8)
    }

    /// Decrypts an `Encrypt` value into all of its fields, without comparing the receive id: for
    /// diagnosis (whose push is this?) and for checking the random prefix of test vectors.
    pub fn decrypt_plaintext(&self, encrypt_b64: &str) -> Result<Plaintext, CryptoError> {
        let mut buf = Vec::new();
        let frame = cipher::open(&self.open_key, encrypt_b64, &mut buf)?;
        let msg = String::from_utf8(frame.msg.to_vec()).map_err(|_| CryptoError::NotUtf8)?;
        Ok(Plaintext { random: frame.random, msg, receive_id: String::from_utf8_lossy(frame.receive_id).into_owned() })
    }

    /// WeCom's URL verification (`VerifyURL` of the samples): checks `msg_signature` over the
    /// encrypted `echostr`, then returns the decrypted echostr, which is the reply body.
    ///
    /// The MP and the Open Platform verify URLs with the plain [`url_signature`](super::url_signature)
    /// and echo `echostr` unchanged instead.
    pub fn verify_echostr(&self, msg_signature_param: &str, timestamp: &str, nonce: &str, echostr: &str) -> Result<String, CryptoError> {
        verify_msg_signature(&self.token, timestamp, nonce, echostr, msg_signature_param)?;
        self.decrypt(echostr)
    }

    /// The encrypted passive-reply envelope of reference §1.5 for `msg`: encrypts it, signs it
    /// with `timestamp` and `nonce` (normally echoed from the push) and writes the XML.
    pub fn encrypt_reply(&self, msg: &str, timestamp: &str, nonce: &str, random: [u8; 16]) -> String {
        let encrypt = self.encrypt(msg, random);
        let msg_signature = msg_signature(&self.token, timestamp, nonce, &encrypt);
        ReplyEnvelope { encrypt, msg_signature, timestamp: timestamp.to_owned(), nonce: nonce.to_owned() }.to_xml()
    }
}

impl fmt::Debug for MsgCrypt {
    // The Token and the key are secrets; logs get the receive id only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgCrypt").field("receive_id", &self.receive_id).finish_non_exhaustive()
    }
}
