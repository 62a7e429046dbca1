//! Issue 14, the smaller gaps the design documents name: each option is
//! checked on the template a user would read, and each malformed use is
//! refused at its file and line with the fix.

use crate::support::*;
use serde_json::{Value, json};

/// The error of a spec that synth must refuse.
fn refused(spec: &str) -> String {
    TempProject::new(spec)
        .synth("prod")
        .expect_err("synth must refuse this spec")
}

#[test]
fn a_load_balancer_can_listen_on_443_only_without_the_redirect_listener() {
    // Document 002's security-group table: the ALB admits HTTPS 443 only.
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    let listeners = resources_of(&t, "AWS::ElasticLoadBalancingV2::Listener");
    let ports: Vec<&Value> = listeners
        .iter()
        .map(|(_, l)| &l["Properties"]["Port"])
        .collect();
    assert_eq!(ports, vec![&json!(443)], "{listeners:?}");
    let sg = &t["Resources"]["LoadBalancerSecurityGroup"];
    assert_eq!(
        sg["Properties"]["SecurityGroupIngress"],
        json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0",
                "Description": "HTTPS to the load balancer"}])
    );
    // Nothing listens on 80, so no reason for an open port 80 is needed.
    assert!(!sg["Metadata"].to_string().contains("CKV_AWS_260"), "{sg}");
    // The default keeps the redirect (document 000 asks for it).
    let t = template_json(&synth_example("user-management", "prod"), "main");
    assert_eq!(t["Resources"]["HttpListener"]["Properties"]["Port"], 80);
}

#[test]
fn listening_on_443_only_needs_a_certificate() {
    let spec = VALID.replace(
        "  name: demo-alb\n",
        "  name: demo-alb\n  redirect_http: false\n",
    );
    let err = refused(&spec);
    assert!(err.contains("APP061"), "{err}");
    assert!(err.contains("main.yaml:18"), "{err}");
    assert!(err.contains("add 'certificate:'"), "{err}");
}
