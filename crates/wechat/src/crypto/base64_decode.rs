//! Decoding `Encrypt`, standard base64 with padding. The general-purpose decoder of the `base64`
//! crate was a sixth of the time of opening a ticket push; four characters at a time through
//! lookup tables take about half of that. Only the plain part goes this way: the last four
//! characters, which carry the padding and the trailing bits, and any input the tables reject go
//! through the `base64` crate, so that what is accepted, what it decodes to, and every error are
//! the crate's (a test compares the two on generated input).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::CryptoError;

/// Set in a table entry for a byte outside the alphabet; above the 24 bits a quad decodes to.
const INVALID: u32 = 1 << 24;

/// `QUAD_TABLES[i][c]`: the six bits of character `c` shifted to where the `i`th character of a
/// quad puts them in its 24 bits, or [`INVALID`]. OR-ing four entries decodes a quad, and one
/// test of the result checks all four characters.
const QUAD_TABLES: [[u32; 256]; 4] = {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut tables = [[INVALID; 256]; 4];
    let mut value = 0;
    while value < 64 {
        let c = ALPHABET[value] as usize;
        let mut i = 0;
        while i < 4 {
            tables[i][c] = (value as u32) << (18 - 6 * i);
            i += 1;
        }
        value += 1;
    }
    tables
};

/// Decodes `text` into `out` (cleared first), exactly as `STANDARD.decode_vec` would.
pub(crate) fn decode_into(text: &str, out: &mut Vec<u8>) -> Result<(), CryptoError> {
    out.clear();
    if decode_quads(text.as_bytes(), out).is_some() {
        return Ok(());
    }
    out.clear();
    STANDARD.decode_vec(text, out).map_err(|e| CryptoError::Base64(e.to_string()))
}

/// Every quad but the last through the tables, the last through the crate; `None` for anything
/// either refuses, and for lengths that are not whole quads.
fn decode_quads(text: &[u8], out: &mut Vec<u8>) -> Option<()> {
    if text.is_empty() || text.len() % 4 != 0 {
        return None;
    }
    let (plain, last) = text.split_at(text.len() - 4);
    // Room for the last quad too, so that appending it does not move the buffer.
    out.reserve(text.len() / 4 * 3);
    out.resize(plain.len() / 4 * 3, 0);
    for (quad, bytes) in plain.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        let bits = (0..4).fold(0, |bits, i| bits | QUAD_TABLES[i][usize::from(quad[i])]);
        if bits & INVALID != 0 {
            return None;
        }
        bytes.copy_from_slice(&bits.to_be_bytes()[1..]);
    }
    let mut tail = [0u8; 3];
    let tail_len = STANDARD.decode_slice(last, &mut tail).ok()?;
    out.extend_from_slice(&tail[..tail_len]);
    Some(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn crate_decode(text: &str) -> Result<Vec<u8>, CryptoError> {
        STANDARD.decode(text).map_err(|e| CryptoError::Base64(e.to_string()))
    }

    fn decode(text: &str) -> Result<Vec<u8>, CryptoError> {
        let mut out = vec![0xAA; 7];
        decode_into(text, &mut out).map(|()| out)
    }

    #[test]
    fn encrypt_values_take_the_tables() {
        for (_, json) in crate::selftest::VECTOR_FILES {
            let file: serde_json::Value = serde_json::from_str(json).unwrap();
            for case in file["cases"].as_array().unwrap() {
                let Some(body) = case["body"].as_str() else { continue };
                let Ok(envelope) = crate::xml::Envelope::parse(body.as_bytes()) else { continue };
                let mut out = Vec::new();
                assert!(decode_quads(envelope.encrypt.as_bytes(), &mut out).is_some(), "{}", envelope.encrypt);
                assert_eq!(Ok(out), crate_decode(&envelope.encrypt));
            }
        }
    }

    #[test]
    fn padding_trailing_bits_and_strays_are_the_crates_to_judge() {
        for text in
            ["", "=", "QQ", "QQ=", "QQ==", "QR==", "QUI=", "QUJ=", "QUJD", "QQ==QUJD", "QUJDQQ=", "QUJD QQ==", "QUJDQ===", "QU=DQUJD"]
        {
            assert_eq!(decode(text), crate_decode(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn decodes_what_the_crate_decodes(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
            let text = STANDARD.encode(&bytes);
            prop_assert_eq!(decode(&text), Ok(bytes));
        }

        #[test]
        fn agrees_with_the_crate_on_anything(text in "[A-Za-z0-9+/=\\- .\n\u{e9}]{0,24}") {
            prop_assert_eq!(decode(&text), crate_decode(&text));
        }

        #[test]
        fn agrees_with_the_crate_on_damaged_encodings(bytes in prop::collection::vec(any::<u8>(), 1..60), at in any::<prop::sample::Index>(), with in "[A-Za-z0-9+/=*]") {
            let mut text = STANDARD.encode(&bytes);
            let at = at.index(text.len());
            text.replace_range(at..at + 1, &with);
            prop_assert_eq!(decode(&text), crate_decode(&text));
        }
    }
}
