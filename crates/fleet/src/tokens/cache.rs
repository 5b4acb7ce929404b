//! The tokens this process holds, and the per-token async locks that make fetching single-flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{Issued, TokenKind};

/// Whose token: `(kind, owner)`.
pub(crate) type TokenKey = (TokenKind, String);

/// Tokens in memory (a copy of what is persisted) and one async lock per token.
///
/// Fetching happens under the token's lock, and whoever gets the lock first looks again before
/// fetching: 1,000 callers that all find the token expired cause one request, the other 999 find
/// the fresh token when the lock comes to them.
#[derive(Default)]
pub struct TokenCache {
    held: Mutex<HashMap<TokenKey, Issued>>,
    locks: Mutex<HashMap<TokenKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl TokenCache {
    pub(crate) fn get(&self, key: &TokenKey) -> Option<Issued> {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    pub(crate) fn put(&self, key: TokenKey, issued: Issued) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).insert(key, issued);
    }

    /// Drops the token if it is still `failed`; returns whether it was.
    pub(crate) fn forget_if(&self, key: &TokenKey, failed: &str) -> bool {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if held.get(key).is_some_and(|issued| issued.token == failed) {
            held.remove(key);
            return true;
        }
        false
    }

    pub(crate) fn forget(&self, key: &TokenKey) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }

    /// The lock that serialises fetching this token.
    pub(crate) fn lock_of(&self, key: &TokenKey) -> Arc<tokio::sync::Mutex<()>> {
        self.locks.lock().unwrap_or_else(|p| p.into_inner()).entry(key.clone()).or_default().clone()
    }
}
