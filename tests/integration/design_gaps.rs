//! Issue 14, the smaller gaps the design documents name: each option is
//! checked on the template a user would read, and each malformed use is
//! refused at its file and line with the fix.

use crate::support::*;
use serde_json::{Value, json};

/// The error of a spec that synth must refuse.
fn refused(spec: &str) -> String {
    TempProject::new(spec)
        .synth("prod")
        .expect_err("synth must refuse this spec")
}

#[test]
fn a_load_balancer_can_listen_on_443_only_without_the_redirect_listener() {
    // Document 002's security-group table: the ALB admits HTTPS 443 only.
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    let listeners = resources_of(&t, "AWS::ElasticLoadBalancingV2::Listener");
    let ports: Vec<&Value> = listeners
        .iter()
        .map(|(_, l)| &l["Properties"]["Port"])
        .collect();
    assert_eq!(ports, vec![&json!(443)], "{listeners:?}");
    let sg = &t["Resources"]["LoadBalancerSecurityGroup"];
    assert_eq!(
        sg["Properties"]["SecurityGroupIngress"],
        json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0",
                "Description": "HTTPS to the load balancer"}])
    );
    // Nothing listens on 80, so no reason for an open port 80 is needed.
    assert!(!sg["Metadata"].to_string().contains("CKV_AWS_260"), "{sg}");
    // The default keeps the redirect (document 000 asks for it).
    let t = template_json(&synth_example("user-management", "prod"), "main");
    assert_eq!(t["Resources"]["HttpListener"]["Properties"]["Port"], 80);
}

#[test]
fn listening_on_443_only_needs_a_certificate() {
    let spec = VALID.replace(
        "  name: demo-alb\n",
        "  name: demo-alb\n  redirect_http: false\n",
    );
    let err = refused(&spec);
    assert!(err.contains("APP061"), "{err}");
    assert!(err.contains("main.yaml:18"), "{err}");
    assert!(err.contains("add 'certificate:'"), "{err}");
}

const ALL_OUTBOUND: &str =
    "    allow_all_outbound: { reason: calls partner SFTP servers on port 22 }\n";

#[test]
fn a_service_may_allow_all_outbound_traffic_with_a_reason_visible_in_the_template() {
    let spec = VALID.replace(
        "    port: 9000\n",
        &format!("    port: 9000\n{ALL_OUTBOUND}"),
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(
        t["Resources"]["WorkerSecurityGroup"]["Properties"]["SecurityGroupEgress"],
        json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description":
            "all outbound traffic, allowed by the spec: calls partner SFTP servers on port 22"}])
    );
    // The other service keeps the egress derived from its connections.
    let web = &t["Resources"]["WebSecurityGroup"]["Properties"]["SecurityGroupEgress"];
    assert_eq!(web.as_array().unwrap().len(), 1, "{web}");
    assert_eq!(web[0]["FromPort"], 443);
    assert_lint_and_checkov_clean(&spec);
}

#[test]
fn no_example_service_allows_all_outbound_traffic_by_default() {
    for ex in EXAMPLES {
        let t = template_json(&synth_example(ex, "prod"), "main");
        for (id, sg) in resources_of(&t, "AWS::EC2::SecurityGroup") {
            let egress = sg["Properties"]["SecurityGroupEgress"].to_string();
            assert!(
                !egress.contains(r#""IpProtocol":"-1""#),
                "{ex}: {id} allows all outbound: {egress}"
            );
        }
    }
}

#[test]
fn allowing_all_outbound_traffic_takes_a_reason_a_rule_description_can_hold() {
    let too_long = format!("{{ reason: {} }}", "x".repeat(213));
    for (reason, says) in [
        ("{}", "without a reason"),
        ("{ reason: \"the partner's servers\" }", "contains '''"),
        (too_long.as_str(), "213 characters"),
    ] {
        let spec = VALID.replace(
            "    port: 9000\n",
            &format!("    port: 9000\n    allow_all_outbound: {reason}\n"),
        );
        let err = refused(&spec);
        assert!(err.contains("APP062"), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(err.contains("main.yaml:31"), "{err}");
        assert!(err.contains("say why in 'reason: ...'"), "{err}");
    }
}

/// The sources the interface endpoints' security group admits on 443.
fn endpoint_sources(t: &Value) -> Vec<Value> {
    t["Resources"]["EndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|r| assert_eq!((&r["FromPort"], &r["ToPort"]), (&json!(443), &json!(443))))
        .map(|r| {
            r.get("SourceSecurityGroupId")
                .unwrap_or(&r["CidrIp"])
                .clone()
        })
        .collect()
}

fn group(id: &str) -> Value {
    json!({"Fn::GetAtt": [id, "GroupId"]})
}

const ENDPOINTS: &str = "  nat: single\n  endpoints: [logs]\n";

#[test]
fn vpc_endpoints_admit_the_stacks_workloads_not_the_whole_vpc() {
    // Document 002's VPCE SG: "App SG (443)".
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    assert_eq!(
        endpoint_sources(&t),
        vec![
            group("FrontendSecurityGroup"),
            group("BackendSecurityGroup")
        ]
    );
    // Functions are workloads too.
    let spec = VALID.replace("  nat: single\n", ENDPOINTS)
        + "functions:\n  job:\n    code: { bucket: artifacts, key: job.zip }\n    runtime: python3.13\n    handler: job.handler\n";
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(
        endpoint_sources(&t),
        vec![
            group("WebSecurityGroup"),
            group("WorkerSecurityGroup"),
            group("JobFunctionSecurityGroup")
        ]
    );
}

#[test]
fn vpc_endpoints_admit_the_vpc_where_archgen_does_not_know_every_workload() {
    let vpc_cidr = json!({"Fn::GetAtt": ["Vpc", "CidrBlock"]});
    // Said in the spec: workloads of other stacks use this VPC.
    let spec = VALID.replace(
        "  nat: single\n",
        &format!("{ENDPOINTS}  endpoint_access: vpc\n"),
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(endpoint_sources(&t), vec![vpc_cidr.clone()]);
    // A raw resource may be anything in the VPC (an instance, a function).
    let spec = VALID.replace("  nat: single\n", ENDPOINTS)
        + "resources:\n  Box:\n    Type: AWS::SQS::Queue\n    Properties: { SqsManagedSseEnabled: true }\n";
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(endpoint_sources(&t), vec![vpc_cidr]);
}

#[test]
fn admitting_workloads_needs_a_workload() {
    let spec = "app: demo\nregion: ap-northeast-1\nnetwork:\n  cidr: 10.0.0.0/16\n  zones: 2\n  \
                tiers:\n    app: { type: private, mask: 24 }\n  nat: none\n  endpoints: [logs]\n  \
                endpoint_access: workloads\nenvironments:\n  prod: {}\n";
    let err = refused(spec);
    assert!(err.contains("NET023"), "{err}");
    assert!(err.contains("main.yaml:10"), "{err}");
    assert!(err.contains("use 'endpoint_access: vpc'"), "{err}");
}

#[test]
fn ecs_names_are_those_the_document_gives_and_each_environment_has_its_own() {
    // Document 000, 5: cluster user-management-api-cluster, service
    // api-service, task family api-task.
    for (env, suffix) in [("prod", ""), ("staging", "-staging"), ("dev", "-dev")] {
        let t = template_json(&synth_example("user-management", env), "main");
        let r = &t["Resources"];
        assert_eq!(
            r["Cluster"]["Properties"]["ClusterName"],
            format!("user-management-api-cluster{suffix}")
        );
        assert_eq!(
            r["ApiService"]["Properties"]["ServiceName"],
            format!("api-service{suffix}")
        );
        assert_eq!(
            r["ApiTaskDefinition"]["Properties"]["Family"],
            format!("api-task{suffix}")
        );
    }
    // Without them: archgen's cluster and family, CloudFormation's service name.
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    assert_eq!(
        t["Resources"]["Cluster"]["Properties"]["ClusterName"],
        "solo-saving-prod-cluster"
    );
    assert!(
        t["Resources"]["BackendService"]["Properties"]
            .get("ServiceName")
            .is_none()
    );
}

#[test]
fn ecs_names_are_checked_against_awss_rules() {
    let cases = [
        (
            "cluster: { name: \"my cluster\" }\n",
            "main.yaml:31",
            "has ' '",
        ),
        (
            &format!("cluster: {{ name: {} }}\n", "c".repeat(256)),
            "main.yaml:31",
            "256 characters",
        ),
    ];
    for (extra, line, says) in cases {
        let err = refused(&format!("{VALID}{extra}"));
        assert!(err.contains("APP063"), "{err}");
        assert!(err.contains(line) && err.contains(says), "{err}");
        assert!(err.contains("rename it: 1-255 letters, digits"), "{err}");
    }
    let spec = VALID.replace(
        "    port: 8080\n",
        "    port: 8080\n    family: shared.task\n",
    );
    let err = refused(&spec);
    assert!(err.contains("APP063") && err.contains("has '.'"), "{err}");
    assert!(err.contains("main.yaml:24"), "{err}");
    let spec = VALID
        .replace("    port: 8080\n", "    port: 8080\n    name: api\n")
        .replace("    port: 9000\n", "    port: 9000\n    name: api\n");
    let err = refused(&spec);
    assert!(
        err.contains("'api' is already the service name in services.web.name"),
        "{err}"
    );
    assert!(err.contains("main.yaml:32"), "{err}");
}

/// An internal load balancer that only the API reaches.
fn api_only_load_balancer() -> String {
    VALID.replace(
        "  name: demo-alb\n",
        "  name: demo-alb\n  scheme: internal\n  ingress: api\n",
    ) + "api:\n  routes:\n    backend: { key: \"ANY /{proxy+}\", target: load-balancer, auth: false }\n"
}

/// Every rule that admits traffic into the load balancer's group, by source.
fn load_balancer_sources(t: &Value) -> Vec<Value> {
    let sg = &t["Resources"]["LoadBalancerSecurityGroup"]["Properties"];
    let inline = sg["SecurityGroupIngress"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let standalone = resources_of(t, "AWS::EC2::SecurityGroupIngress")
        .into_iter()
        .filter(|(_, r)| {
            r["Properties"]["GroupId"]
                == json!({"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]})
        })
        .map(|(_, r)| r["Properties"].clone());
    inline
        .into_iter()
        .chain(standalone)
        .map(|r| {
            let source = ["CidrIp", "SourcePrefixListId", "SourceSecurityGroupId"]
                .iter()
                .find_map(|k| r.get(*k))
                .cloned()
                .unwrap();
            json!({"port": r["FromPort"], "from": source})
        })
        .collect()
}

#[test]
fn a_load_balancer_for_the_api_alone_admits_only_the_vpc_links_group() {
    let spec = api_only_load_balancer();
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(
        load_balancer_sources(&t),
        vec![json!({"port": 80, "from": group("ApiVpcLinkSecurityGroup")})]
    );
    assert_lint_and_checkov_clean(&spec);
    // With a certificate: the HTTPS listener only, and no port-80 listener.
    let spec = spec.replace(
        "  ingress: api\n",
        "  ingress: api\n  certificate: { arn: \"arn:aws:acm:ap-northeast-1:123456789012:certificate/abc\" }\n",
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(
        load_balancer_sources(&t),
        vec![json!({"port": 443, "from": group("ApiVpcLinkSecurityGroup")})]
    );
    let listeners = resources_of(&t, "AWS::ElasticLoadBalancingV2::Listener");
    assert_eq!(listeners.len(), 1, "{listeners:?}");
    assert_eq!(listeners[0].1["Properties"]["Port"], 443);
}

#[test]
fn the_shared_load_balancer_of_document_001_admits_cloudfront_and_the_vpc_link_only() {
    // Document 001: CloudFront and the API Gateway both reach one ALB; from
    // inside the VPC only the API's VPC link gets in, so the backend's
    // `from: api` rule (a VPC source-ip condition) admits the VPC link only.
    for env in ENVIRONMENTS {
        let t = template_json(&synth_example("multi-env-platform", env), "main");
        let sources = load_balancer_sources(&t);
        assert_eq!(sources.len(), 2, "{env}: {sources:?}");
        assert_eq!(
            sources[0]["from"],
            json!({"Fn::GetAtt": ["CloudFrontPrefixList", "PrefixListId"]})
        );
        assert_eq!(sources[1]["from"], group("ApiVpcLinkSecurityGroup"));
    }
}

#[test]
fn a_load_balancer_for_the_api_alone_is_internal_and_targeted_by_a_route() {
    let spec = VALID.replace("  name: demo-alb\n", "  name: demo-alb\n  ingress: api\n");
    let err = refused(&spec);
    assert!(
        err.contains("APP064") && err.contains("internet-facing"),
        "{err}"
    );
    assert!(
        err.contains("main.yaml:18") && err.contains("add 'scheme: internal'"),
        "{err}"
    );
    let spec = VALID.replace(
        "  name: demo-alb\n",
        "  name: demo-alb\n  scheme: internal\n  ingress: api\n",
    );
    let err = refused(&spec);
    assert!(err.contains("no API route targets it"), "{err}");
    assert!(err.contains("main.yaml:19"), "{err}");
}

const CACHE: &str =
    "caches:\n  cache:\n    engine: redis\n    version: \"7.0\"\n    node_type: cache.t3.micro\n";

#[test]
fn a_cache_delivers_its_slow_and_engine_logs_to_encrypted_log_groups() {
    // Document 000, 10: Redis logs in CloudWatch Logs.
    let t = template_json(&synth_example("user-management", "prod"), "main");
    let r = &t["Resources"];
    let delivery = &r["Cache"]["Properties"]["LogDeliveryConfigurations"];
    let expected: Vec<Value> = [
        ("slow-log", "CacheSlowLogGroup"),
        ("engine-log", "CacheEngineLogGroup"),
    ]
    .iter()
    .map(|(log_type, group)| {
        json!({"DestinationType": "cloudwatch-logs", "LogFormat": "json", "LogType": log_type,
                   "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": {"Ref": group}}}})
    })
    .collect();
    assert_eq!(delivery, &json!(expected));
    for group in ["CacheSlowLogGroup", "CacheEngineLogGroup"] {
        let g = &r[group];
        assert_eq!(g["Type"], "AWS::Logs::LogGroup");
        assert_eq!(g["Properties"]["RetentionInDays"], 90, "{group}");
        assert_eq!(g["DeletionPolicy"], "Retain", "{group}");
        // Encrypted like the service's log group (this stack has no key).
        assert_eq!(
            g["Properties"].get("KmsKeyId"),
            r["ApiLogGroup"]["Properties"].get("KmsKeyId")
        );
    }
    // With a key in the stack: under that key.
    let spec = format!("{VALID}keys:\n  data: {{}}\n{CACHE}    logs: {{ engine: true }}\n");
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    let delivery = &t["Resources"]["Cache"]["Properties"]["LogDeliveryConfigurations"];
    assert_eq!(delivery.as_array().unwrap().len(), 1);
    assert_eq!(delivery[0]["LogType"], "engine-log");
    let group = &t["Resources"]["CacheEngineLogGroup"]["Properties"];
    assert_eq!(group["RetentionInDays"], 30);
    assert_eq!(group["KmsKeyId"], json!({"Fn::GetAtt": ["DataKey", "Arn"]}));
    assert_lint_and_checkov_clean(&spec);
    // Off by default.
    let t = template_json(&synth_example("eyewear-retail", "prod"), "main");
    for (id, c) in resources_of(&t, "AWS::ElastiCache::ReplicationGroup") {
        assert!(
            c["Properties"].get("LogDeliveryConfigurations").is_none(),
            "{id}"
        );
    }
}

#[test]
fn a_cache_log_retention_must_be_a_cloudwatch_period() {
    let spec = format!("{VALID}{CACHE}    logs: {{ slow: true, retention_days: 45 }}\n");
    let err = refused(&spec);
    assert!(err.contains("DATA040"), "{err}");
    assert!(
        err.contains("45 days is not a CloudWatch Logs retention period"),
        "{err}"
    );
    assert!(
        err.contains("main.yaml:36") && err.contains("use 1, 3, 5, 7"),
        "{err}"
    );
}

const REPLICA_KEY: &str =
    "arn:aws:kms:ap-northeast-3:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

#[test]
fn a_bucket_replicates_to_another_region_with_kms_encrypted_replicas_and_a_narrow_role() {
    // Document 004, 3: S3 Cross-Region Replication.
    let t = template_json(&synth_example("eyewear-retail", "prod"), "main");
    let r = &t["Resources"];
    let bucket = &r["UploadsBucket"]["Properties"];
    assert_eq!(bucket["VersioningConfiguration"]["Status"], "Enabled");
    let config = &bucket["ReplicationConfiguration"];
    assert_eq!(
        config["Role"],
        json!({"Fn::GetAtt": ["UploadsBucketReplicationRole", "Arn"]})
    );
    let rule = &config["Rules"][0];
    assert_eq!(rule["Status"], "Enabled");
    assert_eq!(
        rule["Destination"],
        json!({"Bucket": "arn:aws:s3:::eyewear-retail-uploads-replica-prod",
               "EncryptionConfiguration": {"ReplicaKmsKeyID": REPLICA_KEY}})
    );
    assert_eq!(
        rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"],
        "Enabled"
    );
    assert_eq!(rule["DeleteMarkerReplication"]["Status"], "Disabled");

    // Only S3, for this account, may assume the role.
    let role = &r["UploadsBucketReplicationRole"]["Properties"];
    let trust = &role["AssumeRolePolicyDocument"]["Statement"];
    assert_eq!(trust.as_array().unwrap().len(), 1);
    assert_eq!(
        trust[0]["Principal"],
        json!({"Service": "s3.amazonaws.com"})
    );
    assert_eq!(
        trust[0]["Condition"]["StringEquals"]["aws:SourceAccount"],
        json!({"Ref": "AWS::AccountId"})
    );
    // Every grant names this bucket, the destination or one of the two keys.
    let statements = role["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let source = "arn:${AWS::Partition}:s3:::eyewear-retail-uploads-prod";
    let mut actions = Vec::new();
    for s in statements {
        assert_eq!(s["Effect"], "Allow");
        for resource in s["Resource"].as_array().unwrap() {
            let allowed = [
                json!({"Fn::Sub": source}),
                json!({"Fn::Sub": format!("{source}/*")}),
                json!("arn:aws:s3:::eyewear-retail-uploads-replica-prod/*"),
                json!({"Fn::GetAtt": ["DataKey", "Arn"]}),
                json!(REPLICA_KEY),
            ];
            assert!(allowed.contains(resource), "{s}");
        }
        actions.extend(s["Action"].as_array().unwrap().iter().cloned());
        if s["Action"].to_string().contains("kms:") {
            assert!(
                s["Condition"]["StringEquals"]["kms:ViaService"].is_string()
                    || s["Condition"]["StringEquals"]["kms:ViaService"].is_object(),
                "{s}"
            );
        }
    }
    assert!(
        actions.iter().all(|a| !a.as_str().unwrap().ends_with('*')),
        "{actions:?}"
    );
    assert!(actions.contains(&json!("s3:ReplicateObject")));
    assert!(actions.contains(&json!("kms:Encrypt")));
    let encrypt = statements
        .iter()
        .find(|s| s["Sid"] == "EncryptReplicas")
        .unwrap();
    assert_eq!(
        encrypt["Condition"]["StringEquals"]["kms:ViaService"],
        "s3.ap-northeast-3.amazonaws.com"
    );

    // Each environment has its own destination, dev none.
    let t = template_json(&synth_example("eyewear-retail", "staging"), "main");
    assert_eq!(
        t["Resources"]["UploadsBucket"]["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destination"]
            ["Bucket"],
        "arn:aws:s3:::eyewear-retail-uploads-replica-staging"
    );
    let t = template_json(&synth_example("eyewear-retail", "dev"), "main");
    assert!(
        t["Resources"]["UploadsBucket"]["Properties"]
            .get("ReplicationConfiguration")
            .is_none()
    );
    assert!(t["Resources"].get("UploadsBucketReplicationRole").is_none());
}

#[test]
fn a_replicated_bucket_is_versioned_encrypted_named_and_its_arns_well_formed() {
    let bucket = |extra: &str, replication: &str| {
        format!(
            "{VALID}keys:\n  data: {{}}\nbuckets:\n  uploads:\n{extra}    replication: {replication}\n"
        )
    };
    let good = format!("{{ destination: \"arn:aws:s3:::replica\", kms_key: \"{REPLICA_KEY}\" }}");
    let complete = "    name: uploads\n    versioned: true\n    kms_key: data\n";
    let err = refused(&bucket("", &good));
    assert!(err.contains("DATA042"), "{err}");
    for (what, fix) in [
        ("versioned", "add 'versioned: true'"),
        ("kms_key", "add 'kms_key: <key>'"),
        ("name", "add 'name: <stem>'"),
    ] {
        assert!(
            err.contains(&format!("a replicated bucket needs '{what}'")),
            "{err}"
        );
        assert!(err.contains(fix), "{err}");
    }
    assert!(err.contains("main.yaml:35"), "{err}");
    let err = refused(&bucket(
        complete,
        &format!("{{ destination: replica, kms_key: \"{REPLICA_KEY}\" }}"),
    ));
    assert!(
        err.contains("DATA041") && err.contains("'replica' is not an S3 bucket ARN"),
        "{err}"
    );
    assert!(
        err.contains("main.yaml:38") && err.contains("arn:aws:s3:::<bucket-name>"),
        "{err}"
    );
    let alias = "arn:aws:kms:ap-northeast-3:123456789012:alias/replicas";
    let err = refused(&bucket(
        complete,
        &format!("{{ destination: \"arn:aws:s3:::replica\", kms_key: \"{alias}\" }}"),
    ));
    assert!(
        err.contains("DATA041") && err.contains("is not a KMS key ARN"),
        "{err}"
    );
    let same_region = REPLICA_KEY.replace("ap-northeast-3", "ap-northeast-1");
    let err = refused(&bucket(
        complete,
        &format!("{{ destination: \"arn:aws:s3:::replica\", kms_key: \"{same_region}\" }}"),
    ));
    assert!(err.contains("not cross-region replication"), "{err}");
    // A complete one passes the linters.
    assert_lint_and_checkov_clean(&bucket(complete, &good));
}
