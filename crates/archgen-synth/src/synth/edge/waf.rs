//! WAFv2 web ACLs: AWS managed rule groups, rate limits, geo and IP rules,
//! custom responses, CloudWatch metrics and sampled requests on every rule,
//! and logging to an `aws-waf-logs-` log group. REGIONAL ACLs sit in the
//! main stack and attach to their targets; CLOUDFRONT ACLs go to us-east-1.

use std::collections::BTreeMap;

use super::super::Ctx;
use super::Edge;
use crate::naming::pascal;
use crate::spec::edge::{
    AttachTarget, IpMatchSpec, WafAction, WafRuleSpec, WafScope, WebAclSpec, managed_rule_group,
};
use crate::synth::app::alb;
use crate::template::logs::LogGroup;
use crate::template::wafv2::web_acl::{
    AllowAction, AndStatement, BlockAction, Body, ByteMatchStatement, CountAction, CustomResponse,
    CustomResponseBody, DefaultAction, FieldToMatch, GeoMatchStatement, IpSetReferenceStatement,
    ManagedRuleGroupStatement, NotStatement, OrStatement, OverrideAction, RateBasedStatement, Rule,
    RuleAction, RuleActionOverride, Statement, TextTransformation, VisibilityConfig,
    XssMatchStatement,
};
use crate::template::wafv2::{
    IpSet, LoggingConfiguration, WebAcl, WebAclAssociation, flag, logging_configuration,
};
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
                let mut custom = CustomResponse {
                    response_code: r.status.into(),
                    ..Default::default()
                };
                if let Some(body) = &r.body {
                    let body_key = pascal(name);
                    bodies.insert(
                        body_key.clone(),
                        CustomResponseBody {
                            content_type: "TEXT_PLAIN".into(),
                            content: body.clone().into(),
                        },
                    );
                    custom.custom_response_body_key = Some(body_key.into());
                }
                RuleAction {
                    block: Some(BlockAction {
                        custom_response: Some(custom),
                    }),
                    ..Default::default()
                }
            }
            None => RuleAction {
                block: Some(BlockAction::default()),
                ..Default::default()
            },
        };
        let count = || RuleAction {
            count: Some(CountAction::default()),
            ..Default::default()
        };
        let (action, override_action) = if managed {
            let o = if rule.count {
                OverrideAction {
                    count: Some(flag()),
                    ..Default::default()
                }
            } else {
                OverrideAction {
                    none: Some(flag()),
                    ..Default::default()
                }
            };
            (None, Some(o))
        } else if rule.count {
            (Some(count()), None)
        } else {
            (Some(block), None)
        };
        rules.push(Rule {
            name: name.into(),
            priority: u32::try_from(priority).unwrap_or(u32::MAX).into(),
            statement,
            action,
            override_action,
            visibility_config: VisibilityConfig::on(metric),
            ..Default::default()
        });
    }
    let r = t.add(
        &id,
        WebAcl {
            name: Some(ctx.names.physical(key).into()),
            scope: scope.into(),
            description: Some(format!("{} web ACL {key}", ctx.spec.app).into()),
            default_action: match acl.default_action {
                WafAction::Allow => DefaultAction {
                    allow: Some(AllowAction::default()),
                    ..Default::default()
                },
                WafAction::Block => DefaultAction {
                    block: Some(BlockAction::default()),
                    ..Default::default()
                },
            },
            rules: Some(rules),
            custom_response_bodies: (!bodies.is_empty()).then_some(bodies),
            visibility_config: VisibilityConfig::on(p.clone()),
            tags: Some(ctx.named(&format!("waf-{key}"))),
            ..Default::default()
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
                redacted_fields: Some(redacted_headers(&acl.logging.redact)),
                ..Default::default()
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
) -> (Statement, bool) {
    if let Some(short) = &rule.managed {
        let group = ManagedRuleGroupStatement {
            vendor_name: "AWS".into(),
            name: managed_rule_group(short).unwrap_or(short.as_str()).into(),
            rule_action_overrides: (!rule.count_only.is_empty()).then(|| {
                rule.count_only
                    .iter()
                    .map(|r| RuleActionOverride {
                        name: r.into(),
                        action_to_use: RuleAction {
                            count: Some(CountAction::default()),
                            ..Default::default()
                        },
                    })
                    .collect()
            }),
            ..Default::default()
        };
        let s = Statement {
            managed_rule_group_statement: Some(Box::new(group)),
            ..Default::default()
        };
        return (s, true);
    }
    if let Some(rl) = &rule.rate_limit {
        // The checks keep the limit and window within WAF's ranges, far
        // inside i64.
        let rate = RateBasedStatement {
            limit: i64::try_from(rl.limit).unwrap_or(i64::MAX).into(),
            evaluation_window_sec: Some(i64::try_from(rl.window).unwrap_or(i64::MAX).into()),
            aggregate_key_type: "IP".into(),
            scope_down_statement: paths_statement(&rl.paths).map(Box::new),
            ..Default::default()
        };
        let s = Statement {
            rate_based_statement: Some(Box::new(rate)),
            ..Default::default()
        };
        return (s, false);
    }
    if let Some(geo) = &rule.geo {
        let countries = |codes: &[String]| Statement {
            geo_match_statement: Some(GeoMatchStatement {
                country_codes: Some(codes.iter().map(Expr::from).collect()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let s = if geo.allow.is_empty() {
            countries(&geo.block)
        } else {
            not(countries(&geo.allow))
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
    let transforms = vec![
        transformation(0, "URL_DECODE"),
        transformation(1, "HTML_ENTITY_DECODE"),
    ];
    let fields = [
        FieldToMatch {
            body: Some(Body {
                oversize_handling: Some("CONTINUE".into()),
            }),
            ..Default::default()
        },
        FieldToMatch {
            query_string: Some(flag()),
            ..Default::default()
        },
        FieldToMatch {
            uri_path: Some(flag()),
            ..Default::default()
        },
    ];
    let parts: Vec<Statement> = fields
        .into_iter()
        .map(|field_to_match| Statement {
            xss_match_statement: Some(XssMatchStatement {
                field_to_match,
                text_transformations: transforms.clone(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    (or(parts), false)
}

fn transformation(priority: i64, kind: &str) -> TextTransformation {
    TextTransformation {
        priority: priority.into(),
        r#type: kind.into(),
    }
}

fn not(s: Statement) -> Statement {
    Statement {
        not_statement: Some(Box::new(NotStatement {
            statement: Box::new(s),
        })),
        ..Default::default()
    }
}

fn or(statements: Vec<Statement>) -> Statement {
    Statement {
        or_statement: Some(OrStatement { statements }),
        ..Default::default()
    }
}

fn and_paths(s: Statement, paths: &[String]) -> Statement {
    match paths_statement(paths) {
        Some(p) => Statement {
            and_statement: Some(AndStatement {
                statements: vec![s, p],
            }),
            ..Default::default()
        },
        None => s,
    }
}

/// Requests whose path starts with one of `paths`, compared after URL
/// decoding and lowercasing so `/%41dmin` and `/ADMIN` match `/admin` too.
fn paths_statement(paths: &[String]) -> Option<Statement> {
    let parts: Vec<Statement> = paths
        .iter()
        .map(|p| Statement {
            byte_match_statement: Some(ByteMatchStatement {
                field_to_match: FieldToMatch {
                    uri_path: Some(flag()),
                    ..Default::default()
                },
                positional_constraint: "STARTS_WITH".into(),
                search_string: Some(p.to_ascii_lowercase().into()),
                text_transformations: vec![
                    transformation(0, "URL_DECODE"),
                    transformation(1, "LOWERCASE"),
                ],
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(or(parts)),
    }
}

fn ip_set(
    t: &mut Template,
    ctx: &Ctx,
    acl: &str,
    rule: &str,
    ip: &IpMatchSpec,
    scope: &str,
) -> Statement {
    let id = format!("{}{}IpSet", pascal(acl), pascal(rule));
    t.add(
        &id,
        IpSet {
            name: Some(ctx.names.physical(&format!("{acl}-{rule}")).into()),
            scope: scope.into(),
            description: Some(format!("addresses of rule {rule} in web ACL {acl}").into()),
            ip_address_version: "IPV4".into(),
            addresses: ip.addresses.iter().map(Expr::from).collect(),
            tags: Some(ctx.named(&format!("waf-{acl}-{rule}"))),
        },
    );
    Statement {
        ip_set_reference_statement: Some(IpSetReferenceStatement {
            arn: Expr::get_att(id, "Arn"),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Credentials never reach the WAF logs: `authorization` and `cookie`
/// always, and the spec's session headers (`logging.redact`).
fn redacted_headers(extra: &[String]) -> Vec<logging_configuration::FieldToMatch> {
    let mut names: Vec<String> = vec!["authorization".into(), "cookie".into()];
    for h in extra {
        let h = h.to_ascii_lowercase();
        if !names.contains(&h) {
            names.push(h);
        }
    }
    names
        .into_iter()
        .map(|name| logging_configuration::FieldToMatch {
            single_header: Some(logging_configuration::SingleHeader { name: name.into() }),
            ..Default::default()
        })
        .collect()
}
