//! Route 53 health checks on the records `dns:` creates, each with an alarm
//! on `AWS/Route53` `HealthCheckStatus`. Route 53 publishes that metric in
//! us-east-1 only, and an alarm notifies topics of its own region only, so
//! both go in the us-east-1 template (the edge stack, for a stack in another
//! region) with a us-east-1 copy of every topic the alarms notify.

use std::collections::BTreeSet;

use super::Edge;
use crate::naming::pascal;
use crate::spec::edge::{HEALTH_CHECK_FAILURES, HEALTH_CHECK_INTERVAL, HEALTH_CHECK_PORT};
use crate::synth::Ctx;
use crate::synth::monitoring::{build_edge_topic, edge_topic_id, topic_id};
use crate::template::cloudwatch::Alarm;
use crate::template::cloudwatch::alarm::Dimension;
use crate::template::route53::HealthCheck;
use crate::template::route53::health_check::{HealthCheckConfig, HealthCheckTag};
use crate::template::{Expr, Template};

/// `HealthCheckStatus` is 1 while Route 53 judges the name healthy (after
/// `HEALTH_CHECK_FAILURES` failed checks it turns 0); the alarm reads the
/// lowest value of each minute.
const ALARM_PERIOD: u32 = 60;

pub fn health_check_id(record: &str) -> String {
    format!("{}HealthCheck", pascal(record))
}

pub fn build(main: &mut Template, edge: &mut Edge, ctx: &mut Ctx) {
    let spec = ctx.spec;
    let Some(dns) = &spec.dns else { return };
    // Topics already copied to the edge stack.
    let mut copied = BTreeSet::new();
    for (name, record) in &dns.records {
        let Some(hc) = &record.health_check else {
            continue;
        };
        // `check` refused unknown topics and an empty list (MON038).
        let topics: Vec<&String> = match &hc.notify {
            Some(list) => list.iter().collect(),
            None => spec.topics.keys().collect(),
        };
        let split = edge.splits();
        let t = edge.template(main);
        if split {
            for topic in &topics {
                if let Some(topic_spec) = spec.topics.get(*topic)
                    && copied.insert(topic.as_str())
                {
                    build_edge_topic(t, ctx, topic, topic_spec);
                }
            }
        }
        let id = health_check_id(name);
        let fqdn = name.trim_end_matches('.');
        t.add(
            &id,
            HealthCheck {
                health_check_config: HealthCheckConfig {
                    r#type: "HTTPS".into(),
                    fully_qualified_domain_name: Some(fqdn.into()),
                    port: Some(HEALTH_CHECK_PORT.into()),
                    resource_path: Some(hc.path.clone().into()),
                    request_interval: Some(HEALTH_CHECK_INTERVAL.into()),
                    failure_threshold: Some(HEALTH_CHECK_FAILURES.into()),
                    // The name is sent in the TLS handshake, so the load
                    // balancer or CloudFront presents its certificate.
                    enable_sni: Some(true.into()),
                    ..Default::default()
                },
                health_check_tags: Some(
                    ctx.named(&format!("{fqdn}-health"))
                        .into_iter()
                        .map(|tag| HealthCheckTag {
                            key: tag.key.into(),
                            value: tag.value,
                        })
                        .collect(),
                ),
            },
        );
        let actions: Vec<Expr> = topics
            .iter()
            .map(|n| match split {
                true => Expr::r#ref(edge_topic_id(n)),
                false => Expr::r#ref(topic_id(n)),
            })
            .collect();
        t.add(
            format!("{id}Alarm"),
            Alarm {
                alarm_name: Some(ctx.names.physical(&format!("{fqdn}-health")).into()),
                alarm_description: Some(
                    format!(
                        "{fqdn} fails Route 53's HTTPS health check on {} \
                         (HealthCheckStatus Minimum below 1 over {ALARM_PERIOD} s)",
                        hc.path
                    )
                    .into(),
                ),
                namespace: Some("AWS/Route53".into()),
                metric_name: Some("HealthCheckStatus".into()),
                dimensions: Some(vec![Dimension {
                    name: "HealthCheckId".into(),
                    value: Expr::r#ref(&id),
                }]),
                statistic: Some("Minimum".into()),
                period: Some(ALARM_PERIOD.into()),
                evaluation_periods: Some(1.into()),
                threshold: Some(1.0.into()),
                comparison_operator: Some("LessThanThreshold".into()),
                // Route 53 reports every minute while the check exists:
                // silence means nobody is checking.
                treat_missing_data: Some("breaching".into()),
                alarm_actions: Some(actions.clone()),
                ok_actions: Some(actions),
                ..Default::default()
            },
        );
    }
}
