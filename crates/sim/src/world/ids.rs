//! Ids and opaque strings (tokens, tickets, codes) WeChat hands out — deterministic from the seed,
//! so a run repeats, and serialisable with the rest of the world.

use serde::{Deserialize, Serialize};

/// Counters and the seed the opaque strings derive from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ids {
    seed: u64,
    next: u64,
}

impl Ids {
    /// Ids derived from `seed`.
    pub fn seeded(seed: u64) -> Self {
        Ids { seed, next: 0 }
    }

    /// A fresh number, unique across all kinds (WeChat's ids are opaque; unique is all that matters).
    pub fn number(&mut self) -> u64 {
        self.next += 1;
        // Start high so ids look like WeChat's and never collide with small test literals.
        400_000_000 + self.next
    }

    /// A fresh opaque string like WeChat's: `prefix` followed by `len` characters of `[0-9A-Za-z_-]`.
    pub fn opaque(&mut self, prefix: &str, len: usize) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";
        let n = self.number();
        let mut state = self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut out = String::with_capacity(prefix.len() + len);
        out.push_str(prefix);
        for _ in 0..len {
            state = splitmix64(state);
            out.push(ALPHABET[(state % ALPHABET.len() as u64) as usize] as char);
        }
        out
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
