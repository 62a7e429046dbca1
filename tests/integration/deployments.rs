//! A service's `deployment:`: what an operator checks in the template of a
//! blue/green or canary service (two target groups, the production rule
//! forwarding to both, the role ECS uses, rollback on the service's
//! alarms), and malformed deployments failing with file, line and fix.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::{Value, json};

/// VALID with web routed by its own rule, a topic, two alarms on web and
/// one on worker, and `deployment` on web.
fn with_deployment(deployment: &str) -> String {
    VALID
        .replace(
            "    route: { default: true }",
            &format!(
                "    route: {{ paths: [\"/*\"], priority: 10 }}\n    deployment: {deployment}"
            ),
        )
        .replace(
            "environments:",
            "topics:\n  alerts: { emails: [ops@example.com] }\n\
             alarms:\n  web-5xx: { on: web, metric: 5xx-rate, above: 5 }\n  \
             web-errors: { on: web, log_pattern: '\"ERROR\"', above: 10 }\n  \
             worker-cpu: { on: worker, metric: cpu, above: 90 }\nenvironments:",
        )
}

#[test]
fn a_blue_green_service_has_two_target_groups_its_production_rule_and_rolls_back_on_its_alarms() {
    let t = template_json(
        &TempProject::new(&with_deployment(
            "{ strategy: blue-green, bake_minutes: 10 }",
        ))
        .synth("prod")
        .unwrap(),
        "main",
    );
    let groups: Vec<&String> = resources_of(&t, "AWS::ElasticLoadBalancingV2::TargetGroup")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(groups, ["WebAlternateTargetGroup", "WebTargetGroup"]);

    // The production rule forwards to both, all traffic on the live group.
    let rule = &t["Resources"]["WebListenerRule"]["Properties"];
    assert_eq!(
        rule["Actions"][0]["ForwardConfig"]["TargetGroups"],
        json!([
            {"TargetGroupArn": {"Ref": "WebTargetGroup"}, "Weight": 1},
            {"TargetGroupArn": {"Ref": "WebAlternateTargetGroup"}, "Weight": 0}
        ])
    );

    let svc = &t["Resources"]["WebService"]["Properties"];
    let lb = &svc["LoadBalancers"][0];
    assert_eq!(lb["TargetGroupArn"], json!({"Ref": "WebTargetGroup"}));
    assert_eq!(
        lb["AdvancedConfiguration"],
        json!({
            "AlternateTargetGroupArn": {"Ref": "WebAlternateTargetGroup"},
            "ProductionListenerRule": {"Ref": "WebListenerRule"},
            "RoleArn": {"Fn::GetAtt": ["WebDeploymentRole", "Arn"]}
        })
    );
    let dc = &svc["DeploymentConfiguration"];
    assert_eq!(dc["Strategy"], "BLUE_GREEN");
    assert_eq!(dc["BakeTimeInMinutes"], 10);
    // Its own alarms, by the names they are created with; not the worker's.
    assert_eq!(
        dc["Alarms"],
        json!({"AlarmNames": ["demo-prod-web-5xx", "demo-prod-web-errors"], "Enable": true, "Rollback": true})
    );
    for alarm in ["Web5xxAlarm", "WebErrorsAlarm"] {
        let name = &t["Resources"][alarm]["Properties"]["AlarmName"];
        assert!(
            dc["Alarms"]["AlarmNames"]
                .as_array()
                .unwrap()
                .contains(name)
        );
    }

    let role = &t["Resources"]["WebDeploymentRole"]["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "ecs.amazonaws.com"})
    );
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"}])
    );
    assert!(
        role.get("Policies").is_none(),
        "nothing beyond the managed policy"
    );

    // A target-group alarm spans both groups: after a deployment the live
    // revision is in the alternate one.
    let rate = &t["Resources"]["Web5xxAlarm"]["Properties"]["Metrics"];
    assert_eq!(
        rate[0]["Expression"],
        "IF((den + den2) > 0, 100 * (num + num2) / (den + den2), 0)"
    );
    let groups: Vec<&Value> = rate
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["MetricStat"]["Metric"]["Dimensions"].as_array())
        .map(|d| &d[0]["Value"]["Fn::GetAtt"][0])
        .collect();
    assert_eq!(
        groups,
        [
            "WebTargetGroup",
            "WebTargetGroup",
            "WebAlternateTargetGroup",
            "WebAlternateTargetGroup"
        ]
    );

    // The worker keeps the rolling deployment, with one target group less.
    let worker = &t["Resources"]["WorkerService"]["Properties"]["DeploymentConfiguration"];
    assert!(worker.get("Strategy").is_none() && worker.get("Alarms").is_none());
}

#[test]
fn a_canary_and_a_linear_service_carry_their_traffic_steps() {
    let t = template_json(
        &TempProject::new(&with_deployment(
            "{ strategy: canary, canary_percent: 10, canary_bake_minutes: 20 }",
        ))
        .synth("prod")
        .unwrap(),
        "main",
    );
    let dc = &t["Resources"]["WebService"]["Properties"]["DeploymentConfiguration"];
    assert_eq!(dc["Strategy"], "CANARY");
    assert_eq!(
        dc["CanaryConfiguration"],
        json!({"CanaryBakeTimeInMinutes": 20, "CanaryPercent": 10.0})
    );

    let t = template_json(
        &TempProject::new(&with_deployment(
            "{ strategy: linear, step_percent: 25, step_bake_minutes: 5, rollback_on_alarms: false }",
        ))
        .synth("prod")
        .unwrap(),
        "main",
    );
    let dc = &t["Resources"]["WebService"]["Properties"]["DeploymentConfiguration"];
    assert_eq!(dc["Strategy"], "LINEAR");
    assert_eq!(
        dc["LinearConfiguration"],
        json!({"StepBakeTimeInMinutes": 5, "StepPercent": 25.0})
    );
    assert!(dc.get("Alarms").is_none(), "rollback_on_alarms: false");
}

#[test]
fn malformed_deployments_fail_with_file_line_field_and_fix() {
    let valid = with_deployment("{ strategy: rolling }");
    let cases = [
        Case {
            name: "blue/green on the listener's default action",
            from: "    route: { paths: [\"/*\"], priority: 10 }",
            to: "    route: { default: true }",
            line: 31,
            field: "services.web.deployment.strategy",
            // `to` keeps the deployment line; the strategy is swapped below.
            says: &[],
        },
        Case {
            name: "canary percent not a tenth",
            from: "{ strategy: rolling }",
            to: "{ strategy: canary, canary_percent: 2.55 }",
            line: 31,
            field: "services.web.deployment.canary_percent",
            says: &[
                "2.55 is not a percentage ECS shifts",
                "multiple of 0.1 from 0.1 to 100",
            ],
        },
        Case {
            name: "linear step below ECS's minimum",
            from: "{ strategy: rolling }",
            to: "{ strategy: linear, step_percent: 1 }",
            line: 31,
            field: "services.web.deployment.step_percent",
            says: &["from 3 to 100"],
        },
        Case {
            name: "canary settings on a blue/green deployment",
            from: "{ strategy: rolling }",
            to: "{ strategy: blue-green, canary_percent: 10 }",
            line: 31,
            field: "services.web.deployment.canary_percent",
            says: &["'canary_percent' does not apply to a blue/green deployment"],
        },
        Case {
            name: "bake time over a day",
            from: "{ strategy: rolling }",
            to: "{ strategy: blue-green, bake_minutes: 2000 }",
            line: 31,
            field: "services.web.deployment.bake_minutes",
            says: &["0 to 1440 minutes"],
        },
        Case {
            name: "linear steps past CloudFormation's 33 hours",
            from: "{ strategy: rolling }",
            to: "{ strategy: linear, step_percent: 3, step_bake_minutes: 100 }",
            line: 31,
            field: "services.web.deployment",
            says: &["add up to 3315 minutes", "33 hours"],
        },
    ];
    for case in &cases[1..] {
        assert_fails_on(&valid, case);
    }
    // Blue/green without a rule of its own.
    let default_route = with_deployment("{ strategy: blue-green }").replace(
        "    route: { paths: [\"/*\"], priority: 10 }",
        "    route: { default: true }",
    );
    let case = Case {
        from: "environments:",
        to: "environments:",
        says: &[
            "a blue/green deployment shifts traffic on the service's listener rule; service 'web' has none",
            "route: { paths: [\"/*\"], priority: 100 }",
        ],
        ..cases[0]
    };
    assert_fails_on(&default_route, &case);
}
