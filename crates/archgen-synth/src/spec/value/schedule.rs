//! Schedule expressions and time zones, as AWS validates them (EventBridge
//! and Application Auto Scaling share the cron dialect): checked so a
//! schedule AWS would refuse fails `synth`, not the deploy. `check` reports
//! the errors as APP021.

use croner::parser::{CronParser, Seconds, Year};

use crate::diagnostic::did_you_mean;

/// Why a cron expression was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CronError {
    #[error(
        "'{expr}' has {count} fields; AWS's cron has six: minutes hours day-of-month month day-of-week year"
    )]
    FieldCount { expr: String, count: usize },
    #[error("'{expr}' sets neither day-of-month nor day-of-week; exactly one of them is '?'")]
    NeitherDay { expr: String },
    #[error(
        "'{expr}' sets both day-of-month ('{dom}') and day-of-week ('{dow}'); AWS needs '?' in one of them"
    )]
    BothDays {
        expr: String,
        dom: String,
        dow: String,
    },
    /// A field croner refuses, with its reason.
    #[error("'{expr}' is not a valid cron expression: {reason}")]
    Invalid { expr: String, reason: String },
    #[error("'{expr}' has a year outside 1970-2199")]
    YearOutOfRange { expr: String },
}

/// Why a time zone was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeZoneError {
    #[error("'{name}' is not written as the IANA database writes it")]
    NotCanonical { name: String, canonical: String },
    #[error("'{name}' is not an IANA time zone")]
    Unknown {
        name: String,
        nearest: Option<String>,
    },
}

impl TimeZoneError {
    /// The fix: the canonical spelling, the nearest name, or examples.
    pub fn help(&self) -> String {
        match self {
            TimeZoneError::NotCanonical { canonical, .. } => format!("write '{canonical}'"),
            TimeZoneError::Unknown {
                nearest: Some(n), ..
            } => format!("did you mean '{n}'?"),
            TimeZoneError::Unknown { nearest: None, .. } => {
                "use an IANA name such as Asia/Tokyo, Australia/Brisbane or UTC".into()
            }
        }
    }
}

/// Checks AWS's six-field cron: `minutes hours day-of-month month
/// day-of-week year`, where exactly one of day-of-month and day-of-week is
/// `?`.
pub fn check_cron(expr: &str) -> Result<(), CronError> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let &[minutes, hours, dom, month, dow, year] = fields.as_slice() else {
        return Err(CronError::FieldCount {
            expr: expr.into(),
            count: fields.len(),
        });
    };
    match (dom == "?", dow == "?") {
        (true, true) => return Err(CronError::NeitherDay { expr: expr.into() }),
        (false, false) => {
            return Err(CronError::BothDays {
                expr: expr.into(),
                dom: dom.into(),
                dow: dow.into(),
            });
        }
        _ => {}
    }
    // croner reads the same syntax with a seconds field in front, weekdays
    // numbered 1 (Sunday) to 7 as AWS does, and `5#L` for AWS's `5L`.
    let dow = match dow.strip_suffix('L') {
        Some(day) if !day.is_empty() && !day.ends_with('#') => format!("{day}#L"),
        _ => dow.to_string(),
    };
    let pattern = format!("0 {minutes} {hours} {dom} {month} {dow} {year}");
    let parser = CronParser::builder()
        .seconds(Seconds::Required)
        .year(Year::Required)
        .alternative_weekdays(true)
        // AWS's own examples step from a number: `0/15`.
        .sloppy_ranges(true)
        .build();
    if let Err(e) = parser.parse(&pattern) {
        return Err(CronError::Invalid {
            expr: expr.into(),
            reason: e.to_string(),
        });
    }
    let years_in_range = year
        .split([',', '-', '/'])
        .filter_map(|y| y.parse::<u32>().ok())
        .all(|y| (1970..=2199).contains(&y));
    if !years_in_range {
        return Err(CronError::YearOutOfRange { expr: expr.into() });
    }
    Ok(())
}

/// Checks an IANA time zone name, written as the database writes it.
pub fn check_time_zone(name: &str) -> Result<(), TimeZoneError> {
    let db = jiff::tz::db();
    match db.get(name) {
        Ok(tz) if tz.iana_name() == Some(name) => Ok(()),
        Ok(tz) => Err(TimeZoneError::NotCanonical {
            name: name.into(),
            canonical: tz.iana_name().unwrap_or(name).to_string(),
        }),
        Err(_) => {
            let names: Vec<String> = db.available().map(|n| n.as_str().to_string()).collect();
            Err(TimeZoneError::Unknown {
                name: name.into(),
                nearest: did_you_mean(name, names.iter().map(String::as_str)).map(str::to_string),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_cron_expressions_are_accepted() {
        for ok in [
            "0 9 ? * MON-FRI *",
            "0 22 ? * MON-FRI *",
            "15 10 ? * 6L 2027-2030",
            "0/15 * 1 * ? *",
            "0 8 L * ? *",
            "0 18 ? * 2#1 *",
            "0 0 1,15 JAN-JUN ? 2026",
        ] {
            assert_eq!(check_cron(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn day_of_month_and_day_of_week_are_not_both_set() {
        let why = check_cron("0 9 * * MON-FRI *").unwrap_err().to_string();
        assert!(
            why.contains("sets both day-of-month ('*') and day-of-week ('MON-FRI')"),
            "{why}"
        );
        assert_eq!(
            check_cron("0 9 ? * ? *"),
            Err(CronError::NeitherDay {
                expr: "0 9 ? * ? *".into()
            })
        );
    }

    #[test]
    fn out_of_range_fields_and_wrong_shapes_are_refused() {
        for bad in [
            "60 9 ? * MON *",
            "0 24 ? * MON *",
            "0 9 32 * ? *",
            "0 9 ? 13 * *",
            "0 9 ? * 8 *",
            "0 9 ? * MON 1969",
            "0 9 ? * FOO *",
        ] {
            assert!(check_cron(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(
            check_cron("0 9 ? * MON"),
            Err(CronError::FieldCount {
                expr: "0 9 ? * MON".into(),
                count: 5
            })
        );
        assert_eq!(
            check_cron("0 9 ? * MON 2200"),
            Err(CronError::YearOutOfRange {
                expr: "0 9 ? * MON 2200".into()
            })
        );
        // Multibyte text: refused, not a panic.
        assert!(check_cron("０ ９ ? * 月 *").is_err());
    }

    #[test]
    fn iana_zones_with_and_without_daylight_saving_are_accepted() {
        for ok in [
            "UTC",
            "Asia/Tokyo",
            "Australia/Brisbane",
            "Europe/Paris",
            "America/New_York",
        ] {
            assert_eq!(check_time_zone(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn unknown_zones_are_refused_with_a_suggestion() {
        let e = check_time_zone("Asia/Tokio").unwrap_err();
        assert_eq!(e.to_string(), "'Asia/Tokio' is not an IANA time zone");
        assert_eq!(e.help(), "did you mean 'Asia/Tokyo'?");
        assert!(check_time_zone("JST+9").is_err());
        assert!(check_time_zone("東京").is_err());
        let e = check_time_zone("asia/tokyo").unwrap_err();
        assert_eq!(e.help(), "write 'Asia/Tokyo'");
    }
}
