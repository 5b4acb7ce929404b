//! WeChat's calendar in milliseconds: quotas (undo 5 a day, 10 a month) reset at 00:00 Beijing
//! time ([`wechat::calendar`]).

use wechat::calendar::{beijing_day_start, beijing_month_start};

/// The first millisecond of the Beijing day of `at_ms`, in unix ms.
pub fn day_start_ms(at_ms: i64) -> i64 {
    beijing_day_start(at_ms.div_euclid(1000)) * 1000
}

/// The first millisecond of the Beijing month of `at_ms`, in unix ms.
pub fn month_start_ms(at_ms: i64) -> i64 {
    beijing_month_start(at_ms.div_euclid(1000)) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 86_400_000;

    #[test]
    fn beijing_days_and_months() {
        // 2024-01-31 23:30 Beijing = 2024-01-31 15:30 UTC.
        let late_jan = 1_706_715_000_000;
        // 2024-02-01 00:30 Beijing = 2024-01-31 16:30 UTC: already February in Beijing.
        let early_feb = late_jan + 3_600_000;
        assert_eq!(day_start_ms(early_feb), early_feb - 1_800_000);
        assert_eq!(day_start_ms(late_jan), early_feb - 1_800_000 - DAY_MS);
        assert_eq!(month_start_ms(early_feb), day_start_ms(early_feb));
        assert_eq!(month_start_ms(late_jan), day_start_ms(late_jan) - 30 * DAY_MS);
    }
}
