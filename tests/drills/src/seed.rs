//! Seeded randomness for the drills: the seed is printed, and `WXFLEET_DRILL_SEED=<n>` replays a run.

/// The environment variable that fixes the seed.
pub const SEED_VAR: &str = "WXFLEET_DRILL_SEED";

/// SplitMix64: small, fast and good enough to pick kill points; no dependency to keep in step.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The seed from [`SEED_VAR`], else from the clock; printed either way so a failure can be replayed.
    pub fn from_env(drill: &str) -> Rng {
        let seed = match std::env::var(SEED_VAR) {
            Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("{SEED_VAR}={text:?} is not a number")),
            Err(_) => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1),
        };
        eprintln!("{drill}: seed {seed} (replay with {SEED_VAR}={seed})");
        Rng::new(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `range` (half-open, not empty).
    pub fn in_range(&mut self, range: std::ops::Range<u64>) -> u64 {
        assert!(range.start < range.end, "empty range {range:?}");
        range.start + self.next_u64() % (range.end - range.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_stays_in_range() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..1000 {
            let n = a.in_range(10..20);
            assert_eq!(n, b.in_range(10..20));
            assert!((10..20).contains(&n));
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}
