//! AES-256-GCM sealing with the master key. Layout of a sealed value: 12-byte random nonce, then
//! the ciphertext with its 16-byte tag. The secret's name is the associated data.

use std::fmt;
use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use zeroize::Zeroizing;

use crate::error::{FleetError, Result};

const NONCE_LEN: usize = 12;

/// Seals and opens secrets. Cheap to clone; `Debug` shows nothing of the key.
#[derive(Clone)]
pub struct Vault {
    cipher: Arc<Aes256Gcm>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vault(…)")
    }
}

impl Vault {
    /// A vault over a 32-byte master key.
    pub fn new(master_key: &[u8; 32]) -> Vault {
        let key = Key::<Aes256Gcm>::from(*master_key);
        Vault { cipher: Arc::new(Aes256Gcm::new(&key)) }
    }

    /// Seals `value` for the name `name`.
    pub fn seal(&self, name: &str, value: &[u8]) -> Result<Vec<u8>> {
        // A fresh random nonce per seal (96 bits: collisions are out of reach at any realistic count).
        let nonce = Nonce::from(rand::random::<[u8; NONCE_LEN]>());
        let ciphertext = self
            .cipher
            .encrypt(&nonce, Payload { msg: value, aad: name.as_bytes() })
            .map_err(|_| FleetError::Secrets(format!("cannot seal {name}")))?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Opens what [`Vault::seal`] sealed under the same name.
    pub fn open(&self, name: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE_LEN + 16 {
            return Err(FleetError::Secrets(format!("{name}: sealed value is truncated")));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| FleetError::Secrets(format!("{name}: bad nonce")))?;
        self.cipher.decrypt(&nonce, Payload { msg: ciphertext, aad: name.as_bytes() }).map(Zeroizing::new).map_err(|_| {
            FleetError::Secrets(format!(
                "{name} cannot be opened with this master key (the keychain entry or key file belongs to another workspace?)"
            ))
        })
    }
}

/// A secret string: zeroed on drop, and `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps `value`.
    pub fn new(value: String) -> SecretString {
        SecretString(Zeroizing::new(value))
    }

    /// The value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(…)")
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> SecretString {
        SecretString::new(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_and_binds_the_name() {
        let vault = Vault::new(&[7; 32]);
        let sealed = vault.seal("platform/wx1/appsecret", b"s3cret").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"s3cret"));
        assert_eq!(&*vault.open("platform/wx1/appsecret", &sealed).unwrap(), b"s3cret");
        assert!(vault.open("platform/wx2/appsecret", &sealed).is_err(), "a sealed value cannot move to another name");
        assert!(Vault::new(&[8; 32]).open("platform/wx1/appsecret", &sealed).is_err(), "another key cannot open it");
    }
}
