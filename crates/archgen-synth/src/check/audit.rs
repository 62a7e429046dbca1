//! Rules of `audit:`: a lock S3 accepts, a known key, a CloudWatch Logs
//! retention, and data events on components CloudTrail can log (MON020,
//! MON021).

use super::monitoring::unknown;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::spec::audit::MAX_LOCK_DAYS;
use crate::template::logs::RETENTION_DAYS;

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let Some(audit) = &spec.audit else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if !(1..=MAX_LOCK_DAYS).contains(&audit.retention_days) {
        out.push(
            stack
                .error(
                    Code::Mon020,
                    "audit.retention_days",
                    format!(
                        "{} days is outside S3 Object Lock's retention range",
                        audit.retention_days
                    ),
                )
                .help(format!(
                    "use 1 to {MAX_LOCK_DAYS} days; seven years is 2555"
                )),
        );
    }
    if let Some(k) = &audit.kms_key
        && !spec.keys.contains_key(k)
    {
        out.push(unknown(
            stack,
            Code::Mon020,
            "audit.kms_key",
            "key",
            k,
            spec.keys.keys(),
        ));
    }
    if let Some(cw) = &audit.cloudwatch
        && !RETENTION_DAYS.contains(&cw.retention_days)
    {
        out.push(
            stack
                .error(
                    Code::Mon020,
                    "audit.cloudwatch.retention_days",
                    format!(
                        "{} days is not a CloudWatch Logs retention period",
                        cw.retention_days
                    ),
                )
                .help("use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ..."),
        );
    }
    for (i, key) in audit.data_events.iter().enumerate() {
        let field = format!("audit.data_events[{i}]");
        match crate::kinds::kind_of(spec, key) {
            Some(kind) if kind.data_events(spec, key).is_some() => {}
            Some(kind) => out.push(
                stack
                    .error(
                        Code::Mon021,
                        &field,
                        format!("'{key}' is a {}, whose calls CloudTrail logs as management events only", kind.noun()),
                    )
                    .help("name buckets or tables: their object and item calls are the data events"),
            ),
            None => {
                let loggable: Vec<&String> = crate::kinds::components(spec)
                    .into_iter()
                    .filter(|(k, kind)| kind.data_events(spec, k).is_some())
                    .map(|(k, _)| k)
                    .collect();
                let mut d = unknown(stack, Code::Mon021, &field, "bucket or table", key, loggable.into_iter());
                d.message = format!("there is no bucket or table '{key}'");
                out.push(d);
            }
        }
    }
    out
}
