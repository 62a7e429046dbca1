//! The HTTP API: tokens checked by the user pool, the load balancer reached
//! only through the VPC link's group, functions invocable only by the API.

use crate::support::*;
use serde_json::json;

#[test]
fn mobile_api_checks_cognito_tokens_before_the_load_balancer() {
    let t = template_json(&synth_example("multi-env-platform", "prod"), "main");
    let r = &t["Resources"];
    let jwt = &r["ApiAuthorizer"]["Properties"];
    assert_eq!(jwt["AuthorizerType"], "JWT");
    assert_eq!(
        jwt["JwtConfiguration"]["Issuer"],
        json!({"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UsersUserPool}"})
    );
    assert_eq!(
        jwt["JwtConfiguration"]["Audience"],
        json!([
            {"Ref": "UsersUserPoolMobileClient"},
            {"Ref": "UsersUserPoolWebClient"}
        ])
    );
    let backend = &r["ApiBackendRoute"]["Properties"];
    assert_eq!(backend["RouteKey"], "ANY /api/{proxy+}");
    assert_eq!(
        (
            backend["AuthorizationType"].clone(),
            backend["AuthorizerId"].clone()
        ),
        (json!("JWT"), json!({"Ref": "ApiAuthorizer"}))
    );
    let health = &r["ApiHealthRoute"]["Properties"];
    assert_eq!(health["AuthorizationType"], "NONE");
    assert!(health.get("AuthorizerId").is_none());
    // Both routes share one private integration to the HTTPS listener.
    assert_eq!(
        backend["Target"],
        json!({"Fn::Sub": "integrations/${ApiLoadBalancerIntegration}"})
    );
    let integration = &r["ApiLoadBalancerIntegration"]["Properties"];
    assert_eq!(integration["ConnectionType"], "VPC_LINK");
    assert_eq!(
        integration["IntegrationUri"],
        json!({"Ref": "HttpsListener"})
    );
    assert_eq!(
        integration["TlsConfig"]["ServerNameToVerify"],
        "app.example.com"
    );
    let stage = &r["ApiStage"]["Properties"];
    assert_eq!(stage["DefaultRouteSettings"]["ThrottlingBurstLimit"], 200);
    assert_eq!(stage["DefaultRouteSettings"]["ThrottlingRateLimit"], 100.0);
    assert_eq!(
        stage["AccessLogSettings"]["DestinationArn"],
        json!({"Fn::GetAtt": ["ApiAccessLogs", "Arn"]})
    );
}

#[test]
fn the_vpc_link_reaches_the_listener_port_and_nothing_else() {
    let t = template_json(&synth_example("multi-env-platform", "prod"), "main");
    let r = &t["Resources"];
    assert_eq!(
        r["ApiVpcLinkSecurityGroup"]["Properties"]["SecurityGroupEgress"][0]["CidrIp"],
        "255.255.255.255/32"
    );
    let egress = &r["ApiToLoadBalancerEgress"]["Properties"];
    assert_eq!(
        egress["DestinationSecurityGroupId"],
        json!({"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]})
    );
    assert_eq!(
        (egress["FromPort"].clone(), egress["ToPort"].clone()),
        (json!(443), json!(443))
    );
    let ingress = &r["LoadBalancerFromApiIngress"]["Properties"];
    assert_eq!(
        ingress["SourceSecurityGroupId"],
        json!({"Fn::GetAtt": ["ApiVpcLinkSecurityGroup", "GroupId"]})
    );
    assert_eq!(
        r["ApiVpcLink"]["Properties"]["SubnetIds"][0],
        json!({"Ref": "AppSubnet1"})
    );
}

#[test]
fn a_function_route_may_be_invoked_by_this_api_only() {
    let spec = VALID.replace(
        "environments:",
        "functions:\n  reporter:\n    code: { bucket: artifacts, key: reporter.zip }\n    runtime: python3.13\n    handler: app.handler\napi:\n  routes:\n    report: { key: 'POST /reports', target: reporter, auth: false }\nenvironments:",
    );
    let p = TempProject::new(&spec);
    let t = template_json(&p.synth("prod").unwrap_or_else(|e| panic!("{e}")), "main");
    let r = &t["Resources"];
    let integration = &r["ApiReporterIntegration"]["Properties"];
    assert_eq!(integration["IntegrationType"], "AWS_PROXY");
    assert_eq!(
        integration["IntegrationUri"],
        json!({"Fn::GetAtt": ["ReporterFunction", "Arn"]})
    );
    let permission = &r["ApiReporterPermission"]["Properties"];
    assert_eq!(permission["Principal"], "apigateway.amazonaws.com");
    assert_eq!(
        permission["SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"})
    );
    assert!(
        r.get("ApiVpcLink").is_none(),
        "no VPC link without a load-balancer route"
    );
}
