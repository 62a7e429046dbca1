//! Log groups for what archgen runs: retained when the stack goes (logs are
//! data), retention from the spec, and the checkov reasons that go with it.

use crate::template::logs::LogGroup;
use crate::template::{Expr, Policy, Resource, Tag, Template};

/// `spec_field` is where the retention was chosen, for the reason shown to
/// reviewers when it is under a year.
pub fn retained_log_group<'t>(
    t: &'t mut Template,
    id: &str,
    name: Option<Expr>,
    retention_days: i64,
    spec_field: &str,
    tags: Vec<Tag>,
) -> &'t mut Resource {
    let group = t.add(
        id,
        LogGroup {
            log_group_name: name,
            retention_in_days: Some(retention_days.into()),
            tags: Some(tags),
            ..Default::default()
        },
    );
    group.retain_with(Policy::Retain);
    group.skip_check(
        "CKV_AWS_158",
        "CloudWatch Logs encrypts every log group at rest with a service key",
    );
    if retention_days < 365 {
        group.skip_check(
            "CKV_AWS_338",
            &format!("retention of {retention_days} days is chosen in the spec ({spec_field})"),
        );
    }
    group
}
