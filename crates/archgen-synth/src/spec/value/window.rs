//! Time windows written in the document's time zone, converted to the UTC
//! forms AWS expects: `hh24:mi-hh24:mi` (daily: backups, snapshots) and
//! `ddd:hh24:mi-ddd:hh24:mi` (weekly: maintenance).
//!
//! Syntax: `03:00-04:00 Asia/Tokyo`, `sun 04:00-05:00 JST`,
//! `sun:19:00-sun:20:00` (no zone means UTC). Only fixed-offset zones are
//! accepted: a zone with daylight saving time would move the window twice a
//! year, so archgen refuses it rather than guess.

use std::fmt;

pub(super) const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
pub(super) const DAY: i64 = 24 * 60;
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

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Kind::Daily => "daily",
            Kind::Weekly => "weekly",
        })
    }
}

/// Why a window was refused; `check` reports it as DATA006 at the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("'{text}' is not a {kind} window")]
    Malformed { text: String, kind: Kind },
    #[error("'{text}' names a day, but this window recurs daily")]
    DayInDailyWindow { text: String },
    #[error("'{text}' needs a day of the week")]
    MissingDay { text: String },
    #[error(
        "time zone '{zone}' observes daylight saving time, so the window would move twice a year"
    )]
    DaylightSaving { zone: String },
    #[error("unknown time zone '{zone}'")]
    UnknownZone { zone: String },
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

pub(super) fn parse_hm(s: &str) -> Option<i64> {
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

pub(super) fn parse_day(s: &str) -> Option<i64> {
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

pub(super) fn zone_offset(zone: &str) -> Result<i64, WindowError> {
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
        return Err(WindowError::DaylightSaving { zone: zone.into() });
    }
    Err(WindowError::UnknownZone { zone: zone.into() })
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
pub fn parse(text: &str, kind: Kind) -> Result<Window, WindowError> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let bad = || WindowError::Malformed {
        text: text.into(),
        kind,
    };
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
                return Err(WindowError::DayInDailyWindow { text: text.into() });
            }
            (ta, if tb <= ta { tb + DAY } else { tb })
        }
        Kind::Weekly => {
            let (sd, ed) = match (day, da, db) {
                (Some(d), None, None) => (d, d),
                (None, Some(d1), Some(d2)) => (d1, d2),
                _ => return Err(WindowError::MissingDay { text: text.into() }),
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
        assert_eq!(
            parse("03:00-04:00 Europe/Berlin", Kind::Daily),
            Err(WindowError::DaylightSaving {
                zone: "Europe/Berlin".into()
            })
        );
        assert_eq!(
            parse("03:00-04:00 Mars/Olympus", Kind::Daily),
            Err(WindowError::UnknownZone {
                zone: "Mars/Olympus".into()
            })
        );
        let malformed = |text: &str, kind| WindowError::Malformed {
            text: text.into(),
            kind,
        };
        assert_eq!(
            parse("3:00-4:00", Kind::Daily),
            Err(malformed("3:00-4:00", Kind::Daily))
        );
        assert_eq!(
            parse("25:00-26:00", Kind::Daily),
            Err(malformed("25:00-26:00", Kind::Daily))
        );
        assert_eq!(
            parse("04:00-05:00", Kind::Weekly),
            Err(WindowError::MissingDay {
                text: "04:00-05:00".into()
            })
        );
        assert_eq!(
            parse("sun 04:00-05:00", Kind::Daily),
            Err(WindowError::DayInDailyWindow {
                text: "sun 04:00-05:00".into()
            })
        );
        assert_eq!(
            parse("funday 04:00-05:00", Kind::Weekly),
            Err(malformed("funday 04:00-05:00", Kind::Weekly))
        );
    }

    #[test]
    fn errors_read_as_the_diagnostic_message() {
        let e = parse("sun 04:00-05:00 Europe/Berlin", Kind::Weekly).unwrap_err();
        assert_eq!(
            e.to_string(),
            "time zone 'Europe/Berlin' observes daylight saving time, so the window would move twice a year"
        );
        let e = parse("04:00", Kind::Daily).unwrap_err();
        assert_eq!(e.to_string(), "'04:00' is not a daily window");
    }

    #[test]
    fn multibyte_text_is_refused_without_panicking() {
        // Japanese day names, a zone written in kanji, full-width digits and
        // a full-width colon: none is a window, and none may panic.
        for (text, kind) in [
            ("日 04:00-05:00", Kind::Weekly),
            ("日曜:04:00-日曜:05:00", Kind::Weekly),
            ("03:00-04:00 東京", Kind::Daily),
            ("０３:００-０４:００", Kind::Daily),
            ("03：00-04：00", Kind::Daily),
            ("sün 04:00-05:00", Kind::Weekly),
        ] {
            assert!(parse(text, kind).is_err(), "{text} should be refused");
        }
        assert_eq!(
            parse("03:00-04:00 東京", Kind::Daily),
            Err(WindowError::UnknownZone {
                zone: "東京".into()
            })
        );
    }

    #[test]
    fn out_of_range_times_and_offsets_are_refused() {
        for text in ["24:00-01:00", "23:60-00:30", "00:00-24:00", "99:99-00:00"] {
            assert!(parse(text, Kind::Daily).is_err(), "{text}");
        }
        // UTC offsets run from -14:00 to +14:00.
        assert_eq!(aws("03:00-04:00 +14:00", Kind::Daily), "13:00-14:00");
        assert_eq!(
            parse("03:00-04:00 +14:01", Kind::Daily),
            Err(WindowError::UnknownZone {
                zone: "+14:01".into()
            })
        );
        assert!(parse("03:00-04:00 +1:00", Kind::Daily).is_err());
    }

    #[test]
    fn negative_offsets_and_wrapping_windows_convert_forward() {
        // 22:00 at UTC-03:00 is 01:00 the next day in UTC.
        assert_eq!(aws("22:00-23:00 -03:00", Kind::Daily), "01:00-02:00");
        // Saturday 23:00 at UTC-03:00 is Sunday 02:00 UTC; Sunday wraps to Monday.
        assert_eq!(
            aws("sat 23:00-00:00 -03:00", Kind::Weekly),
            "sun:02:00-sun:03:00"
        );
        assert_eq!(
            aws("sun:23:00-mon:01:00", Kind::Weekly),
            "sun:23:00-mon:01:00"
        );
        let w = parse("sun:23:00-mon:01:00", Kind::Weekly).unwrap();
        assert_eq!(w.minutes, 120);
        // A daily window that ends where it starts lasts a whole day.
        assert_eq!(parse("05:00-05:00", Kind::Daily).unwrap().minutes, 24 * 60);
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
