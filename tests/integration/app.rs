//! The application tier's guarantees, checked on the synthesized examples:
//! the security-group graph, least-privilege roles, listeners and scaling.

use crate::support::*;
use serde_json::{Value, json};

fn all_templates() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let s = synth_example(ex, env);
            for entry in &s.manifest.stacks {
                out.push((
                    format!("{ex}/{env}/{}", entry.name),
                    template_json(&s, &entry.name),
                ));
            }
        }
    }
    out
}

/// Every ingress rule of a template: (group logical id, rule).
fn ingress_rules(t: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (id, sg) in resources_of(t, "AWS::EC2::SecurityGroup") {
        for rule in sg["Properties"]["SecurityGroupIngress"]
            .as_array()
            .into_iter()
            .flatten()
        {
            out.push((id.clone(), rule.clone()));
        }
    }
    for (_, r) in resources_of(t, "AWS::EC2::SecurityGroupIngress") {
        let group = r["Properties"]["GroupId"]["Fn::GetAtt"][0]
            .as_str()
            .unwrap_or_default()
            .to_string();
        out.push((group, r["Properties"].clone()));
    }
    out
}

#[test]
fn solo_saving_backend_accepts_traffic_only_from_its_frontend() {
    for env in ENVIRONMENTS {
        let t = template_json(&synth_example("solo-saving", env), "main");
        let to_backend: Vec<Value> = ingress_rules(&t)
            .into_iter()
            .filter(|(g, _)| g == "BackendSecurityGroup")
            .map(|(_, r)| r)
            .collect();
        assert_eq!(to_backend.len(), 1, "{env}: {to_backend:#?}");
        assert_eq!(
            to_backend[0]["SourceSecurityGroupId"],
            json!({"Fn::GetAtt": ["FrontendSecurityGroup", "GroupId"]})
        );
        assert_eq!(to_backend[0]["FromPort"], 8000);
        assert_eq!(to_backend[0]["ToPort"], 8000);
        // The load balancer has no route and no egress to the backend.
        assert!(t["Resources"].get("BackendTargetGroup").is_none());
        assert!(t["Resources"].get("LoadBalancerToBackendEgress").is_none());
        assert!(
            t["Resources"]["BackendService"]["Properties"]
                .get("LoadBalancers")
                .is_none()
        );
        // The frontend reaches it by a stable name.
        let env_vars = &t["Resources"]["FrontendTaskDefinition"]["Properties"]["ContainerDefinitions"]
            [0]["Environment"];
        assert!(
            env_vars
                .as_array()
                .unwrap()
                .contains(&json!({"Name": "BACKEND_URL", "Value": "http://backend:8000"}))
        );
        let sc = &t["Resources"]["BackendService"]["Properties"]["ServiceConnectConfiguration"];
        assert_eq!(
            sc["Services"][0]["ClientAliases"],
            json!([{"Port": 8000, "DnsName": "backend"}])
        );
    }
}

#[test]
fn no_group_admits_the_internet_except_a_public_load_balancers_listener_ports() {
    for (name, t) in all_templates() {
        for (group, rule) in ingress_rules(&t) {
            let open = rule["CidrIp"] == "0.0.0.0/0" || rule["CidrIpv6"] == "::/0";
            if !open {
                continue;
            }
            assert_eq!(
                group, "LoadBalancerSecurityGroup",
                "{name}: {group} admits the internet: {rule}"
            );
            assert_eq!(
                t["Resources"]["LoadBalancer"]["Properties"]["Scheme"], "internet-facing",
                "{name}"
            );
            let port = rule["FromPort"].as_i64().unwrap();
            assert!(
                port == 80 || port == 443,
                "{name}: port {port} open to the internet"
            );
            assert_eq!(
                rule["FromPort"], rule["ToPort"],
                "{name}: a port range is open"
            );
        }
    }
}

#[test]
fn every_rule_between_groups_names_its_source_and_says_why() {
    for (name, t) in all_templates() {
        for (group, rule) in ingress_rules(&t) {
            assert!(
                rule["Description"].as_str().is_some_and(|d| d.len() > 10),
                "{name}: {group} rule without a description"
            );
            if group != "LoadBalancerSecurityGroup" && group != "EndpointSecurityGroup" {
                assert!(
                    rule.get("CidrIp").is_none(),
                    "{name}: {group} admits a CIDR instead of a group: {rule}"
                );
            }
        }
    }
}

fn statements(role: &Value) -> Vec<Value> {
    role["Properties"]["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| {
            p["PolicyDocument"]["Statement"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn each_execution_role_reads_only_the_secrets_its_service_references() {
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    let secret_reads = |role: &str| -> Vec<Value> {
        statements(&t["Resources"][role])
            .into_iter()
            .filter(|s| {
                s["Action"].as_array().unwrap().iter().any(|a| {
                    let a = a.as_str().unwrap();
                    a.starts_with("ssm:")
                        || a.starts_with("secretsmanager:")
                        || a.starts_with("kms:")
                })
            })
            .flat_map(|s| s["Resource"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let arn = |p: &str| json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{p}")});
    let mut backend = secret_reads("BackendExecutionRole");
    backend.sort_by_key(|v| v.to_string());
    assert_eq!(
        backend,
        vec![
            arn("solo-saving/prod/api-key"),
            arn("solo-saving/prod/jwt-secret")
        ]
    );
    assert!(secret_reads("FrontendExecutionRole").is_empty());
    // And the task definition injects them by reference, never by value.
    let secrets = &t["Resources"]["BackendTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
        ["Secrets"];
    assert_eq!(
        secrets,
        &json!([
            {"Name": "API_KEY", "ValueFrom": arn("solo-saving/prod/api-key")},
            {"Name": "JWT_SECRET", "ValueFrom": arn("solo-saving/prod/jwt-secret")}
        ])
    );
}

#[test]
fn no_policy_grants_a_wildcard_action_and_wildcard_resources_carry_a_reason() {
    for (name, t) in all_templates() {
        for (id, role) in resources_of(&t, "AWS::IAM::Role") {
            // The one exception: CloudFormation's execution role (`ci:`)
            // creates every resource of the stacks, so it holds whole
            // services (never IAM), and says so to checkov.
            let trusted =
                &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"];
            let execution_role = trusted == &json!({"Service": "cloudformation.amazonaws.com"});
            if execution_role {
                let skips = role["Metadata"]["checkov"]["skip"].as_array().unwrap();
                assert!(
                    skips.iter().any(|s| s["id"] == "CKV_AWS_111"),
                    "{name}: {id}"
                );
            }
            for s in statements(role) {
                for a in s["Action"].as_array().unwrap() {
                    let a = a.as_str().unwrap();
                    let whole_service = execution_role
                        && s["Sid"] == "ManageTheStacksResources"
                        && a.ends_with(":*")
                        && !a.starts_with("iam:");
                    assert!(
                        !a.contains('*')
                            || whole_service
                            || (execution_role
                                && a == "iam:*"
                                && s["Sid"] == "ManageThisAppsRoles"),
                        "{name}: {id} grants {a}"
                    );
                }
                if s["Resource"]
                    .as_array()
                    .is_some_and(|r| r.contains(&json!("*")))
                {
                    for a in s["Action"].as_array().unwrap() {
                        let reason =
                            &role["Metadata"]["archgen"]["wildcard_resources"][a.as_str().unwrap()];
                        assert!(
                            reason.is_string(),
                            "{name}: {id} grants {a} on * without a reason"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn images_are_pulled_only_from_their_own_repository() {
    let t = template_json(&synth_example("neuraknot", "prod"), "main");
    let pull = statements(&t["Resources"]["BackendGoExecutionRole"])
        .into_iter()
        .find(|s| s["Sid"] == "PullImage")
        .unwrap();
    assert_eq!(
        pull["Resource"],
        json!([{"Fn::GetAtt": ["BackendGoRepository", "Arn"]}])
    );
    let logs = statements(&t["Resources"]["BackendGoExecutionRole"])
        .into_iter()
        .find(|s| s["Sid"] == "WriteLogs")
        .unwrap();
    assert_eq!(
        logs["Resource"],
        json!([{"Fn::GetAtt": ["BackendGoLogGroup", "Arn"]}])
    );
    // No declared connection implies no task role at all.
    assert!(t["Resources"].get("NextjsFrontendTaskRole").is_none());
}

#[test]
fn http_redirects_to_https_with_a_modern_tls_policy() {
    let t = template_json(&synth_example("user-management", "prod"), "main");
    let http = &t["Resources"]["HttpListener"]["Properties"];
    assert_eq!(http["Port"], 80);
    assert_eq!(http["DefaultActions"][0]["Type"], "redirect");
    assert_eq!(
        http["DefaultActions"][0]["RedirectConfig"]["Protocol"],
        "HTTPS"
    );
    let https = &t["Resources"]["HttpsListener"]["Properties"];
    assert_eq!(https["Port"], 443);
    assert_eq!(https["SslPolicy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert_eq!(
        https["Certificates"][0]["CertificateArn"],
        json!({"Ref": "Certificate"})
    );
    assert_eq!(
        https["DefaultActions"][0]["TargetGroupArn"],
        json!({"Ref": "ApiTargetGroup"})
    );
    let attrs = &t["Resources"]["LoadBalancer"]["Properties"]["LoadBalancerAttributes"];
    assert!(attrs.as_array().unwrap().contains(
        &json!({"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"})
    ));
}

#[test]
fn user_management_scales_as_its_document_says() {
    let t = template_json(&synth_example("user-management", "prod"), "main");
    let r = &t["Resources"];
    assert_eq!(r["ApiService"]["Properties"]["DesiredCount"], 4);
    let target = &r["ApiScalableTarget"]["Properties"];
    assert_eq!(
        (target["MinCapacity"].clone(), target["MaxCapacity"].clone()),
        (json!(2), json!(10))
    );
    assert_eq!(
        target["ScheduledActions"],
        json!([
            {"ScheduledActionName": "api-weekday-morning", "Schedule": "cron(0 9 ? * MON-FRI *)", "Timezone": "Asia/Tokyo", "ScalableTargetAction": {"MinCapacity": 4}},
            {"ScheduledActionName": "api-weekday-night", "Schedule": "cron(0 22 ? * MON-FRI *)", "Timezone": "Asia/Tokyo", "ScalableTargetAction": {"MinCapacity": 2}}
        ])
    );
    assert_eq!(
        r["ApiCpuScaling"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        70.0
    );
    assert_eq!(
        r["ApiMemoryScaling"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        80.0
    );
    let tg = &r["ApiTargetGroup"]["Properties"];
    assert_eq!(
        (
            tg["TargetType"].clone(),
            tg["Port"].clone(),
            tg["HealthCheckPath"].clone()
        ),
        (json!("ip"), json!(3000), json!("/health"))
    );
    assert_eq!(tg["HealthCheckIntervalSeconds"], 30);
    let td = &r["ApiTaskDefinition"]["Properties"];
    assert_eq!(
        (td["Cpu"].clone(), td["Memory"].clone()),
        (json!("512"), json!("1024"))
    );
    let svc = &r["ApiService"]["Properties"];
    assert_eq!(
        svc["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "DISABLED"
    );
    assert_eq!(
        svc["DeploymentConfiguration"]["DeploymentCircuitBreaker"],
        json!({"Enable": true, "Rollback": true})
    );
}

#[test]
fn neuraknot_sizes_counts_and_deletion_protection_follow_the_environment() {
    for (env, count, protected) in [("dev", 1, "false"), ("prod", 2, "true")] {
        let t = template_json(&synth_example("neuraknot", env), "main");
        let r = &t["Resources"];
        for (svc, cpu, mem, port) in [
            ("BackendGo", "256", "512", 8080),
            ("PythonAi", "512", "1024", 8000),
            ("NextjsFrontend", "256", "512", 3000),
        ] {
            let td = &r[format!("{svc}TaskDefinition")]["Properties"];
            assert_eq!(
                (td["Cpu"].as_str().unwrap(), td["Memory"].as_str().unwrap()),
                (cpu, mem),
                "{env} {svc}"
            );
            assert_eq!(
                td["ContainerDefinitions"][0]["PortMappings"][0]["ContainerPort"],
                port
            );
            assert_eq!(
                r[format!("{svc}Service")]["Properties"]["DesiredCount"],
                count,
                "{env} {svc}"
            );
        }
        let attrs = r["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]
            .as_array()
            .unwrap();
        assert!(
            attrs.contains(&json!({"Key": "deletion_protection.enabled", "Value": protected})),
            "{env}"
        );
        let lifecycle: Value = serde_json::from_str(
            r["BackendGoRepository"]["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(lifecycle["rules"][0]["selection"]["countNumber"], 1);
        assert_eq!(lifecycle["rules"][1]["selection"]["countNumber"], 10);
        assert_eq!(
            r["BackendGoRepository"]["Properties"]["RepositoryName"],
            format!("neuraknot-{env}-backend-go")
        );
    }
}

#[test]
fn a_connection_gives_exactly_its_rule_grant_and_variables() {
    let t = template_json(&synth_example("user-management", "prod"), "main");
    let r = &t["Resources"];
    // The database admits the API's group on 5432, and the API may send there.
    let ingress = &r["DbFromApiIngress"]["Properties"];
    assert_eq!(
        ingress["GroupId"],
        json!({"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]})
    );
    assert_eq!(
        ingress["SourceSecurityGroupId"],
        json!({"Fn::GetAtt": ["ApiSecurityGroup", "GroupId"]})
    );
    assert_eq!(
        (ingress["FromPort"].clone(), ingress["ToPort"].clone()),
        (json!(5432), json!(5432))
    );
    assert_eq!(
        r["ApiToDbEgress"]["Properties"]["DestinationSecurityGroupId"],
        json!({"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]})
    );
    assert_eq!(r["CacheFromApiIngress"]["Properties"]["FromPort"], 6379);
    // Nothing else may reach the database (but the deploy-time task that
    // creates its workload users) or the cache.
    for (group, reachers) in [
        (
            "DbSecurityGroup",
            &["ApiSecurityGroup", "DbUsersTaskSecurityGroup"][..],
        ),
        ("CacheSecurityGroup", &["ApiSecurityGroup"][..]),
    ] {
        let mut sources: Vec<Value> = ingress_rules(&t)
            .into_iter()
            .filter(|(g, _)| g == group)
            .map(|(_, r)| r["SourceSecurityGroupId"].clone())
            .collect();
        sources.sort_by_key(Value::to_string);
        let expected: Vec<Value> = reachers
            .iter()
            .map(|g| json!({"Fn::GetAtt": [g, "GroupId"]}))
            .collect();
        assert_eq!(sources, expected, "{group}");
    }
    // The task role holds the bucket grants on exactly that bucket.
    let grants = statements(&r["ApiTaskRole"]);
    let buckets: Vec<&Value> = grants
        .iter()
        .filter(|s| s["Action"][0].as_str().unwrap().starts_with("s3:"))
        .flat_map(|s| s["Resource"].as_array().unwrap())
        .collect();
    assert!(!buckets.is_empty());
    for b in buckets {
        assert!(
            b.to_string().contains("UploadsBucket"),
            "grant outside the uploads bucket: {b}"
        );
    }
    // Endpoints and its database user arrive as variables; no password.
    let c = &r["ApiTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    let env = c["Environment"].as_array().unwrap();
    assert!(env.contains(
        &json!({"Name": "DB_HOST", "Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}})
    ));
    assert!(env.contains(&json!({"Name": "DB_USER", "Value": "api"})));
    assert!(env.contains(&json!({"Name": "UPLOADS_NAME", "Value": {"Ref": "UploadsBucket"}})));
    assert!(
        env.iter()
            .all(|v| !v["Name"].as_str().unwrap().contains("PASSWORD"))
    );
    assert!(
        c["Secrets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s.to_string().contains("MasterUserSecret")),
        "{c}"
    );
    // The execution role reads those secrets and no others.
    let mut reads: Vec<String> = statements(&r["ApiExecutionRole"])
        .into_iter()
        .filter(|s| s["Action"] == json!(["secretsmanager:GetSecretValue"]))
        .flat_map(|s| {
            s["Resource"]
                .as_array()
                .unwrap()
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    reads.sort();
    assert_eq!(reads.len(), 2, "{reads:?}");
    assert!(
        reads.iter().any(|r| r.contains("JwtSecret"))
            && reads.iter().any(|r| r.contains("CacheAuthToken"))
    );
}

#[test]
fn load_balancer_logs_go_to_the_logs_bucket_which_admits_elb_for_the_region() {
    let t = template_json(&synth_example("user-management", "prod"), "main");
    let r = &t["Resources"];
    let attrs = r["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]
        .as_array()
        .unwrap();
    assert!(
        attrs.contains(&json!({"Key": "access_logs.s3.bucket", "Value": {"Ref": "LogsBucket"}}))
    );
    assert!(attrs.contains(&json!({"Key": "access_logs.s3.prefix", "Value": "alb"})));
    assert_eq!(r["LoadBalancer"]["DependsOn"], json!(["LogsBucketPolicy"]));
    let statements = r["LogsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let elb = statements
        .iter()
        .find(|s| s["Sid"] == "AllowLoadBalancerAccessLogs")
        .unwrap();
    // ap-northeast-1's Elastic Load Balancing account.
    assert_eq!(
        elb["Principal"],
        json!({"AWS": "arn:aws:iam::582318560864:root"})
    );
    assert_eq!(
        elb["Resource"],
        json!([{"Fn::Sub": "${LogsBucket.Arn}/alb/AWSLogs/${AWS::AccountId}/*"}])
    );
    // The TLS-only statement is still there: one policy, extended.
    assert!(
        statements
            .iter()
            .any(|s| s["Sid"] == "DenyInsecureTransport")
    );
}

#[test]
fn a_traced_service_runs_the_xray_daemon_beside_it_and_may_only_send_traces() {
    let t = template_json(&synth_example("multi-env-platform", "prod"), "main");
    let r = &t["Resources"];
    let containers = r["BackendTaskDefinition"]["Properties"]["ContainerDefinitions"]
        .as_array()
        .unwrap();
    assert_eq!(containers.len(), 2);
    let daemon = &containers[1];
    assert_eq!(
        (daemon["Name"].clone(), daemon["Essential"].clone()),
        (json!("xray-daemon"), json!(false))
    );
    assert_eq!(
        daemon["PortMappings"],
        json!([{"ContainerPort": 2000, "Protocol": "udp"}])
    );
    assert!(
        containers[0]["Environment"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "AWS_XRAY_DAEMON_ADDRESS", "Value": "127.0.0.1:2000"}))
    );
    let xray = statements(&r["BackendTaskRole"])
        .into_iter()
        .find(|s| s["Sid"] == "XRayTraces")
        .unwrap();
    assert!(
        xray["Action"].as_array().unwrap().iter().all(|a| a
            .as_str()
            .unwrap()
            .starts_with("xray:Put")
            || a.as_str().unwrap().starts_with("xray:GetSampling"))
    );
    // A traced function gets exactly the same grant: one definition for
    // every workload kind (they once drifted apart, 4 actions against 2).
    let worker = statements(&r["WorkerFunctionRole"])
        .into_iter()
        .find(|s| s["Sid"] == "XRayTraces")
        .expect("the traced worker function has the X-Ray grant");
    assert_eq!(worker, xray);
    // An untraced service has no daemon.
    assert_eq!(
        r["FrontendTaskDefinition"]["Properties"]["ContainerDefinitions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_load_balancer_behind_cloudfront_admits_only_cloudfront() {
    let t = template_json(&synth_example("multi-env-platform", "prod"), "main");
    let r = &t["Resources"];
    let ingress = r["LoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
        .as_array()
        .unwrap();
    assert_eq!(ingress.len(), 1, "{ingress:?}");
    assert_eq!(
        ingress[0]["SourcePrefixListId"],
        json!({"Fn::GetAtt": ["CloudFrontPrefixList", "PrefixListId"]})
    );
    assert_eq!(
        (ingress[0]["FromPort"].clone(), ingress[0]["ToPort"].clone()),
        (json!(443), json!(443))
    );
    assert!(ingress[0].get("CidrIp").is_none());
    // The lookup names CloudFront's list, and may only describe prefix lists.
    assert_eq!(
        r["CloudFrontPrefixList"]["Properties"]["PrefixListName"],
        "com.amazonaws.global.cloudfront.origin-facing"
    );
    let actions: Vec<Value> = statements(&r["CloudFrontPrefixListRole"])
        .into_iter()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            json!("ec2:DescribeManagedPrefixLists"),
            json!("logs:CreateLogStream"),
            json!("logs:PutLogEvents")
        ]
    );
    // The API's VPC link still reaches it, by its own group.
    assert!(r.get("LoadBalancerFromApiIngress").is_some());
    // A load balancer that users reach directly keeps its public listeners.
    let direct = template_json(&synth_example("user-management", "prod"), "main");
    assert!(direct["Resources"].get("CloudFrontPrefixList").is_none());
}
