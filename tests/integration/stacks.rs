//! Projects of several stacks: components and networks used across stacks
//! through exports (`Fn::ImportValue`) or, across regions, parameters fed by
//! outputs; the manifest's order; cycles and unknown references refused.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeSet;

const MULTI: &str = "eyewear-retail-stacks";

/// The actions of every statement of `role`'s policies, with the resource
/// each is granted on, as JSON text.
fn granted(t: &Value, role: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for policy in t["Resources"][role]["Properties"]["Policies"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for st in policy["PolicyDocument"]["Statement"].as_array().unwrap() {
            let actions = match &st["Action"] {
                Value::Array(a) => a.iter().map(|a| a.as_str().unwrap().to_string()).collect(),
                a => vec![a.as_str().unwrap().to_string()],
            };
            for a in actions {
                out.insert(a);
            }
        }
    }
    out
}

fn env_of(t: &Value, task: &str) -> Vec<(String, Value)> {
    t["Resources"][task]["Properties"]["ContainerDefinitions"][0]["Environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["Name"].as_str().unwrap().to_string(), e["Value"].clone()))
        .collect()
}

#[test]
fn the_multi_stack_example_deploys_in_dependency_order() {
    let s = synth_example(MULTI, "prod");
    let order: Vec<(&str, Vec<&str>)> = s
        .manifest
        .stacks
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.depends_on.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("network", vec![]),
            ("data", vec!["network"]),
            ("app-edge", vec![]),
            ("app", vec!["network", "data", "app-edge"]),
        ]
    );
}

#[test]
fn an_imported_component_gets_the_grants_rules_and_variables_of_a_local_one() {
    let multi = synth_example(MULTI, "prod");
    let single = synth_example("eyewear-retail", "prod");
    let app = template_json(&multi, "app");
    let data = template_json(&multi, "data");
    let main = template_json(&single, "main");

    // The same actions as when the database, cache and bucket are local.
    assert_eq!(
        granted(&app, "BackendTaskRole"),
        granted(&main, "BackendTaskRole")
    );
    assert_eq!(
        granted(&app, "BackendExecutionRole"),
        granted(&main, "BackendExecutionRole")
    );
    // ... on the data stack's resources, read from its exports.
    let text = app["Resources"]["BackendTaskRole"].to_string();
    assert!(
        text.contains(r#"{"Fn::ImportValue":"eyewear-retail-prod-data-UploadsArn"}"#),
        "{text}"
    );

    // The same variables, now imported.
    let vars = env_of(&app, "BackendTaskDefinition");
    let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
    let local = env_of(&main, "BackendTaskDefinition");
    let local_names: Vec<&str> = local.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, local_names);
    let host = &vars.iter().find(|(n, _)| n == "DB_HOST").unwrap().1;
    assert_eq!(
        host,
        &serde_json::json!({"Fn::ImportValue": "eyewear-retail-prod-data-DbHost"})
    );
    // Exported by the data stack under that name, from the database itself.
    assert_eq!(
        data["Outputs"]["DbHost"],
        serde_json::json!({
            "Description": "host of component Db of this stack, for the stacks that connect to it",
            "Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
            "Export": {"Name": "eyewear-retail-prod-data-DbHost"}
        })
    );

    // The ingress on the database's group is created by the importing
    // stack, on the imported group id; the data stack has none.
    let ingress = &app["Resources"]["DataDbFromBackendIngress"]["Properties"];
    assert_eq!(
        ingress["GroupId"],
        serde_json::json!({"Fn::ImportValue": "eyewear-retail-prod-data-DbSecurityGroupId"})
    );
    assert_eq!(ingress["FromPort"], 5432);
    assert_eq!(
        ingress["SourceSecurityGroupId"],
        serde_json::json!({"Fn::GetAtt": ["BackendSecurityGroup", "GroupId"]})
    );
    assert!(resources_of(&data, "AWS::EC2::SecurityGroupIngress").is_empty());
}

#[test]
fn a_stack_uses_the_network_of_another_through_its_exports() {
    let s = synth_example(MULTI, "staging");
    let app = template_json(&s, "app");
    assert!(resources_of(&app, "AWS::EC2::VPC").is_empty());
    assert!(resources_of(&app, "AWS::EC2::Subnet").is_empty());
    let lb = &resources_of(&app, "AWS::ElasticLoadBalancingV2::LoadBalancer")[0].1;
    assert_eq!(
        lb["Properties"]["Subnets"][1],
        serde_json::json!({"Fn::Select": [1, {"Fn::Split": [",", {"Fn::ImportValue": "eyewear-retail-staging-PublicSubnetIds"}]}]})
    );
    let network = template_json(&s, "network");
    assert_eq!(
        network["Outputs"]["PublicSubnetIds"]["Export"]["Name"],
        "eyewear-retail-staging-PublicSubnetIds"
    );
}

/// A project of the given stack files.
fn project(files: &[(&str, &str)]) -> TempProject {
    let p = TempProject::new("");
    std::fs::remove_file(p.path().join("stacks/main.yaml")).unwrap();
    for (name, yaml) in files {
        std::fs::write(p.path().join("stacks").join(name), yaml).unwrap();
    }
    p
}

const DATA: &str = "\
app: demo
region: ap-northeast-1
environments: { prod: {} }
tables:
  orders: { partition_key: { name: id, type: string } }
";

const APP_IN_US_WEST: &str = "\
app: demo
region: us-west-2
environments: { prod: {} }
functions:
  report:
    code: { bucket: artifacts, key: report.zip }
    runtime: python3.13
    handler: report.handler
    connects_to: [data.orders:read]
";

#[test]
fn across_regions_the_values_are_parameters_fed_by_the_exporters_outputs() {
    let p = project(&[("data.yaml", DATA), ("app.yaml", APP_IN_US_WEST)]);
    let s = p.synth("prod").unwrap();
    let app = s.manifest.stacks.iter().find(|e| e.name == "app").unwrap();
    assert_eq!(app.depends_on, ["data"]);
    let source = &app.parameters["DataOrdersTableArn"];
    assert_eq!(
        (source.stack.as_str(), source.output.as_str()),
        ("data", "OrdersTableArn")
    );
    let t = template_json(&s, "app");
    assert_eq!(t["Parameters"]["DataOrdersTableArn"]["Type"], "String");
    assert!(!t.to_string().contains("Fn::ImportValue"));
    assert!(
        t["Resources"]["ReportFunctionRole"]
            .to_string()
            .contains(r#"{"Ref":"DataOrdersTableArn"}"#),
        "{}",
        t["Resources"]["ReportFunctionRole"]
    );
    let data = template_json(&s, "data");
    assert_eq!(
        data["Outputs"]["OrdersTableArn"]["Value"],
        serde_json::json!({"Fn::GetAtt": ["OrdersTable", "Arn"]})
    );
}

#[test]
fn a_cycle_between_stacks_is_refused_with_each_reference_and_its_line() {
    let a = "\
app: demo
region: ap-northeast-1
environments: { prod: {} }
topics:
  alerts: { emails: [ops@example.com] }
functions:
  fa:
    code: { bucket: artifacts, key: a.zip }
    runtime: python3.13
    handler: a.handler
    connects_to: [b.jobs]
";
    let b = "\
app: demo
region: ap-northeast-1
environments: { prod: {} }
queues:
  jobs: {}
functions:
  fb:
    code: { bucket: artifacts, key: b.zip }
    runtime: python3.13
    handler: b.handler
    connects_to: [a.alerts]
";
    let p = project(&[("a.yaml", a), ("b.yaml", b)]);
    let (code, err) = p.synth_prod_cli();
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("error[STACK010]"), "{err}");
    assert!(
        err.contains("'a' uses 'b' (functions.fa.connects_to[0] at stacks/a.yaml:11), 'b' uses 'a' (functions.fb.connects_to[0] at stacks/b.yaml:11)"),
        "{err}"
    );
    assert!(!p.path().join("out").exists());
}

#[test]
fn a_reference_to_a_missing_stack_or_component_suggests_the_nearest() {
    let app = |target: &str| {
        APP_IN_US_WEST
            .replace("data.orders:read", target)
            .replace("us-west-2", "ap-northeast-1")
    };
    for (target, code, expected) in [
        (
            "dta.orders",
            "STACK007",
            "there is no stack 'dta' in this project",
        ),
        ("dta.orders", "STACK007", "did you mean 'data'?"),
        (
            "data.order",
            "STACK008",
            "stack 'data' has no component 'order'",
        ),
        ("data.order", "STACK008", "did you mean 'data.orders'?"),
        ("app.orders", "STACK007", "write 'orders'"),
    ] {
        let p = project(&[("data.yaml", DATA), ("app.yaml", &app(target))]);
        let (exit, err) = p.synth_prod_cli();
        assert_eq!(exit, Some(1), "{target}: {err}");
        assert!(err.contains(&format!("error[{code}]")), "{target}: {err}");
        assert!(err.contains(expected), "{target}: {err}");
        assert!(err.contains("stacks/app.yaml:9"), "{target}: {err}");
        assert!(
            err.contains("functions.report.connects_to[0]"),
            "{target}: {err}"
        );
    }
}

#[test]
fn network_from_needs_a_stack_with_a_network_in_the_same_region() {
    let net = "\
app: demo
region: ap-northeast-1
environments: { prod: {} }
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    data: { type: isolated, cidrs: [10.0.11.0/24, 10.0.12.0/24] }
";
    let user = |region: &str, from: &str| {
        format!(
            "app: demo\nregion: {region}\nenvironments: {{ prod: {{}} }}\nnetwork_from: {from}\n"
        )
    };
    for (region, from, expected) in [
        (
            "us-west-2",
            "network",
            "the network of stack 'network' is in ap-northeast-1",
        ),
        ("ap-northeast-1", "data", "stack 'data' declares no network"),
        ("ap-northeast-1", "netwrk", "did you mean 'network'?"),
    ] {
        let p = project(&[
            ("network.yaml", net),
            ("data.yaml", DATA),
            ("app.yaml", &user(region, from)),
        ]);
        let (exit, err) = p.synth_prod_cli();
        assert_eq!(exit, Some(1), "{err}");
        assert!(err.contains(expected), "{from}: {err}");
        assert!(err.contains("stacks/app.yaml:4"), "{from}: {err}");
    }
    let p = project(&[
        ("network.yaml", net),
        ("app.yaml", &user("ap-northeast-1", "network")),
    ]);
    let s = p.synth("prod").unwrap();
    let app = s.manifest.stacks.iter().find(|e| e.name == "app").unwrap();
    assert_eq!(app.depends_on, ["network"]);
}

#[test]
fn an_export_name_over_cloudformations_limit_is_refused() {
    let id = format!("Alerts{}", "X".repeat(245));
    let data = format!(
        "app: demo\nregion: ap-northeast-1\nenvironments: {{ prod: {{}} }}\nresources:\n  {id}:\n    Type: AWS::SQS::Queue\n    grants: {{ write: [sqs:SendMessage] }}\n"
    );
    let app = APP_IN_US_WEST
        .replace("us-west-2", "ap-northeast-1")
        .replace("data.orders:read", &format!("data.{id}:write"));
    let p = project(&[("data.yaml", &data), ("app.yaml", &app)]);
    let (exit, err) = p.synth_prod_cli();
    assert_eq!(exit, Some(1), "{err}");
    assert!(err.contains("error[STACK011]"), "{err}");
    assert!(
        err.contains("CloudFormation export names are at most 255"),
        "{err}"
    );
}

#[test]
fn a_raw_resource_reads_a_component_of_another_stack() {
    let data = DATA.replace(
        "environments: { prod: {} }",
        "environments: { dev: {}, prod: {} }",
    );
    let app = "\
app: demo
region: ap-northeast-1
environments: { dev: {}, prod: {} }
resources:
  OrdersTableParameter:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: { component: data.orders, attribute: table_name }
";
    let p = project(&[("data.yaml", &data), ("app.yaml", app)]);
    let s = p.synth("prod").unwrap();
    let t = template_json(&s, "app");
    assert_eq!(
        t["Resources"]["OrdersTableParameter"]["Properties"]["Value"],
        serde_json::json!({"Fn::ImportValue": "demo-prod-data-OrdersTableName"})
    );
}
