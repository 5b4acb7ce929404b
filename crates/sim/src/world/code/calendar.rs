//! Day and month keys in China Standard Time (UTC+8): WeChat's daily and monthly limits (undo 5 a
//! day and 10 a month, the monthly audit quota) reset at 00:00 Beijing time.

/// The Beijing calendar day of `now`, as days since 1970-01-01.
pub fn day_key(now: i64) -> i64 {
    wechat::calendar::beijing_day(now)
}

/// The Beijing calendar month of `now`, as `yyyymm`.
pub fn month_key(now: i64) -> i64 {
    let (year, month, _) = civil_from_days(day_key(now));
    year * 100 + month
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let (year, month, day) = wechat::calendar::civil_from_days(days);
    (year, i64::from(month), i64::from(day))
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
