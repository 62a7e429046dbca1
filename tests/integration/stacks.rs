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
    // Its only ingress admits its own users task.
    let ingress: Vec<String> = resources_of(&data, "AWS::EC2::SecurityGroupIngress")
        .into_iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(ingress, ["DbFromDbUsersIngress"]);
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

/// The `rds-db:connect` statements of every role of `t`: (role, resources).
fn connect_statements(t: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (id, role) in resources_of(t, "AWS::IAM::Role") {
        for policy in role["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for st in policy["PolicyDocument"]["Statement"].as_array().unwrap() {
                if st["Action"].to_string().contains("rds-db:connect") {
                    out.push((id.clone(), st["Resource"].clone()));
                }
            }
        }
    }
    out
}

#[test]
fn a_workload_of_another_stack_connects_to_the_database_as_its_own_user() {
    for (env, instances) in [
        ("prod", vec!["DbResourceId", "DbReplica1ResourceId"]),
        ("dev", vec!["DbResourceId"]),
    ] {
        let s = synth_example(MULTI, env);
        let app = template_json(&s, "app");
        let data = template_json(&s, "data");
        // Only the connecting workload, only as its own user, on each
        // instance's resource id exported by the data stack.
        let expected: Vec<Value> = instances
            .iter()
            .map(|output| {
                serde_json::json!({"Fn::Sub": [
                    "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${ResourceId}/app_backend",
                    {"ResourceId": {"Fn::ImportValue": format!("eyewear-retail-{env}-data-{output}")}}
                ]})
            })
            .collect();
        assert_eq!(
            connect_statements(&app),
            vec![("BackendTaskRole".to_string(), Value::Array(expected))],
            "{env}"
        );
        // ... and is told who it is.
        let vars = env_of(&app, "BackendTaskDefinition");
        assert!(
            vars.contains(&("DB_USER".into(), serde_json::json!("app_backend"))),
            "{env}: {vars:?}"
        );
        // The data stack exports the resource ids, from the instances.
        assert_eq!(
            data["Outputs"]["DbResourceId"]["Value"],
            serde_json::json!({"Fn::GetAtt": ["Db", "DbiResourceId"]})
        );
        if env == "prod" {
            assert_eq!(
                data["Outputs"]["DbReplica1ResourceId"]["Value"],
                serde_json::json!({"Fn::GetAtt": ["DbReplica1", "DbiResourceId"]})
            );
        }
        // Its users task creates the importing workload's user, with the
        // privileges of its access level.
        let users = &data["Resources"]["DbUsers"]["Properties"];
        assert_eq!(
            users["Users"],
            serde_json::json!(["app_backend:read-write"])
        );
        let sql = data["Resources"]["DbUsersTaskDefinition"].to_string();
        assert!(
            sql.contains(r#"CREATE ROLE \"app_backend\" LOGIN"#),
            "{sql}"
        );
        assert!(
            sql.contains(r#"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"app_backend\";"#),
            "{sql}"
        );
    }
}

#[test]
fn the_multi_stack_example_no_longer_hands_the_master_secret_to_the_app() {
    let s = synth_example(MULTI, "prod");
    let app = template_json(&s, "app");
    let data = template_json(&s, "data");
    let secrets = app["Resources"]["BackendTaskDefinition"]["Properties"]["ContainerDefinitions"]
        [0]["Secrets"]
        .to_string();
    assert!(!secrets.contains("DB_PASSWORD"), "{secrets}");
    // Nothing of the app stack reads the master secret, and the data stack
    // exports it to no one.
    assert!(!app.to_string().contains("DbSecretArn"), "{app}");
    assert!(
        !data["Outputs"].to_string().contains("MasterUserSecret"),
        "{}",
        data["Outputs"]
    );
}

#[test]
fn a_workload_of_another_stack_reads_with_a_read_only_user_named_after_its_stack() {
    let data = "\
app: demo
region: ap-northeast-1
environments: { prod: {} }
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    public: { type: public, cidrs: [10.0.0.0/24, 10.0.3.0/24] }
    app: { type: private, cidrs: [10.0.1.0/24, 10.0.2.0/24] }
    data: { type: isolated, cidrs: [10.0.11.0/24, 10.0.12.0/24] }
  nat: single
databases:
  db: { engine: postgres, version: \"15.15\", instance: db.t3.medium }
functions:
  worker:
    code: { bucket: artifacts, key: worker.zip }
    runtime: python3.13
    handler: worker.handler
    tier: app
    connects_to: [db]
";
    let app = "\
app: demo
region: ap-northeast-1
environments: { prod: {} }
network_from: data
functions:
  report:
    code: { bucket: artifacts, key: report.zip }
    runtime: python3.13
    handler: report.handler
    tier: app
    connects_to: [data.db:read]
";
    let p = project(&[("data.yaml", data), ("app.yaml", app)]);
    let s = p.synth("prod").unwrap();
    let d = template_json(&s, "data");
    assert_eq!(
        d["Resources"]["DbUsers"]["Properties"]["Users"],
        serde_json::json!(["worker:read-write", "app_report:read"])
    );
    let sql = d["Resources"]["DbUsersTaskDefinition"].to_string();
    assert!(
        sql.contains(r#"GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"app_report\";"#),
        "{sql}"
    );
    let a = template_json(&s, "app");
    let grants = connect_statements(&a);
    assert_eq!(grants.len(), 1, "{grants:?}");
    assert_eq!(grants[0].0, "ReportFunctionRole");
    assert!(
        grants[0].1.to_string().ends_with(
            r#"/app_report",{"ResourceId":{"Fn::ImportValue":"demo-prod-data-DbResourceId"}}]}]"#
        ),
        "{}",
        grants[0].1
    );

    // A local workload whose user would be the same is refused.
    let clash = data.replace("  worker:\n", "  app-report:\n");
    let p = project(&[("data.yaml", &clash), ("app.yaml", app)]);
    let (exit, err) = p.synth_prod_cli();
    assert_eq!(exit, Some(1), "{err}");
    assert!(err.contains("error[DATA046]"), "{err}");
    assert!(
        err.contains("function 'report' of stack 'app' and function 'app-report' would both sign in to database 'db' as user 'app_report'"),
        "{err}"
    );
    assert!(err.contains("stacks/data.yaml:13"), "{err}");
}

#[test]
fn across_regions_connect_names_the_databases_region_and_its_parameter() {
    let data = "\
app: demo
region: ap-northeast-1
environments: { prod: {} }
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    public: { type: public, cidrs: [10.0.0.0/24, 10.0.3.0/24] }
    app: { type: private, cidrs: [10.0.1.0/24, 10.0.2.0/24] }
    data: { type: isolated, cidrs: [10.0.11.0/24, 10.0.12.0/24] }
  nat: single
databases:
  db: { engine: aurora-postgresql, version: \"15.10\", instance: db.r6g.large }
";
    let app_yaml = APP_IN_US_WEST.replace("data.orders:read", "data.db:read");
    // Without a route to the internet, the users task that the other
    // stack's workload needs is refused in the database's stack, as for a
    // local workload.
    let isolated = data
        .replace(
            "    public: { type: public, cidrs: [10.0.0.0/24, 10.0.3.0/24] }\n",
            "",
        )
        .replace(
            "    app: { type: private, cidrs: [10.0.1.0/24, 10.0.2.0/24] }\n",
            "",
        )
        .replace("  nat: single\n", "");
    let p = project(&[("data.yaml", &isolated), ("app.yaml", &app_yaml)]);
    let err = p.synth("prod").unwrap_err();
    assert!(err.contains("error[NET017]"), "{err}");
    assert!(
        err.contains("the task creating the workload users of database 'db'"),
        "{err}"
    );
    let p = project(&[("data.yaml", data), ("app.yaml", &app_yaml)]);
    let s = p.synth("prod").unwrap();
    let app = s.manifest.stacks.iter().find(|e| e.name == "app").unwrap();
    let source = &app.parameters["DataDbResourceId"];
    assert_eq!(
        (source.stack.as_str(), source.output.as_str()),
        ("data", "DbResourceId")
    );
    let a = template_json(&s, "app");
    assert_eq!(
        connect_statements(&a),
        vec![(
            "ReportFunctionRole".to_string(),
            serde_json::json!([{"Fn::Sub": [
                "arn:${AWS::Partition}:rds-db:ap-northeast-1:${AWS::AccountId}:dbuser:${ResourceId}/app_report",
                {"ResourceId": {"Ref": "DataDbResourceId"}}
            ]}])
        )]
    );
    let d = template_json(&s, "data");
    assert_eq!(
        d["Outputs"]["DbResourceId"]["Value"],
        serde_json::json!({"Fn::GetAtt": ["Db", "DBClusterResourceId"]})
    );
    assert_eq!(
        d["Resources"]["DbUsers"]["Properties"]["Users"],
        serde_json::json!(["app_report:read"])
    );
}
