//! Escape hatches (`resources:`, `overrides:`, `outputs:`): what a user adds
//! with them reaches the template, passes cfn-lint, is wired by
//! `connects_to`, and every mistake fails at its line with a fix.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::{Value, json};
use std::process::Command;

/// [`VALID`] plus, only through `resources:` and `connects_to`, a DynamoDB
/// table with a stream that `web` reads and writes, an EventBridge Scheduler
/// schedule that starts a Lambda function, and an SSM document; an override
/// and two outputs.
fn open_spec() -> String {
    VALID.replace("environments:", ESCAPE_HATCHES).replace(
        "    connects_to: [worker]\n",
        "    connects_to: [worker, Ledger:read-write]\n",
    )
}

const ESCAPE_HATCHES: &str = "\
functions:
  nightly:
    code: { bucket: demo-artifacts, key: nightly/1.0.0.zip }
    runtime: python3.13
    handler: app.handler
resources:
  Ledger:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }
      SSESpecification: { SSEEnabled: true }
      DeletionProtectionEnabled: true
    grants:
      read: [dynamodb:GetItem, dynamodb:Query]
      write: [dynamodb:PutItem, dynamodb:UpdateItem]
  NightlySchedulerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Principal: { Service: scheduler.amazonaws.com }, Action: sts:AssumeRole }
      Policies:
        - PolicyName: invoke-nightly
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - { Effect: Allow, Action: lambda:InvokeFunction, Resource: !GetAtt NightlyFunction.Arn }
  NightlySchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: 'cron(0 3 * * ? *)'
      ScheduleExpressionTimezone: Asia/Tokyo
      FlexibleTimeWindow: { Mode: 'OFF' }
      Target:
        Arn: { Fn::GetAtt: [NightlyFunction, Arn] }
        RoleArn: !GetAtt NightlySchedulerRole.Arn
        Input: { Fn::Sub: '{\"table\": \"${Ledger}\"}' }
  Runbook:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Command
      Content:
        schemaVersion: '2.2'
        description: Restart the worker
        mainSteps:
          - { action: 'aws:runShellScript', name: restart, inputs: { runCommand: [systemctl restart worker] } }
overrides:
  WebService:
    - { set: HealthCheckGracePeriodSeconds, value: 120 }
outputs:
  LedgerStreamArn: { value: { Fn::GetAtt: [Ledger, StreamArn] }, description: Ledger change stream, export: true }
  LedgerName: { value: !Ref Ledger }
environments:";

fn synth_open() -> Value {
    let s = TempProject::new(&open_spec()).synth("prod").unwrap();
    template_json(&s, "main")
}

#[test]
fn raw_resources_reach_the_template_as_written_with_short_tags_expanded() {
    let t = synth_open();
    let r = &t["Resources"];
    assert_eq!(r["Ledger"]["Type"], "AWS::DynamoDB::Table");
    assert_eq!(r["Ledger"]["DeletionPolicy"], "Retain");
    assert_eq!(
        r["Ledger"]["Properties"]["StreamSpecification"],
        json!({"StreamViewType": "NEW_AND_OLD_IMAGES"})
    );
    assert_eq!(r["NightlySchedule"]["Type"], "AWS::Scheduler::Schedule");
    assert_eq!(
        r["NightlySchedule"]["Properties"]["Target"]["RoleArn"],
        json!({"Fn::GetAtt": ["NightlySchedulerRole", "Arn"]})
    );
    assert_eq!(
        r["NightlySchedule"]["Properties"]["Target"]["Arn"],
        json!({"Fn::GetAtt": ["NightlyFunction", "Arn"]}),
        "the schedule starts archgen's function, by its logical id"
    );
    assert_eq!(r["NightlyFunction"]["Type"], "AWS::Lambda::Function");
    assert_eq!(r["Runbook"]["Type"], "AWS::SSM::Document");
    assert_eq!(
        r["Runbook"]["Properties"]["Content"]["schemaVersion"],
        "2.2"
    );
    assert_eq!(
        t["Outputs"]["LedgerStreamArn"],
        json!({"Description": "Ledger change stream",
               "Value": {"Fn::GetAtt": ["Ledger", "StreamArn"]},
               "Export": {"Name": "demo-prod-LedgerStreamArn"}})
    );
    assert_eq!(
        t["Outputs"]["LedgerName"]["Value"],
        json!({"Ref": "Ledger"})
    );
    assert!(t["Outputs"]["LedgerName"].get("Export").is_none());
}

#[test]
fn a_service_connected_to_a_raw_table_gets_exactly_its_declared_grants() {
    let t = synth_open();
    let statements: Vec<Value> = t["Resources"]["WebTaskRole"]["Properties"]["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap().clone())
        .filter(|s| s.to_string().contains("Ledger"))
        .collect();
    assert_eq!(
        statements,
        [
            json!({"Sid": "ReadLedger", "Effect": "Allow",
                   "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                   "Resource": [{"Fn::GetAtt": ["Ledger", "Arn"]}]}),
            json!({"Sid": "WriteLedger", "Effect": "Allow",
                   "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
                   "Resource": [{"Fn::GetAtt": ["Ledger", "Arn"]}]}),
        ]
    );
    // Read-only access gets the read actions only.
    let spec = open_spec().replace("Ledger:read-write", "Ledger:read");
    let s = TempProject::new(&spec).synth("prod").unwrap();
    let t = template_json(&s, "main");
    let text = t["Resources"]["WebTaskRole"].to_string();
    assert!(text.contains("dynamodb:GetItem") && !text.contains("dynamodb:PutItem"));
    // And the variables of the connection name the table.
    let web = t["Resources"]["WebTaskDefinition"].to_string();
    assert!(
        web.contains("LEDGER_ARN") && web.contains("LEDGER_REF"),
        "{web}"
    );
}

#[test]
fn overrides_patch_generated_resources_and_synth_notes_each() {
    let t = synth_open();
    assert_eq!(
        t["Resources"]["WebService"]["Properties"]["HealthCheckGracePeriodSeconds"],
        120
    );
    let project = TempProject::new(&open_spec());
    let out = archgen()
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("note: main (prod): override applied: set WebService.Properties.HealthCheckGracePeriodSeconds"),
        "{all}"
    );
}

#[test]
fn component_references_resolve_to_the_components_values() {
    let spec = open_spec().replace(
        "      DocumentType: Command\n",
        "      DocumentType: Command\n      Tags: [{ Key: worker-port, Value: { component: worker, attribute: port } }]\n",
    );
    let s = TempProject::new(&spec).synth("prod").unwrap();
    let t = template_json(&s, "main");
    assert_eq!(
        t["Resources"]["Runbook"]["Properties"]["Tags"],
        json!([{"Key": "worker-port", "Value": 9000}])
    );
}

#[test]
fn the_escape_hatch_project_passes_cfn_lint() {
    let (_dir, paths) = write_prod(&open_spec());
    assert_cfn_lint_clean(&paths);
}

const CASES: &[Case] = &[
    Case {
        name: "resource type that does not exist",
        from: "Type: AWS::SSM::Document",
        to: "Type: AWS::SSM::Documnet",
        line: 56,
        field: "resources.Runbook.Type",
        says: &[
            "error[RES002]",
            "not a CloudFormation resource type",
            "did you mean 'AWS::SSM::Document'",
        ],
    },
    Case {
        name: "resource type not in the stack's region",
        from: "Type: AWS::SSM::Document",
        to: "Type: AWS::IoTFleetWise::Campaign",
        line: 56,
        field: "resources.Runbook.Type",
        says: &[
            "error[RES002]",
            "no 'AWS::IoTFleetWise::Campaign' in ap-northeast-1",
            "it exists in",
        ],
    },
    Case {
        name: "missing required property",
        from: "      KeySchema: [{ AttributeName: id, KeyType: HASH }]\n",
        to: "",
        line: 22,
        field: "resources.Ledger.Properties.KeySchema",
        says: &[
            "error[RES003]",
            "missing required property 'KeySchema'",
            "add 'KeySchema:'",
        ],
    },
    Case {
        name: "misspelt property",
        from: "BillingMode: PAY_PER_REQUEST",
        to: "BilingMode: PAY_PER_REQUEST",
        line: 22,
        field: "resources.Ledger.Properties.BilingMode",
        says: &[
            "error[RES004]",
            "unknown property 'BilingMode'",
            "did you mean 'BillingMode'",
        ],
    },
    Case {
        name: "misspelt nested property",
        from: "KeySchema: [{ AttributeName: id, KeyType: HASH }]",
        to: "KeySchema: [{ AttributeName: id, KeyTyp: HASH }]",
        line: 24,
        field: "resources.Ledger.Properties.KeySchema[0].KeyTyp",
        says: &["error[RES004]", "did you mean 'KeyType'"],
    },
    Case {
        name: "value outside an enum",
        from: "StreamViewType: NEW_AND_OLD_IMAGES",
        to: "StreamViewType: NEW_AND_OLD",
        line: 25,
        field: "resources.Ledger.Properties.StreamSpecification.StreamViewType",
        says: &[
            "error[RES006]",
            "'NEW_AND_OLD' is not one of the values",
            "NEW_AND_OLD_IMAGES",
        ],
    },
    Case {
        name: "wrong type",
        from: "AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]",
        to: "AttributeDefinitions: { AttributeName: id, AttributeType: S }",
        line: 23,
        field: "resources.Ledger.Properties.AttributeDefinitions",
        says: &["error[RES005]", "expected a list, found a mapping"],
    },
    Case {
        name: "a Condition on a raw resource",
        from: "    Type: AWS::SSM::Document\n",
        to: "    Type: AWS::SSM::Document\n    Condition: IsProd\n",
        line: 57,
        field: "resources.Runbook.Condition",
        says: &["unknown field 'Condition'", "DependsOn"],
    },
    Case {
        name: "Properties that are not a mapping",
        from: "  Runbook:\n",
        to: "  Alerts:\n    Type: AWS::SNS::Topic\n    Properties: [a]\n  Runbook:\n",
        line: 57,
        field: "resources.Alerts.Properties",
        says: &[
            "error[RES005]",
            "Properties must be a mapping, found a list",
        ],
    },
    Case {
        name: "string over its maximum length",
        from: "ScheduleExpressionTimezone: Asia/Tokyo",
        to: "ScheduleExpressionTimezone: Asia/Tokyo/Asia/Tokyo/Asia/Tokyo/Asia/Tokyo/Asia/Tokyo",
        line: 49,
        field: "resources.NightlySchedule.Properties.ScheduleExpressionTimezone",
        says: &["error[RES006]", "the maximum is 50"],
    },
    Case {
        name: "reference to a missing logical id",
        from: "RoleArn: !GetAtt NightlySchedulerRole.Arn",
        to: "RoleArn: !GetAtt NightlySchedulerRoel.Arn",
        line: 53,
        field: "resources.NightlySchedule.Properties.Target.RoleArn",
        says: &[
            "error[RES007]",
            "no resource 'NightlySchedulerRoel'",
            "did you mean 'NightlySchedulerRole'",
        ],
    },
    Case {
        name: "GetAtt of an attribute the type does not report",
        from: "Fn::GetAtt: [Ledger, StreamArn]",
        to: "Fn::GetAtt: [Ledger, StreamARN]",
        line: 68,
        field: "outputs.LedgerStreamArn.value",
        says: &[
            "error[RES007]",
            "has no attribute 'StreamARN'",
            "did you mean 'StreamArn'",
        ],
    },
    Case {
        name: "a condition function",
        from: "Input: { Fn::Sub: '{\"table\": \"${Ledger}\"}' }",
        to: "Input: { Fn::If: [IsProd, a, b] }",
        line: 54,
        field: "resources.NightlySchedule.Properties.Target.Input",
        says: &["error[RES008]", "Fn::If needs a condition", "overlay"],
    },
    Case {
        name: "raw logical id taken by a generated resource",
        from: "  Runbook:\n",
        to: "  WebService:\n",
        line: 56,
        field: "resources.WebService",
        says: &[
            "error[RES001]",
            "logical id 'WebService' is taken",
            "use overrides.WebService",
        ],
    },
    Case {
        name: "override of a missing logical id",
        from: "  WebService:\n    - { set:",
        to: "  WebServce:\n    - { set:",
        line: 66,
        field: "overrides.WebServce",
        says: &[
            "error[RES011]",
            "no resource 'WebServce'",
            "did you mean 'WebService'",
        ],
    },
    Case {
        name: "override of a missing path",
        from: "{ set: HealthCheckGracePeriodSeconds, value: 120 }",
        to: "{ remove: DeploymentConfiguration.Alarms }",
        line: 66,
        field: "overrides.WebService[0]",
        says: &[
            "error[RES011]",
            "no property 'DeploymentConfiguration.Alarms' to remove",
        ],
    },
    Case {
        name: "override that sets an unknown property",
        from: "{ set: HealthCheckGracePeriodSeconds, value: 120 }",
        to: "{ set: HealthCheckGracePeriod, value: 120 }",
        line: 66,
        field: "overrides.WebService[0]",
        says: &[
            "error[RES004]",
            "unknown property 'HealthCheckGracePeriod'",
            "did you mean 'HealthCheckGracePeriodSeconds'",
        ],
    },
    Case {
        name: "override that sets a wrong type",
        from: "{ set: HealthCheckGracePeriodSeconds, value: 120 }",
        to: "{ set: HealthCheckGracePeriodSeconds, value: [120] }",
        line: 66,
        field: "overrides.WebService[0]",
        says: &["error[RES005]", "expected an integer, found a list"],
    },
    Case {
        name: "connecting to a raw resource without grants",
        from: "connects_to: [worker, Ledger:read-write]",
        to: "connects_to: [worker, Runbook]",
        line: 84,
        field: "services.web.connects_to[1]",
        says: &[
            "error[RES010]",
            "does not say what connecting to it grants",
            "grants:",
        ],
    },
    Case {
        name: "a service-wide wildcard grant",
        from: "read: [dynamodb:GetItem, dynamodb:Query]",
        to: "read: ['dynamodb:*']",
        line: 30,
        field: "resources.Ledger.grants.read[0]",
        says: &["error[RES010]", "not least privilege"],
    },
    Case {
        name: "component reference to an unknown attribute",
        from: "LedgerName: { value: !Ref Ledger }",
        to: "LedgerName: { value: { component: worker, attribute: hots } }",
        line: 69,
        field: "outputs.LedgerName.value",
        says: &["error[RES009]", "has no attribute 'hots'"],
    },
];

#[test]
fn malformed_raw_resources_and_overrides_fail_with_file_line_field_and_fix() {
    assert!(CASES.len() >= 10);
    let valid = open_spec();
    for case in CASES {
        assert_fails_on(&valid, case);
    }
}

/// The validator that checks raw resources and overrides finds nothing in
/// what archgen generates (which cfn-lint passes): no false alarms, so an
/// override is refused only for what it changed.
#[test]
fn every_generated_resource_of_every_example_passes_the_schema_validator() {
    use archgen_synth::schema;
    use archgen_synth::synth::raw::node_of;
    let mut problems = Vec::new();
    let mut validated = 0;
    for example in EXAMPLES {
        for env in ENVIRONMENTS {
            let s = synth_example(example, env);
            for (file, template) in &s.templates {
                for (id, resource) in &template.resources {
                    let Some(schema) = schema::schema(resource.type_name()) else {
                        continue;
                    };
                    validated += 1;
                    let props = Value::Object(resource.props.to_json());
                    let node = node_of(&props, Default::default());
                    for v in schema::validate(&node, "", &schema).violations {
                        problems.push(format!(
                            "{example}/{env}/{file}: {id}.{}: {}",
                            v.path, v.message
                        ));
                    }
                }
            }
        }
    }
    assert!(validated > 1000, "validated only {validated} resources");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn overlays_change_raw_resources_per_environment_and_errors_point_at_the_overlay() {
    let spec = open_spec().replace(
        "  dev: {}\n",
        "  dev:\n    resources:\n      Ledger:\n        DeletionPolicy: Delete\n        Properties: { DeletionProtectionEnabled: false, TableName: !Sub '${AWS::StackName}-ledger' }\n",
    );
    let project = TempProject::new(&spec);
    let dev = template_json(&project.synth("dev").unwrap(), "main");
    let ledger = &dev["Resources"]["Ledger"];
    assert_eq!(ledger["DeletionPolicy"], "Delete");
    assert_eq!(ledger["Properties"]["DeletionProtectionEnabled"], false);
    assert_eq!(
        ledger["Properties"]["TableName"],
        json!({"Fn::Sub": "${AWS::StackName}-ledger"})
    );
    let prod = template_json(&project.synth("prod").unwrap(), "main");
    assert_eq!(
        prod["Resources"]["Ledger"]["Properties"]["DeletionProtectionEnabled"],
        true
    );

    // A mistake in the dev overlay fails `synth prod` too, at the overlay's line.
    let broken = spec.replace(
        "DeletionProtectionEnabled: false",
        "DeletionProtectionEnabled: maybe",
    );
    let (code, stderr) = TempProject::new(&broken).synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    let line = broken
        .lines()
        .position(|l| l.contains("DeletionProtectionEnabled: maybe"))
        .unwrap()
        + 1;
    assert!(stderr.contains(&format!("main.yaml:{line}:")), "{stderr}");
    assert!(
        stderr.contains("error[RES005]") && stderr.contains("expected true or false"),
        "{stderr}"
    );
}

#[test]
fn short_tags_outside_the_escape_hatches_are_still_refused() {
    let spec = open_spec().replace("    port: 9000\n", "    port: !Ref Port\n");
    let (code, stderr) = TempProject::new(&spec).synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("error[YAML001]"), "{stderr}");
}

#[test]
fn an_override_in_another_environment_is_checked_too() {
    let spec = open_spec().replace(
        "  dev: {}\n",
        "  dev:\n    overrides:\n      WebServce:\n        - { remove: HealthCheckGracePeriodSeconds }\n",
    );
    let (code, stderr) = TempProject::new(&spec).synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error[RES011]") && stderr.contains("'WebServce'"),
        "{stderr}"
    );
}

#[test]
fn a_read_only_attribute_is_not_a_property() {
    let spec = open_spec().replace(
        "      BillingMode: PAY_PER_REQUEST\n",
        "      BillingMode: PAY_PER_REQUEST\n      StreamArn: arn:aws:dynamodb:x\n",
    );
    let (code, stderr) = TempProject::new(&spec).synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error[RES004]: 'StreamArn' is an attribute"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Fn::GetAtt: [Ledger, StreamArn]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 problem found"),
        "reported once:\n{stderr}"
    );
}

#[test]
fn a_function_connected_to_a_raw_table_reads_it_and_nothing_more() {
    let spec = open_spec().replace(
        "    handler: app.handler\n",
        "    handler: app.handler\n    connects_to: [Ledger:read]\n",
    );
    let s = TempProject::new(&spec).synth("prod").unwrap();
    let t = template_json(&s, "main");
    let role = t["Resources"]["NightlyFunctionRole"].to_string();
    assert!(role.contains("\"Sid\":\"ReadLedger\""), "{role}");
    assert!(
        !role.contains("WriteLedger") && !role.contains("dynamodb:PutItem"),
        "{role}"
    );
    let function = t["Resources"]["NightlyFunction"].to_string();
    assert!(function.contains("LEDGER_ARN"), "{function}");
}

#[test]
fn a_stack_over_500_resources_names_the_blocks_and_components_to_move() {
    let mut topics = String::from("resources:\n");
    for i in 0..480 {
        topics.push_str(&format!("  Topic{i}:\n    Type: AWS::SNS::Topic\n"));
    }
    let spec = VALID.replace("environments:", &format!("{topics}environments:"));
    let (code, stderr) = TempProject::new(&spec).synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error[STACK001]: stack 'main' has 5"),
        "{stderr}"
    );
    assert!(
        stderr.contains("resources; CloudFormation allows 500 per template"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the largest blocks here: resources: 480 resources (Topic0, Topic1, Topic2 and 477 more); services: "),
        "{stderr}"
    );
}

const EXISTING: &str = "\
existing:
  assets: { bucket: demo-company-assets }
  alerts: { topic: 'arn:aws:sns:ap-northeast-1:123456789012:alerts' }
environments:";

#[test]
fn existing_resources_are_connected_with_least_privilege_and_not_created() {
    let spec = VALID.replace("environments:", EXISTING).replace(
        "    connects_to: [worker]\n",
        "    connects_to: [worker, assets:read, alerts]\n",
    );
    let s = TempProject::new(&spec).synth("prod").unwrap();
    let t = template_json(&s, "main");
    // The only bucket is the load balancer's own access-log bucket.
    let buckets: Vec<&String> = resources_of(&t, "AWS::S3::Bucket")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(buckets, ["LoadBalancerLogBucket"]);
    assert!(resources_of(&t, "AWS::SNS::Topic").is_empty());
    let role = t["Resources"]["WebTaskRole"].to_string();
    assert!(role.contains(r#""Sid":"ReadAssetsObjects""#), "{role}");
    assert!(
        role.contains("arn:${AWS::Partition}:s3:::demo-company-assets/*"),
        "{role}"
    );
    assert!(!role.contains("s3:PutObject"), "read only: {role}");
    assert!(
        role.contains("arn:aws:sns:ap-northeast-1:123456789012:alerts")
            && role.contains("sns:Publish"),
        "{role}"
    );
    let web = t["Resources"]["WebTaskDefinition"].to_string();
    assert!(
        web.contains("ASSETS_NAME") && web.contains("demo-company-assets"),
        "{web}"
    );
    assert!(web.contains("ALERTS_TOPIC_ARN"), "{web}");
}

#[test]
fn a_malformed_existing_resource_fails_at_its_line() {
    for (from, to, field, says) in [
        (
            "bucket: demo-company-assets",
            "bucket: Demo_Assets",
            "existing.assets.bucket",
            "error[EXT002]",
        ),
        (
            ":123456789012:alerts'",
            ":1234:alerts'",
            "existing.alerts.topic",
            "12-digit account id",
        ),
        (
            "{ bucket: demo-company-assets }",
            "{ bucket: a-b-c, topic: x }",
            "existing.assets",
            "error[EXT001]",
        ),
    ] {
        let spec = VALID.replace("environments:", &EXISTING.replace(from, to));
        let (code, stderr) = TempProject::new(&spec).synth_prod_cli();
        assert_eq!(code, Some(1), "{stderr}");
        let line = spec.lines().position(|l| l.contains(to)).unwrap() + 1;
        assert!(
            stderr.contains(&format!("main.yaml:{line}:")),
            "{to}: line {line}\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("field: {field}")) && stderr.contains(says),
            "{stderr}"
        );
    }
}

/// [`VALID`]'s network as a VPC the network team owns.
fn with_existing_vpc(vpc_id: &str) -> String {
    VALID.replace(
        "  nat: single\n",
        &format!(
            "  nat: single\n  existing:\n    vpc_id: {vpc_id}\n    subnets:\n      public: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n      app: [subnet-0a1b2c3d4e5f60011, subnet-0a1b2c3d4e5f60012]\n      data: [subnet-0a1b2c3d4e5f60021, subnet-0a1b2c3d4e5f60022]\n"
        ),
    )
}

#[test]
fn an_existing_vpc_and_bucket_are_used_by_id_and_nothing_of_the_network_is_created() {
    let spec = with_existing_vpc("vpc-0123456789abcdef0")
        .replace("environments:", EXISTING)
        .replace(
            "    connects_to: [worker]\n",
            "    connects_to: [worker, assets:read-write]\n",
        );
    let project = TempProject::new(&spec);
    let t = template_json(&project.synth("prod").unwrap(), "main");
    for created in [
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::NatGateway",
        "AWS::EC2::RouteTable",
        "AWS::EC2::FlowLog",
    ] {
        assert!(resources_of(&t, created).is_empty(), "{created} created");
    }
    // The existing bucket is not created: the only bucket is the load
    // balancer's own access-log bucket.
    let buckets: Vec<&String> = resources_of(&t, "AWS::S3::Bucket")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(buckets, ["LoadBalancerLogBucket"]);
    let service =
        &t["Resources"]["WebService"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"];
    assert_eq!(
        service["Subnets"],
        json!(["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"])
    );
    let groups = resources_of(&t, "AWS::EC2::SecurityGroup");
    assert!(!groups.is_empty());
    for (id, g) in groups {
        assert_eq!(g["Properties"]["VpcId"], "vpc-0123456789abcdef0", "{id}");
    }
    let role = t["Resources"]["WebTaskRole"].to_string();
    assert!(
        role.contains("arn:${AWS::Partition}:s3:::demo-company-assets/*"),
        "{role}"
    );

    // And the template passes cfn-lint.
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("out");
    archgen()
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let lint = Command::new(tool("cfn-lint"))
        .arg(out.join("main.template.json"))
        .output()
        .expect("run cfn-lint");
    let report = String::from_utf8_lossy(&lint.stdout);
    assert!(
        lint.status.success() && report.trim().is_empty(),
        "cfn-lint findings:\n{report}"
    );
}

#[test]
fn a_malformed_existing_vpc_fails_at_its_line() {
    let spec = with_existing_vpc("vpc-123");
    let (code, stderr) = TempProject::new(&spec).synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    let line = spec
        .lines()
        .position(|l| l.contains("vpc_id: vpc-123"))
        .unwrap()
        + 1;
    assert!(stderr.contains(&format!("main.yaml:{line}:")), "{stderr}");
    assert!(
        stderr.contains("error[NET018]: 'vpc-123' is not a VPC id"),
        "{stderr}"
    );
    let spec =
        with_existing_vpc("vpc-0123456789abcdef0").replace(", subnet-0a1b2c3d4e5f60012]", "]");
    let (code, stderr) = TempProject::new(&spec).synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("tier 'app' has 1 subnet ids for 2 zones"),
        "{stderr}"
    );
    assert!(
        stderr.contains("field: network.existing.subnets.app"),
        "{stderr}"
    );
}

#[test]
fn a_raw_resource_refers_to_a_database_endpoint_port_and_security_group() {
    let database = "databases:
  db:
    engine: postgres
    version: \"15.15\"
    instance: db.t3.medium
    multi_az: true
    storage: { size_gb: 100, max_gb: 200 }
    backup: { retention_days: 7, window: \"03:00-04:00 Asia/Tokyo\" }
    maintenance_window: \"sun 04:00-05:00 Asia/Tokyo\"
resources:
  DbEndpoint:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: { component: db, attribute: endpoint }
      Description: { Fn::Sub: ['port ${P}', { P: { component: db, attribute: port } }] }
  Probe:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: { component: db, attribute: security_group }
      IpProtocol: tcp
      FromPort: 5432
      ToPort: 5432
      CidrIp: 10.0.11.0/24
      Description: a probe in the app tier
environments:";
    let spec = VALID.replace("environments:", database);
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    let p = &t["Resources"]["DbEndpoint"]["Properties"];
    assert_eq!(
        p["Value"],
        json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
    );
    assert_eq!(
        p["Description"],
        json!({"Fn::Sub": ["port ${P}", {"P": {"Fn::GetAtt": ["Db", "Endpoint.Port"]}}]})
    );
    let group = &t["Resources"]["Probe"]["Properties"]["GroupId"];
    assert_eq!(group["Fn::GetAtt"][1], "GroupId", "{group}");
    let sg = group["Fn::GetAtt"][0].as_str().unwrap();
    assert_eq!(t["Resources"][sg]["Type"], "AWS::EC2::SecurityGroup");
}
