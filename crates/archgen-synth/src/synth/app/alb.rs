//! The Application Load Balancer: its security group, listeners (HTTP 80
//! redirecting to HTTPS 443 when a certificate is configured) and the
//! certificate when the stack requests one.

use super::super::Ctx;
use crate::spec::app::{CertificateSource, Ingress, LoadBalancerSpec, Scheme};
use crate::spec::network::TierKind;
use crate::synth::custom;
use crate::synth::data::s3;
use crate::template::certificatemanager::Certificate;
use crate::template::ec2::SecurityGroup;
use crate::template::ec2::security_group::{self, Egress};
use crate::template::elasticloadbalancingv2::listener::{self, Action};
use crate::template::elasticloadbalancingv2::load_balancer::LoadBalancerAttribute;
use crate::template::elasticloadbalancingv2::{Listener, LoadBalancer};
use crate::template::iam::Statement;
use crate::template::{Expr, Template};

pub const LB: &str = "LoadBalancer";
pub const LB_SG: &str = "LoadBalancerSecurityGroup";

/// The listener that carries application traffic, and the default action
/// target (a service key), for the services builder.
pub struct LoadBalancerRefs {
    pub listener: &'static str,
}

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

    // Who may reach the listeners: anyone for an internet-facing ALB (or
    // only CloudFront's origin-facing servers), the VPC for an internal one.
    let source = match (lb.scheme, lb.ingress) {
        (Scheme::InternetFacing, Ingress::Internet) => Source::Cidr("0.0.0.0/0".into()),
        (Scheme::InternetFacing, Ingress::Cloudfront) => {
            Source::PrefixList(cloudfront_prefix_list(t, ctx))
        }
        (Scheme::Internal, _) => Source::Cidr(net.cidr_block.clone()),
    };
    let ingress = match &source {
        // CloudFront reaches an origin on one port; each rule on its prefix
        // list counts as about 55 of the group's 60 rules.
        Source::PrefixList(_) => vec![listener_ingress(
            if https { 443 } else { 80 },
            &source,
            "from CloudFront (origin-facing prefix list)",
        )],
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
            security_group_ingress: Some(ingress),
            // Egress to each service's port is added per route.
            security_group_egress: Some(vec![Egress::deny_all()]),
            tags: Some(ctx.named("alb")),
            ..Default::default()
        },
    );
    if lb.scheme == Scheme::InternetFacing && lb.ingress == Ingress::Internet {
        sg.skip_check(
            "CKV_AWS_260",
            "an internet-facing load balancer must accept HTTP on port 80 to redirect it to HTTPS",
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
    // Logs go to a bucket of this stack (whose policy then admits Elastic
    // Load Balancing) or to a bucket named outside it.
    let mut log_bucket_policy = None;
    if let Some(logs) = &lb.access_logs {
        let in_stack = ctx.spec.buckets.contains_key(&logs.bucket);
        let bucket: Expr = if in_stack {
            Expr::r#ref(s3::bucket_id(&logs.bucket))
        } else {
            logs.bucket.clone().into()
        };
        attributes.push(LoadBalancerAttribute::new("access_logs.s3.enabled", "true"));
        attributes.push(LoadBalancerAttribute::new("access_logs.s3.bucket", bucket));
        if let Some(prefix) = &logs.prefix {
            attributes.push(LoadBalancerAttribute::new(
                "access_logs.s3.prefix",
                prefix.clone(),
            ));
        }
        if in_stack {
            s3::extend_policy(
                t,
                &logs.bucket,
                elb_log_delivery(ctx, &logs.bucket, logs.prefix.as_deref()),
            );
            log_bucket_policy = Some(format!("{}Policy", s3::bucket_id(&logs.bucket)));
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
    if lb.access_logs.is_none() {
        alb.skip_check(
            "CKV_AWS_91",
            "access logs are not configured in the spec (load_balancer.access_logs)",
        );
    }
    if !lb.deletion_protection {
        alb.skip_check(
            "CKV_AWS_150",
            "deletion protection switched off in the spec for this environment",
        );
    }

    let default_action = default_target_group
        .map(Action::forward)
        .unwrap_or_else(Action::not_found);
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
        return Some(LoadBalancerRefs {
            listener: "HttpListener",
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
    Some(LoadBalancerRefs {
        listener: "HttpsListener",
    })
}

enum Source {
    Cidr(Expr),
    PrefixList(Expr),
}

fn listener_ingress(port: i64, source: &Source, what: &str) -> security_group::Ingress {
    let (cidr_ip, source_prefix_list_id) = match source {
        Source::Cidr(c) => (Some(c.clone()), None),
        Source::PrefixList(p) => (None, Some(p.clone())),
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

const PREFIX_LIST_CODE: &str = r#"import boto3
import cfnresponse


def handler(event, context):
    name = event["ResourceProperties"]["PrefixListName"]
    try:
        if event["RequestType"] == "Delete":
            cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, event.get("PhysicalResourceId", name))
            return
        ec2 = boto3.client("ec2")
        found = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [name]}])["PrefixLists"]
        if not found:
            raise RuntimeError(name + " does not exist in this region")
        list_id = found[0]["PrefixListId"]
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {"PrefixListId": list_id}, list_id)
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, event.get("PhysicalResourceId", name), reason=str(error))
"#;

/// Lets Elastic Load Balancing put access logs under the prefix, for this
/// account only.
fn elb_log_delivery(ctx: &Ctx, bucket: &str, prefix: Option<&str>) -> Statement {
    let path = match prefix {
        Some(p) => format!("{}/AWSLogs/${{AWS::AccountId}}/*", p.trim_matches('/')),
        None => "AWSLogs/${AWS::AccountId}/*".to_string(),
    };
    let mut s = Statement::allow(
        "AllowLoadBalancerAccessLogs",
        &["s3:PutObject"],
        vec![Expr::sub(format!(
            "${{{}.Arn}}/{path}",
            s3::bucket_id(bucket)
        ))],
    );
    s.principal = Some(match s3::elb_log_account(&ctx.spec.region) {
        Some(account) => serde_json::json!({"AWS": format!("arn:aws:iam::{account}:root")}),
        None => serde_json::json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
    });
    s
}
