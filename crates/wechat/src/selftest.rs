//! The public crypto test vectors, checked at start-up so the desktop can show that its protocol
//! layer agrees with WeChat's official samples and the SDKs. (to be written)
use serde::Serialize;

/// One checked vector.
#[derive(Debug, Clone, Serialize)]
pub struct SelfTestCase {
    /// Where the vector comes from, e.g. `official MP sample: decrypt`.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What failed, when it did.
    pub detail: Option<String>,
}

/// The result of [`run`].
#[derive(Debug, Clone, Serialize)]
pub struct SelfTestReport {
    /// How many cases passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
    /// Every case, in order.
    pub cases: Vec<SelfTestCase>,
}

/// Checks every built-in vector.
pub fn run() -> SelfTestReport {
    SelfTestReport { passed: 0, failed: 0, cases: Vec::new() }
}
