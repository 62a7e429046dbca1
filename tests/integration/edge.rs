//! The edge as a user checks it: the CloudFront-only bucket policy, TTLs per
//! path, HTTPS for viewers and origins, WAF numbers, alias targets, and the
//! us-east-1 edge stack wired into the main stack through the manifest.

use crate::support::*;
use serde_json::{Value, json};

fn props<'a>(t: &'a Value, id: &str) -> &'a Value {
    let r = &t["Resources"][id];
    assert!(!r.is_null(), "no resource {id}");
    &r["Properties"]
}

/// The cache behaviour of a distribution serving `path` (None: default).
fn behavior<'a>(dist: &'a Value, path: Option<&str>) -> &'a Value {
    let cfg = &dist["DistributionConfig"];
    match path {
        None => &cfg["DefaultCacheBehavior"],
        Some(p) => cfg["CacheBehaviors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["PathPattern"] == p)
            .unwrap_or_else(|| panic!("no behaviour for {p}")),
    }
}

/// The TTLs (min, default, max) a behaviour's cache policy gives, following
/// the Fn::GetAtt to the policy in the template.
fn ttls(t: &Value, b: &Value) -> Option<(u64, u64, u64)> {
    let id = b["CachePolicyId"]["Fn::GetAtt"][0].as_str()?;
    let cfg = &props(t, id)["CachePolicyConfig"];
    Some((
        cfg["MinTTL"].as_u64()?,
        cfg["DefaultTTL"].as_u64()?,
        cfg["MaxTTL"].as_u64()?,
    ))
}

#[test]
fn frontend_bucket_admits_only_its_distribution() {
    let s = synth_example("user-management", "prod");
    let t = template_json(&s, "main");
    let policies = resources_of(&t, "AWS::S3::BucketPolicy")
        .into_iter()
        .filter(|(_, r)| r["Properties"]["Bucket"] == json!({"Ref": "FrontendBucket"}))
        .count();
    assert_eq!(policies, 1, "the bucket keeps exactly one policy");
    let statements = props(&t, "FrontendBucketPolicy")["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let cf: Vec<&Value> = statements
        .iter()
        .filter(|s| s["Principal"]["Service"] == "cloudfront.amazonaws.com")
        .collect();
    assert_eq!(cf.len(), 1);
    assert_eq!(cf[0]["Effect"], "Allow");
    assert_eq!(cf[0]["Action"], json!(["s3:GetObject"]));
    let source = cf[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
        .as_str()
        .unwrap();
    assert!(
        source.ends_with("distribution/${WebDistribution}"),
        "{source}"
    );
    // The TLS-only deny is still there, and nothing is public.
    assert!(
        statements
            .iter()
            .any(|s| s["Sid"] == "DenyInsecureTransport")
    );
    assert!(statements.iter().all(|s| s["Principal"] != json!("*")));
    // The distribution reaches the bucket through Origin Access Control.
    let dist = props(&t, "WebDistribution");
    let origin = dist["DistributionConfig"]["Origins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["Id"] == "site")
        .unwrap();
    assert_eq!(
        origin["OriginAccessControlId"],
        json!({"Fn::GetAtt": ["WebOriginAccessControl", "Id"]})
    );
    assert_eq!(
        origin["DomainName"],
        json!({"Fn::GetAtt": ["FrontendBucket", "RegionalDomainName"]})
    );
    let oac = &props(&t, "WebOriginAccessControl")["OriginAccessControlConfig"];
    assert_eq!(oac["SigningBehavior"], "always");
}

#[test]
fn ttls_follow_the_documents_table_per_path() {
    let s = synth_example("user-management", "prod");
    let t = template_json(&s, "main");
    let dist = props(&t, "WebDistribution");
    // Document 000: HTML 5 minutes, CSS/JS 1 day, images 7 days, API none.
    assert_eq!(ttls(&t, behavior(dist, None)), Some((0, 300, 300)));
    assert_eq!(
        ttls(&t, behavior(dist, Some("*.css"))),
        Some((0, 86_400, 86_400))
    );
    assert_eq!(
        ttls(&t, behavior(dist, Some("*.js"))),
        Some((0, 86_400, 86_400))
    );
    assert_eq!(
        ttls(&t, behavior(dist, Some("/images/*"))),
        Some((0, 604_800, 604_800))
    );
    let api = behavior(dist, Some("/api/*"));
    assert_eq!(api["TargetOriginId"], "api");
    // Managed CachingDisabled, and AllViewerExceptHostHeader forwards every
    // header, cookie and query string the API needs.
    assert_eq!(api["CachePolicyId"], "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    assert_eq!(
        api["OriginRequestPolicyId"],
        "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    );
    assert!(
        api["AllowedMethods"]
            .as_array()
            .unwrap()
            .contains(&json!("POST"))
    );
    // The API path comes before the extension patterns (first match wins).
    let order: Vec<&str> = dist["DistributionConfig"]["CacheBehaviors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["PathPattern"].as_str().unwrap())
        .collect();
    assert_eq!(order[0], "/api/*");
}

#[test]
fn viewers_are_redirected_to_https_with_tls_1_2_and_origins_use_https_only() {
    for ex in ["user-management", "multi-env-platform", "eyewear-retail"] {
        let s = synth_example(ex, "prod");
        let t = template_json(&s, "main");
        let dists = resources_of(&t, "AWS::CloudFront::Distribution");
        assert!(!dists.is_empty(), "{ex} has a distribution");
        for (id, d) in dists {
            let cfg = &d["Properties"]["DistributionConfig"];
            let mut all = vec![&cfg["DefaultCacheBehavior"]];
            all.extend(cfg["CacheBehaviors"].as_array().into_iter().flatten());
            for b in all {
                assert_eq!(b["ViewerProtocolPolicy"], "redirect-to-https", "{ex} {id}");
            }
            let vc = &cfg["ViewerCertificate"];
            assert_eq!(vc["MinimumProtocolVersion"], "TLSv1.2_2021", "{ex} {id}");
            assert_eq!(vc["SslSupportMethod"], "sni-only");
            for o in cfg["Origins"].as_array().unwrap() {
                if let Some(c) = o.get("CustomOriginConfig") {
                    assert_eq!(c["OriginProtocolPolicy"], "https-only", "{ex} {id}");
                    assert_eq!(c["OriginSSLProtocols"], json!(["TLSv1.2"]));
                }
            }
        }
    }
}

#[test]
fn eyewear_origin_goes_through_origin_shield_in_tokyo() {
    let t = template_json(&synth_example("eyewear-retail", "prod"), "main");
    let origins = &props(&t, "ShopDistribution")["DistributionConfig"]["Origins"];
    assert_eq!(
        origins[0]["OriginShield"],
        json!({"Enabled": true, "OriginShieldRegion": "ap-northeast-1"})
    );
    // Static files 7 days, carts never cached.
    let dist = props(&t, "ShopDistribution");
    assert_eq!(
        ttls(&t, behavior(dist, Some("/static/*"))).map(|x| x.1),
        Some(604_800)
    );
    assert_eq!(
        behavior(dist, None)["CachePolicyId"],
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    );
}

fn rule<'a>(acl: &'a Value, name: &str) -> &'a Value {
    acl["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Name"] == name)
        .unwrap_or_else(|| panic!("no rule {name}"))
}

fn managed_groups(acl: &Value) -> Vec<&str> {
    acl["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["Statement"]["ManagedRuleGroupStatement"]["Name"].as_str())
        .collect()
}

#[test]
fn user_management_waf_has_the_documents_rules_and_numbers() {
    let s = synth_example("user-management", "prod");
    let t = template_json(&s, "main");
    let acl = props(&t, "ApiWebAcl");
    assert_eq!(acl["Scope"], "REGIONAL");
    let groups = managed_groups(acl);
    assert!(groups.contains(&"AWSManagedRulesCommonRuleSet"));
    assert!(groups.contains(&"AWSManagedRulesSQLiRuleSet"));
    assert!(
        rule(acl, "xss")["Statement"]
            .to_string()
            .contains("XssMatchStatement")
    );
    // The rules that judge the client's address run at CloudFront, where
    // it is the viewer's (EDGE026).
    let edge = template_json(&s, "main-edge");
    let ip_acl = props(&edge, "EdgeWebAcl");
    assert_eq!(ip_acl["Scope"], "CLOUDFRONT");
    let rate = &rule(ip_acl, "rate-limit")["Statement"]["RateBasedStatement"];
    assert_eq!(rate["Limit"], 1000);
    assert_eq!(rate["EvaluationWindowSec"], 300);
    assert_eq!(rate["AggregateKeyType"], "IP");
    assert_eq!(
        rule(ip_acl, "rate-limit")["Action"]["Block"]["CustomResponse"]["ResponseCode"],
        429
    );
    assert!(rule(ip_acl, "ip-block")["Statement"]["IPSetReferenceStatement"].is_object());
    // Metrics and sampled requests on every rule; priorities unique.
    let mut priorities = Vec::new();
    for r in acl["Rules"].as_array().unwrap() {
        assert_eq!(r["VisibilityConfig"]["CloudWatchMetricsEnabled"], true);
        assert_eq!(r["VisibilityConfig"]["SampledRequestsEnabled"], true);
        priorities.push(r["Priority"].as_u64().unwrap());
    }
    let n = priorities.len();
    priorities.sort();
    priorities.dedup();
    assert_eq!(priorities.len(), n);
    // Attached to the ALB, logging to an aws-waf-logs- group.
    let assoc = resources_of(&t, "AWS::WAFv2::WebACLAssociation");
    assert_eq!(assoc.len(), 1);
    assert_eq!(
        assoc[0].1["Properties"]["ResourceArn"],
        json!({"Ref": "LoadBalancer"})
    );
    assert_eq!(
        assoc[0].1["Properties"]["WebACLArn"],
        json!({"Fn::GetAtt": ["ApiWebAcl", "Arn"]})
    );
    let group = props(&t, "ApiWafLogGroup")["LogGroupName"]
        .as_str()
        .unwrap();
    assert!(group.starts_with("aws-waf-logs-"), "{group}");
    assert_eq!(
        props(&t, "ApiWafLogging")["ResourceArn"],
        json!({"Fn::GetAtt": ["ApiWebAcl", "Arn"]})
    );
}

#[test]
fn eyewear_admin_paths_are_blocked_unless_from_the_allow_list() {
    // The ACL runs at CloudFront, where the client address is known: the
    // load balancer behind it sees only CloudFront's addresses.
    let s = synth_example("eyewear-retail", "prod");
    let main = template_json(&s, "main");
    let t = template_json(&s, "main-edge");
    assert!(resources_of(&main, "AWS::WAFv2::WebACLAssociation").is_empty());
    let dist = resources_of(&main, "AWS::CloudFront::Distribution")[0].1;
    assert_eq!(
        dist["Properties"]["DistributionConfig"]["WebACLId"],
        json!({"Ref": "ShopWebAclArn"})
    );
    let acl = props(&t, "ShopWebAcl");
    assert_eq!(acl["Scope"], "CLOUDFRONT");
    let r = rule(acl, "admin-allow-list");
    assert_eq!(r["Action"], json!({"Block": {}}));
    let parts = r["Statement"]["AndStatement"]["Statements"]
        .as_array()
        .unwrap();
    assert_eq!(
        parts[0]["NotStatement"]["Statement"]["IPSetReferenceStatement"]["Arn"],
        json!({"Fn::GetAtt": ["ShopAdminAllowListIpSet", "Arn"]})
    );
    assert_eq!(parts[1]["ByteMatchStatement"]["SearchString"], "/admin");
    assert_eq!(
        parts[1]["ByteMatchStatement"]["PositionalConstraint"],
        "STARTS_WITH"
    );
    assert_eq!(
        props(&t, "ShopAdminAllowListIpSet")["Addresses"],
        json!(["203.0.113.0/24"])
    );
}

#[test]
fn solo_saving_blocks_every_country_but_japan() {
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    let acl = props(&t, "WebWebAcl");
    assert_eq!(
        rule(acl, "geo")["Statement"],
        json!({"NotStatement": {"Statement": {"GeoMatchStatement": {"CountryCodes": ["JP"]}}}})
    );
    assert!(managed_groups(acl).contains(&"AWSManagedRulesSQLiRuleSet"));
}

#[test]
fn alias_records_target_cloudfront_and_the_load_balancer() {
    let t = template_json(&synth_example("user-management", "prod"), "main");
    for kind in ["A", "Aaaa"] {
        let r = props(&t, &format!("ExampleComRecord{kind}"));
        assert_eq!(r["Name"], "example.com");
        assert_eq!(r["HostedZoneId"], "Z0123456789EXAMPLE");
        assert_eq!(r["AliasTarget"]["HostedZoneId"], "Z2FDTNDATAQYW2");
        assert_eq!(
            r["AliasTarget"]["DNSName"],
            json!({"Fn::GetAtt": ["WebDistribution", "DomainName"]})
        );
    }
    let api = props(&t, "ApiExampleComRecordA");
    assert_eq!(api["Name"], "api.example.com");
    assert_eq!(
        api["AliasTarget"]["HostedZoneId"],
        json!({"Fn::GetAtt": ["LoadBalancer", "CanonicalHostedZoneID"]})
    );
    assert_eq!(
        api["AliasTarget"]["DNSName"],
        json!({"Fn::GetAtt": ["LoadBalancer", "DNSName"]})
    );
    // The load balancer is IPv4-only: no AAAA record that would answer nothing.
    assert!(t["Resources"]["ApiExampleComRecordAaaa"].is_null());
    // dev has names of its own and none of production's.
    let dev = template_json(&synth_example("user-management", "dev"), "main");
    let names: Vec<&str> = resources_of(&dev, "AWS::Route53::RecordSet")
        .iter()
        .map(|(_, r)| r["Properties"]["Name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"dev.example.com") && !names.contains(&"example.com"),
        "{names:?}"
    );
}

#[test]
fn multi_env_platform_has_a_us_east_1_edge_stack_wired_through_the_manifest() {
    for env in ENVIRONMENTS {
        let s = synth_example("multi-env-platform", env);
        let stacks = &s.manifest.stacks;
        assert_eq!(stacks.len(), 2, "{env}");
        let (edge, main) = (&stacks[0], &stacks[1]);
        assert_eq!(edge.region, "us-east-1");
        assert_eq!(
            edge.stack_name,
            format!("multi-env-platform-{env}-main-edge")
        );
        assert_eq!(main.region, "ap-northeast-1");
        assert_eq!(main.depends_on, vec![edge.name.clone()]);
        let edge_t = template_json(&s, &edge.name);
        let main_t = template_json(&s, &main.name);
        // The edge stack holds the CLOUDFRONT web ACL and the certificate.
        let acl = &edge_t["Resources"]["EdgeWebAcl"];
        assert_eq!(acl["Type"], "AWS::WAFv2::WebACL");
        assert_eq!(acl["Properties"]["Scope"], "CLOUDFRONT");
        assert_eq!(
            edge_t["Resources"]["WebCertificate"]["Type"],
            "AWS::CertificateManager::Certificate"
        );
        assert!(resources_of(&main_t, "AWS::WAFv2::WebACL").is_empty());
        // Every parameter of the main template comes from a real output of
        // the edge stack, and the distribution uses them.
        assert_eq!(main.parameters.len(), 2, "{env}");
        for (param, source) in &main.parameters {
            assert_eq!(source.stack, edge.name);
            assert!(
                !edge_t["Outputs"][&source.output].is_null(),
                "{env}: no output {}",
                source.output
            );
            assert!(
                !main_t["Parameters"][param].is_null(),
                "{env}: no parameter {param}"
            );
        }
        assert_eq!(
            edge_t["Outputs"][&main.parameters["EdgeWebAclArn"].output]["Value"],
            json!({"Fn::GetAtt": ["EdgeWebAcl", "Arn"]})
        );
        let cfg = &props(&main_t, "WebDistribution")["DistributionConfig"];
        assert_eq!(cfg["WebACLId"], json!({"Ref": "EdgeWebAclArn"}));
        assert_eq!(
            cfg["ViewerCertificate"]["AcmCertificateArn"],
            json!({"Ref": "WebCertificateArn"})
        );
    }
}

#[test]
fn a_stack_in_us_east_1_keeps_its_edge_in_one_template() {
    let spec = VALID.replace("ap-northeast-1", "us-east-1").replacen(
        "environments:",
        "waf:\n  cf: { scope: cloudfront, rules: { core: { managed: core } } }\n\
         cdn:\n  web:\n    waf: cf\n    origins: { app: { load_balancer: true, domain: app.example.com } }\n\
         \x20   default: { origin: app, cache: false }\n\
         environments:",
        1,
    );
    let spec = spec.replacen("  name: demo-alb", "  name: demo-alb\n  certificate: { arn: \"arn:aws:acm:us-east-1:123456789012:certificate/abc\" }", 1);
    let s = TempProject::new(&spec).synth("prod").expect("synthesizes");
    assert_eq!(s.manifest.stacks.len(), 1);
    assert!(s.manifest.stacks[0].parameters.is_empty());
    let t = template_json(&s, "main");
    assert_eq!(
        props(&t, "WebDistribution")["DistributionConfig"]["WebACLId"],
        json!({"Fn::GetAtt": ["CfWebAcl", "Arn"]})
    );
    assert!(t.get("Parameters").is_none());
}
