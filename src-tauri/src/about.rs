//! What the About page shows: versions and the protocol self-test.
use serde::Serialize;
use specta::Type;

/// Versions of the running build and the outcome of the protocol self-test.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct About {
    /// This app's version.
    pub app_version: String,
    /// The Tauri runtime version compiled in.
    pub tauri_version: String,
    /// The version of the `wechat` protocol crate compiled in.
    pub wechat_version: String,
    /// The operating system, as Rust names it (`linux`, `macos`, `windows`).
    pub os: String,
    /// The CPU architecture, as Rust names it (`x86_64`, `aarch64`).
    pub arch: String,
    /// The result of checking the built-in crypto test vectors.
    pub self_test: SelfTestReport,
}

/// [`wechat::selftest::SelfTestReport`] as the UI receives it (counts as `u32`, which TypeScript's
/// `number` holds exactly).
#[derive(Debug, Clone, Serialize, Type)]
pub struct SelfTestReport {
    /// How many cases passed.
    pub passed: u32,
    /// How many failed.
    pub failed: u32,
    /// Every case, in the order they ran.
    pub cases: Vec<SelfTestCase>,
}

/// One checked vector.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SelfTestCase {
    /// Where the vector comes from.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What failed, when it did.
    pub detail: Option<String>,
}

/// Gathers the versions and runs the self-test.
pub fn collect() -> About {
    About {
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        tauri_version: tauri::VERSION.to_owned(),
        wechat_version: wechat::VERSION.to_owned(),
        os: std::env::consts::OS.to_owned(),
        arch: std::env::consts::ARCH.to_owned(),
        self_test: wechat::selftest::run().into(),
    }
}

impl From<wechat::selftest::SelfTestReport> for SelfTestReport {
    fn from(report: wechat::selftest::SelfTestReport) -> Self {
        Self {
            passed: saturating_u32(report.passed),
            failed: saturating_u32(report.failed),
            cases: report.cases.into_iter().map(SelfTestCase::from).collect(),
        }
    }
}

impl From<wechat::selftest::SelfTestCase> for SelfTestCase {
    fn from(case: wechat::selftest::SelfTestCase) -> Self {
        Self { name: case.name, ok: case.ok, detail: case.detail }
    }
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_real_self_test() {
        let about = collect();
        let direct = wechat::selftest::run();
        assert_eq!(about.self_test.passed as usize, direct.passed);
        assert_eq!(about.self_test.failed as usize, direct.failed);
        assert_eq!(about.self_test.cases.len(), direct.cases.len());
        assert_eq!(about.self_test.passed + about.self_test.failed, about.self_test.cases.len() as u32);
    }

    #[test]
    fn names_the_versions_compiled_in() {
        let about = collect();
        assert_eq!(about.tauri_version, tauri::VERSION);
        assert!(about.tauri_version.starts_with("2."), "{}", about.tauri_version);
        assert!(!about.wechat_version.is_empty() && about.wechat_version != "unknown");
        assert_eq!(about.os, std::env::consts::OS);
    }

    #[test]
    fn converts_failed_cases_with_their_detail() {
        let report = wechat::selftest::SelfTestReport {
            passed: 1,
            failed: 1,
            cases: vec![
                wechat::selftest::SelfTestCase { name: "a".into(), ok: true, detail: None },
                wechat::selftest::SelfTestCase { name: "b".into(), ok: false, detail: Some("mismatch".into()) },
            ],
        };
        let json = serde_json::to_value(SelfTestReport::from(report)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "passed": 1, "failed": 1, "cases": [
                { "name": "a", "ok": true, "detail": null },
                { "name": "b", "ok": false, "detail": "mismatch" }
            ]})
        );
    }
}
