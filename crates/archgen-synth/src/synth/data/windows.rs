//! Time windows written in the document's time zone, converted to the UTC
//! forms AWS expects: `hh24:mi-hh24:mi` (daily: backups, snapshots) and
//! `ddd:hh24:mi-ddd:hh24:mi` (weekly: maintenance).
//!
//! Syntax: `03:00-04:00 Asia/Tokyo`, `sun 04:00-05:00 JST`,
//! `sun:19:00-sun:20:00` (no zone means UTC). Only fixed-offset zones are
//! accepted: a zone with daylight saving time would move the window twice a
//! year, so archgen refuses it rather than guess.

// User text: index and slice only with checked methods.
// Unit tests index freely: a panic there is a failing test.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY: i64 = 24 * 60;
const WEEK: i64 = 7 * DAY;

/// Fixed offsets from UTC, in minutes.
const ZONES: &[(&str, i64)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("Asia/Tokyo", 540),
    ("JST", 540),
    ("Asia/Seoul", 540),
    ("KST", 540),
    ("Asia/Shanghai", 480),
    ("Asia/Hong_Kong", 480),
    ("Asia/Taipei", 480),
    ("Asia/Singapore", 480),
    ("Asia/Manila", 480),
    ("Australia/Perth", 480),
    ("Asia/Jakarta", 420),
    ("Asia/Bangkok", 420),
    ("Asia/Kolkata", 330),
    ("IST", 330),
    ("Asia/Dubai", 240),
];

/// Zones people write that observe daylight saving time.
const DST_PREFIXES: &[&str] = &[
    "Europe/",
    "America/",
    "US/",
    "Canada/",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Pacific/Auckland",
    "PST",
    "PDT",
    "EST",
    "EDT",
    "CET",
    "CEST",
    "BST",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every day (backup and snapshot windows).
    Daily,
    /// One day of the week (maintenance windows).
    Weekly,
}

/// A window in UTC, as minutes from Monday 00:00 (weekly) or from midnight
/// (daily). `end` may exceed the period when the window wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub kind: Kind,
    pub start: i64,
    pub minutes: i64,
}

impl Window {
    /// AWS's UTC form.
    pub fn to_aws(self) -> String {
        let end = self.start + self.minutes;
        match self.kind {
            Kind::Daily => format!("{}-{}", hm(self.start), hm(end)),
            Kind::Weekly => format!("{}-{}", dhm(self.start), dhm(end)),
        }
    }

    /// The minute ranges this window occupies in a week (a daily window
    /// occurs seven times).
    fn weekly_ranges(self) -> Vec<(i64, i64)> {
        let starts: Vec<i64> = match self.kind {
            Kind::Daily => (0..7).map(|d| d * DAY + self.start).collect(),
            Kind::Weekly => vec![self.start],
        };
        starts
            .into_iter()
            .flat_map(|s| {
                let s = s.rem_euclid(WEEK);
                let e = s + self.minutes;
                if e > WEEK {
                    vec![(s, WEEK), (0, e - WEEK)]
                } else {
                    vec![(s, e)]
                }
            })
            .collect()
    }

    pub fn overlaps(self, other: Window) -> bool {
        let a = self.weekly_ranges();
        let b = other.weekly_ranges();
        a.iter()
            .any(|(s1, e1)| b.iter().any(|(s2, e2)| s1 < e2 && s2 < e1))
    }
}

fn hm(m: i64) -> String {
    let m = m.rem_euclid(DAY);
    format!("{:02}:{:02}", m / 60, m % 60)
}

#[expect(
    clippy::indexing_slicing,
    reason = "m is in 0..WEEK, so m / DAY is a day index 0..7"
)]
fn dhm(m: i64) -> String {
    let m = m.rem_euclid(WEEK);
    format!("{}:{}", DAYS[(m / DAY) as usize], hm(m))
}

fn parse_hm(s: &str) -> Option<i64> {
    let (h, m) = s.split_once(':')?;
    // Exactly two ASCII digits each: `parse` alone would take `+1` or `-1`.
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return None;
    }
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn parse_day(s: &str) -> Option<i64> {
    let s = s.to_ascii_lowercase();
    DAYS.iter().position(|d| *d == s).map(|i| i as i64 * DAY)
}

/// `ddd:hh:mm` or `hh:mm`.
fn parse_point(s: &str) -> Option<(Option<i64>, i64)> {
    match s.len() {
        5 => Some((None, parse_hm(s)?)),
        // Checked: a multi-byte character may straddle byte 3 ("aaé04:00").
        9 => {
            let (d, t) = s.split_at_checked(3)?;
            Some((Some(parse_day(d)?), parse_hm(t.strip_prefix(':')?)?))
        }
        _ => None,
    }
}

fn zone_offset(zone: &str) -> Result<i64, String> {
    if let Some((_, off)) = ZONES.iter().find(|(z, _)| *z == zone) {
        return Ok(*off);
    }
    if let Some(rest) = zone.strip_prefix('+').or_else(|| zone.strip_prefix('-')) {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        if let Some(m) = parse_hm(rest).filter(|m| *m <= 14 * 60) {
            return Ok(sign * m);
        }
    }
    if DST_PREFIXES.iter().any(|p| zone.starts_with(p)) {
        return Err(format!(
            "time zone '{zone}' observes daylight saving time, so the window would move twice a year"
        ));
    }
    Err(format!("unknown time zone '{zone}'"))
}

/// The fix hint for a window of `kind`.
pub fn syntax_help(kind: Kind) -> &'static str {
    match kind {
        Kind::Daily => {
            "write 'hh:mm-hh:mm' with an optional fixed-offset zone, e.g. '03:00-04:00 Asia/Tokyo' or '18:00-19:00' (UTC)"
        }
        Kind::Weekly => {
            "write 'ddd hh:mm-hh:mm' with an optional fixed-offset zone, e.g. 'sun 04:00-05:00 Asia/Tokyo' or 'sat:19:00-sat:20:00' (UTC)"
        }
    }
}

/// Parses a window and converts it to UTC.
pub fn parse(text: &str, kind: Kind) -> Result<Window, String> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let bad = || format!("'{text}' is not a {} window", describe(kind));
    // A trailing word that is an offset or holds no time is the time zone.
    let offset = match words.last() {
        Some(last) if words.len() > 1 && (last.starts_with(['+', '-']) || !last.contains(':')) => {
            let z = zone_offset(last)?;
            words.pop();
            z
        }
        _ => 0,
    };
    let (day, range) = match words.as_slice() {
        [range] => (None, *range),
        [day, range] => (Some(parse_day(day).ok_or_else(bad)?), *range),
        _ => return Err(bad()),
    };
    let (a, b) = range.split_once('-').ok_or_else(bad)?;
    let (da, ta) = parse_point(a).ok_or_else(bad)?;
    let (db, tb) = parse_point(b).ok_or_else(bad)?;
    let (start, end) = match kind {
        Kind::Daily => {
            if day.is_some() || da.is_some() || db.is_some() {
                return Err(format!(
                    "'{text}' names a day, but this window recurs daily"
                ));
            }
            (ta, if tb <= ta { tb + DAY } else { tb })
        }
        Kind::Weekly => {
            let (sd, ed) = match (day, da, db) {
                (Some(d), None, None) => (d, d),
                (None, Some(d1), Some(d2)) => (d1, d2),
                _ => return Err(format!("'{text}' needs a day of the week")),
            };
            let s = sd + ta;
            let mut e = ed + tb;
            if e <= s {
                e += if day.is_some() { DAY } else { WEEK };
            }
            (s, e)
        }
    };
    let minutes = end - start;
    let period = if kind == Kind::Daily { DAY } else { WEEK };
    Ok(Window {
        kind,
        start: (start - offset).rem_euclid(period),
        minutes,
    })
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Daily => "daily",
        Kind::Weekly => "weekly",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(text: &str, kind: Kind) -> String {
        parse(text, kind).unwrap().to_aws()
    }

    #[test]
    fn hours_and_minutes_are_two_digits_each() {
        assert!(parse("+1:00-02:00", Kind::Daily).is_err());
        assert!(parse("01:+5-02:00", Kind::Daily).is_err());
        // Not a panic: byte 3 falls inside 'é'.
        assert!(parse("aaé04:00-sun:05:00", Kind::Weekly).is_err());
    }

    #[test]
    fn converts_the_documents_tokyo_windows_to_utc() {
        assert_eq!(aws("03:00-04:00 Asia/Tokyo", Kind::Daily), "18:00-19:00");
        // Sunday 04:00 in Tokyo is Saturday 19:00 in UTC.
        assert_eq!(
            aws("sun 04:00-05:00 Asia/Tokyo", Kind::Weekly),
            "sat:19:00-sat:20:00"
        );
        assert_eq!(
            aws("mon 08:00-09:00 JST", Kind::Weekly),
            "sun:23:00-mon:00:00"
        );
        assert_eq!(
            aws("sat:19:00-sat:20:00", Kind::Weekly),
            "sat:19:00-sat:20:00"
        );
        assert_eq!(aws("23:30-00:30 +05:30", Kind::Daily), "18:00-19:00");
        assert_eq!(aws("sun 23:30-00:30", Kind::Weekly), "sun:23:30-mon:00:30");
    }

    #[test]
    fn refuses_daylight_saving_zones_and_malformed_windows() {
        assert!(
            parse("03:00-04:00 Europe/Berlin", Kind::Daily)
                .unwrap_err()
                .contains("daylight saving")
        );
        assert!(parse("03:00-04:00 Mars/Olympus", Kind::Daily).is_err());
        assert!(parse("3:00-4:00", Kind::Daily).is_err());
        assert!(parse("25:00-26:00", Kind::Daily).is_err());
        assert!(
            parse("04:00-05:00", Kind::Weekly)
                .unwrap_err()
                .contains("day")
        );
        assert!(
            parse("sun 04:00-05:00", Kind::Daily)
                .unwrap_err()
                .contains("daily")
        );
        assert!(parse("funday 04:00-05:00", Kind::Weekly).is_err());
    }

    #[test]
    fn a_daily_window_overlaps_a_weekly_one_on_any_day() {
        let backup = parse("18:00-19:00", Kind::Daily).unwrap();
        let clash = parse("wed 18:30-19:30", Kind::Weekly).unwrap();
        let clear = parse("sat 19:00-20:00", Kind::Weekly).unwrap();
        assert!(backup.overlaps(clash));
        assert!(!backup.overlaps(clear));
        assert_eq!(backup.minutes, 60);
    }
}
