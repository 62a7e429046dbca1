//! `log_pattern:` alarms, read as an operator checks them in the template:
//! the filter sits on the right log group, the alarm reads the filter's
//! metric, the database exports the log the filter reads, the dashboard
//! draws it; and malformed patterns fail with file, line and fix.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::json;

/// VALID with a topic, an Aurora PostgreSQL cluster, a MySQL instance and
/// `alarms`.
fn with_alarms(alarms: &str) -> String {
    VALID.replace(
        "environments:",
        &format!(
            "topics:\n  alerts: {{ emails: [ops@example.com] }}\n\
             databases:\n  db: {{ engine: aurora-postgresql, version: \"16.9\", instance: db.r6g.large }}\n  \
             legacy: {{ engine: mysql, version: \"8.4.6\", instance: db.t3.medium, parameters: {{ slow_query_log: 1, long_query_time: 1 }} }}\n\
             alarms:\n{alarms}environments:"
        ),
    )
}

const ALARMS: &str = "  web-errors: { on: web, log_pattern: '\"ERROR\"', above: 5, period: 60 }
  db-slow: { on: db, log_pattern: '\"duration:\"', above: 10 }
  legacy-slow: { on: legacy, log: slowquery, log_pattern: '\"Query_time\"', above: 3 }
";

#[test]
fn a_log_pattern_alarm_counts_matches_of_the_services_log_group() {
    let t = template_json(
        &TempProject::new(&with_alarms(ALARMS))
            .synth("prod")
            .unwrap(),
        "main",
    );
    let filter = &t["Resources"]["WebErrorsLogFilter"];
    assert_eq!(filter["Type"], "AWS::Logs::MetricFilter");
    let f = &filter["Properties"];
    assert_eq!(f["LogGroupName"], json!({"Ref": "WebLogGroup"}));
    assert_eq!(f["FilterPattern"], "\"ERROR\"");
    let m = &f["MetricTransformations"][0];
    assert_eq!(m["MetricNamespace"], "demo-prod-main");
    assert_eq!(m["MetricName"], "web-errors");
    assert_eq!(m["MetricValue"], "1");

    let alarm = &t["Resources"]["WebErrorsAlarm"]["Properties"];
    assert_eq!(alarm["Namespace"], m["MetricNamespace"]);
    assert_eq!(alarm["MetricName"], m["MetricName"]);
    assert_eq!(alarm["Statistic"], "Sum");
    assert_eq!(alarm["Period"], 60);
    assert_eq!(alarm["Threshold"], json!(5.0));
    assert_eq!(alarm["ComparisonOperator"], "GreaterThanThreshold");
    assert_eq!(alarm["TreatMissingData"], "notBreaching");
    assert_eq!(alarm["AlarmActions"], json!([{"Ref": "AlertsTopic"}]));
}

#[test]
fn a_database_log_alarm_reads_the_exported_log_and_turns_the_export_on() {
    // `log_exports: [upgrade]` leaves out the log the alarm needs: archgen adds it.
    let spec = with_alarms(ALARMS).replace(
        "instance: db.r6g.large }",
        "instance: db.r6g.large, log_exports: [iam-db-auth-error] }",
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    let aurora = &t["Resources"]["DbSlowLogFilter"]["Properties"];
    assert_eq!(
        aurora["LogGroupName"],
        json!({"Fn::Sub": "/aws/rds/cluster/${Db}/postgresql"})
    );
    assert_eq!(
        t["Resources"]["Db"]["Properties"]["EnableCloudwatchLogsExports"],
        json!(["iam-db-auth-error", "postgresql"])
    );
    assert_eq!(
        t["Resources"]["DbSlowAlarm"]["Properties"]["MetricName"],
        "db-slow"
    );

    let mysql = &t["Resources"]["LegacySlowLogFilter"]["Properties"];
    assert_eq!(
        mysql["LogGroupName"],
        json!({"Fn::Sub": "/aws/rds/instance/${Legacy}/slowquery"})
    );
    let exports = t["Resources"]["Legacy"]["Properties"]["EnableCloudwatchLogsExports"]
        .as_array()
        .unwrap();
    assert!(exports.contains(&json!("slowquery")), "{exports:?}");
    // RDS creates the exported group; archgen does not claim it.
    assert!(
        resources_of(&t, "AWS::Logs::LogGroup")
            .iter()
            .all(|(id, _)| !id.starts_with("Db") && !id.starts_with("Legacy")),
    );
}

#[test]
fn a_log_pattern_alarm_is_drawn_on_the_dashboard_with_its_threshold() {
    let t = template_json(
        &TempProject::new(&with_alarms(ALARMS))
            .synth("prod")
            .unwrap(),
        "main",
    );
    let body = t["Resources"]["Dashboard"]["Properties"]["DashboardBody"].to_string();
    // The body is JSON text inside the template: quotes are escaped once.
    for (title, metric, value) in [
        ("web: log events of web-errors", "web-errors", "5"),
        ("legacy: log events of legacy-slow", "legacy-slow", "3"),
    ] {
        assert!(body.contains(title), "no graph '{title}'");
        assert!(
            body.contains(&format!(r#"[\"demo-prod-main\",\"{metric}\""#)),
            "graph of {metric} does not read its filter's metric"
        );
        assert!(body.contains(&format!(r#"alarm {metric}: above {value}"#)));
    }
}

#[test]
fn malformed_log_pattern_alarms_fail_with_file_line_field_and_fix() {
    let valid = with_alarms("  ok: { on: web, metric: cpu, above: 80 }\n");
    let cases = [
        Case {
            name: "unclosed quote",
            from: "  ok: { on: web, metric: cpu, above: 80 }",
            to: "  bad: { on: web, log_pattern: '\"ERROR', above: 1 }",
            line: 17,
            field: "alarms.bad.log_pattern",
            says: &[
                "the quote opened at character 1 is never closed",
                "close the quote",
            ],
        },
        Case {
            name: "unbalanced JSON pattern",
            from: "  ok: { on: web, metric: cpu, above: 80 }",
            to: "  bad: { on: web, log_pattern: '{ $.level = \"error\"', above: 1 }",
            line: 17,
            field: "alarms.bad.log_pattern",
            says: &["'{' at character 1 is never closed", "balance the brackets"],
        },
        Case {
            name: "metric and pattern together",
            from: "  ok: { on: web, metric: cpu, above: 80 }",
            to: "  bad: { on: web, metric: cpu, log_pattern: ERROR, above: 1 }",
            line: 17,
            field: "alarms.bad",
            says: &["give either 'metric' or 'log_pattern', not both"],
        },
        Case {
            name: "pattern on a component without a log group",
            from: "  ok: { on: web, metric: cpu, above: 80 }",
            to: "  bad: { on: load_balancer, log_pattern: ERROR, above: 1 }",
            line: 17,
            field: "alarms.bad.on",
            says: &["there is no service or database with a log group 'load_balancer'"],
        },
        Case {
            name: "a log the engine does not export",
            from: "  ok: { on: web, metric: cpu, above: 80 }",
            to: "  bad: { on: db, log: slowquery, log_pattern: ERROR, above: 1 }",
            line: 17,
            field: "alarms.bad.log",
            says: &[
                "aurora-postgresql does not export a 'slowquery' log",
                "postgresql",
            ],
        },
        Case {
            name: "MySQL general log that is off",
            from: "  ok: { on: web, metric: cpu, above: 80 }",
            to: "  bad: { on: legacy, log: general, log_pattern: ERROR, above: 1 }",
            line: 17,
            field: "alarms.bad.log",
            says: &["does not write its 'general' log", "general_log: 1"],
        },
    ];
    for case in &cases {
        assert_fails_on(&valid, case);
    }
}
