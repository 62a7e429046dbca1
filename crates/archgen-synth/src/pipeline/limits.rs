//! CloudFormation's limits on one template, and the service quotas a spec
//! reaches easily, checked on the synthesized template before anything is
//! written: a template over them would be refused at deploy time.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::diagnostic::Code;
use crate::template::Template;

pub const MAX_RESOURCES: usize = 500;
pub const MAX_OUTPUTS: usize = 200;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_LOGICAL_ID: usize = 255;
/// The body deploy sends (compact JSON), through S3; inline is 51,200.
pub const MAX_BODY_BYTES: usize = 1_000_000;
pub const MAX_DESCRIPTION_BYTES: usize = 1024;
/// Rules per ALB listener (default quota), the default rule not counted.
pub const MAX_LISTENER_RULES: usize = 100;
/// Inbound (and, separately, outbound) rules per security group (default quota).
pub const MAX_SECURITY_GROUP_RULES: usize = 60;

const SPLIT: &str = "split the stack: move some components into another file under stacks/ (each file is its own stack)";
/// The help of too many resources; `pipeline::built` names the components.
pub const SPLIT_RESOURCES: &str = "split the stack: move some components into another file under stacks/ (each file is its own stack); the largest blocks here";

/// A limit the template breaks: which spec field to point at (empty: the
/// whole stack), what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// STACK001: template limits; STACK002: service quotas; STACK003: description.
    pub code: Code,
    pub field: String,
    pub message: String,
    pub help: String,
}

fn breach(code: Code, field: &str, message: String, help: impl Into<String>) -> Breach {
    Breach {
        code,
        field: field.to_string(),
        message,
        help: help.into(),
    }
}

/// Every limit `template` breaks; `stack` names it in the messages.
pub fn check_template(stack: &str, template: &Template) -> Vec<Breach> {
    let mut out = Vec::new();
    let counts = [
        ("resources", template.resources.len(), MAX_RESOURCES),
        ("outputs", template.outputs.len(), MAX_OUTPUTS),
        ("parameters", template.parameters.len(), MAX_PARAMETERS),
    ];
    for (what, count, max) in counts {
        if count > max {
            out.push(breach(
                Code::Stack001,
                "",
                format!(
                    "stack '{stack}' has {count} {what}; CloudFormation allows {max} per template"
                ),
                if what == "resources" {
                    SPLIT_RESOURCES
                } else {
                    SPLIT
                },
            ));
        }
    }
    let long_id = template
        .resources
        .keys()
        .chain(template.outputs.keys())
        .chain(template.parameters.keys())
        .find(|id| id.len() > MAX_LOGICAL_ID);
    if let Some(id) = long_id {
        out.push(breach(
            Code::Stack001,
            "",
            format!(
                "stack '{stack}' has a logical id of {} characters ('{}...'); CloudFormation allows {MAX_LOGICAL_ID}",
                id.len(),
                id.chars().take(40).collect::<String>()
            ),
            "shorten the spec keys it is made of",
        ));
    }
    let bytes = template.to_json_compact().len();
    if bytes > MAX_BODY_BYTES {
        out.push(breach(
            Code::Stack001,
            "",
            format!("stack '{stack}' is a template of {bytes} bytes; CloudFormation accepts at most {MAX_BODY_BYTES}"),
            SPLIT,
        ));
    }
    let description = template.description.len();
    if description > MAX_DESCRIPTION_BYTES {
        out.push(breach(
            Code::Stack003,
            "description",
            format!("the template description of stack '{stack}' is {description} bytes; CloudFormation allows {MAX_DESCRIPTION_BYTES}"),
            "shorten 'description' (archgen appends the environment and 'synthesized by archgen')",
        ));
    }
    let json = serde_json::to_value(template).expect("template model serializes");
    let resources = json
        .get("Resources")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (listener, count) in listener_rules(&resources) {
        if count > MAX_LISTENER_RULES {
            out.push(breach(
                Code::Stack002,
                "services",
                format!("listener {listener} of stack '{stack}' has {count} rules; a load balancer listener allows {MAX_LISTENER_RULES}"),
                "route fewer services by path or host, or split the services over two stacks (each with its own load balancer)",
            ));
        }
    }
    for (group, (inbound, outbound)) in security_group_rules(&resources) {
        for (direction, count) in [("inbound", inbound), ("outbound", outbound)] {
            if count > MAX_SECURITY_GROUP_RULES {
                out.push(breach(
                    Code::Stack006,
                    "",
                    format!("security group {group} of stack '{stack}' has {count} {direction} rules; AWS allows {MAX_SECURITY_GROUP_RULES} per group"),
                    "remove connections (connects_to) to or from this component, or split the services over two stacks",
                ));
            }
        }
    }
    out
}

/// Output id → export name, for the outputs a template exports.
pub fn export_names(template: &Template) -> Vec<(String, String)> {
    template
        .outputs
        .iter()
        .filter_map(|(id, o)| {
            let name = serde_json::to_value(&o.export.as_ref()?.name).ok()?;
            let name = name
                .as_str()
                .map_or_else(|| name.to_string(), str::to_string);
            Some((id.clone(), name))
        })
        .collect()
}

/// The logical id an intrinsic points at: `{"Ref": id}` or `{"Fn::GetAtt": [id, ...]}`.
fn target(v: &Value) -> String {
    v.get("Ref")
        .and_then(Value::as_str)
        .or_else(|| v.get("Fn::GetAtt").and_then(|a| a[0].as_str()))
        .map_or_else(|| v.to_string(), str::to_string)
}

fn of_type<'a>(
    resources: &'a serde_json::Map<String, Value>,
    kind: &'a str,
) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
    resources
        .iter()
        .filter(move |(_, r)| r["Type"] == kind)
        .map(|(id, r)| (id, &r["Properties"]))
}

/// Listener logical id → number of rules on it.
fn listener_rules(resources: &serde_json::Map<String, Value>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (_, p) in of_type(resources, "AWS::ElasticLoadBalancingV2::ListenerRule") {
        *out.entry(target(&p["ListenerArn"])).or_default() += 1;
    }
    out
}

/// Security group logical id → (inbound, outbound) rules, inline and separate.
fn security_group_rules(
    resources: &serde_json::Map<String, Value>,
) -> BTreeMap<String, (usize, usize)> {
    let mut out: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let len = |v: &Value| v.as_array().map_or(0, Vec::len);
    for (id, p) in of_type(resources, "AWS::EC2::SecurityGroup") {
        let e = out.entry(id.clone()).or_default();
        e.0 += len(&p["SecurityGroupIngress"]);
        e.1 += len(&p["SecurityGroupEgress"]);
    }
    for (_, p) in of_type(resources, "AWS::EC2::SecurityGroupIngress") {
        out.entry(target(&p["GroupId"])).or_default().0 += 1;
    }
    for (_, p) in of_type(resources, "AWS::EC2::SecurityGroupEgress") {
        out.entry(target(&p["GroupId"])).or_default().1 += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::ec2::SecurityGroupIngress;
    use crate::template::generated::sqs::Queue;
    use crate::template::{Expr, Output};

    fn queue() -> Queue {
        Queue {
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        }
    }

    fn with_queues(n: usize) -> Template {
        let mut t = Template::new("test");
        for i in 0..n {
            t.add(format!("Queue{i}"), queue());
        }
        t
    }

    #[test]
    fn five_hundred_resources_pass_and_501_name_the_count_and_the_split() {
        assert_eq!(check_template("main", &with_queues(500)), vec![]);
        let breaches = check_template("main", &with_queues(501));
        assert_eq!(breaches.len(), 1, "{breaches:?}");
        assert!(
            breaches[0]
                .message
                .contains("stack 'main' has 501 resources")
        );
        assert!(breaches[0].message.contains("allows 500"));
        assert!(breaches[0].help.contains("another file under stacks/"));
    }

    #[test]
    fn outputs_over_200_are_refused() {
        let mut t = Template::new("test");
        for i in 0..201 {
            t.output(
                format!("Out{i}"),
                Output {
                    description: "x".into(),
                    value: Expr::from("x"),
                    export: None,
                },
            );
        }
        let b = check_template("main", &t);
        assert!(b.iter().any(|b| b.message.contains("201 outputs")), "{b:?}");
    }

    #[test]
    fn a_logical_id_over_255_characters_is_refused() {
        let mut t = with_queues(0);
        t.add("Q".repeat(256), queue());
        let b = check_template("main", &t);
        assert!(
            b.iter().any(|b| b.message.contains("logical id of 256")),
            "{b:?}"
        );
    }

    #[test]
    fn a_body_over_a_million_bytes_is_refused() {
        let mut t = with_queues(0);
        t.description = "x".repeat(MAX_BODY_BYTES);
        let b = check_template("main", &t);
        assert!(
            b.iter().any(|b| b
                .message
                .contains("bytes; CloudFormation accepts at most 1000000")),
            "{b:?}"
        );
    }

    #[test]
    fn a_description_over_1024_bytes_points_at_description() {
        let mut t = with_queues(0);
        t.description = "é".repeat(513);
        let b = check_template("main", &t);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].field, "description");
        assert!(b[0].message.contains("1026 bytes"));
    }

    #[test]
    fn a_listener_with_101_rules_is_refused_and_100_pass() {
        use crate::template::elasticloadbalancingv2::ListenerRule;
        use crate::template::elasticloadbalancingv2::listener_rule::{
            Action, PathPatternConfig, RuleCondition,
        };
        let with_rules = |n: u32| {
            let mut t = with_queues(0);
            for i in 1..=n {
                t.add(
                    format!("Svc{i}ListenerRule"),
                    ListenerRule {
                        listener_arn: Some(Expr::r#ref("HttpsListener")),
                        priority: i.into(),
                        conditions: vec![RuleCondition {
                            field: Some("path-pattern".into()),
                            path_pattern_config: Some(PathPatternConfig {
                                values: Some(vec![format!("/s{i}/*").into()]),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }],
                        actions: vec![Action::forward(Expr::r#ref(format!("Svc{i}TargetGroup")))],
                        ..Default::default()
                    },
                );
            }
            t
        };
        assert_eq!(check_template("main", &with_rules(100)), vec![]);
        let b = check_template("main", &with_rules(101));
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].code, Code::Stack002);
        assert!(
            b[0].message
                .contains("listener HttpsListener of stack 'main' has 101 rules")
        );
    }

    #[test]
    fn sixty_one_inbound_rules_on_one_group_are_refused() {
        let mut t = with_queues(0);
        for i in 0..61 {
            t.add(
                format!("Rule{i}"),
                SecurityGroupIngress {
                    group_id: Some(Expr::get_att("DbSecurityGroup", "GroupId")),
                    ip_protocol: "tcp".into(),
                    from_port: Some(i.into()),
                    to_port: Some(i.into()),
                    source_security_group_id: Some(Expr::get_att("ApiSecurityGroup", "GroupId")),
                    description: Some(format!("rule {i}").into()),
                    ..Default::default()
                },
            );
        }
        let b = check_template("main", &t);
        assert_eq!(b.len(), 1, "{b:?}");
        assert!(
            b[0].message
                .contains("security group DbSecurityGroup of stack 'main' has 61 inbound rules")
        );
    }
}
