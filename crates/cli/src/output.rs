//! Human output by default, one JSON document with `--json`; errors as the core's `Problem`
//! (code, message, and WeChat's meaning and remedy in zh-CN and en).

use std::process::ExitCode;

use fleet::FleetError;
use serde::Serialize;

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// `--json`.
    pub json: bool,
}

impl Output {
    /// Prints `value` as JSON, or `human(value)` as text.
    pub fn show<T: Serialize>(&self, value: &T, human: impl FnOnce(&T) -> String) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));
        } else {
            let text = human(value);
            if !text.is_empty() {
                println!("{}", text.trim_end());
            }
        }
    }

    /// Prints one event line (`--follow`): JSON lines, or text.
    pub fn line<T: Serialize>(&self, value: &T, human: impl FnOnce(&T) -> String) {
        if self.json {
            println!("{}", serde_json::to_string(value).unwrap_or_default());
        } else {
            println!("{}", human(value));
        }
    }

    /// Prints the error (to stderr) and returns the exit code: 3 for WeChat's errors, 1 otherwise.
    pub fn fail(&self, error: &FleetError) -> ExitCode {
        let problem = error.problem();
        if self.json {
            eprintln!("{}", serde_json::json!({ "ok": false, "error": problem }));
        } else {
            eprintln!("error: {}", problem.message);
            if let (Some(code), Some(zh), Some(en)) = (problem.errcode, &problem.meaning_zh, &problem.meaning_en) {
                eprintln!("  WeChat {code}: {zh} / {en}");
            }
            if let (Some(zh), Some(en)) = (&problem.remedy_zh, &problem.remedy_en) {
                eprintln!("  what to do: {zh}\n              {en}");
            }
        }
        if error.errcode().is_some() {
            ExitCode::from(3)
        } else {
            ExitCode::from(1)
        }
    }
}

/// `2026-11-22 10:04:05` (UTC) from unix ms, for tables.
pub fn time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = wechat::calendar::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `3 min`, `2 h 5 min`, for ages.
pub fn age(ms: i64) -> String {
    let mins = ms / 60_000;
    match mins {
        0 => format!("{} s", ms / 1000),
        1..=59 => format!("{mins} min"),
        _ => format!("{} h {} min", mins / 60, mins % 60),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_times_and_ages() {
        assert_eq!(super::time(0), "1970-01-01 00:00:00Z");
        assert_eq!(super::time(1_795_000_000_000), "2026-11-18 11:06:40Z");
        assert_eq!(super::age(59_000), "59 s");
        assert_eq!(super::age(125 * 60_000), "2 h 5 min");
    }
}
