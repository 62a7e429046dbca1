//! A moment that recurs every day, week or month, written in the document's
//! time zone and converted to UTC the way windows are (see [`super::window`]):
//! `daily 03:00 Asia/Tokyo`, `weekly sun 03:00 JST`, `monthly 1 03:00
//! +09:00`. Backup plans run on it; AWS Backup takes it as a UTC
//! `cron(...)`, with the day shifted when the local time is on the other
//! side of midnight (Sunday 03:00 in Tokyo is Saturday 18:00 UTC; the 1st
//! at 03:00 in Tokyo is the last day of the previous month at 18:00 UTC).

use std::fmt;

use super::window::{DAY, DAYS, WindowError, parse_day, parse_hm, zone_offset};

/// The last day of the month a monthly schedule may name: every month has
/// it, so the schedule runs every month.
pub const LAST_MONTH_DAY: u8 = 28;

/// How often, and on which day, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Day,
    /// Day of the week, 0 = Monday.
    Week(u8),
    /// Day of the month; 0 is the last day of the month (a 1st shifted back).
    Month(u8),
}

/// A recurring moment in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurrence {
    pub every: Every,
    /// Minutes after midnight UTC.
    pub minute: i64,
}

/// Why a schedule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error("'{text}' is not a schedule")]
    Malformed { text: String },
    #[error("'{text}' names day {day} of the month; only days 1 to 28 occur in every month")]
    DayOfMonth { text: String, day: String },
    #[error("'{text}' falls on day 29 of the month in UTC, which February lacks")]
    ShiftedPastFebruary { text: String },
    #[error(transparent)]
    Zone(#[from] WindowError),
}

/// The fix hint for a schedule.
pub const SYNTAX_HELP: &str = "write 'daily hh:mm', 'weekly ddd hh:mm' or 'monthly <1-28> hh:mm', \
     with an optional fixed-offset zone, e.g. 'monthly 1 03:00 Asia/Tokyo'";

/// Parses a schedule and converts it to UTC.
pub fn parse(text: &str) -> Result<Recurrence, RecurrenceError> {
    let bad = || RecurrenceError::Malformed { text: text.into() };
    let mut words: Vec<&str> = text.split_whitespace().collect();
    // A trailing word without a colon, or an offset, is the time zone.
    let offset = match words.last() {
        Some(last) if words.len() > 2 && (last.starts_with(['+', '-']) || !last.contains(':')) => {
            let z = zone_offset(last)?;
            words.pop();
            z
        }
        _ => 0,
    };
    let (every, time) = match words.as_slice() {
        ["daily", time] => (Every::Day, *time),
        ["weekly", day, time] => {
            let day = parse_day(day).ok_or_else(bad)? / DAY;
            (Every::Week(day as u8), *time)
        }
        ["monthly", day, time] => {
            let n = day
                .parse::<u8>()
                .ok()
                .filter(|d| (1..=LAST_MONTH_DAY).contains(d))
                .ok_or_else(|| RecurrenceError::DayOfMonth {
                    text: text.into(),
                    day: day.to_string(),
                })?;
            (Every::Month(n), *time)
        }
        _ => return Err(bad()),
    };
    let local = parse_hm(time).ok_or_else(bad)?;
    let utc = local - offset;
    // -1, 0 or +1: the day before, the same day or the day after.
    let shift = utc.div_euclid(DAY);
    let every = match every {
        Every::Day => Every::Day,
        Every::Week(d) => Every::Week((i64::from(d) + shift).rem_euclid(7) as u8),
        Every::Month(d) => {
            let day = i64::from(d) + shift;
            if day > i64::from(LAST_MONTH_DAY) {
                return Err(RecurrenceError::ShiftedPastFebruary { text: text.into() });
            }
            Every::Month(day.max(0) as u8)
        }
    };
    Ok(Recurrence {
        every,
        minute: utc.rem_euclid(DAY),
    })
}

impl Recurrence {
    /// AWS's six-field cron in UTC: `cron(minutes hours day-of-month month
    /// day-of-week year)`.
    pub fn to_cron(self) -> String {
        let (m, h) = (self.minute % 60, self.minute / 60);
        let (dom, dow) = match self.every {
            Every::Day => ("*".to_string(), "?".to_string()),
            Every::Week(d) => (
                "?".to_string(),
                DAYS.get(usize::from(d))
                    .map_or("?", |s| s)
                    .to_ascii_uppercase(),
            ),
            Every::Month(0) => ("L".to_string(), "?".to_string()),
            Every::Month(d) => (d.to_string(), "?".to_string()),
        };
        format!("cron({m} {h} {dom} * {dow} *)")
    }
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.to_cron())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::value::schedule::check_cron;

    fn cron(text: &str) -> String {
        parse(text).unwrap().to_cron()
    }

    #[test]
    fn converts_to_utc_and_shifts_the_day_across_midnight() {
        assert_eq!(cron("daily 03:00 Asia/Tokyo"), "cron(0 18 * * ? *)");
        assert_eq!(cron("daily 03:30"), "cron(30 3 * * ? *)");
        // Sunday 03:00 in Tokyo is Saturday 18:00 UTC.
        assert_eq!(cron("weekly sun 03:00 Asia/Tokyo"), "cron(0 18 ? * SAT *)");
        // Monday 01:00 JST is Sunday 16:00 UTC: the week wraps.
        assert_eq!(cron("weekly mon 01:00 JST"), "cron(0 16 ? * SUN *)");
        // The 1st at 03:00 in Tokyo is the last day of the month before.
        assert_eq!(cron("monthly 1 03:00 Asia/Tokyo"), "cron(0 18 L * ? *)");
        assert_eq!(cron("monthly 15 12:00 Asia/Tokyo"), "cron(0 3 15 * ? *)");
        // West of UTC, late evening is the next day in UTC.
        assert_eq!(cron("monthly 10 22:00 -05:00"), "cron(0 3 11 * ? *)");
        assert_eq!(cron("weekly sat 22:00 -05:00"), "cron(0 3 ? * SUN *)");
    }

    #[test]
    fn every_schedule_is_a_cron_aws_accepts() {
        for text in [
            "daily 00:00",
            "weekly sun 03:00 Asia/Tokyo",
            "monthly 1 03:00 Asia/Tokyo",
            "monthly 28 23:00 +00:30",
        ] {
            let c = cron(text);
            let inner = c.strip_prefix("cron(").unwrap().strip_suffix(')').unwrap();
            check_cron(inner).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    #[test]
    fn refuses_days_not_in_every_month_and_daylight_saving_zones() {
        assert!(matches!(
            parse("monthly 31 03:00"),
            Err(RecurrenceError::DayOfMonth { .. })
        ));
        assert!(matches!(
            parse("monthly 28 22:00 -05:00"),
            Err(RecurrenceError::ShiftedPastFebruary { .. })
        ));
        assert!(matches!(
            parse("daily 03:00 Europe/Paris"),
            Err(RecurrenceError::Zone(WindowError::DaylightSaving { .. }))
        ));
        for bad in [
            "",
            "daily",
            "hourly 03:00",
            "weekly 03:00",
            "daily 3:00",
            "weekly xyz 03:00",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
