//! Failures of the message crypto, named after the steps of reference §1 and numbered like the
//! official WXBizMsgCrypt samples (`ierror.py`, `WXBizMsgCrypt.h`).

use std::fmt;

/// The error codes of the official WXBizMsgCrypt samples (reference §1.6).
///
/// Several codes cannot occur here — SHA-1, AES encryption, base64 encoding and building the reply
/// XML do not fail in this implementation — but the whole table is kept so that a code seen in a
/// log of another SDK can be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SampleCode {
    /// `-40001`: signature verification failed.
    ValidateSignatureError,
    /// `-40002`: the XML could not be parsed.
    ParseXmlError,
    /// `-40003`: computing the SHA-1 signature failed.
    ComputeSignatureError,
    /// `-40004`: the EncodingAESKey is illegal.
    IllegalAesKey,
    /// `-40005`: the receive id (appid / corpid) at the end of the plaintext does not match.
    ValidateAppidError,
    /// `-40006`: AES encryption failed.
    EncryptAESError,
    /// `-40007`: AES decryption failed.
    DecryptAESError,
    /// `-40008`: the decrypted buffer is illegal (padding or length).
    IllegalBuffer,
    /// `-40009`: base64 encoding failed.
    EncodeBase64Error,
    /// `-40010`: base64 decoding failed.
    DecodeBase64Error,
    /// `-40011`: building the reply XML failed.
    GenReturnXmlError,
}

impl SampleCode {
    /// Every code, in numeric order (`-40001` first).
    pub const ALL: [SampleCode; 11] = [
        SampleCode::ValidateSignatureError,
        SampleCode::ParseXmlError,
        SampleCode::ComputeSignatureError,
        SampleCode::IllegalAesKey,
        SampleCode::ValidateAppidError,
        SampleCode::EncryptAESError,
        SampleCode::DecryptAESError,
        SampleCode::IllegalBuffer,
        SampleCode::EncodeBase64Error,
        SampleCode::DecodeBase64Error,
        SampleCode::GenReturnXmlError,
    ];

    /// The numeric code, e.g. `-40001`.
    pub fn code(self) -> i32 {
        match self {
            SampleCode::ValidateSignatureError => -40001,
            SampleCode::ParseXmlError => -40002,
            SampleCode::ComputeSignatureError => -40003,
            SampleCode::IllegalAesKey => -40004,
            SampleCode::ValidateAppidError => -40005,
            SampleCode::EncryptAESError => -40006,
            SampleCode::DecryptAESError => -40007,
            SampleCode::IllegalBuffer => -40008,
            SampleCode::EncodeBase64Error => -40009,
            SampleCode::DecodeBase64Error => -40010,
            SampleCode::GenReturnXmlError => -40011,
        }
    }

    /// The code for a number, if it is one of the table.
    pub fn from_code(code: i32) -> Option<SampleCode> {
        SampleCode::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The name the Java and C# samples give the code, e.g. `ValidateSignatureError`.
    pub fn name(self) -> &'static str {
        match self {
            SampleCode::ValidateSignatureError => "ValidateSignatureError",
            SampleCode::ParseXmlError => "ParseXmlError",
            SampleCode::ComputeSignatureError => "ComputeSignatureError",
            SampleCode::IllegalAesKey => "IllegalAesKey",
            SampleCode::ValidateAppidError => "ValidateAppidError",
            SampleCode::EncryptAESError => "EncryptAESError",
            SampleCode::DecryptAESError => "DecryptAESError",
            SampleCode::IllegalBuffer => "IllegalBuffer",
            SampleCode::EncodeBase64Error => "EncodeBase64Error",
            SampleCode::DecodeBase64Error => "DecodeBase64Error",
            SampleCode::GenReturnXmlError => "GenReturnXmlError",
        }
    }
}

impl fmt::Display for SampleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.name())
    }
}

/// Why a signature check, a decryption or a push was refused.
///
/// [`code`](Self::code) is the official sample number, [`step`](Self::step) one of
/// `signature`, `xml`, `base64`, `aes`, `padding`, `length`, `appid`, `key`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The signature in the query does not match the one computed with our `Token`.
    #[error("{param} does not match: the push was not signed with this Token (or was altered)")]
    SignatureMismatch {
        /// `signature` or `msg_signature`.
        param: &'static str,
    },
    /// The query lacks a parameter the signature is computed over or compared with.
    #[error("the query string has no {0}")]
    MissingQueryParam(&'static str),
    /// The body is not the envelope XML, or it has no `Encrypt`.
    #[error("envelope XML: {0}")]
    Xml(String),
    /// The EncodingAESKey is not 43 base64 characters decoding to 32 bytes.
    #[error("illegal EncodingAESKey: {0}")]
    IllegalAesKey(String),
    /// The plaintext ends with another receive id than ours: the push is for another platform
    /// (or another mini program, corp, ...) that happens to share the key.
    #[error("receive id mismatch: expected {expected}, got {got}")]
    AppIdMismatch {
        /// Our receive id (the component appid).
        expected: String,
        /// The tail of the plaintext, lossily decoded.
        got: String,
    },
    /// The decoded ciphertext is empty or not a whole number of 16-byte AES blocks.
    #[error("ciphertext is {0} bytes, not a non-empty multiple of 16")]
    CiphertextLength(usize),
    /// The PKCS#7 padding (32-byte blocks) is wrong — almost always a wrong EncodingAESKey.
    #[error("bad PKCS#7 padding (last byte {last:#04x}); the EncodingAESKey is probably wrong")]
    Padding {
        /// The last decrypted byte, which should have been the pad length 1..=32.
        last: u8,
    },
    /// The 4-byte message length runs past the decrypted buffer, or the buffer is too short for it.
    #[error("decrypted buffer of {available} bytes cannot hold the header and a {declared}-byte message")]
    Length {
        /// The length the plaintext declares (0 when the buffer is too short to hold it).
        declared: usize,
        /// Bytes after the padding was removed.
        available: usize,
    },
    /// The message inside the plaintext is not UTF-8.
    #[error("the decrypted message is not UTF-8")]
    NotUtf8,
    /// The `Encrypt` text (or `echostr`) is not standard padded base64.
    #[error("Encrypt is not base64: {0}")]
    Base64(String),
}

impl From<crate::xml::EnvelopeError> for CryptoError {
    fn from(e: crate::xml::EnvelopeError) -> Self {
        CryptoError::Xml(e.to_string())
    }
}

impl CryptoError {
    /// The official sample code of this failure.
    pub fn sample_code(&self) -> SampleCode {
        match self {
            CryptoError::SignatureMismatch { .. } | CryptoError::MissingQueryParam(_) => SampleCode::ValidateSignatureError,
            CryptoError::Xml(_) => SampleCode::ParseXmlError,
            CryptoError::IllegalAesKey(_) => SampleCode::IllegalAesKey,
            CryptoError::AppIdMismatch { .. } => SampleCode::ValidateAppidError,
            CryptoError::CiphertextLength(_) => SampleCode::DecryptAESError,
            CryptoError::Padding { .. } | CryptoError::Length { .. } | CryptoError::NotUtf8 => SampleCode::IllegalBuffer,
            CryptoError::Base64(_) => SampleCode::DecodeBase64Error,
        }
    }

    /// The numeric sample code, e.g. `-40001`.
    pub fn code(&self) -> i32 {
        self.sample_code().code()
    }

    /// Which step refused the push: `signature`, `xml`, `base64`, `aes`, `padding`, `length`,
    /// `appid` or `key`.
    pub fn step(&self) -> &'static str {
        match self {
            CryptoError::SignatureMismatch { .. } | CryptoError::MissingQueryParam(_) => "signature",
            CryptoError::Xml(_) => "xml",
            CryptoError::IllegalAesKey(_) => "key",
            CryptoError::AppIdMismatch { .. } => "appid",
            CryptoError::CiphertextLength(_) => "aes",
            CryptoError::Padding { .. } => "padding",
            // The message is the span the length field delimits; if it is not text, that span is wrong.
            CryptoError::Length { .. } | CryptoError::NotUtf8 => "length",
            CryptoError::Base64(_) => "base64",
        }
    }
}
