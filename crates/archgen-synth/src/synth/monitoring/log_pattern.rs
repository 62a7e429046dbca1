//! `log_pattern:` alarms: a CloudWatch Logs metric filter on the watched
//! component's log group counts the matching events into a metric of the
//! stack's own namespace, which the alarm and the dashboard read.
//!
//! A service's log group is the stack's. A database's log is the one RDS
//! exports (`/aws/rds/instance/<id>/<log>`, Aurora
//! `/aws/rds/cluster/<id>/<log>`): RDS creates that group itself, so archgen
//! refers to it by the database's physical identifier (`Ref`) and does not
//! create it. Creating it would fail: the identifier is known only once the
//! database exists, by when RDS has made the group, and every database
//! archgen already deployed exports its logs by default.

use crate::naming::pascal;
use crate::synth::Ctx;
use crate::template::logs::MetricFilter;
use crate::template::logs::metric_filter::MetricTransformation;
use crate::template::{Expr, Template};

/// The namespace of the stack's log metrics: the CloudFormation stack's
/// name, as the dashboard's.
pub fn namespace(ctx: &Ctx) -> String {
    format!(
        "{}-{}-{}",
        ctx.spec.app,
        ctx.environment,
        ctx.checked.stack().file.name
    )
}

/// The metric an alarm's filter writes: its key, under [`namespace`].
pub fn metric_name(alarm: &str) -> String {
    alarm.to_string()
}

/// The log group the pattern of alarm `a` reads, if `on` names a
/// service or a database.
fn log_group(ctx: &Ctx, on: &str, a: &crate::spec::monitoring::AlarmSpec) -> Option<Expr> {
    let p = pascal(on);
    if ctx.spec.services.contains_key(on) {
        return Some(Expr::r#ref(format!("{p}LogGroup")));
    }
    let db = ctx.spec.databases.get(on)?;
    let scope = if db.engine.is_aurora() {
        "cluster"
    } else {
        "instance"
    };
    let log = a.database_log(db.engine);
    Some(Expr::sub(format!("/aws/rds/{scope}/${{{p}}}/{log}")))
}

/// The metric filter of alarm `name`; returns the metric's namespace and
/// name.
pub fn build_filter(
    t: &mut Template,
    ctx: &Ctx,
    name: &str,
    a: &crate::spec::monitoring::AlarmSpec,
) -> Option<(String, String)> {
    let pattern = a.log_pattern.as_ref()?;
    let Some(group) = log_group(ctx, &a.on, a) else {
        // `check` refused a log pattern on anything else (MON015).
        ctx.bug(format!("alarm {name}: '{}' has no log group", a.on));
        return None;
    };
    let (namespace, metric) = (namespace(ctx), metric_name(name));
    t.add(
        format!("{}LogFilter", pascal(name)),
        MetricFilter {
            filter_name: Some(ctx.names.physical(name).into()),
            filter_pattern: pattern.clone().into(),
            log_group_name: group,
            metric_transformations: vec![MetricTransformation {
                metric_namespace: namespace.clone().into(),
                metric_name: metric.clone().into(),
                metric_value: "1".into(),
                // Events that do not match count 0, so the graph reads 0,
                // not missing, while the component logs.
                default_value: Some(0.into()),
                unit: Some("Count".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
    );
    Some((namespace, metric))
}
