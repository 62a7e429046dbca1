//! L2 monitoring: encrypted SNS topics with email subscriptions, and
//! CloudWatch alarms on components, with the namespace, metric and
//! dimensions each kind publishes ([`crate::kinds::metrics`]).

pub mod dashboard;
pub mod log_pattern;

use serde_json::json;

use super::Ctx;
use super::connect::Component;
use super::data::key_arn;
use crate::kinds::metrics::{Published, Rate};
use crate::naming::pascal;
use crate::spec::monitoring::{AlarmSpec, HttpsEndpoint, SlackSpec, TopicSpec};
use crate::synth::connect::SecretSource;
use crate::template::chatbot::SlackChannelConfiguration;
use crate::template::cloudwatch::Alarm;
use crate::template::cloudwatch::alarm::{self, MetricDataQuery, MetricStat};
use crate::template::iam::{PolicyDocument, Statement};
use crate::template::iam::{Role, role};
use crate::template::kms::Key;
use crate::template::sns::{Subscription, Topic};
use crate::template::{Expr, Policy, Template};

pub fn topic_id(name: &str) -> String {
    format!("{}Topic", pascal(name))
}

/// The logical id of topic `name`'s copy in the us-east-1 edge stack: an id
/// of its own, so the two stacks of one environment never share one.
pub fn edge_topic_id(name: &str) -> String {
    topic_id(&format!("{name}-edge"))
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
    topic_resources(t, ctx, name, spec, false);
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

/// The copy of topic `name` in the us-east-1 edge stack, for alarms there
/// (an alarm notifies topics of its own region only): its own key, the
/// same email, HTTPS and Slack destinations.
pub fn build_edge_topic(t: &mut Template, ctx: &mut Ctx, name: &str, spec: &TopicSpec) {
    topic_resources(t, ctx, name, spec, true);
}

/// A topic's key, the topic and its subscriptions. `in_edge`: the copy in
/// the us-east-1 edge stack, where the stack's own keys and secrets do not
/// exist, so it always has a key of its own and a name ending in `-edge`.
fn topic_resources(t: &mut Template, ctx: &mut Ctx, name: &str, spec: &TopicSpec, in_edge: bool) {
    let suffix = if in_edge { "-edge" } else { "" };
    let id = topic_id(&format!("{name}{suffix}"));
    let key = match spec.kms_key.as_ref().filter(|_| !in_edge) {
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
                    tags: Some(ctx.named(&format!("{name}-topic{suffix}"))),
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
            topic_name: Some(ctx.names.physical(&format!("{name}{suffix}")).into()),
            display_name: spec.display_name.clone().map(Expr::from),
            kms_master_key_id: Some(key),
            tags: Some(ctx.named(&format!("{name}{suffix}"))),
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
    for (i, endpoint) in spec.https.iter().enumerate() {
        if in_edge && let Some(secret) = &endpoint.secret {
            // CloudFormation resolves a secret in the stack's own region.
            ctx.notes.push(format!(
                "the us-east-1 copy of topic {name} (for DNS health-check alarms) does not deliver \
                 to https[{i}]: its URL is in secret {secret}, which a us-east-1 stack cannot \
                 resolve; give that endpoint as `url:` if it carries no key, or rely on the \
                 topic's email and Slack destinations for health checks"
            ));
            continue;
        }
        let Some(url) = https_endpoint(ctx, endpoint) else {
            ctx.bug(format!("topic {name}: https[{i}] names no URL or secret"));
            continue;
        };
        t.add(
            format!("{id}Https{}Subscription", i + 1),
            Subscription {
                topic_arn: Expr::r#ref(&id),
                protocol: "https".into(),
                endpoint: Some(url),
                ..Default::default()
            },
        );
    }
    if let Some(slack) = &spec.slack {
        slack_channel(t, ctx, name, &id, slack, suffix);
    }
}

/// Alarms run last: they refer to every other builder's resources.
pub fn build_alarms(t: &mut Template, ctx: &Ctx) {
    for (name, alarm) in &ctx.spec.alarms {
        build_alarm(t, ctx, name, alarm);
    }
}

fn build_alarm(t: &mut Template, ctx: &Ctx, name: &str, a: &AlarmSpec) {
    let Some((threshold, operator, word)) = threshold(a) else {
        return;
    };
    if a.log_pattern.is_some() {
        let Some((namespace, metric_name)) = log_pattern::build_filter(t, ctx, name, a) else {
            return;
        };
        let description = a.description.clone().unwrap_or_else(|| {
            format!(
                "log events of {} matching the pattern of alarm {name} {word} {threshold} (Sum over {} s)",
                a.on, a.period
            )
        });
        t.add(
            format!("{}Alarm", pascal(name)),
            Alarm {
                namespace: Some(namespace.into()),
                metric_name: Some(metric_name.into()),
                statistic: Some("Sum".into()),
                period: Some(a.period.into()),
                // A count of bad events: no data means nothing matched.
                treat_missing_data: Some(missing_data(a, true).into()),
                ..alarm_common(ctx, name, a, description, threshold, operator)
            },
        );
        return;
    }
    // `check` resolved the component and its metric (MON003, MON004).
    let metric_key = a.metric.as_deref().unwrap_or_default();
    let Some(w) = crate::kinds::metrics::watched(ctx.spec, &a.on) else {
        ctx.bug(format!(
            "alarm {name} watches '{}', which publishes nothing",
            a.on
        ));
        return;
    };
    let Some(published) = w.find(metric_key) else {
        ctx.bug(format!(
            "alarm {name}: '{}' does not publish '{metric_key}'",
            a.on
        ));
        return;
    };
    let metric = published.metric;
    let how = match metric.rate {
        Some(r) => format!("100 * {} / {}", r.numerator, r.denominator),
        None => format!("{} {}", metric.statistic, metric.metric_name),
    };
    let description = a.description.clone().unwrap_or_else(|| {
        format!(
            "{metric_key} of {} {word} {threshold} {} ({how} over {} s)",
            a.on, metric.unit, a.period
        )
    });
    // A rate is metric math over two counts, a metric spanning several
    // target groups math over each; any other metric is read as is.
    let (single, math) = match metric.rate {
        Some(rate) => (None, Some(rate_queries(rate, published, a.period))),
        None if !published.also.is_empty() => (None, Some(combined_queries(published, a.period))),
        None => (Some(published), None),
    };
    t.add(
        format!("{}Alarm", pascal(name)),
        Alarm {
            namespace: single.map(|p| p.metric.namespace.into()),
            metric_name: single.map(|p| p.metric.metric_name.into()),
            dimensions: single.map(|p| p.dimensions.clone()),
            statistic: single.map(|p| p.metric.statistic.into()),
            period: single.map(|_| a.period.into()),
            metrics: math,
            treat_missing_data: Some(missing_data(a, metric.count).into()),
            ..alarm_common(ctx, name, a, description, threshold, operator)
        },
    );
}

/// The threshold, its comparison and the word for descriptions.
fn threshold(a: &AlarmSpec) -> Option<(f64, &'static str, &'static str)> {
    match (a.above, a.below) {
        (Some(x), _) => Some((x, "GreaterThanThreshold", "above")),
        (None, Some(x)) => Some((x, "LessThanThreshold", "below")),
        (None, None) => None,
    }
}

/// The spec's choice, else: counts of bad events treat no data as fine,
/// gauges as missing.
fn missing_data(a: &AlarmSpec, count: bool) -> &'static str {
    a.missing_data
        .map(|m| m.as_str())
        .unwrap_or(if count { "notBreaching" } else { "missing" })
}

/// What every alarm sets the same way, whatever it reads: name,
/// evaluation, threshold and the topics notified on alarm and recovery.
fn alarm_common(
    ctx: &Ctx,
    name: &str,
    a: &AlarmSpec,
    description: String,
    threshold: f64,
    operator: &str,
) -> Alarm {
    let topics: Vec<Expr> = match &a.notify {
        Some(list) => list.iter().map(|n| Expr::r#ref(topic_id(n))).collect(),
        None => ctx
            .spec
            .topics
            .keys()
            .map(|n| Expr::r#ref(topic_id(n)))
            .collect(),
    };
    Alarm {
        alarm_name: Some(ctx.names.physical(name).into()),
        alarm_description: Some(description.into()),
        evaluation_periods: Some(a.evaluation_periods.into()),
        datapoints_to_alarm: a.datapoints_to_alarm.map(Expr::from),
        threshold: Some(threshold.into()),
        comparison_operator: Some(operator.into()),
        alarm_actions: Some(topics.clone()),
        ok_actions: Some(topics),
        ..Default::default()
    }
}

/// One statistic of `published` over one dimension set, not returned.
fn stat_query(
    id: String,
    published: &Published,
    metric_name: &str,
    dimensions: &[alarm::Dimension],
    stat: &str,
    period: u32,
) -> MetricDataQuery {
    MetricDataQuery {
        id: id.into(),
        metric_stat: Some(MetricStat {
            metric: alarm::Metric {
                namespace: Some(published.metric.namespace.into()),
                metric_name: Some(metric_name.into()),
                dimensions: Some(dimensions.to_vec()),
            },
            period: period.into(),
            stat: stat.into(),
            ..Default::default()
        }),
        return_data: Some(false.into()),
        ..Default::default()
    }
}

/// Query ids `base`, `base2`, `base3`, ... one per dimension set.
fn ids(base: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i {
            0 => base.to_string(),
            i => format!("{base}{}", i + 1),
        })
        .collect()
}

/// The metric-math queries of a rate alarm: the sums (of every dimension
/// set), and the percentage, which is what the alarm compares.
fn rate_queries(rate: Rate, published: &Published, period: u32) -> Vec<MetricDataQuery> {
    let sets = published.dimension_sets();
    let (nums, dens) = (ids("num", sets.len()), ids("den", sets.len()));
    let mut out = vec![MetricDataQuery {
        id: "rate".into(),
        expression: Some(rate.expression_over(&nums, &dens).into()),
        label: Some(format!("{} (percent)", published.metric.name).into()),
        return_data: Some(true.into()),
        ..Default::default()
    }];
    for (i, dims) in sets.iter().enumerate() {
        out.push(stat_query(
            nums[i].clone(),
            published,
            rate.numerator,
            dims,
            "Sum",
            period,
        ));
        out.push(stat_query(
            dens[i].clone(),
            published,
            rate.denominator,
            dims,
            "Sum",
            period,
        ));
    }
    out
}

/// A statistic over several dimension sets, combined (`MAX([m, m2])`).
fn combined_queries(published: &Published, period: u32) -> Vec<MetricDataQuery> {
    let sets = published.dimension_sets();
    let ms = ids("m", sets.len());
    let mut out = vec![MetricDataQuery {
        id: "value".into(),
        expression: Some(format!("{}([{}])", published.combine(), ms.join(", ")).into()),
        label: Some(published.metric.name.into()),
        return_data: Some(true.into()),
        ..Default::default()
    }];
    for (id, dims) in ms.iter().zip(&sets) {
        out.push(stat_query(
            id.clone(),
            published,
            published.metric.metric_name,
            dims,
            published.metric.statistic,
            period,
        ));
    }
    out
}

/// The URL of an HTTPS subscription: as written, or resolved by
/// CloudFormation from its secret at deploy time (the template holds only
/// the secret's ARN).
fn https_endpoint(ctx: &Ctx, endpoint: &HttpsEndpoint) -> Option<Expr> {
    if let Some(url) = &endpoint.url {
        return Some(url.clone().into());
    }
    let secret = ctx
        .components
        .get(endpoint.secret.as_ref()?)?
        .secret
        .clone()?;
    let SecretSource::SecretsManager { arn, json_key } = secret.source else {
        return None;
    };
    let key = json_key.unwrap_or_default();
    Some(Expr::Join(
        String::new(),
        vec![
            "{{resolve:secretsmanager:".into(),
            arn,
            format!(":SecretString:{key}::}}}}").into(),
        ],
    ))
}

/// Alarms posted to a Slack channel by AWS Chatbot. Its role may only read
/// alarms and metrics (what a notification shows), and the guardrail keeps
/// anyone in the channel to CloudWatch reads: without one, Chatbot applies
/// AdministratorAccess.
fn slack_channel(
    t: &mut Template,
    ctx: &Ctx,
    name: &str,
    topic_id: &str,
    slack: &SlackSpec,
    suffix: &str,
) {
    let p = pascal(&format!("{name}{suffix}"));
    let role_id = format!("{p}ChatbotRole");
    let read = vec![Statement::allow(
        "ReadAlarms",
        &[
            "cloudwatch:DescribeAlarmHistory",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:GetMetricData",
            "cloudwatch:GetMetricStatistics",
            "cloudwatch:ListMetrics",
        ],
        vec!["*".into()],
    )];
    let reasons = crate::synth::app::iam::wildcard_reasons(&read);
    let role = t.add(
        &role_id,
        Role {
            assume_role_policy_document: PolicyDocument::assumed_by("chatbot.amazonaws.com").into(),
            description: Some(
                format!("AWS Chatbot for topic {name}: reads the alarms it posts, nothing else")
                    .into(),
            ),
            policies: Some(vec![role::Policy {
                policy_name: "read-alarms".into(),
                policy_document: PolicyDocument::new(read).into(),
            }]),
            tags: Some(ctx.named(&format!("{name}-chatbot{suffix}"))),
            ..Default::default()
        },
    );
    role.metadata = reasons;
    t.add(
        format!("{p}SlackChannel"),
        SlackChannelConfiguration {
            // Configuration names are unique per account, across regions.
            configuration_name: ctx.names.physical(&format!("{name}-slack{suffix}")).into(),
            iam_role_arn: Expr::get_att(&role_id, "Arn"),
            slack_workspace_id: slack.workspace.clone().into(),
            slack_channel_id: slack.channel.clone().into(),
            sns_topic_arns: Some(vec![Expr::r#ref(topic_id)]),
            guardrail_policies: Some(vec![Expr::sub(
                "arn:${AWS::Partition}:iam::aws:policy/CloudWatchReadOnlyAccess",
            )]),
            logging_level: Some("ERROR".into()),
            user_role_required: Some(false.into()),
            tags: Some(ctx.named(&format!("{name}-slack{suffix}"))),
            ..Default::default()
        },
    );
}
