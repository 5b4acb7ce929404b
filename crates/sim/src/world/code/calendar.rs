//! Day and month keys in China Standard Time (UTC+8): WeChat's daily and monthly limits (undo 5 a
//! day and 10 a month, the monthly audit quota) reset at 00:00 Beijing time.

const BEIJING_OFFSET_SECS: i64 = 8 * 3600;
const DAY_SECS: i64 = 86_400;

/// The Beijing calendar day of `now`, as days since 1970-01-01.
pub fn day_key(now: i64) -> i64 {
    (now + BEIJING_OFFSET_SECS).div_euclid(DAY_SECS)
}

/// The Beijing calendar month of `now`, as `yyyymm`.
pub fn month_key(now: i64) -> i64 {
    let (year, month, _) = civil_from_days(day_key(now));
    year * 100 + month
}

/// Year, month (1–12) and day (1–31) of a day count since 1970-01-01 (proleptic Gregorian;
/// Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
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
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // 2024-02-29 is day 19782.
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(19_783), (2024, 3, 1));
    }

    #[test]
    fn days_and_months_turn_at_beijing_midnight() {
        // 2024-01-31T15:59:59Z is 23:59:59 in Beijing; one second later it is February there.
        let before = 1_706_716_799;
        assert_eq!(month_key(before), 202_401);
        assert_eq!(month_key(before + 1), 202_402);
        assert_eq!(day_key(before) + 1, day_key(before + 1));
    }
}
