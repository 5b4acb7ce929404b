//! WeChat's calendar: daily and monthly quotas (API calls, audit submissions, undo, renames, domain
//! changes) reset at 00:00 Beijing time — UTC+8 all year, no daylight saving.

/// Beijing's offset from UTC.
pub const BEIJING_OFFSET_SECS: i64 = 8 * 3600;
const DAY_SECS: i64 = 86_400;

/// Year, month (1–12) and day (1–31) of `days` since 1970-01-01 in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The Beijing calendar day of `unix_secs`, as days since 1970-01-01.
pub fn beijing_day(unix_secs: i64) -> i64 {
    (unix_secs + BEIJING_OFFSET_SECS).div_euclid(DAY_SECS)
}

/// Year, month and day of `unix_secs` in Beijing.
pub fn beijing_date(unix_secs: i64) -> (i64, u32, u32) {
    civil_from_days(beijing_day(unix_secs))
}

/// The unix second at which the Beijing day of `unix_secs` began.
pub fn beijing_day_start(unix_secs: i64) -> i64 {
    beijing_day(unix_secs) * DAY_SECS - BEIJING_OFFSET_SECS
}

/// The unix second at which the Beijing month of `unix_secs` began.
pub fn beijing_month_start(unix_secs: i64) -> i64 {
    let (_, _, day) = beijing_date(unix_secs);
    (beijing_day(unix_secs) - i64::from(day - 1)) * DAY_SECS - BEIJING_OFFSET_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_months_turn_at_beijing_midnight() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        // 2024-01-31 23:30 Beijing = 15:30 UTC; an hour later it is February in Beijing.
        let late_jan = 1_706_715_000;
        assert_eq!(beijing_date(late_jan), (2024, 1, 31));
        assert_eq!(beijing_date(late_jan + 3600), (2024, 2, 1));
        assert_eq!(beijing_day_start(late_jan + 3600), late_jan + 1800);
        assert_eq!(beijing_month_start(late_jan + 3600), late_jan + 1800);
        assert_eq!(beijing_month_start(late_jan), late_jan + 1800 - 31 * DAY_SECS);
    }
}
