//! WeChat's calendar: quotas (undo 5 a day, 10 a month) reset at 00:00 Beijing time (UTC+8, no DST).

const BEIJING_OFFSET_MS: i64 = 8 * 3600 * 1000;
const DAY_MS: i64 = 86_400_000;

/// The Beijing day of `at_ms` (days since 1970-01-01, Beijing).
pub fn day_key(at_ms: i64) -> i64 {
    (at_ms + BEIJING_OFFSET_MS).div_euclid(DAY_MS)
}

/// The Beijing month of `at_ms`, as `yyyy * 12 + (month - 1)`.
pub fn month_key(at_ms: i64) -> i64 {
    let (year, month, _) = civil_from_days(day_key(at_ms));
    year * 12 + (month - 1)
}

/// The first millisecond of the Beijing day of `at_ms`, in unix ms.
pub fn day_start_ms(at_ms: i64) -> i64 {
    day_key(at_ms) * DAY_MS - BEIJING_OFFSET_MS
}

/// The first millisecond of the Beijing month of `at_ms`, in unix ms.
pub fn month_start_ms(at_ms: i64) -> i64 {
    let (_, _, day) = civil_from_days(day_key(at_ms));
    (day_key(at_ms) - (day - 1)) * DAY_MS - BEIJING_OFFSET_MS
}

/// Year, month (1–12) and day (1–31) of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_days_and_months() {
        // 2024-01-31 23:30 Beijing = 2024-01-31 15:30 UTC.
        let late_jan = 1_706_715_000_000;
        // 2024-02-01 00:30 Beijing = 2024-01-31 16:30 UTC: already February in Beijing.
        let early_feb = late_jan + 3_600_000;
        assert_eq!(civil_from_days(day_key(late_jan)), (2024, 1, 31));
        assert_eq!(civil_from_days(day_key(early_feb)), (2024, 2, 1));
        assert_ne!(month_key(late_jan), month_key(early_feb));
        assert_eq!(day_start_ms(early_feb), early_feb - 1_800_000);
        assert_eq!(month_start_ms(early_feb), day_start_ms(early_feb));
        assert_eq!(month_start_ms(late_jan), day_start_ms(late_jan) - 30 * DAY_MS);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
