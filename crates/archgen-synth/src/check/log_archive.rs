//! Rules of `logs.archive`: components that write log groups, and a
//! lifecycle S3 accepts (MON022).

use super::monitoring::unknown;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let Some(archive) = &spec.logs.archive else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, key) in archive.components.iter().flatten().enumerate() {
        let field = format!("logs.archive.components[{i}]");
        match crate::kinds::kind_of(spec, key) {
            Some(kind) if kind.log_group(spec, key).is_some() => {}
            Some(kind) => out.push(
                stack
                    .error(
                        Code::Mon022,
                        &field,
                        format!("'{key}' is a {}, which writes no log group of its own", kind.noun()),
                    )
                    .help("name services or functions, or leave components out to archive every log group"),
            ),
            None => {
                let writers: Vec<&String> = crate::kinds::components(spec)
                    .into_iter()
                    .filter(|(k, kind)| kind.log_group(spec, k).is_some())
                    .map(|(k, _)| k)
                    .collect();
                let mut d = unknown(stack, Code::Mon022, &field, "service or function", key, writers.into_iter());
                d.message = format!("there is no service or function '{key}'");
                out.push(d);
            }
        }
    }
    if archive.expire_days == 0 {
        out.push(
            stack
                .error(
                    Code::Mon022,
                    "logs.archive.expire_days",
                    "archived logs would be deleted at once",
                )
                .help("keep them at least a day, e.g. expire_days: 365"),
        );
    }
    if let Some(glacier) = archive.glacier_after_days
        && glacier >= archive.expire_days
    {
        out.push(
            stack
                .error(
                    Code::Mon022,
                    "logs.archive.glacier_after_days",
                    format!(
                        "logs would move to Glacier after {glacier} days but are deleted after {}",
                        archive.expire_days
                    ),
                )
                .help("move them earlier than expire_days, or leave glacier_after_days out"),
        );
    }
    out
}
