//! AES-256-CBC with `IV = key[0..16]`, PKCS#7 over 32-byte blocks, and the plaintext layout
//! `random(16) | len(msg) u32 BE | msg | receive_id` (reference §1.2).

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::CryptoError;

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor<'a> = cbc::Decryptor<&'a aes::Aes256Dec>;

/// WeChat pads to the key size, not to the AES block: pad values 17..=32 occur.
const PAD_BLOCK: usize = 32;
const AES_BLOCK: usize = 16;
const RANDOM_LEN: usize = 16;
const HEADER_LEN: usize = RANDOM_LEN + 4;

/// The fields of a decrypted `Encrypt`, borrowed from the decryption buffer.
pub(crate) struct Frame<'a> {
    pub random: [u8; RANDOM_LEN],
    pub msg: &'a [u8],
    pub receive_id: &'a [u8],
}

/// The decryption side of one key, expanded once: expanding an AES-256 decryption key schedule
/// costs more than half as much as decrypting a whole ticket push, and every push uses the same key.
#[derive(Clone)]
pub(crate) struct OpenKey {
    cipher: aes::Aes256Dec,
    iv: [u8; AES_BLOCK],
}

impl OpenKey {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        OpenKey { cipher: aes::Aes256Dec::new(key.into()), iv: *iv(key) }
    }

    fn decryptor(&self) -> Decryptor<'_> {
        Decryptor::inner_iv_init(&self.cipher, &self.iv.into())
    }
}

/// Frames, pads, encrypts and base64-encodes one message.
pub(crate) fn seal(key: &[u8; 32], random: [u8; RANDOM_LEN], msg: &[u8], receive_id: &[u8]) -> String {
    let unpadded = HEADER_LEN + msg.len() + receive_id.len();
    let pad = PAD_BLOCK - unpadded % PAD_BLOCK;
    let mut buf = Vec::with_capacity(unpadded + pad);
    buf.extend_from_slice(&random);
    // WeChat messages are far below 4 GiB; a longer one cannot be framed and is a caller bug.
    let len = u32::try_from(msg.len()).expect("message longer than u32::MAX bytes");
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(msg);
    buf.extend_from_slice(receive_id);
    buf.resize(unpadded + pad, pad as u8);
    let len = buf.len();
    let ciphertext = cipher_encryptor(key).encrypt_padded::<NoPadding>(&mut buf, len).expect("the buffer is a whole number of blocks");
    STANDARD.encode(ciphertext)
}

/// Decodes and decrypts one `Encrypt` value into `buf`, checks padding and length, and splits it.
pub(crate) fn open<'a>(key: &OpenKey, encrypt_b64: &str, buf: &'a mut Vec<u8>) -> Result<Frame<'a>, CryptoError> {
    super::base64_decode::decode_into(encrypt_b64, buf)?;
    if buf.is_empty() || buf.len() % AES_BLOCK != 0 {
        return Err(CryptoError::CiphertextLength(buf.len()));
    }
    let len = buf.len();
    let plain = key.decryptor().decrypt_padded::<NoPadding>(buf).map_err(|_| CryptoError::CiphertextLength(len))?;
    let content = strip_padding(plain)?;
    split_frame(content)
}

/// The message of the frame [`open`] decrypted into `buf`, moved to the front of `buf` so that the
/// decryption buffer becomes the message without another allocation and copy.
pub(crate) fn into_msg(mut buf: Vec<u8>, msg_len: usize) -> Vec<u8> {
    buf.truncate(HEADER_LEN + msg_len);
    buf.drain(..HEADER_LEN);
    buf
}

fn strip_padding(plain: &[u8]) -> Result<&[u8], CryptoError> {
    let last = *plain.last().expect("at least one block");
    let pad = usize::from(last);
    if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
        return Err(CryptoError::Padding { last });
    }
    let (content, padding) = plain.split_at(plain.len() - pad);
    if padding.iter().any(|&b| b != last) {
        return Err(CryptoError::Padding { last });
    }
    Ok(content)
}

fn split_frame(content: &[u8]) -> Result<Frame<'_>, CryptoError> {
    let available = content.len();
    if available < HEADER_LEN {
        return Err(CryptoError::Length { declared: 0, available });
    }
    let (random, rest) = content.split_at(RANDOM_LEN);
    let (len, rest) = rest.split_at(4);
    let declared = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
    if declared > rest.len() {
        return Err(CryptoError::Length { declared, available });
    }
    let (msg, receive_id) = rest.split_at(declared);
    Ok(Frame { random: random.try_into().expect("16 bytes"), msg, receive_id })
}

fn cipher_encryptor(key: &[u8; 32]) -> Encryptor {
    Encryptor::new(key.into(), iv(key).into())
}

fn iv(key: &[u8; 32]) -> &[u8; 16] {
    key[..16].try_into().expect("32 > 16")
}
