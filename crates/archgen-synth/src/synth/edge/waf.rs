//! WAFv2 web ACLs: AWS managed rule groups, rate limits, geo and IP rules,
//! custom responses, CloudWatch metrics and sampled requests on every rule,
//! and logging to an `aws-waf-logs-` log group. REGIONAL ACLs sit in the
//! main stack and attach to their targets; CLOUDFRONT ACLs go to us-east-1.

use serde_json::{Value, json};
use std::collections::BTreeMap;

use super::super::Ctx;
use super::Edge;
use crate::spec::edge::{
    AttachTarget, IpMatchSpec, WafAction, WafRuleSpec, WafScope, WebAclSpec, managed_rule_group,
};
use crate::synth::app::alb;
use crate::synth::naming::pascal;
use crate::template::logs::LogGroup;
use crate::template::wafv2::*;
use crate::template::{Expr, Template};

pub fn web_acl_id(key: &str) -> String {
    format!("{}WebAcl", pascal(key))
}

/// Builds one web ACL; returns its ARN as the main template sees it.
pub fn build(main: &mut Template, edge: &mut Edge, ctx: &Ctx, key: &str, acl: &WebAclSpec) -> Expr {
    let p = pascal(key);
    let id = web_acl_id(key);
    let scope = match acl.scope {
        WafScope::Regional => "REGIONAL",
        WafScope::Cloudfront => "CLOUDFRONT",
    };
    let t: &mut Template = match acl.scope {
        WafScope::Regional => main,
        WafScope::Cloudfront => edge.template(main),
    };
    let mut rules = Vec::new();
    let mut bodies = BTreeMap::new();
    for (priority, (name, rule)) in acl.rules.iter().enumerate() {
        let metric = format!("{p}{}", pascal(name));
        let (statement, managed) = statement(t, ctx, key, name, rule, scope);
        let block = match &rule.response {
            Some(r) => {
                let mut custom = json!({"ResponseCode": r.status});
                if let Some(body) = &r.body {
                    let body_key = pascal(name);
                    bodies.insert(
                        body_key.clone(),
                        CustomResponseBody {
                            content_type: "TEXT_PLAIN".into(),
                            content: body.clone(),
                        },
                    );
                    custom["CustomResponseBodyKey"] = body_key.into();
                }
                json!({"Block": {"CustomResponse": custom}})
            }
            None => json!({"Block": {}}),
        };
        let (action, override_action) = if managed {
            let o = if rule.count {
                json!({"Count": {}})
            } else {
                json!({"None": {}})
            };
            (None, Some(o))
        } else if rule.count {
            (Some(json!({"Count": {}})), None)
        } else {
            (Some(block), None)
        };
        rules.push(Rule {
            name: name.clone(),
            priority: u32::try_from(priority).unwrap_or(u32::MAX),
            statement,
            action,
            override_action,
            visibility_config: VisibilityConfig::on(metric),
        });
    }
    let r = t.add(
        &id,
        WebAcl {
            name: ctx.names.physical(key),
            scope: scope.into(),
            description: Some(format!("{} web ACL {key}", ctx.spec.app)),
            default_action: match acl.default_action {
                WafAction::Allow => json!({"Allow": {}}),
                WafAction::Block => json!({"Block": {}}),
            },
            rules,
            custom_response_bodies: (!bodies.is_empty()).then_some(bodies),
            visibility_config: VisibilityConfig::on(p.clone()),
            tags: ctx.named(&format!("waf-{key}")),
        },
    );
    let has_log4j_rules = acl
        .rules
        .values()
        .any(|r| r.managed.as_deref() == Some("known-bad-inputs"));
    if !has_log4j_rules {
        r.skip_check(
            "CKV_AWS_192",
            "the spec does not list the known-bad-inputs managed rule group (Log4j) for this ACL",
        );
        r.skip_check(
            "CKV2_AWS_47",
            "the spec does not list the known-bad-inputs managed rule group (Log4j) for this ACL",
        );
    }
    if acl.logging.enabled {
        let group = format!("{p}WafLogGroup");
        // WAF only writes to log groups whose name starts with aws-waf-logs-.
        t.add(
            &group,
            LogGroup {
                log_group_name: Some(format!("aws-waf-logs-{}", ctx.names.physical(key)).into()),
                retention_in_days: Some(acl.logging.retention_days.into()),
                tags: Some(ctx.named(&format!("waf-{key}-logs"))),
                ..Default::default()
            },
        )
        .skip_check(
            "CKV_AWS_158",
            "WAF request logs; CloudWatch Logs encrypts them at rest with a service key",
        );
        // The log group's Arn attribute ends in ':*', which WAF refuses.
        t.add(
            format!("{p}WafLogging"),
            LoggingConfiguration {
                resource_arn: Expr::get_att(&id, "Arn"),
                log_destination_configs: vec![Expr::sub(format!(
                    "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{group}}}"
                ))],
            },
        );
    } else {
        t.resources.get_mut(&id).map(|r| {
            r.skip_check(
                "CKV2_AWS_31",
                "logging is switched off in the spec for this web ACL",
            )
        });
    }
    let arn = Expr::get_att(&id, "Arn");
    match acl.scope {
        WafScope::Cloudfront => edge.publish(
            main,
            &format!("{p}WebAclArn"),
            &format!("ARN of web ACL {key}"),
            arn,
        ),
        WafScope::Regional => {
            for target in &acl.attach {
                match target {
                    AttachTarget::LoadBalancer => {
                        if main.resources.contains_key(alb::LB) {
                            main.add(
                                format!("{p}LoadBalancerWafAssociation"),
                                WebAclAssociation {
                                    resource_arn: Expr::r#ref(alb::LB),
                                    web_acl_arn: arn.clone(),
                                },
                            );
                        }
                    }
                }
            }
            arn
        }
    }
}

/// The rule's statement, and whether it is a managed rule group (which
/// takes an override action instead of an action).
fn statement(
    t: &mut Template,
    ctx: &Ctx,
    acl: &str,
    name: &str,
    rule: &WafRuleSpec,
    scope: &str,
) -> (Value, bool) {
    if let Some(short) = &rule.managed {
        let mut s = json!({
            "VendorName": "AWS",
            "Name": managed_rule_group(short).unwrap_or(short.as_str()),
        });
        if !rule.count_only.is_empty() {
            s["RuleActionOverrides"] = rule
                .count_only
                .iter()
                .map(|r| json!({"Name": r, "ActionToUse": {"Count": {}}}))
                .collect();
        }
        return (json!({"ManagedRuleGroupStatement": s}), true);
    }
    if let Some(rl) = &rule.rate_limit {
        let mut s = json!({
            "Limit": rl.limit,
            "EvaluationWindowSec": rl.window,
            "AggregateKeyType": "IP",
        });
        if let Some(paths) = paths_statement(&rl.paths) {
            s["ScopeDownStatement"] = paths;
        }
        return (json!({"RateBasedStatement": s}), false);
    }
    if let Some(geo) = &rule.geo {
        let s = if geo.allow.is_empty() {
            json!({"GeoMatchStatement": {"CountryCodes": geo.block}})
        } else {
            not(json!({"GeoMatchStatement": {"CountryCodes": geo.allow}}))
        };
        return (s, false);
    }
    if let Some(ip) = &rule.ip_allow {
        let set = ip_set(t, ctx, acl, name, ip, scope);
        return (and_paths(not(set), &ip.paths), false);
    }
    if let Some(ip) = &rule.ip_block {
        let set = ip_set(t, ctx, acl, name, ip, scope);
        return (and_paths(set, &ip.paths), false);
    }
    // xss (the checks make sure a rule has exactly one kind).
    let transforms = json!([
        {"Priority": 0, "Type": "URL_DECODE"},
        {"Priority": 1, "Type": "HTML_ENTITY_DECODE"},
    ]);
    let fields = [
        json!({"Body": {"OversizeHandling": "CONTINUE"}}),
        json!({"QueryString": {}}),
        json!({"UriPath": {}}),
    ];
    let parts: Vec<Value> = fields
        .into_iter()
        .map(|f| json!({"XssMatchStatement": {"FieldToMatch": f, "TextTransformations": transforms}}))
        .collect();
    (json!({"OrStatement": {"Statements": parts}}), false)
}

fn not(s: Value) -> Value {
    json!({"NotStatement": {"Statement": s}})
}

fn and_paths(s: Value, paths: &[String]) -> Value {
    match paths_statement(paths) {
        Some(p) => json!({"AndStatement": {"Statements": [s, p]}}),
        None => s,
    }
}

/// Requests whose path starts with one of `paths`, compared after URL
/// decoding and lowercasing so `/%41dmin` and `/ADMIN` match `/admin` too.
fn paths_statement(paths: &[String]) -> Option<Value> {
    let parts: Vec<Value> = paths
        .iter()
        .map(|p| {
            json!({"ByteMatchStatement": {
                "FieldToMatch": {"UriPath": {}},
                "PositionalConstraint": "STARTS_WITH",
                "SearchString": p.to_ascii_lowercase(),
                "TextTransformations": [
                    {"Priority": 0, "Type": "URL_DECODE"},
                    {"Priority": 1, "Type": "LOWERCASE"},
                ],
            }})
        })
        .collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(json!({"OrStatement": {"Statements": parts}})),
    }
}

fn ip_set(
    t: &mut Template,
    ctx: &Ctx,
    acl: &str,
    rule: &str,
    ip: &IpMatchSpec,
    scope: &str,
) -> Value {
    let id = format!("{}{}IpSet", pascal(acl), pascal(rule));
    t.add(
        &id,
        IpSet {
            name: ctx.names.physical(&format!("{acl}-{rule}")),
            scope: scope.into(),
            description: Some(format!("addresses of rule {rule} in web ACL {acl}")),
            ip_address_version: "IPV4".into(),
            addresses: ip.addresses.clone(),
            tags: ctx.named(&format!("waf-{acl}-{rule}")),
        },
    );
    json!({"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": [id, "Arn"]}}})
}
