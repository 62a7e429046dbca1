//! L2 monitoring: encrypted SNS topics with email subscriptions, and
//! CloudWatch alarms on components, with the namespace, metric and
//! dimensions each kind publishes ([`crate::kinds::metrics`]).

pub mod dashboard;

use serde_json::json;

use super::Ctx;
use super::connect::Component;
use super::data::key_arn;
use super::naming::pascal;
use crate::spec::monitoring::{AlarmSpec, TopicSpec};
use crate::template::cloudwatch::Alarm;
use crate::template::iam::{PolicyDocument, Statement};
use crate::template::kms::Key;
use crate::template::sns::{Subscription, Topic};
use crate::template::{Expr, Policy, Template};

pub fn topic_id(name: &str) -> String {
    format!("{}Topic", pascal(name))
}

/// The key-policy statement that lets CloudWatch publish alarm
/// notifications to a topic encrypted with the key (the AWS managed
/// `alias/aws/sns` key has no such statement, so alarms could not publish).
pub fn cloudwatch_publish_statement() -> Statement {
    let mut s = Statement::allow(
        "CloudWatchAlarmsPublish",
        &["kms:Decrypt", "kms:GenerateDataKey*"],
        vec!["*".into()],
    );
    s.principal = Some(json!({"Service": "cloudwatch.amazonaws.com"}));
    s.condition = Some(json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}));
    s
}

pub fn build_topic(t: &mut Template, ctx: &mut Ctx, name: &str, spec: &TopicSpec) {
    let id = topic_id(name);
    let key = match &spec.kms_key {
        Some(k) => key_arn(k),
        None => {
            let key_id = format!("{id}Key");
            let mut admin = Statement::allow("AdministerKey", &["kms:*"], vec!["*".into()]);
            admin.principal = Some(
                json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}),
            );
            let r = t.add(
                &key_id,
                Key {
                    description: Some(
                        format!(
                            "Encrypts the {name} topic; CloudWatch may use it to publish alarms"
                        )
                        .into(),
                    ),
                    enable_key_rotation: Some(true.into()),
                    pending_window_in_days: Some(7.into()),
                    key_policy: Some(
                        PolicyDocument::new(vec![admin, cloudwatch_publish_statement()]).into(),
                    ),
                    tags: Some(ctx.named(&format!("{name}-topic"))),
                    ..Default::default()
                },
            );
            // Kept like every key: a scheduled deletion cannot be undone,
            // and a retained key costs little.
            r.retain_with(Policy::Retain);
            Expr::get_att(&key_id, "Arn")
        }
    };
    t.add(
        &id,
        Topic {
            topic_name: Some(ctx.names.physical(name).into()),
            display_name: spec.display_name.clone().map(Expr::from),
            kms_master_key_id: Some(key),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    for email in &spec.emails {
        t.add(
            format!("{id}{}Subscription", pascal(email)),
            Subscription {
                topic_arn: Expr::r#ref(&id),
                protocol: "email".into(),
                endpoint: Some(email.clone().into()),
                ..Default::default()
            },
        );
    }
    let mut c = Component::new(name, &crate::kinds::topic::Topics);
    let mut publish = vec![Statement::allow(
        &format!("Publish{}", pascal(name)),
        &["sns:Publish"],
        vec![Expr::r#ref(&id)],
    )];
    if let Some(k) = &spec.kms_key {
        publish.push(Statement::allow(
            &format!("Encrypt{}Messages", pascal(name)),
            &["kms:Decrypt", "kms:GenerateDataKey"],
            vec![key_arn(k)],
        ));
    }
    c.write_grants = publish;
    c.environment.push(("TOPIC_ARN".into(), Expr::r#ref(&id)));
    ctx.components.register(c);
}

/// Alarms run last: they refer to every other builder's resources.
pub fn build_alarms(t: &mut Template, ctx: &Ctx) {
    for (name, alarm) in &ctx.spec.alarms {
        build_alarm(t, ctx, name, alarm);
    }
}

fn build_alarm(t: &mut Template, ctx: &Ctx, name: &str, a: &AlarmSpec) {
    // `check` resolved the component and its metric (MON003, MON004).
    let Some(w) = crate::kinds::metrics::watched(ctx.spec, &a.on) else {
        ctx.bug(format!(
            "alarm {name} watches '{}', which publishes nothing",
            a.on
        ));
        return;
    };
    let Some(published) = w.find(&a.metric) else {
        ctx.bug(format!(
            "alarm {name}: '{}' does not publish '{}'",
            a.on, a.metric
        ));
        return;
    };
    let metric = published.metric;
    let (threshold, operator, word) = match (a.above, a.below) {
        (Some(x), _) => (x, "GreaterThanThreshold", "above"),
        (None, Some(x)) => (x, "LessThanThreshold", "below"),
        (None, None) => return,
    };
    let topics: Vec<Expr> = match &a.notify {
        Some(list) => list.iter().map(|n| Expr::r#ref(topic_id(n))).collect(),
        None => ctx
            .spec
            .topics
            .keys()
            .map(|n| Expr::r#ref(topic_id(n)))
            .collect(),
    };
    let missing = a
        .missing_data
        .map(|m| m.as_str())
        .unwrap_or(if metric.count {
            "notBreaching"
        } else {
            "missing"
        });
    let description = a.description.clone().unwrap_or_else(|| {
        format!(
            "{} of {} {word} {threshold} {} ({} {} over {} s)",
            a.metric, a.on, metric.unit, metric.statistic, metric.metric_name, a.period
        )
    });
    t.add(
        format!("{}Alarm", pascal(name)),
        Alarm {
            alarm_name: Some(ctx.names.physical(name).into()),
            alarm_description: Some(description.into()),
            namespace: Some(metric.namespace.into()),
            metric_name: Some(metric.metric_name.into()),
            dimensions: Some(published.dimensions.clone()),
            statistic: Some(metric.statistic.into()),
            period: Some(a.period.into()),
            evaluation_periods: Some(a.evaluation_periods.into()),
            datapoints_to_alarm: a.datapoints_to_alarm.map(Expr::from),
            threshold: Some(threshold.into()),
            comparison_operator: Some(operator.into()),
            treat_missing_data: Some(missing.into()),
            alarm_actions: Some(topics.clone()),
            ok_actions: Some(topics),
            ..Default::default()
        },
    );
}
