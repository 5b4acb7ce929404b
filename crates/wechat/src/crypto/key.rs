//! `AESKey = base64_decode(EncodingAESKey + "=")` (reference §1.2).

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

use super::CryptoError;

/// 43 base64 characters carry 258 bits, of which the key uses 256: the last character's two low
/// bits are dropped. WeChat generates keys whose last character has them set (the official sample
/// key ends in `G`), and the samples' decoders ignore them, so this engine must too. WxJava's
/// test uses the same key with `E` for `G` — an equal key for that reason.
const KEY_ENGINE: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

/// The length of an EncodingAESKey in characters.
pub(crate) const ENCODING_AES_KEY_LEN: usize = 43;

/// Decodes an EncodingAESKey into the 32-byte AES-256 key.
pub(crate) fn aes_key(encoding_aes_key: &str) -> Result<[u8; 32], CryptoError> {
    let chars = encoding_aes_key.chars().count();
    if chars != ENCODING_AES_KEY_LEN {
        return Err(CryptoError::IllegalAesKey(format!("it must be {ENCODING_AES_KEY_LEN} characters, it has {chars}")));
    }
    let bytes =
        KEY_ENGINE.decode(format!("{encoding_aes_key}=")).map_err(|e| CryptoError::IllegalAesKey(format!("it is not base64 ({e})")))?;
    bytes.try_into().map_err(|bytes: Vec<u8>| CryptoError::IllegalAesKey(format!("it decodes to {} bytes, not 32", bytes.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_sample_key_needs_trailing_bits_allowed() {
        let padded = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=";
        assert!(base64::engine::general_purpose::STANDARD.decode(padded).is_err(), "a strict decoder refuses it");
        assert_eq!(hex::encode(aes_key(&padded[..43]).unwrap()), "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051");
    }
}
