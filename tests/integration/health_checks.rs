//! Route 53 health checks on the records `dns:` creates, as an operator
//! checks them: the check requests the right name, port and path from
//! us-east-1, its alarm reads `HealthCheckStatus` by the check's id and
//! notifies a us-east-1 topic whose destinations are the main topic's; and
//! malformed health checks fail with file, line and fix.

use crate::support::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const TOPICS: &str = "topics:
  alerts:
    emails: [ops@example.com]
    https: [{ url: \"https://hooks.example.com/alerts\" }]
    slack: { workspace: T0123ABCDE, channel: C0123ABCDE }
  urgent: { emails: [oncall@example.com] }
";

/// VALID with an HTTPS load balancer in `region`, two topics and `records`
/// (indented under `dns.records`).
fn with_records(region: &str, records: &str) -> String {
    VALID
        .replace("ap-northeast-1", region)
        .replacen(
            "  name: demo-alb",
            &format!(
                "  name: demo-alb\n  certificate: {{ arn: \"arn:aws:acm:{region}:123456789012:certificate/abc\" }}"
            ),
            1,
        )
        .replacen(
            "environments:",
            &format!(
                "{TOPICS}dns:\n  zones:\n    example.com: {{ id: Z0123456789EXAMPLE }}\n  records:\n{records}environments:"
            ),
            1,
        )
}

const API_CHECKED: &str =
    "    api.example.com: { load_balancer: true, health_check: { path: /health } }\n";

fn props<'a>(t: &'a Value, id: &str) -> &'a Value {
    let r = &t["Resources"][id];
    assert!(!r.is_null(), "no resource {id}");
    &r["Properties"]
}

/// (protocol, endpoint) of every subscription to topic resource `topic`.
fn subscriptions(t: &Value, topic: &str) -> BTreeSet<(String, String)> {
    resources_of(t, "AWS::SNS::Subscription")
        .iter()
        .filter(|(_, r)| r["Properties"]["TopicArn"] == json!({"Ref": topic}))
        .map(|(_, r)| {
            (
                r["Properties"]["Protocol"].as_str().unwrap().to_string(),
                r["Properties"]["Endpoint"].to_string(),
            )
        })
        .collect()
}

#[test]
fn a_health_check_requests_the_record_over_https_from_a_us_east_1_edge_stack() {
    // Without health checks this stack has no edge stack at all.
    let plain = with_records(
        "ap-northeast-1",
        "    api.example.com: { load_balancer: true }\n",
    );
    let s = TempProject::new(&plain).synth("prod").expect("synthesizes");
    assert_eq!(s.manifest.stacks.len(), 1);

    let s = TempProject::new(&with_records("ap-northeast-1", API_CHECKED))
        .synth("prod")
        .expect("synthesizes");
    let (edge, main) = (&s.manifest.stacks[0], &s.manifest.stacks[1]);
    assert_eq!(
        (edge.name.as_str(), edge.region.as_str()),
        ("main-edge", "us-east-1")
    );
    assert_eq!(main.depends_on, vec!["main-edge".to_string()]);
    let edge_t = template_json(&s, "main-edge");
    let main_t = template_json(&s, "main");
    assert!(resources_of(&main_t, "AWS::Route53::HealthCheck").is_empty());

    let hc = &props(&edge_t, "ApiExampleComHealthCheck")["HealthCheckConfig"];
    assert_eq!(hc["Type"], "HTTPS");
    assert_eq!(hc["FullyQualifiedDomainName"], "api.example.com");
    assert_eq!(hc["Port"], 443);
    assert_eq!(hc["ResourcePath"], "/health");
    assert_eq!(hc["RequestInterval"], 30);
    assert_eq!(hc["FailureThreshold"], 3);
    assert_eq!(hc["EnableSNI"], true);

    let alarm = props(&edge_t, "ApiExampleComHealthCheckAlarm");
    assert_eq!(alarm["Namespace"], "AWS/Route53");
    assert_eq!(alarm["MetricName"], "HealthCheckStatus");
    assert_eq!(alarm["Statistic"], "Minimum");
    assert_eq!(alarm["ComparisonOperator"], "LessThanThreshold");
    assert_eq!(alarm["Threshold"], 1.0);
    assert_eq!(
        alarm["Dimensions"],
        json!([{"Name": "HealthCheckId", "Value": {"Ref": "ApiExampleComHealthCheck"}}])
    );
    // Every topic by default, each a topic of the us-east-1 template.
    let actions = json!([{"Ref": "AlertsEdgeTopic"}, {"Ref": "UrgentEdgeTopic"}]);
    assert_eq!(alarm["AlarmActions"], actions);
    assert_eq!(alarm["OKActions"], actions);

    for (topic, main_topic) in [
        ("AlertsEdgeTopic", "AlertsTopic"),
        ("UrgentEdgeTopic", "UrgentTopic"),
    ] {
        // Encrypted with a us-east-1 key that lets CloudWatch publish.
        let key_id = props(&edge_t, topic)["KmsMasterKeyId"]["Fn::GetAtt"][0]
            .as_str()
            .expect("a key of the edge template")
            .to_string();
        let statements = props(&edge_t, &key_id)["KeyPolicy"]["Statement"].to_string();
        assert!(
            statements.contains("cloudwatch.amazonaws.com"),
            "{statements}"
        );
        // The same destinations as the main topic.
        let mirrored = subscriptions(&edge_t, topic);
        assert!(!mirrored.is_empty());
        assert_eq!(mirrored, subscriptions(&main_t, main_topic), "{topic}");
    }
    assert_eq!(
        props(&edge_t, "AlertsEdgeTopic")["TopicName"],
        "demo-prod-alerts-edge"
    );
    // Slack too, through a Chatbot configuration of its own (names are
    // unique per account).
    let slack = props(&edge_t, "AlertsEdgeSlackChannel");
    assert_eq!(slack["SnsTopicArns"], json!([{"Ref": "AlertsEdgeTopic"}]));
    assert_eq!(slack["SlackChannelId"], "C0123ABCDE");
    assert_ne!(
        slack["ConfigurationName"],
        props(&main_t, "AlertsSlackChannel")["ConfigurationName"]
    );
}

#[test]
fn notify_chooses_which_topics_are_copied_to_us_east_1() {
    let records = "    api.example.com: { load_balancer: true, health_check: { path: /health, notify: [urgent] } }\n";
    let s = TempProject::new(&with_records("ap-northeast-1", records))
        .synth("prod")
        .expect("synthesizes");
    let edge_t = template_json(&s, "main-edge");
    assert_eq!(
        props(&edge_t, "ApiExampleComHealthCheckAlarm")["AlarmActions"],
        json!([{"Ref": "UrgentEdgeTopic"}])
    );
    assert!(edge_t["Resources"]["AlertsEdgeTopic"].is_null());
}

#[test]
fn a_stack_in_us_east_1_keeps_its_health_checks_and_notifies_its_own_topics() {
    let s = TempProject::new(&with_records("us-east-1", API_CHECKED))
        .synth("prod")
        .expect("synthesizes");
    assert_eq!(s.manifest.stacks.len(), 1);
    let t = template_json(&s, "main");
    assert_eq!(
        props(&t, "ApiExampleComHealthCheck")["HealthCheckConfig"]["FullyQualifiedDomainName"],
        "api.example.com"
    );
    assert_eq!(
        props(&t, "ApiExampleComHealthCheckAlarm")["AlarmActions"],
        json!([{"Ref": "AlertsTopic"}, {"Ref": "UrgentTopic"}])
    );
    // The stack's own topics: no copy.
    assert_eq!(resources_of(&t, "AWS::SNS::Topic").len(), 2);
    assert_eq!(props(&t, "AlertsTopic")["TopicName"], "demo-prod-alerts");
}

#[test]
fn user_management_checks_its_two_public_names_in_production_only() {
    let s = synth_example("user-management", "prod");
    let edge_t = template_json(&s, "main-edge");
    let checks: BTreeSet<(String, String)> = resources_of(&edge_t, "AWS::Route53::HealthCheck")
        .iter()
        .map(|(_, r)| {
            let c = &r["Properties"]["HealthCheckConfig"];
            (
                c["FullyQualifiedDomainName"].as_str().unwrap().to_string(),
                c["ResourcePath"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        BTreeSet::from([
            ("api.example.com".to_string(), "/health".to_string()),
            ("example.com".to_string(), "/".to_string()),
        ])
    );
    // PagerDuty's URL is in a secret of ap-northeast-1, which us-east-1
    // cannot resolve: the copy has email and Slack, and synth says so.
    let main_t = template_json(&s, "main");
    let main_subs = subscriptions(&main_t, "AlertsTopic");
    let edge_subs = subscriptions(&edge_t, "AlertsEdgeTopic");
    assert_eq!(main_subs.len(), 2);
    assert_eq!(
        edge_subs,
        main_subs
            .into_iter()
            .filter(|(p, _)| p == "email")
            .collect()
    );
    assert!(!edge_t["Resources"]["AlertsEdgeSlackChannel"].is_null());
    assert!(
        s.notes.iter().any(|n| n.contains("pagerduty-url")),
        "{:?}",
        s.notes
    );
    let dev = template_json(&synth_example("user-management", "dev"), "main-edge");
    assert!(resources_of(&dev, "AWS::Route53::HealthCheck").is_empty());
}

/// Runs `synth prod` on `spec` and checks it fails with code `code` at the
/// line holding `at`, naming `field` and saying each of `says`.
fn assert_refused(spec: &str, at: &str, code: &str, field: &str, says: &[&str]) {
    let line = spec
        .lines()
        .position(|l| l.contains(at))
        .unwrap_or_else(|| panic!("'{at}' not in the spec"))
        + 1;
    let project = TempProject::new(spec);
    let (exit, stderr) = project.synth_prod_cli();
    assert_eq!(exit, Some(1), "{stderr}");
    for s in [
        format!("main.yaml:{line}:"),
        format!("field: {field}"),
        code.to_string(),
    ]
    .iter()
    .map(String::as_str)
    .chain(says.iter().copied())
    {
        assert!(stderr.contains(s), "expected '{s}' in\n{stderr}");
    }
    assert!(!project.path().join("out").exists());
}

#[test]
fn malformed_health_checks_fail_with_file_line_and_fix() {
    let relative = "    api.example.com: { load_balancer: true, health_check: { path: health } }\n";
    assert_refused(
        &with_records("ap-northeast-1", relative),
        "path: health",
        "MON037",
        "dns.records.api.example.com.health_check.path",
        &["does not start with '/'", "path: /health"],
    );
    // Two records, so the line must be the one of the record at fault
    // (keys holding dots are followed whole).
    let misspelt = "    www.example.com: { load_balancer: true }\n    \
                    api.example.com: { load_balancer: true, health_check: { path: /health, notify: [alert] } }\n";
    assert_refused(
        &with_records("ap-northeast-1", misspelt),
        "notify: [alert]",
        "MON038",
        "dns.records.api.example.com.health_check.notify[0]",
        &["there is no topic 'alert'", "did you mean 'alerts'?"],
    );
    let no_topics = with_records("ap-northeast-1", API_CHECKED).replacen(TOPICS, "", 1);
    assert_refused(
        &no_topics,
        "health_check:",
        "MON038",
        "dns.records.api.example.com.health_check",
        &["notifies nobody", "topics: { alerts:"],
    );
    let cloudfront_only = with_records("ap-northeast-1", API_CHECKED).replacen(
        "  name: demo-alb\n",
        "  name: demo-alb\n  ingress: cloudfront\n",
        1,
    );
    assert_refused(
        &cloudfront_only,
        "health_check:",
        "MON039",
        "dns.records.api.example.com.health_check",
        &["admits only CloudFront", "distribution's record"],
    );
    let plain_http = with_records("ap-northeast-1", API_CHECKED).replacen(
        "  certificate: { arn: \"arn:aws:acm:ap-northeast-1:123456789012:certificate/abc\" }\n",
        "",
        1,
    );
    assert_refused(
        &plain_http,
        "health_check:",
        "MON039",
        "dns.records.api.example.com.health_check",
        &["no certificate", "load_balancer.certificate"],
    );
    let unknown_field =
        "    api.example.com: { load_balancer: true, health_check: { paht: /health } }\n";
    assert_refused(
        &with_records("ap-northeast-1", unknown_field),
        "paht",
        "",
        "dns.records.api.example.com.health_check",
        &["paht"],
    );
}

#[test]
fn cfn_lint_and_checkov_pass_the_health_check_templates() {
    // The examples cover an edge stack that had one already; these cover a
    // stack that gets one for its health checks, and a us-east-1 stack.
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for region in ["ap-northeast-1", "us-east-1"] {
        let project = TempProject::new(&with_records(region, API_CHECKED));
        let s = project.synth("prod").expect("synthesizes");
        paths.extend(
            archgen::render::write(
                &s,
                &dir.path().join(region),
                project.path(),
                archgen::render::Format::Json,
            )
            .expect("write templates"),
        );
    }
    // main-edge and main in Tokyo; one template in us-east-1.
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_cfn_lint_clean(&paths);
    assert_checkov_clean(dir.path(), 50);
}
