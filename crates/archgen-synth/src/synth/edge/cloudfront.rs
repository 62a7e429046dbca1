//! CloudFront distributions: S3 origins through Origin Access Control (the
//! bucket's one policy admits only this distribution), load balancer origins
//! over HTTPS only, cache behaviours with the spec's TTLs, HTTPS redirect and
//! TLS 1.2 for viewers, the us-east-1 certificate and web ACL, and standard
//! access logs (on unless the spec switches them off with a reason).
//!
//! Access logs: the data tier's buckets enforce bucket-owner object
//! ownership, which turns ACLs off, and CloudFront's standard logging writes
//! through an ACL grant to its log-delivery account. Logging v2 (CloudWatch
//! Logs deliveries) would avoid ACLs but its delivery source must be created
//! in us-east-1 after the distribution exists, which the edge stack (deployed
//! first) cannot do. So each distribution that logs gets a dedicated log
//! bucket with `BucketOwnerPreferred` (ACLs on, public ACLs still blocked);
//! CloudFront adds its own grant when the distribution is created.

use serde_json::json;
use std::collections::BTreeMap;

use super::super::Ctx;
use super::Edge;
use crate::naming::pascal;
use crate::spec::app::CertificateSource;
use crate::spec::app::Ingress;
use crate::spec::edge::{BehaviorSpec, DistributionSpec};
use crate::synth::app::{alb, origin_verify};
use crate::synth::data::s3;
use crate::synth::logs::{LogBucket, log_bucket};
use crate::template::certificatemanager::Certificate;
use crate::template::cloudfront::cache_policy::{
    CachePolicyConfig, CookiesConfig, HeadersConfig, ParametersInCacheKeyAndForwardedToOrigin,
    QueryStringsConfig,
};
use crate::template::cloudfront::distribution::{
    CacheBehavior, CustomOriginConfig, DefaultCacheBehavior, DistributionConfig, Logging, Origin,
    OriginCustomHeader, OriginShield, S3OriginConfig, ViewerCertificate, VpcOriginConfig,
};
use crate::template::cloudfront::origin_access_control::OriginAccessControlConfig;
use crate::template::cloudfront::vpc_origin::VpcOriginEndpointConfig;
use crate::template::cloudfront::{CachePolicy, Distribution, OriginAccessControl, VpcOrigin};
use crate::template::iam::Statement;
use crate::template::{Expr, Output, Template};

/// CloudFront's managed policies (AWS: "Use managed cache policies",
/// "Use managed origin request policies", "Use managed response headers
/// policies").
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
pub const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
pub const ALL_VIEWER_EXCEPT_HOST_HEADER: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
pub const SECURITY_HEADERS: &str = "67f7725c-6f97-4210-82d7-5512b31e9d03";

/// The hosted zone id of every CloudFront distribution, for alias records.
pub const CLOUDFRONT_ZONE_ID: &str = "Z2FDTNDATAQYW2";

pub fn distribution_id(key: &str) -> String {
    format!("{}Distribution", pascal(key))
}

pub fn build(
    main: &mut Template,
    edge: &mut Edge,
    ctx: &Ctx,
    key: &str,
    d: &DistributionSpec,
    certificate: Option<&CertificateSource>,
    acl_arns: &BTreeMap<String, Expr>,
) {
    let p = pascal(key);
    let id = distribution_id(key);

    let certificate = certificate.map(|c| match c {
        CertificateSource::Imported { arn } => Expr::from(arn),
        CertificateSource::Requested {
            domain,
            alternative_names,
            hosted_zone_id,
        } => {
            let cert = format!("{p}Certificate");
            edge.template(main).add(
                &cert,
                Certificate::dns_validated(
                    domain,
                    alternative_names,
                    hosted_zone_id,
                    ctx.named(&format!("cdn-{key}")),
                ),
            );
            edge.publish(
                main,
                &format!("{p}CertificateArn"),
                &format!("ARN of the certificate of distribution {key}"),
                Expr::r#ref(cert),
            )
        }
    });

    // The load balancer admits only requests carrying the origin-verify
    // header (`ingress: cloudfront`).
    let verify_origin = ctx
        .spec
        .load_balancer
        .as_ref()
        .is_some_and(|lb| lb.ingress == Ingress::Cloudfront);
    // Or CloudFront reaches an internal load balancer through a VPC origin.
    let https_to_origin = ctx
        .spec
        .load_balancer
        .as_ref()
        .is_some_and(|lb| lb.certificate.is_some());
    let vpc_origin = ctx
        .spec
        .load_balancer
        .as_ref()
        .is_some_and(|lb| lb.ingress == Ingress::VpcOrigin)
        .then(|| load_balancer_vpc_origin(main, ctx, https_to_origin));
    let oac = format!("{p}OriginAccessControl");
    let mut uses_oac = false;
    let mut origins = Vec::new();
    for (name, o) in &d.origins {
        let shield = o.origin_shield.as_ref().map(|region| OriginShield {
            enabled: Some(true.into()),
            origin_shield_region: Some(region.into()),
        });
        if let Some(bucket) = &o.bucket {
            uses_oac = true;
            origins.push(Origin {
                id: name.into(),
                domain_name: Expr::get_att(s3::bucket_id(bucket), "RegionalDomainName"),
                origin_access_control_id: Some(Expr::get_att(&oac, "Id")),
                // Empty: access goes through Origin Access Control.
                s3_origin_config: Some(S3OriginConfig {
                    origin_access_identity: Some("".into()),
                    ..Default::default()
                }),
                origin_shield: shield,
                ..Default::default()
            });
            let mut allow = Statement::allow(
                &format!("AllowCloudFront{p}Read"),
                &["s3:GetObject"],
                vec![Expr::sub(format!("${{{}.Arn}}/*", s3::bucket_id(bucket)))],
            );
            allow.principal = Some(json!({"Service": "cloudfront.amazonaws.com"}));
            allow.condition = Some(json!({"StringEquals": {"AWS:SourceArn": {"Fn::Sub":
                format!("arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/${{{id}}}")}}}));
            s3::extend_policy(main, bucket, allow);
        } else {
            // The load balancer's certificate names this domain, so
            // CloudFront's TLS check of the origin succeeds.
            let domain = o.domain.clone().or_else(|| {
                ctx.spec
                    .load_balancer
                    .as_ref()
                    .and_then(|lb| lb.certificate.as_ref())
                    .and_then(|c| c.domain.clone())
            });
            let domain_name = domain.map_or_else(|| Expr::get_att(alb::LB, "DNSName"), Expr::from);
            if let Some(vpc_origin) = &vpc_origin {
                // Protocol and ports are the VPC origin's; no header is
                // needed, as the load balancer has no public address.
                origins.push(Origin {
                    id: name.into(),
                    domain_name,
                    vpc_origin_config: Some(VpcOriginConfig {
                        vpc_origin_id: vpc_origin.clone(),
                        ..Default::default()
                    }),
                    origin_shield: shield,
                    ..Default::default()
                });
                continue;
            }
            origins.push(Origin {
                id: name.into(),
                domain_name,
                custom_origin_config: Some(CustomOriginConfig {
                    https_port: Some(443.into()),
                    origin_protocol_policy: "https-only".into(),
                    origin_ssl_protocols: Some(vec!["TLSv1.2".into()]),
                    ..Default::default()
                }),
                origin_shield: shield,
                origin_custom_headers: verify_origin.then(|| {
                    vec![OriginCustomHeader {
                        header_name: origin_verify::HEADER.into(),
                        header_value: origin_verify::value(),
                    }]
                }),
                ..Default::default()
            });
        }
    }
    if uses_oac {
        main.add(
            &oac,
            OriginAccessControl {
                origin_access_control_config: OriginAccessControlConfig {
                    name: ctx.names.physical(key).into(),
                    description: Some(format!("S3 origins of distribution {key}").into()),
                    origin_access_control_origin_type: "s3".into(),
                    signing_behavior: "always".into(),
                    signing_protocol: "sigv4".into(),
                },
            },
        );
    }

    let default = behavior(main, ctx, key, "default", &d.default);
    let behaviors: Vec<CacheBehavior> = d
        .behaviors
        .iter()
        .map(|(name, b)| behavior(main, ctx, key, name, &b.behavior()).at_path(&b.path))
        .collect();

    let logging = d.logs.enabled.then(|| {
        // CloudFront's standard logs are written through an ACL grant.
        let bucket = log_bucket(
            main,
            &format!("{p}LogBucket"),
            &LogBucket {
                tags: ctx.named(&format!("cdn-{key}-logs")),
                expire_days: d.logs.expire_days,
                acls: true,
                receives: "CloudFront's access logs",
            },
        );
        Logging {
            bucket: Some(Expr::get_att(bucket, "DomainName")),
            prefix: Some(d.logs.prefix.clone().into()),
            include_cookies: Some(false.into()),
        }
    });

    let viewer_certificate = match &certificate {
        Some(arn) => ViewerCertificate {
            acm_certificate_arn: Some(arn.clone()),
            ssl_support_method: Some("sni-only".into()),
            minimum_protocol_version: Some("TLSv1.2_2021".into()),
            ..Default::default()
        },
        // The *.cloudfront.net certificate cannot be restricted to TLS 1.2.
        None => ViewerCertificate {
            minimum_protocol_version: Some("TLSv1".into()),
            cloud_front_default_certificate: Some(true.into()),
            ..Default::default()
        },
    };
    let r = main.add(
        &id,
        Distribution {
            distribution_config: DistributionConfig {
                enabled: true.into(),
                comment: Some(ctx.names.physical(key).into()),
                aliases: (!d.aliases.is_empty())
                    .then(|| d.aliases.iter().map(Expr::from).collect()),
                default_root_object: Some(d.default_root_object.clone().into()),
                http_version: Some("http2and3".into()),
                ipv6_enabled: Some(true.into()),
                price_class: Some(
                    match d.price_class.as_str() {
                        "200" => "PriceClass_200",
                        "all" => "PriceClass_All",
                        _ => "PriceClass_100",
                    }
                    .into(),
                ),
                origins: Some(origins),
                default_cache_behavior: default,
                cache_behaviors: (!behaviors.is_empty()).then_some(behaviors),
                viewer_certificate: Some(viewer_certificate),
                logging,
                web_acl_id: d.waf.as_ref().and_then(|w| acl_arns.get(w).cloned()),
                ..Default::default()
            },
            tags: Some(ctx.named(&format!("cdn-{key}"))),
        },
    );
    // One origin per role: a second origin to fail over to is not part of
    // any spec here.
    r.skip_check(
        "CKV_AWS_310",
        "the spec gives one origin per path; origin failover needs a second copy of that origin",
    );
    if certificate.is_none() {
        r.skip_check(
            "CKV_AWS_174",
            "no certificate in the spec: the default *.cloudfront.net certificate allows no TLS minimum",
        );
        r.skip_check(
            "CKV2_AWS_42",
            "no certificate in the spec: the distribution uses its *.cloudfront.net name",
        );
    }
    if d.waf.is_none() {
        r.skip_check(
            "CKV_AWS_68",
            "the spec attaches no web ACL to this distribution",
        );
        r.skip_check(
            "CKV2_AWS_47",
            "the spec attaches no web ACL to this distribution",
        );
    }
    if !d.logs.enabled {
        r.skip_check(
            "CKV_AWS_86",
            &format!(
                "access logs switched off in the spec (cdn.{key}.logs): {}",
                d.logs.reason.as_deref().unwrap_or("no reason given")
            ),
        );
    }
    main.output(
        format!("{p}DomainName"),
        Output {
            description: format!("domain name of distribution {key}"),
            value: Expr::get_att(&id, "DomainName"),
            export: None,
        },
    );
    main.output(
        format!("{p}DistributionId"),
        Output {
            description: format!("id of distribution {key} (for cache invalidations)"),
            value: Expr::r#ref(&id),
            export: None,
        },
    );
}

fn behavior(
    t: &mut Template,
    ctx: &Ctx,
    dist: &str,
    name: &str,
    b: &BehaviorSpec,
) -> DefaultCacheBehavior {
    let (cache_policy, origin_request) = if !b.cache {
        // Nothing cached; every header (but Host, which must name the
        // origin for its certificate), cookie and query string forwarded.
        (
            Expr::from(CACHING_DISABLED),
            Some(Expr::from(ALL_VIEWER_EXCEPT_HOST_HEADER)),
        )
    } else if let Some(ttl) = b.ttl {
        let id = format!("{}{}CachePolicy", pascal(dist), pascal(name));
        // The checks cap a TTL at a year, far inside i64.
        let seconds = i64::try_from(ttl.0).unwrap_or(i64::MAX);
        // The spec's TTL is the default and the ceiling: an origin header
        // may shorten it, never lengthen it.
        t.add(
            &id,
            CachePolicy {
                cache_policy_config: CachePolicyConfig {
                    name: ctx.names.physical(&format!("{dist}-{name}")).into(),
                    comment: Some(format!("{name}: cached for {} s", ttl.0).into()),
                    min_ttl: 0.into(),
                    default_ttl: seconds.into(),
                    max_ttl: seconds.into(),
                    parameters_in_cache_key_and_forwarded_to_origin:
                        ParametersInCacheKeyAndForwardedToOrigin {
                            enable_accept_encoding_gzip: true.into(),
                            enable_accept_encoding_brotli: Some(true.into()),
                            headers_config: HeadersConfig {
                                header_behavior: "none".into(),
                                ..Default::default()
                            },
                            cookies_config: CookiesConfig {
                                cookie_behavior: "none".into(),
                                ..Default::default()
                            },
                            query_strings_config: QueryStringsConfig {
                                query_string_behavior: "none".into(),
                                ..Default::default()
                            },
                        },
                },
            },
        );
        (Expr::get_att(id, "Id"), None)
    } else {
        (Expr::from(CACHING_OPTIMIZED), None)
    };
    let methods: &[&str] = if b.all_methods {
        &["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    } else {
        &["GET", "HEAD", "OPTIONS"]
    };
    DefaultCacheBehavior {
        target_origin_id: b.origin.clone().into(),
        viewer_protocol_policy: "redirect-to-https".into(),
        allowed_methods: Some(methods.iter().map(|m| Expr::from(*m)).collect()),
        cached_methods: Some(vec!["GET".into(), "HEAD".into()]),
        compress: Some(true.into()),
        cache_policy_id: Some(cache_policy),
        origin_request_policy_id: origin_request,
        response_headers_policy_id: Some(Expr::from(SECURITY_HEADERS)),
        ..Default::default()
    }
}

/// The stack's internal load balancer as a CloudFront VPC origin, created
/// once (in the stack's region, beside the load balancer); its id.
fn load_balancer_vpc_origin(main: &mut Template, ctx: &Ctx, https: bool) -> Expr {
    const ID: &str = "LoadBalancerVpcOrigin";
    if !main.resources.contains_key(ID) {
        let own_gateway = main.resources.contains_key("InternetGatewayAttachment");
        let r = main.add(
            ID,
            VpcOrigin {
                vpc_origin_endpoint_config: VpcOriginEndpointConfig {
                    name: ctx.names.physical("alb").into(),
                    arn: Expr::r#ref(alb::LB),
                    http_port: Some(80.into()),
                    https_port: Some(443.into()),
                    origin_protocol_policy: Some(
                        if https { "https-only" } else { "http-only" }.into(),
                    ),
                    origin_ssl_protocols: https.then(|| vec!["TLSv1.2".into()]),
                    ..Default::default()
                },
                tags: Some(ctx.named("alb-vpc-origin")),
            },
        );
        // CloudFront requires an internet gateway attached to the VPC (an
        // existing VPC brings its own).
        if own_gateway {
            r.depends_on("InternetGatewayAttachment");
        }
    }
    Expr::get_att(ID, "Id")
}
