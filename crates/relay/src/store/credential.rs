//! Device credentials, one-time link ids and log ids: how they are made and how they are kept.
//!
//! A credential is `wxr_` + base64url(32 random bytes). Stores keep only its SHA-256 (hex), so a
//! copy of the database does not let anyone pull the log. A fast hash is enough: the secret has
//! 256 bits of entropy, nothing to brute-force, unlike a password.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The prefix of every device credential, so a leaked one is recognisable (and greppable).
pub const CREDENTIAL_PREFIX: &str = "wxr_";

/// A new device credential from 32 bytes of randomness.
pub fn credential_from_bytes(random: [u8; 32]) -> String {
    format!("{CREDENTIAL_PREFIX}{}", URL_SAFE_NO_PAD.encode(random))
}

/// A new device credential from the thread's CSPRNG.
pub fn new_credential() -> String {
    credential_from_bytes(rand::random())
}

/// What the stores keep instead of the credential: lowercase hex SHA-256 of its text.
pub fn credential_hash(credential: &str) -> String {
    hex::encode(Sha256::digest(credential.as_bytes()))
}

/// A new authorization-link id: base64url of 16 random bytes (128 bits, unguessable).
pub fn new_link_id() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// A new log id ([`EventStore::log_id`](super::EventStore::log_id)): base64url of 16 random bytes,
/// so two stores never share one.
pub fn new_log_id() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_prefixed_base64url_and_hash_to_hex() {
        let credential = credential_from_bytes([0xfb; 32]);
        assert!(credential.starts_with("wxr_"));
        assert_eq!(credential.len(), 4 + 43);
        assert!(credential[4..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let hash = credential_hash(&credential);
        assert_eq!(hash.len(), 64);
        assert_ne!(credential_hash(&new_credential()), credential_hash(&new_credential()));
    }

    #[test]
    fn known_hash() {
        // sha256("abc")
        assert_eq!(credential_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
