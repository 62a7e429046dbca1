//! The generated CloudWatch dashboard, read the way an operator reads it:
//! which graphs it shows, and whether each alarm's threshold is on its graph.

use crate::support::*;
use serde_json::{Value, json};

/// The dashboard's widgets, with deploy-time values (a cluster's name, a
/// load balancer's full name) shown as `{Ref ...}` text.
fn widgets(t: &Value) -> Vec<Value> {
    let body = &t["Resources"]["Dashboard"]["Properties"]["DashboardBody"];
    let text: String = match body {
        Value::String(s) => s.clone(),
        _ => body["Fn::Join"][1]
            .as_array()
            .expect("a joined body")
            .iter()
            .map(|part| match part {
                Value::String(s) => s.clone(),
                expr => expr.to_string().replace('"', "'"),
            })
            .collect(),
    };
    let doc: Value = serde_json::from_str(&text).expect("the body is JSON");
    doc["widgets"].as_array().unwrap().clone()
}

fn graph<'a>(widgets: &'a [Value], title: &str) -> Option<&'a Value> {
    widgets.iter().find(|w| w["properties"]["title"] == title)
}

#[test]
fn every_alarm_is_drawn_on_the_graph_of_what_it_watches() {
    let mut drawn = 0;
    for ex in EXAMPLES {
        let dir = repo().join("examples").join(ex);
        let project = archgen::spec::Project::load(&dir).unwrap();
        let spec = &project.stacks[0].resolve("prod").unwrap().spec;
        let t = template_json(&synth_example(ex, "prod"), "main");
        let w = widgets(&t);
        for (name, a) in &spec.alarms {
            let title = match &a.metric {
                Some(metric) => format!("{}: {metric}", a.on),
                None => format!("{}: log events of {name}", a.on),
            };
            let g = graph(&w, &title).unwrap_or_else(|| panic!("{ex}: no graph '{title}'"));
            let value = a.above.or(a.below).unwrap();
            let lines = &g["properties"]["annotations"]["horizontal"];
            assert!(
                lines
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["value"] == json!(value)
                        && l["label"].as_str().unwrap().contains(name.as_str())),
                "{ex}: alarm {name} not drawn on '{title}': {lines}"
            );
            drawn += 1;
        }
    }
    assert!(drawn >= 10, "only {drawn} alarms in the examples");
}

#[test]
fn graphs_are_grouped_as_a_request_travels_and_select_their_component() {
    let t = template_json(&synth_example("user-management", "prod"), "main");
    let w = widgets(&t);
    let headings: Vec<&str> = w
        .iter()
        .filter(|w| w["type"] == "text")
        .map(|w| w["properties"]["markdown"].as_str().unwrap())
        .collect();
    assert_eq!(headings, ["## Load balancer", "## Services", "## Data"]);
    let db_cpu = graph(&w, "db: cpu").expect("the database's CPU");
    assert_eq!(
        db_cpu["properties"]["metrics"],
        json!([["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "{'Ref':'Db'}", {"stat": "Average"}]])
    );
    assert_eq!(
        t["Resources"]["Dashboard"]["Properties"]["DashboardName"],
        "user-management-prod-main"
    );
}

#[test]
fn the_spec_hides_graphs_adds_comparisons_or_turns_the_dashboard_off() {
    let spec = VALID.replace(
        "environments:",
        "dashboard:\n  hide: [worker]\n  compare:\n    - { title: CPU of both services, metric: cpu, on: [web, worker] }\nenvironments:",
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    let w = widgets(&t);
    assert!(graph(&w, "web: cpu").is_some());
    assert!(graph(&w, "worker: cpu").is_none(), "worker is hidden");
    let both = graph(&w, "CPU of both services").expect("the comparison");
    let labels: Vec<&str> = both["properties"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            line.as_array().unwrap().last().unwrap()["label"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(labels, ["web", "worker"]);

    let off = VALID.replace(
        "environments:",
        "dashboard: { enabled: false }\nenvironments:",
    );
    let t = template_json(&TempProject::new(&off).synth("prod").unwrap(), "main");
    assert!(t["Resources"].get("Dashboard").is_none());
}

#[test]
fn a_rate_alarm_divides_two_sums_with_metric_math_and_is_graphed_the_same_way() {
    // eyewear-retail: "error rate > 5%" on the backend's target groups
    // (two: the backend deploys blue/green, and serves from either).
    let t = template_json(&synth_example("eyewear-retail", "prod"), "main");
    let alarm = &t["Resources"]["BackendErrorRateAlarm"]["Properties"];
    assert!(alarm.get("MetricName").is_none() && alarm.get("Namespace").is_none());
    assert_eq!(alarm["Threshold"], json!(5.0));
    let queries = alarm["Metrics"].as_array().unwrap();
    assert_eq!(
        queries[0]["Expression"],
        "IF((den + den2) > 0, 100 * (num + num2) / (den + den2), 0)"
    );
    assert_eq!(queries[0]["ReturnData"], true);
    let sums: Vec<(&str, &str, &str)> = queries[1..]
        .iter()
        .map(|q| {
            assert_eq!(q["ReturnData"], false);
            assert_eq!(q["MetricStat"]["Stat"], "Sum");
            (
                q["Id"].as_str().unwrap(),
                q["MetricStat"]["Metric"]["MetricName"].as_str().unwrap(),
                q["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sums,
        [
            ("num", "HTTPCode_Target_5XX_Count", "BackendTargetGroup"),
            ("den", "RequestCount", "BackendTargetGroup"),
            (
                "num2",
                "HTTPCode_Target_5XX_Count",
                "BackendAlternateTargetGroup"
            ),
            ("den2", "RequestCount", "BackendAlternateTargetGroup"),
        ]
    );
    // Its graph computes the same percentage, with the threshold drawn.
    let w = widgets(&t);
    let g = graph(&w, "backend: 5xx-rate").expect("the rate's graph");
    let lines = g["properties"]["metrics"].as_array().unwrap();
    assert_eq!(
        lines[0][0]["expression"],
        "IF((den0 + den0s2) > 0, 100 * (num0 + num0s2) / (den0 + den0s2), 0)"
    );
    assert_eq!(lines[1][1], "HTTPCode_Target_5XX_Count");
    assert_eq!(lines[2][1], "RequestCount");
    assert_eq!(lines[3][1], "HTTPCode_Target_5XX_Count");
    assert_eq!(lines[4][1], "RequestCount");
    assert_eq!(
        g["properties"]["annotations"]["horizontal"][0]["value"],
        json!(5.0)
    );
}

#[test]
fn a_function_publishes_its_error_rate() {
    let t = template_json(&synth_example("multi-env-platform", "prod"), "main");
    let w = widgets(&t);
    let g = graph(&w, "worker: error-rate").expect("the worker's error rate");
    let lines = g["properties"]["metrics"].as_array().unwrap();
    assert_eq!(lines[1][1], "Errors");
    assert_eq!(lines[2][1], "Invocations");
}

#[test]
fn alerts_reach_slack_through_a_read_only_chatbot_and_pagerduty_without_its_key_in_the_template() {
    let s = synth_example("user-management", "prod");
    let t = template_json(&s, "main");
    let slack = &t["Resources"]["AlertsSlackChannel"]["Properties"];
    assert_eq!(slack["SnsTopicArns"], json!([{"Ref": "AlertsTopic"}]));
    // Without a guardrail Chatbot applies AdministratorAccess to the channel.
    assert_eq!(
        slack["GuardrailPolicies"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/CloudWatchReadOnlyAccess"}])
    );
    let role = &t["Resources"]["AlertsChatbotRole"]["Properties"];
    let actions = role["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"]
        .as_array()
        .unwrap();
    assert!(
        actions
            .iter()
            .all(|a| a.as_str().unwrap().starts_with("cloudwatch:Describe")
                || a.as_str().unwrap().starts_with("cloudwatch:Get")
                || a.as_str().unwrap().starts_with("cloudwatch:List")),
        "{actions:?}"
    );
    // PagerDuty: the endpoint is resolved from the secret at deploy time.
    let endpoint = &t["Resources"]["AlertsTopicHttps1Subscription"]["Properties"];
    assert_eq!(endpoint["Protocol"], "https");
    let text = endpoint["Endpoint"].to_string();
    assert!(
        text.contains("{{resolve:secretsmanager:") && text.contains("pagerduty-url"),
        "{text}"
    );
    let all = serde_json::to_string(&t).unwrap();
    assert!(!all.contains("events.pagerduty.com"));
}

#[test]
fn severe_alarms_go_to_the_urgent_topic_and_warnings_to_mail_only() {
    let t = template_json(&synth_example("eyewear-retail", "prod"), "main");
    let actions = |alarm: &str| t["Resources"][alarm]["Properties"]["AlarmActions"].clone();
    assert_eq!(
        actions("BackendErrorRateAlarm"),
        json!([{"Ref": "UrgentTopic"}])
    );
    assert_eq!(
        actions("FrontendCpuHighAlarm"),
        json!([{"Ref": "WarningTopic"}])
    );
    assert!(t["Resources"]["UrgentSlackChannel"].is_object());
    assert!(t["Resources"].get("WarningSlackChannel").is_none());
}

#[test]
fn a_stack_with_a_customer_key_encrypts_every_log_group_with_it() {
    let mut checked = 0;
    for ex in EXAMPLES {
        let dir = repo().join("examples").join(ex);
        let project = archgen::spec::Project::load(&dir).unwrap();
        let spec = project.stacks[0].resolve("prod").unwrap().spec.clone();
        let t = template_json(&synth_example(ex, "prod"), "main");
        let Some(key) = spec.keys.keys().next() else {
            // No customer key: the service key, and the suppression says so.
            for (id, g) in resources_of(&t, "AWS::Logs::LogGroup") {
                assert!(g["Properties"].get("KmsKeyId").is_none(), "{ex} {id}");
                assert!(
                    g["Metadata"].to_string().contains("CKV_AWS_158"),
                    "{ex} {id}"
                );
            }
            continue;
        };
        let key_id = format!("{}Key", archgen::naming::pascal(key));
        for (id, g) in resources_of(&t, "AWS::Logs::LogGroup") {
            assert_eq!(
                g["Properties"]["KmsKeyId"],
                json!({"Fn::GetAtt": [key_id, "Arn"]}),
                "{ex}: {id}"
            );
            assert!(
                !g["Metadata"].to_string().contains("CKV_AWS_158"),
                "{ex} {id}"
            );
            checked += 1;
        }
        // The key lets CloudWatch Logs use it, for this account's log groups.
        let policy = t["Resources"][&key_id]["Properties"]["KeyPolicy"]["Statement"].clone();
        let logs = policy
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "CloudWatchLogsEncryptsLogGroups")
            .unwrap_or_else(|| panic!("{ex}: {key_id} does not admit CloudWatch Logs"));
        assert_eq!(
            logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"})
        );
    }
    assert!(
        checked >= 10,
        "only {checked} log groups under a customer key"
    );

    // `service_key: true` keeps CloudWatch Logs' own key.
    let yaml =
        std::fs::read_to_string(example_dir("order-ledger").join("stacks/main.yaml")).unwrap();
    let opted_out = yaml.replace(
        "environments:",
        "logs: { service_key: true }\nenvironments:",
    );
    let t = template_json(&TempProject::new(&opted_out).synth("prod").unwrap(), "main");
    for (id, g) in resources_of(&t, "AWS::Logs::LogGroup") {
        assert!(g["Properties"].get("KmsKeyId").is_none(), "{id}");
    }
    let wrong = yaml.replace("environments:", "logs: { kms_key: ledgr }\nenvironments:");
    let err = TempProject::new(&wrong)
        .synth("prod")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("MON014") && err.contains("did you mean 'ledger'"),
        "{err}"
    );
}
