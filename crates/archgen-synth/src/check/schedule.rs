//! Schedule expressions and time zones, as AWS validates them (EventBridge
//! and Application Auto Scaling share the cron dialect): checked here so a
//! schedule AWS would refuse fails `synth`, not the deploy.

use croner::parser::{CronParser, Seconds, Year};

use crate::diagnostic::did_you_mean;

/// AWS's six-field cron: `minutes hours day-of-month month day-of-week year`,
/// where exactly one of day-of-month and day-of-week is `?`. Returns what is
/// wrong, or `None`.
pub fn cron_problem(expr: &str) -> Option<String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let &[minutes, hours, dom, month, dow, year] = fields.as_slice() else {
        return Some(format!(
            "'{expr}' has {} fields; AWS's cron has six: minutes hours day-of-month month day-of-week year",
            fields.len()
        ));
    };
    match (dom == "?", dow == "?") {
        (true, true) => {
            return Some(format!(
                "'{expr}' sets neither day-of-month nor day-of-week; exactly one of them is '?'"
            ));
        }
        (false, false) => {
            return Some(format!(
                "'{expr}' sets both day-of-month ('{dom}') and day-of-week ('{dow}'); AWS needs '?' in one of them"
            ));
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
        return Some(format!("'{expr}' is not a valid cron expression: {e}"));
    }
    let years_in_range = year
        .split([',', '-', '/'])
        .filter_map(|y| y.parse::<u32>().ok())
        .all(|y| (1970..=2199).contains(&y));
    if !years_in_range {
        return Some(format!("'{expr}' has a year outside 1970-2199"));
    }
    None
}

/// An IANA time zone name, written as the database writes it. Returns what
/// is wrong and a suggestion, or `None`.
pub fn time_zone_problem(name: &str) -> Option<(String, String)> {
    let db = jiff::tz::db();
    match db.get(name) {
        Ok(tz) if tz.iana_name() == Some(name) => None,
        Ok(tz) => {
            let canonical = tz.iana_name().unwrap_or(name).to_string();
            Some((
                format!("'{name}' is not written as the IANA database writes it"),
                format!("write '{canonical}'"),
            ))
        }
        Err(_) => {
            let names: Vec<String> = db.available().map(|n| n.as_str().to_string()).collect();
            let help = match did_you_mean(name, names.iter().map(String::as_str)) {
                Some(s) => format!("did you mean '{s}'?"),
                None => "use an IANA name such as Asia/Tokyo, Australia/Brisbane or UTC".into(),
            };
            Some((format!("'{name}' is not an IANA time zone"), help))
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
            assert_eq!(cron_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn day_of_month_and_day_of_week_are_not_both_set() {
        let why = cron_problem("0 9 * * MON-FRI *").unwrap();
        assert!(
            why.contains("sets both day-of-month ('*') and day-of-week ('MON-FRI')"),
            "{why}"
        );
        let why = cron_problem("0 9 ? * ? *").unwrap();
        assert!(why.contains("sets neither"), "{why}");
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
            assert!(cron_problem(bad).is_some(), "{bad} should be refused");
        }
        assert!(
            cron_problem("0 9 ? * MON")
                .unwrap()
                .contains("has 5 fields")
        );
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
            assert_eq!(time_zone_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn unknown_zones_are_refused_with_a_suggestion() {
        let (why, help) = time_zone_problem("Asia/Tokio").unwrap();
        assert_eq!(why, "'Asia/Tokio' is not an IANA time zone");
        assert_eq!(help, "did you mean 'Asia/Tokyo'?");
        assert!(time_zone_problem("JST+9").is_some());
        let (_, help) = time_zone_problem("asia/tokyo").unwrap();
        assert_eq!(help, "write 'Asia/Tokyo'");
    }
}
