//! What the network builder guarantees, checked on synthesized templates.

use crate::support::*;
use serde_json::{Value, json};

fn synth(spec: &str, env: &str) -> Value {
    let p = TempProject::new(spec);
    let s = p.synth(env).unwrap_or_else(|e| panic!("{e}"));
    template_json(&s, "main")
}

fn route_targets(t: &Value) -> Vec<(String, Value)> {
    resources_of(t, "AWS::EC2::Route")
        .into_iter()
        .map(|(id, r)| (id.clone(), r["Properties"]["NatGatewayId"].clone()))
        .collect()
}

#[test]
fn per_zone_nat_routes_each_private_zone_through_its_own_gateway() {
    let t = synth(&VALID.replace("nat: single", "nat: per-zone"), "prod");
    assert_eq!(resources_of(&t, "AWS::EC2::NatGateway").len(), 2);
    assert_eq!(resources_of(&t, "AWS::EC2::EIP").len(), 2);
    let routes = route_targets(&t);
    assert!(routes.contains(&("AppDefaultRoute1".into(), json!({"Ref": "NatGateway1"}))));
    assert!(routes.contains(&("AppDefaultRoute2".into(), json!({"Ref": "NatGateway2"}))));
    // Each NAT gateway sits in the public subnet of its zone.
    assert_eq!(
        t["Resources"]["NatGateway2"]["Properties"]["SubnetId"],
        json!({"Ref": "PublicSubnet2"})
    );
}

#[test]
fn single_nat_serves_every_zone() {
    let t = synth(VALID, "prod");
    assert_eq!(resources_of(&t, "AWS::EC2::NatGateway").len(), 1);
    let routes = route_targets(&t);
    assert!(routes.contains(&("AppDefaultRoute2".into(), json!({"Ref": "NatGateway1"}))));
}

#[test]
fn isolated_tiers_have_no_route_out_and_no_subnet_gets_public_ips() {
    let t = synth(VALID, "prod");
    let routes: Vec<String> = resources_of(&t, "AWS::EC2::Route")
        .into_iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert!(
        routes.iter().all(|id| !id.starts_with("Data")),
        "{routes:?}"
    );
    for (id, subnet) in resources_of(&t, "AWS::EC2::Subnet") {
        assert_eq!(subnet["Properties"]["MapPublicIpOnLaunch"], false, "{id}");
    }
    // Public routes wait for the gateway attachment, or creation can fail.
    assert_eq!(
        t["Resources"]["PublicDefaultRoute1"]["DependsOn"],
        json!(["InternetGatewayAttachment"])
    );
}

#[test]
fn endpoints_without_nat_admit_https_from_the_stacks_workloads_only() {
    // Without NAT an image comes from ECR (NET017 refuses Docker Hub).
    let spec = VALID
        .replace(
            "nat: single",
            "nat: none\n  endpoints: [s3, ecr.api, ecr.dkr, logs, ssm]",
        )
        .replace("image: nginx:1.27", "image: { repository: web, tag: '2' }");
    let t = synth(&spec, "prod");
    assert!(resources_of(&t, "AWS::EC2::NatGateway").is_empty());
    assert!(
        route_targets(&t)
            .iter()
            .all(|(id, _)| id.starts_with("Public"))
    );
    let sg = &t["Resources"]["EndpointSecurityGroup"]["Properties"];
    assert_eq!(
        sg["SecurityGroupIngress"],
        json!([
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Description": "HTTPS from the web service",
             "SourceSecurityGroupId": {"Fn::GetAtt": ["WebSecurityGroup", "GroupId"]}},
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Description": "HTTPS from the worker service",
             "SourceSecurityGroupId": {"Fn::GetAtt": ["WorkerSecurityGroup", "GroupId"]}}
        ])
    );
    let interface = resources_of(&t, "AWS::EC2::VPCEndpoint")
        .into_iter()
        .filter(|(_, e)| e["Properties"]["VpcEndpointType"] == "Interface")
        .collect::<Vec<_>>();
    assert_eq!(interface.len(), 4);
    for (id, e) in interface {
        assert_eq!(e["Properties"]["PrivateDnsEnabled"], true, "{id}");
        assert_eq!(
            e["Properties"]["SubnetIds"],
            json!([{"Ref": "AppSubnet1"}, {"Ref": "AppSubnet2"}]),
            "{id}"
        );
    }
    let s3 = &t["Resources"]["S3Endpoint"]["Properties"];
    assert_eq!(s3["VpcEndpointType"], "Gateway");
    assert_eq!(
        s3["RouteTableIds"],
        json!([{"Ref": "AppRouteTable1"}, {"Ref": "AppRouteTable2"}, {"Ref": "DataRouteTable1"}, {"Ref": "DataRouteTable2"}])
    );
    assert_eq!(
        t["Resources"]["EcrApiEndpoint"]["Properties"]["ServiceName"],
        json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.ecr.api"})
    );
}

#[test]
fn flow_logs_are_on_by_default_and_can_be_switched_off() {
    let t = synth(VALID, "prod");
    let flow = &t["Resources"]["FlowLog"]["Properties"];
    assert_eq!(flow["ResourceId"], json!({"Ref": "Vpc"}));
    assert_eq!(flow["TrafficType"], "ALL");
    assert_eq!(
        t["Resources"]["FlowLogGroup"]["Properties"]["RetentionInDays"],
        365
    );
    assert_eq!(t["Resources"]["FlowLogGroup"]["DeletionPolicy"], "Retain");
    let trust =
        &t["Resources"]["FlowLogRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "vpc-flow-logs.amazonaws.com");
    assert!(trust["Condition"]["StringEquals"]["aws:SourceAccount"].is_object());

    let off = synth(
        &VALID.replace(
            "  nat: single",
            "  nat: single\n  flow_logs: { enabled: false }",
        ),
        "prod",
    );
    assert!(resources_of(&off, "AWS::EC2::FlowLog").is_empty());
    assert!(off["Resources"].get("FlowLogGroup").is_none());
}

#[test]
fn default_security_group_is_locked_down_unless_switched_off() {
    let t = synth(VALID, "prod");
    let lock = &t["Resources"]["RestrictDefaultSecurityGroup"];
    assert_eq!(lock["Type"], "Custom::RestrictDefaultSecurityGroup");
    assert_eq!(
        lock["Properties"]["DefaultSecurityGroupId"],
        json!({"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]})
    );
    // The function may revoke rules of that one group only.
    let policy = &t["Resources"]["RestrictDefaultSecurityGroupRole"]["Properties"]["Policies"][0]["PolicyDocument"]
        ["Statement"][0];
    assert_eq!(
        policy["Action"],
        json!([
            "ec2:RevokeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupEgress"
        ])
    );
    assert!(
        policy["Resource"][0]["Fn::Sub"]
            .as_str()
            .unwrap()
            .ends_with("security-group/${Vpc.DefaultSecurityGroup}")
    );

    let off = synth(
        &VALID.replace(
            "  nat: single",
            "  nat: single\n  restrict_default_security_group: false",
        ),
        "prod",
    );
    assert!(
        off["Resources"]
            .get("RestrictDefaultSecurityGroup")
            .is_none()
    );
    assert!(resources_of(&off, "AWS::Lambda::Function").is_empty());
}

#[test]
fn outputs_are_exported_under_app_and_environment() {
    let t = synth(VALID, "dev");
    assert_eq!(t["Outputs"]["VpcId"]["Export"]["Name"], "demo-dev-VpcId");
    assert_eq!(
        t["Outputs"]["AppSubnetIds"]["Export"]["Name"],
        "demo-dev-AppSubnetIds"
    );
    assert_eq!(
        t["Outputs"]["AppSubnetIds"]["Value"],
        json!({"Fn::Join": [",", [{"Ref": "AppSubnet1"}, {"Ref": "AppSubnet2"}]]})
    );
}

#[test]
fn zone_counts_use_the_regions_zones_and_derived_cidrs_fill_the_vpc() {
    let t = synth(VALID, "prod");
    assert_eq!(
        t["Resources"]["AppSubnet2"]["Properties"]["AvailabilityZone"],
        json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]})
    );
    // `data` derives /24s after the explicit ones are taken.
    assert_eq!(
        t["Resources"]["DataSubnet1"]["Properties"]["CidrBlock"],
        "10.0.0.0/24"
    );
    assert_eq!(
        t["Resources"]["DataSubnet2"]["Properties"]["CidrBlock"],
        "10.0.3.0/24"
    );
}

#[test]
fn logical_ids_follow_spec_keys_not_their_order() {
    let reordered = VALID.replace(
        "    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }\n    app: { type: private, cidrs: [10.0.11.0/24, 10.0.12.0/24] }\n",
        "    app: { type: private, cidrs: [10.0.11.0/24, 10.0.12.0/24] }\n    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }\n",
    );
    assert_ne!(reordered, VALID);
    let (a, b) = (synth(VALID, "prod"), synth(&reordered, "prod"));
    assert_eq!(a["Resources"], b["Resources"]);
    let renamed = synth(&VALID.replace("    app: {", "    compute: {"), "prod");
    assert!(renamed["Resources"].get("ComputeSubnet1").is_some());
    assert_eq!(renamed["Resources"]["Vpc"], a["Resources"]["Vpc"]);
    assert_eq!(
        renamed["Resources"]["PublicSubnet1"],
        a["Resources"]["PublicSubnet1"]
    );
}
