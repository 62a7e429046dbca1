//! The Application Load Balancer: its security group, listeners (HTTP 80
//! redirecting to HTTPS 443 when a certificate is configured) and the
//! certificate when the stack requests one.

use super::super::Ctx;
use super::origin_verify;
use crate::spec::app::{CertificateSource, Ingress, LoadBalancerSpec, Scheme};
use crate::spec::network::TierKind;
use crate::synth::custom;
use crate::synth::data::s3;
use crate::synth::logs::{LogBucket, log_bucket};
use crate::template::certificatemanager::Certificate;
use crate::template::ec2::SecurityGroup;
use crate::template::ec2::security_group::{self, Egress};
use crate::template::elasticloadbalancingv2::listener::{self, Action};
use crate::template::elasticloadbalancingv2::listener_rule;
use crate::template::elasticloadbalancingv2::load_balancer::LoadBalancerAttribute;
use crate::template::elasticloadbalancingv2::{Listener, ListenerRule, LoadBalancer};
use crate::template::iam::Statement;
use crate::template::{Expr, Template};

pub const LB: &str = "LoadBalancer";
pub const LB_SG: &str = "LoadBalancerSecurityGroup";

/// The listener that carries application traffic, for the services builder.
pub struct LoadBalancerRefs {
    pub listener: &'static str,
    /// Every listener rule must require CloudFront's origin-verify header
    /// (`ingress: cloudfront`, see [`origin_verify`]).
    pub origin_verify: bool,
    /// The rule that forwards to the default route's target group, when the
    /// listener's default action cannot (it is a 403 behind CloudFront).
    pub default_rule: Option<&'static str>,
}

/// The rule standing in for the default action behind CloudFront: the
/// lowest priority, so every route's rule is evaluated first.
pub const DEFAULT_ROUTE_RULE: &str = "DefaultRouteListenerRule";

pub fn build(
    t: &mut Template,
    ctx: &Ctx,
    lb: &LoadBalancerSpec,
    default_target_group: Option<Expr>,
) -> Option<LoadBalancerRefs> {
    let net = ctx.network.as_ref()?;
    let wanted = match lb.scheme {
        Scheme::InternetFacing => TierKind::Public,
        Scheme::Internal => TierKind::Private,
    };
    let tier = net.tier(lb.tier.as_deref(), &[wanted])?;
    let subnets = net.subnets.get(&tier)?.clone();
    let https = lb.certificate.is_some();
    let origin_verify = lb.scheme == Scheme::InternetFacing && lb.ingress == Ingress::Cloudfront;
    // Port 80 is open for plain HTTP (no certificate) or for the redirect
    // to HTTPS, unless the spec asks for 443 only (`redirect_http: false`).
    // Only the API's VPC link reaches an `ingress: api` load balancer, on
    // the HTTPS listener when there is one.
    let port_80 = !https || (lb.redirect_http && lb.ingress != Ingress::Api);

    // Who may reach the listeners: anyone for an internet-facing ALB (or
    // only CloudFront's origin-facing servers), the VPC for an internal one.
    let source = match (lb.scheme, lb.ingress) {
        (Scheme::InternetFacing, Ingress::Internet) => Source::Cidr("0.0.0.0/0".into()),
        // (internet-facing with vpc-origin is refused by APP028)
        (Scheme::InternetFacing, Ingress::Cloudfront | Ingress::VpcOrigin) => {
            Source::PrefixList(cloudfront_prefix_list(t, ctx))
        }
        // A VPC origin: CloudFront's origin-facing prefix list, the source
        // CloudFront's VPC-origin documentation names (the service's own
        // security group, the other option, exists only after the origin
        // does, so a template cannot name it).
        (Scheme::Internal, Ingress::VpcOrigin) => {
            Source::PrefixList(cloudfront_prefix_list(t, ctx))
        }
        (Scheme::Internal, Ingress::Api) => Source::ApiVpcLink,
        (Scheme::Internal, _) => Source::Cidr(net.cidr_block.clone()),
        // Refused by check (APP064): only an internal one is for the API alone.
        (Scheme::InternetFacing, Ingress::Api) => Source::ApiVpcLink,
    };
    let ingress = match &source {
        // The API builds the one rule, from the VPC link's security group.
        Source::ApiVpcLink => vec![],
        // CloudFront reaches an origin on one port; each rule on its prefix
        // list counts as about 55 of the group's 60 rules.
        Source::PrefixList(_) => vec![listener_ingress(
            if https { 443 } else { 80 },
            &source,
            "from CloudFront (origin-facing prefix list)",
        )],
        Source::Cidr(_) if https && !port_80 => vec![listener_ingress(443, &source, "HTTPS")],
        Source::Cidr(_) if https => vec![
            listener_ingress(80, &source, "HTTP, redirected to HTTPS"),
            listener_ingress(443, &source, "HTTPS"),
        ],
        Source::Cidr(_) => vec![listener_ingress(80, &source, "HTTP")],
    };
    let sg = t.add(
        LB_SG,
        SecurityGroup {
            group_description: "Load balancer: listener ports only".into(),
            vpc_id: Some(net.vpc_id.clone()),
            security_group_ingress: (!ingress.is_empty()).then_some(ingress),
            // Egress to each service's port is added per route.
            security_group_egress: Some(vec![Egress::deny_all()]),
            tags: Some(ctx.named("alb")),
            ..Default::default()
        },
    );
    if lb.scheme == Scheme::InternetFacing && lb.ingress == Ingress::Internet && port_80 {
        // The reason says what port 80 does in this configuration.
        sg.skip_check(
            "CKV_AWS_260",
            if https {
                "an internet-facing load balancer must accept HTTP on port 80 to redirect it to HTTPS"
            } else {
                "port 80 serves the application over plain HTTP: the spec gives no load_balancer.certificate"
            },
        );
    }

    let mut attributes = vec![
        LoadBalancerAttribute::new(
            "deletion_protection.enabled",
            lb.deletion_protection.to_string(),
        ),
        LoadBalancerAttribute::new("routing.http.drop_invalid_header_fields.enabled", "true"),
        LoadBalancerAttribute::new("idle_timeout.timeout_seconds", lb.idle_timeout.to_string()),
    ];
    // Logs go to a dedicated log bucket of this stack (by default), to a
    // bucket of the stack, or to a bucket named outside it; a bucket of the
    // stack gets a policy statement admitting Elastic Load Balancing.
    let logs = &lb.access_logs;
    let mut log_bucket_policy = None;
    if logs.enabled {
        let (bucket, in_stack): (Expr, Option<String>) = match &logs.bucket {
            Some(name) if ctx.spec.buckets.contains_key(name) => {
                (Expr::r#ref(s3::bucket_id(name)), Some(s3::bucket_id(name)))
            }
            Some(name) => (name.clone().into(), None),
            None => {
                let id = log_bucket(
                    t,
                    "LoadBalancerLogBucket",
                    &LogBucket {
                        tags: ctx.named("alb-logs"),
                        expire_days: logs.expire_days,
                        acls: false,
                        receives: "the load balancer's access logs",
                    },
                );
                (Expr::r#ref(&id), Some(id))
            }
        };
        attributes.push(LoadBalancerAttribute::new("access_logs.s3.enabled", "true"));
        attributes.push(LoadBalancerAttribute::new("access_logs.s3.bucket", bucket));
        if let Some(prefix) = &logs.prefix {
            attributes.push(LoadBalancerAttribute::new(
                "access_logs.s3.prefix",
                prefix.clone(),
            ));
        }
        if let Some(id) = in_stack {
            s3::extend_policy_of(t, &id, elb_log_delivery(ctx, &id, logs.prefix.as_deref()));
            log_bucket_policy = Some(format!("{id}Policy"));
        }
    }
    let alb = t.add(
        LB,
        LoadBalancer {
            name: lb.name.clone().map(Expr::from),
            r#type: Some("application".into()),
            scheme: Some(
                match lb.scheme {
                    Scheme::InternetFacing => "internet-facing",
                    Scheme::Internal => "internal",
                }
                .into(),
            ),
            subnets: Some(subnets),
            security_groups: Some(vec![Expr::r#ref(LB_SG)]),
            load_balancer_attributes: Some(attributes),
            tags: Some(ctx.named("alb")),
            ..Default::default()
        },
    );
    // Elastic Load Balancing checks that it may write before it accepts
    // the attribute.
    if let Some(policy) = log_bucket_policy {
        alb.depends_on(policy);
    }
    if !logs.enabled {
        alb.skip_check(
            "CKV_AWS_91",
            &format!(
                "access logs switched off in the spec (load_balancer.access_logs): {}",
                logs.reason.as_deref().unwrap_or("no reason given")
            ),
        );
    }
    if !lb.deletion_protection {
        alb.skip_check(
            "CKV_AWS_150",
            "deletion protection switched off in the spec for this environment",
        );
    }

    // Behind CloudFront the listener answers 403 to anything without the
    // origin-verify header; the default route becomes a rule requiring it.
    let mut default_rule = None;
    let default_action = if origin_verify {
        origin_verify::add_secret(t, ctx);
        Action::forbidden()
    } else {
        default_target_group
            .clone()
            .map(Action::forward)
            .unwrap_or_else(Action::not_found)
    };
    let Some(cert) = ctx.checked.load_balancer_certificate() else {
        let l = t.add(
            "HttpListener",
            Listener {
                load_balancer_arn: Expr::r#ref(LB),
                port: Some(80.into()),
                protocol: Some("HTTP".into()),
                default_actions: vec![default_action],
                ..Default::default()
            },
        );
        l.skip_check(
            "CKV_AWS_2",
            "no certificate is configured in the spec (load_balancer.certificate): HTTP only",
        );
        l.skip_check(
            "CKV_AWS_103",
            "no certificate is configured in the spec (load_balancer.certificate): HTTP only",
        );
        if origin_verify {
            default_rule = default_route_rule(t, "HttpListener", default_target_group);
        }
        return Some(LoadBalancerRefs {
            listener: "HttpListener",
            origin_verify,
            default_rule,
        });
    };
    let certificate_arn: Expr = match cert {
        CertificateSource::Imported { arn } => arn.clone().into(),
        CertificateSource::Requested {
            domain,
            alternative_names,
            hosted_zone_id,
        } => {
            t.add(
                "Certificate",
                Certificate::dns_validated(
                    domain,
                    alternative_names,
                    hosted_zone_id,
                    ctx.named("certificate"),
                ),
            );
            Expr::r#ref("Certificate")
        }
    };
    // CloudFront reaches the origin on 443 only and the security group
    // admits nothing else: a port-80 listener would serve nobody. Nor is
    // there one when the spec asks for 443 only, or for a VPC origin.
    if !origin_verify && lb.ingress != Ingress::VpcOrigin && port_80 {
        t.add(
            "HttpListener",
            Listener {
                load_balancer_arn: Expr::r#ref(LB),
                port: Some(80.into()),
                protocol: Some("HTTP".into()),
                default_actions: vec![Action::redirect_to_https()],
                ..Default::default()
            },
        );
    }
    t.add(
        "HttpsListener",
        Listener {
            load_balancer_arn: Expr::r#ref(LB),
            port: Some(443.into()),
            protocol: Some("HTTPS".into()),
            ssl_policy: Some(lb.ssl_policy.clone().into()),
            certificates: Some(vec![listener::Certificate {
                certificate_arn: Some(certificate_arn),
            }]),
            default_actions: vec![default_action],
            ..Default::default()
        },
    );
    if origin_verify {
        default_rule = default_route_rule(t, "HttpsListener", default_target_group);
    }
    Some(LoadBalancerRefs {
        listener: "HttpsListener",
        origin_verify,
        default_rule,
    })
}

/// Forwards requests carrying the origin-verify header to the default
/// route's target group, after every other rule.
fn default_route_rule(
    t: &mut Template,
    listener: &str,
    target_group: Option<Expr>,
) -> Option<&'static str> {
    let tg = target_group?;
    t.add(
        DEFAULT_ROUTE_RULE,
        ListenerRule {
            listener_arn: Some(Expr::r#ref(listener)),
            priority: crate::spec::app::DEFAULT_ROUTE_PRIORITY.into(),
            conditions: vec![origin_verify::condition()],
            actions: vec![listener_rule::Action::forward(tg)],
            ..Default::default()
        },
    );
    Some(DEFAULT_ROUTE_RULE)
}

enum Source {
    Cidr(Expr),
    PrefixList(Expr),
    /// The API's VPC link only (`ingress: api`).
    ApiVpcLink,
}

fn listener_ingress(port: i64, source: &Source, what: &str) -> security_group::Ingress {
    let (cidr_ip, source_prefix_list_id) = match source {
        Source::Cidr(c) => (Some(c.clone()), None),
        Source::PrefixList(p) => (None, Some(p.clone())),
        Source::ApiVpcLink => (None, None),
    };
    security_group::Ingress {
        ip_protocol: "tcp".into(),
        from_port: Some(port.into()),
        to_port: Some(port.into()),
        cidr_ip,
        source_prefix_list_id,
        description: Some(format!("{what} to the load balancer").into()),
        ..Default::default()
    }
}

/// CloudFormation cannot look a managed prefix list up by name, so a small
/// custom resource finds CloudFront's origin-facing list in the region.
fn cloudfront_prefix_list(t: &mut Template, ctx: &Ctx) -> Expr {
    custom::build(
        t,
        custom::InlineResource {
            id: "CloudFrontPrefixList",
            type_name: "Custom::ManagedPrefixList",
            function_description: "Finds the id of CloudFront's origin-facing managed prefix list",
            role_description: "Lets the prefix-list lookup describe managed prefix lists",
            policy_name: "describe-managed-prefix-lists",
            code: PREFIX_LIST_CODE,
            api: "EC2",
            timeout_seconds: custom::QUICK_TIMEOUT_SECONDS,
            statements: vec![Statement::allow(
                "DescribePrefixLists",
                &["ec2:DescribeManagedPrefixLists"],
                vec!["*".into()],
            )],
            wildcard_reasons: &[(
                "ec2:DescribeManagedPrefixLists",
                "EC2 Describe actions support no resource-level permissions",
            )],
            properties: vec![("PrefixListName", CLOUDFRONT_PREFIX_LIST.into())],
        },
        ctx.named("cloudfront-prefix-list"),
    );
    Expr::get_att("CloudFrontPrefixList", "PrefixListId")
}

const CLOUDFRONT_PREFIX_LIST: &str = "com.amazonaws.global.cloudfront.origin-facing";

// Source: templates/lambda/managed_prefix_list.py (unit-tested in tests/lambda/), through
// this crate's `lambda/` link, so the published crate carries it.
const PREFIX_LIST_CODE: &str = include_str!("../../../lambda/managed_prefix_list.py");

/// Lets Elastic Load Balancing put access logs under the prefix, for this
/// account only.
fn elb_log_delivery(ctx: &Ctx, bucket_id: &str, prefix: Option<&str>) -> Statement {
    let path = match prefix {
        Some(p) => format!("{}/AWSLogs/${{AWS::AccountId}}/*", p.trim_matches('/')),
        None => "AWSLogs/${AWS::AccountId}/*".to_string(),
    };
    let mut s = Statement::allow(
        "AllowLoadBalancerAccessLogs",
        &["s3:PutObject"],
        vec![Expr::sub(format!("${{{bucket_id}.Arn}}/{path}"))],
    );
    s.principal = Some(match s3::elb_log_account(&ctx.spec.region) {
        Some(account) => serde_json::json!({"AWS": format!("arn:aws:iam::{account}:root")}),
        None => serde_json::json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
    });
    s
}
