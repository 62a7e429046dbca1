//! Identity, messaging and monitoring guarantees, checked on the
//! synthesized examples: user pools, queues and functions, alarms.

use crate::support::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn props<'a>(t: &'a Value, id: &str) -> &'a Value {
    let r = &t["Resources"][id];
    assert!(r.is_object(), "{id} missing");
    &r["Properties"]
}

/// Every action of a role's inline policies, with its statement's resources.
fn role_grants(t: &Value, role: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for p in props(t, role)["Policies"].as_array().into_iter().flatten() {
        for s in p["PolicyDocument"]["Statement"].as_array().unwrap() {
            for a in s["Action"].as_array().unwrap() {
                out.push((a.as_str().unwrap().to_string(), s["Resource"].clone()));
            }
        }
    }
    out
}

#[test]
fn user_pool_is_retained_everywhere_and_deletion_protected_in_prod_only() {
    for env in ENVIRONMENTS {
        let t = template_json(&synth_example("neuraknot", env), "main");
        let pool = &t["Resources"]["UsersUserPool"];
        assert_eq!(pool["DeletionPolicy"], "Retain", "{env}");
        assert_eq!(pool["UpdateReplacePolicy"], "Retain", "{env}");
        let expected = if *env == "prod" { "ACTIVE" } else { "INACTIVE" };
        assert_eq!(pool["Properties"]["DeletionProtection"], expected, "{env}");
        let pw = &pool["Properties"]["Policies"]["PasswordPolicy"];
        assert_eq!(pw["MinimumLength"], 8);
        assert_eq!(pw["TemporaryPasswordValidityDays"], 7);
        for class in [
            "RequireLowercase",
            "RequireUppercase",
            "RequireNumbers",
            "RequireSymbols",
        ] {
            assert_eq!(pw[class], true, "{env}: {class}");
        }
        // Email and username both sign in: username first, email an alias.
        assert_eq!(pool["Properties"]["AliasAttributes"], json!(["email"]));
        assert!(pool["Properties"].get("UsernameAttributes").is_none());
    }
}

#[test]
fn app_client_tokens_last_as_the_document_says_and_it_has_no_secret() {
    let t = template_json(&synth_example("neuraknot", "prod"), "main");
    let c = props(&t, "UsersUserPoolWebClient");
    let minutes = |value: &Value, unit: &Value| {
        value.as_u64().unwrap()
            * match unit.as_str().unwrap() {
                "minutes" => 1,
                "hours" => 60,
                "days" => 1440,
                u => panic!("unit {u}"),
            }
    };
    let units = &c["TokenValidityUnits"];
    assert_eq!(
        minutes(&c["AccessTokenValidity"], &units["AccessToken"]),
        60
    );
    assert_eq!(minutes(&c["IdTokenValidity"], &units["IdToken"]), 60);
    assert_eq!(
        minutes(&c["RefreshTokenValidity"], &units["RefreshToken"]),
        30 * 1440
    );
    assert_eq!(c["GenerateSecret"], false);
    assert_eq!(
        c["SupportedIdentityProviders"],
        json!(["COGNITO", "Google", "LINE", "X-Twitter"])
    );
}

#[test]
fn identity_provider_secrets_are_only_dynamic_references() {
    for env in ENVIRONMENTS {
        let t = template_json(&synth_example("neuraknot", env), "main");
        let providers = resources_of(&t, "AWS::Cognito::UserPoolIdentityProvider");
        assert_eq!(providers.len(), 3, "{env}");
        let mut keys = BTreeSet::new();
        for (id, p) in providers {
            let secret = p["Properties"]["ProviderDetails"]["client_secret"]
                .as_str()
                .unwrap_or_else(|| panic!("{env}: {id} client_secret is not a string"));
            let prefix = format!(
                "{{{{resolve:secretsmanager:neuraknot/{env}/oauth-credentials:SecretString:"
            );
            let key = secret
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix("}}"))
                .unwrap_or_else(|| panic!("{env}: {id}: {secret}"));
            keys.insert(key.to_string());
        }
        assert_eq!(keys.len(), 3, "{env}: each provider reads its own field");
    }
}

#[test]
fn a_literal_identity_provider_secret_is_refused_and_never_written() {
    let spec = VALID.replace(
        "environments:",
        "secrets:\n  idp: {}\nuser_pools:\n  users:\n    identity_providers:\n      google: { type: google, client_id: abc, client_secret: s3cr3t-value }\nenvironments:",
    );
    let err = TempProject::new(&spec).synth("prod").unwrap_err();
    assert!(err.contains("IDN003"), "{err}");
    let ok = TempProject::new(&spec.replace(
        "client_secret: s3cr3t-value",
        "client_secret: { secret: idp, key: google }",
    ))
    .synth("prod")
    .unwrap();
    let text = ok.template("main").unwrap().to_json();
    assert!(!text.contains("s3cr3t-value"));
    assert!(text.contains("{{resolve:secretsmanager:demo/prod/idp:SecretString:google}}"));
}

#[test]
fn the_backend_task_role_may_use_the_pool_it_connects_to_and_nothing_else_of_it() {
    let t = template_json(&synth_example("neuraknot", "prod"), "main");
    let grants = role_grants(&t, "BackendGoTaskRole");
    let cognito: Vec<_> = grants
        .iter()
        .filter(|(a, _)| a.starts_with("cognito-idp:"))
        .collect();
    assert!(!cognito.is_empty());
    for (a, r) in cognito {
        assert_eq!(r, &json!([{"Fn::GetAtt": ["UsersUserPool", "Arn"]}]), "{a}");
    }
    let env = &props(&t, "BackendGoTaskDefinition")["ContainerDefinitions"][0]["Environment"];
    assert!(
        env.as_array()
            .unwrap()
            .contains(&json!({"Name": "USERS_USER_POOL_ID", "Value": {"Ref": "UsersUserPool"}}))
    );
    // The other services did not ask for it.
    assert!(t["Resources"].get("PythonAiTaskRole").is_none());
}

#[test]
fn queues_have_a_dead_letter_queue_and_are_encrypted() {
    for env in ENVIRONMENTS {
        let t = template_json(&synth_example("multi-env-platform", env), "main");
        let q = props(&t, "JobsQueue");
        assert_eq!(
            q["RedrivePolicy"],
            json!({"deadLetterTargetArn": {"Fn::GetAtt": ["JobsDeadLetterQueue", "Arn"]}, "maxReceiveCount": 5})
        );
        assert_eq!(q["VisibilityTimeout"], 360);
        for id in ["JobsQueue", "JobsDeadLetterQueue"] {
            assert_eq!(
                props(&t, id)["KmsMasterKeyId"],
                json!({"Fn::GetAtt": ["DataKey", "Arn"]}),
                "{env}: {id}"
            );
        }
        // The key lets SQS use it on behalf of the account.
        let policy = props(&t, "DataKey")["KeyPolicy"].to_string();
        assert!(policy.contains("sqs.${AWS::Region}.amazonaws.com"), "{env}");
    }
    // Without a key: SSE-SQS, never unencrypted.
    let spec = VALID.replace("environments:", "queues:\n  jobs: {}\nenvironments:");
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    for id in ["JobsQueue", "JobsDeadLetterQueue"] {
        assert_eq!(props(&t, id)["SqsManagedSseEnabled"], true, "{id}");
    }
}

#[test]
fn the_worker_role_has_exactly_what_its_trigger_and_connections_imply() {
    let t = template_json(&synth_example("multi-env-platform", "prod"), "main");
    let grants = role_grants(&t, "WorkerFunctionRole");
    let actions: BTreeSet<&str> = grants.iter().map(|(a, _)| a.as_str()).collect();
    let expected: BTreeSet<&str> = [
        // its log group
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        // its network interfaces in the VPC
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
        // the trigger: consume jobs, decrypt its messages
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "kms:Decrypt",
        // connects_to: db (IAM authentication); cache needs no grant
        "rds-db:connect",
        // secrets: the cache's AUTH token (its key's kms:Decrypt is above)
        "secretsmanager:GetSecretValue",
        // tracing: true (the same grant a traced service gets)
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    ]
    .into();
    assert_eq!(actions, expected);
    for (a, r) in &grants {
        assert!(!a.contains('*'), "{a}");
        if a.starts_with("sqs:") {
            assert_eq!(r, &json!([{"Fn::GetAtt": ["JobsQueue", "Arn"]}]), "{a}");
        }
        if a.starts_with("logs:") {
            assert_eq!(
                r,
                &json!([{"Fn::GetAtt": ["WorkerFunctionLogs", "Arn"]}]),
                "{a}"
            );
        }
    }
    // The backend only sends.
    let backend: BTreeSet<String> = role_grants(&t, "BackendTaskRole")
        .into_iter()
        .filter(|(a, _)| a.starts_with("sqs:"))
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        backend,
        [
            "sqs:GetQueueAttributes".to_string(),
            "sqs:SendMessage".to_string()
        ]
        .into()
    );
    // The trigger, the function's placement and its network rules.
    let m = props(&t, "WorkerFromJobsTrigger");
    assert_eq!(
        m["EventSourceArn"],
        json!({"Fn::GetAtt": ["JobsQueue", "Arn"]})
    );
    assert_eq!(m["FunctionName"], json!({"Ref": "WorkerFunction"}));
    let f = props(&t, "WorkerFunction");
    assert_eq!(
        f["VpcConfig"]["SecurityGroupIds"],
        json!([{"Ref": "WorkerFunctionSecurityGroup"}])
    );
    assert_eq!(f["VpcConfig"]["SubnetIds"][0], json!({"Ref": "AppSubnet1"}));
    assert_eq!(f["TracingConfig"]["Mode"], "Active");
    assert_eq!(
        f["LoggingConfig"]["LogGroup"],
        json!({"Ref": "WorkerFunctionLogs"})
    );
    assert_eq!(props(&t, "WorkerFunctionLogs")["RetentionInDays"], 90);
    assert_eq!(props(&t, "DbFromWorkerIngress")["FromPort"], 3306);
    assert_eq!(props(&t, "CacheFromWorkerIngress")["FromPort"], 6379);
    let egress = &props(&t, "WorkerFunctionSecurityGroup")["SecurityGroupEgress"];
    assert_eq!(egress.as_array().unwrap().len(), 1);
    assert_eq!(egress[0]["FromPort"], 443);
}

#[test]
fn document_000_alarms_watch_the_right_metrics_and_notify_the_encrypted_topic() {
    for env in ENVIRONMENTS {
        let t = template_json(&synth_example("user-management", env), "main");
        let cases = [
            (
                "EcsCpuHighAlarm",
                "AWS/ECS",
                "CPUUtilization",
                80.0,
                300,
                json!([{"Name": "ClusterName", "Value": {"Ref": "Cluster"}}, {"Name": "ServiceName", "Value": {"Fn::GetAtt": ["ApiService", "Name"]}}]),
            ),
            (
                "RdsConnectionHighAlarm",
                "AWS/RDS",
                "DatabaseConnections",
                180.0,
                300,
                json!([{"Name": "DBInstanceIdentifier", "Value": {"Ref": "Db"}}]),
            ),
            (
                "Alb5xxErrorHighAlarm",
                "AWS/ApplicationELB",
                "HTTPCode_Target_5XX_Count",
                10.0,
                60,
                json!([{"Name": "LoadBalancer", "Value": {"Fn::GetAtt": ["LoadBalancer", "LoadBalancerFullName"]}}]),
            ),
            (
                "RedisMemoryHighAlarm",
                "AWS/ElastiCache",
                "DatabaseMemoryUsagePercentage",
                90.0,
                300,
                json!([{"Name": "CacheClusterId", "Value": {"Fn::Sub": "${Cache}-001"}}]),
            ),
        ];
        assert_eq!(
            resources_of(&t, "AWS::CloudWatch::Alarm").len(),
            cases.len(),
            "{env}"
        );
        for (id, ns, metric, threshold, period, dims) in cases {
            let a = props(&t, id);
            assert_eq!(a["Namespace"], ns, "{env}: {id}");
            assert_eq!(a["MetricName"], metric, "{env}: {id}");
            assert_eq!(a["Threshold"], threshold, "{env}: {id}");
            assert_eq!(a["Period"], period, "{env}: {id}");
            assert_eq!(
                a["ComparisonOperator"], "GreaterThanThreshold",
                "{env}: {id}"
            );
            assert_eq!(a["Dimensions"], dims, "{env}: {id}");
            assert_eq!(
                a["AlarmActions"],
                json!([{"Ref": "AlertsTopic"}]),
                "{env}: {id}"
            );
        }
        let topic = props(&t, "AlertsTopic");
        assert_eq!(
            topic["KmsMasterKeyId"],
            json!({"Fn::GetAtt": ["AlertsTopicKey", "Arn"]})
        );
        let statements = props(&t, "AlertsTopicKey")["KeyPolicy"]["Statement"].clone();
        assert!(
            statements
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["Principal"] == json!({"Service": "cloudwatch.amazonaws.com"})),
            "{env}: CloudWatch cannot publish to the topic"
        );
        // Email, and PagerDuty over HTTPS (the document's alert flow).
        let mut protocols: Vec<&str> = resources_of(&t, "AWS::SNS::Subscription")
            .into_iter()
            .map(|(_, s)| s["Properties"]["Protocol"].as_str().unwrap())
            .collect();
        protocols.sort();
        assert_eq!(protocols, ["email", "https"]);
        assert_eq!(
            props(&t, "AlertsTopicOpsExampleComSubscription")["Endpoint"],
            "ops@example.com"
        );
    }
}

#[test]
fn every_alarm_dimension_points_at_a_resource_of_its_template() {
    let mut alarms = 0;
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let t = template_json(&synth_example(ex, env), "main");
            for (id, a) in resources_of(&t, "AWS::CloudWatch::Alarm") {
                alarms += 1;
                // A plain alarm has Dimensions; a rate alarm one set per
                // metric-math query.
                let p = &a["Properties"];
                // A log-pattern alarm reads its metric filter's metric,
                // which has no dimensions: the filter must be in the template.
                if p.get("Dimensions").is_none() && p.get("Metrics").is_none() {
                    assert!(
                        resources_of(&t, "AWS::Logs::MetricFilter")
                            .iter()
                            .any(|(_, f)| {
                                let m = &f["Properties"]["MetricTransformations"][0];
                                m["MetricName"] == p["MetricName"]
                                    && m["MetricNamespace"] == p["Namespace"]
                            }),
                        "{ex} {env}: {id} reads no filter of the template"
                    );
                    continue;
                }
                let dimensions: Vec<&Value> = match p["Metrics"].as_array() {
                    Some(queries) => queries
                        .iter()
                        .filter_map(|q| q["MetricStat"]["Metric"]["Dimensions"].as_array())
                        .flatten()
                        .collect(),
                    None => p["Dimensions"].as_array().unwrap().iter().collect(),
                };
                assert!(!dimensions.is_empty(), "{ex} {env}: {id} has no dimension");
                for d in dimensions {
                    let v = &d["Value"];
                    let target = v["Ref"]
                        .as_str()
                        .or_else(|| v["Fn::GetAtt"][0].as_str())
                        .or_else(|| {
                            v["Fn::Sub"]
                                .as_str()
                                .and_then(|s| s.strip_prefix("${")?.split('}').next())
                        });
                    match target {
                        Some(r) => assert!(
                            t["Resources"].get(r).is_some(),
                            "{ex} {env}: {id} names {r}"
                        ),
                        None => assert!(v.is_string(), "{ex} {env}: {id}: {v}"),
                    }
                }
                for action in a["Properties"]["AlarmActions"].as_array().unwrap() {
                    let topic = action["Ref"].as_str().unwrap();
                    assert!(
                        props(&t, topic)["KmsMasterKeyId"].is_object(),
                        "{ex} {env}: {topic} unencrypted"
                    );
                }
            }
        }
    }
    assert!(alarms > 60, "only {alarms} alarms in the examples");
}

#[test]
fn an_alarm_on_a_replica_lag_exists_only_where_there_are_replicas() {
    let base = "databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\n    replicas: [{}]\ntopics:\n  ops: { emails: [ops@example.com] }\nalarms:\n  lag: { on: db, metric: replica-lag, above: 30 }\nenvironments:";
    let spec = VALID.replace("environments:", base);
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(
        props(&t, "LagAlarm")["Dimensions"],
        json!([{"Name": "DBInstanceIdentifier", "Value": {"Ref": "DbReplica1"}}])
    );
    let err = TempProject::new(&spec.replace("    replicas: [{}]\n", ""))
        .synth("prod")
        .unwrap_err();
    assert!(err.contains("does not publish 'replica-lag'"), "{err}");
}

#[test]
fn every_queue_triggered_function_has_a_concurrency_cap() {
    let mut mappings = 0;
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let t = template_json(&synth_example(ex, env), "main");
            for (id, m) in resources_of(&t, "AWS::Lambda::EventSourceMapping") {
                mappings += 1;
                let cap = &m["Properties"]["ScalingConfig"]["MaximumConcurrency"];
                assert_eq!(cap, &json!(10), "{ex} {env} {id}: the default cap");
            }
        }
    }
    assert!(
        mappings >= 3,
        "only {mappings} queue triggers in the examples"
    );
    // The cap is configurable, within the range SQS event sources take.
    let yaml = std::fs::read_to_string(example_dir("multi-env-platform").join("stacks/main.yaml"))
        .unwrap();
    assert!(yaml.contains("trigger: { queue: jobs, batch_size: 10 }"));
    let capped = yaml.replace(
        "trigger: { queue: jobs, batch_size: 10 }",
        "trigger: { queue: jobs, batch_size: 10, max_concurrency: 4 }",
    );
    let t = template_json(&TempProject::new(&capped).synth("prod").unwrap(), "main");
    let (_, m) = resources_of(&t, "AWS::Lambda::EventSourceMapping")[0];
    assert_eq!(
        m["Properties"]["ScalingConfig"]["MaximumConcurrency"],
        json!(4)
    );
    let err = TempProject::new(&capped.replace("max_concurrency: 4", "max_concurrency: 1"))
        .synth("prod")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("MSG001") && err.contains("functions.worker.trigger.max_concurrency"),
        "{err}"
    );
}
