//! The documented overlay rules, end to end.

use crate::support::*;
use serde_json::json;

const BASE: &str = "\
app: demo
region: ap-northeast-1
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    public: { type: public, mask: 24 }
    app: { type: private, mask: 24 }
  nat: single
  endpoints: [s3, logs]
environments:
";

fn synth_with(overlay: &str) -> serde_json::Value {
    let p = TempProject::new(&format!("{BASE}  x:\n{overlay}"));
    let s = p.synth("x").unwrap_or_else(|e| panic!("{e}"));
    template_json(&s, "main")
}

#[test]
fn maps_merge_so_unmentioned_fields_keep_the_base_value() {
    let t = synth_with("    network: { zones: 3 }\n");
    assert_eq!(
        t["Resources"]["Vpc"]["Properties"]["CidrBlock"],
        "10.0.0.0/16"
    );
    assert!(t["Resources"].get("AppSubnet3").is_some());
}

#[test]
fn lists_replace_the_base_list_whole() {
    let t = synth_with("    network: { endpoints: [s3] }\n");
    assert!(t["Resources"].get("S3Endpoint").is_some());
    assert!(t["Resources"].get("LogsEndpoint").is_none());
}

#[test]
fn null_removes_a_key_so_the_default_applies() {
    // The default NAT mode is one gateway per zone.
    let t = synth_with("    network: { nat: ~ }\n");
    assert_eq!(resources_of(&t, "AWS::EC2::NatGateway").len(), 2);
}

#[test]
fn an_empty_overlay_is_the_base() {
    let p = TempProject::new(&format!("{BASE}  x: {{}}\n  y:\n"));
    let x = template_json(&p.synth("x").unwrap(), "main");
    let y = template_json(&p.synth("y").unwrap(), "main");
    let ids = |t: &serde_json::Value| {
        t["Resources"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&x), ids(&y));
    assert_eq!(
        x["Resources"]["NatGateway1"]["Type"],
        json!("AWS::EC2::NatGateway")
    );
}
