//! What the data builders guarantee, checked on synthesized templates.

use crate::support::*;
use archgen::check::check_stack;
use archgen::spec::Project;
use archgen::synth::build_stack;
use archgen::synth::connect::SecretSource;
use archgen::template::Expr;
use serde_json::{Value, json};

fn synth(spec: &str, env: &str) -> Value {
    let p = TempProject::new(spec);
    let s = p.synth(env).unwrap_or_else(|e| panic!("{e}"));
    template_json(&s, "main")
}

fn all_templates() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let s = synth_example(ex, env);
            for entry in &s.manifest.stacks {
                out.push((format!("{ex} {env}"), template_json(&s, &entry.name)));
            }
        }
    }
    out
}

/// Every string in a JSON value, with the path that leads to it.
fn strings<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::String(s) => out.push((path, s)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| strings(x, format!("{path}[{i}]"), out)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| strings(x, format!("{path}.{k}"), out)),
        _ => {}
    }
}

fn keys_named<'a>(v: &'a Value, name: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| keys_named(x, name, out)),
        Value::Object(o) => {
            for (k, x) in o {
                if k == name {
                    out.push(x);
                }
                keys_named(x, name, out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_template_contains_a_secret_value() {
    // Names of properties that carry credentials (`AuthToken`, not
    // `AuthorizerType`).
    let secretish = ["password", "passwd", "secret", "token", "authtoken"];
    for (what, t) in all_templates() {
        let mut password = Vec::new();
        keys_named(&t, "MasterUserPassword", &mut password);
        assert!(password.is_empty(), "{what}: MasterUserPassword present");
        let mut managed = Vec::new();
        keys_named(&t, "ManageMasterUserPassword", &mut managed);
        assert!(managed.iter().all(|m| **m == Value::Bool(true)), "{what}");
        let mut found = Vec::new();
        keys_named(&t, "AuthToken", &mut found);
        for token in found {
            let joined = token["Fn::Join"][1]
                .as_array()
                .expect("AuthToken is a Fn::Join");
            assert_eq!(joined[0], "{{resolve:secretsmanager:", "{what}: {token}");
            assert!(joined[1].get("Ref").is_some(), "{what}: {token}");
        }
        // Any property whose name suggests a credential holds no literal.
        let mut all = Vec::new();
        strings(&t["Resources"], String::new(), &mut all);
        for (path, value) in all {
            let key = path
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let key = key.split('[').next().unwrap_or_default();
            // IAM action names (`ecr:GetAuthorizationToken`) in reviewer
            // metadata are not properties: no property name has a colon.
            // Token validity units ("hours") describe tokens; they are not one.
            if secretish.iter().any(|s| key.contains(s))
                && !path.contains(".TokenValidityUnits.")
                && !key.contains(':')
                && !key.contains("arn")
                && !key.contains("secretid")
            {
                assert!(
                    value.starts_with("{{resolve:") || value.is_empty(),
                    "{what}: {path} holds a literal '{value}'"
                );
            }
        }
    }
}

const STATEFUL: &[&str] = &[
    "AWS::RDS::DBCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::S3::Bucket",
    "AWS::KMS::Key",
];

#[test]
fn every_stateful_resource_is_retained_or_snapshotted() {
    let mut seen = 0;
    for (what, t) in all_templates() {
        for (id, r) in t["Resources"].as_object().unwrap() {
            let kind = r["Type"].as_str().unwrap();
            // Standalone DB instances own data; cluster members and read
            // replicas are compute over data owned elsewhere.
            let owns_data = STATEFUL.contains(&kind)
                || (kind == "AWS::RDS::DBInstance"
                    && r["Properties"].get("DBClusterIdentifier").is_none()
                    && r["Properties"].get("SourceDBInstanceIdentifier").is_none());
            if !owns_data {
                continue;
            }
            seen += 1;
            for policy in ["DeletionPolicy", "UpdateReplacePolicy"] {
                assert!(
                    r[policy] == "Retain" || r[policy] == "Snapshot",
                    "{what}: {id} ({kind}) has {policy} {}",
                    r[policy]
                );
            }
        }
    }
    assert!(
        seen > 40,
        "only {seen} stateful resources: did the examples lose their data tier?"
    );
}

const DATA: &str = "\
databases:
  db:
    engine: postgres
    version: \"15.15\"
    instance: db.t3.medium
    multi_az: true
    storage: { size_gb: 100, max_gb: 200 }
    backup: { retention_days: 7, window: \"03:00-04:00 Asia/Tokyo\" }
    maintenance_window: \"sun 04:00-05:00 Asia/Tokyo\"
    replicas: [{ zone: 2 }]
    rotation_days: 90
caches:
  cache: { engine: redis, version: \"7.1\", node_type: cache.t3.micro, shards: 2, replicas: 1 }
buckets:
  uploads: { name: demo-uploads, versioned: true, kms_key: data, access_logs: logs }
  logs: { lifecycle: { expire_days: 90 } }
keys:
  data: {}
";

fn with_data(extra: &str) -> String {
    VALID.replace("environments:", &format!("{DATA}{extra}environments:"))
}

#[test]
fn opting_out_of_retention_deletes_with_the_stack_and_says_so() {
    let spec = with_data("").replace(
        "    rotation_days: 90\n",
        "    rotation_days: 90\n    retain: false\n",
    );
    let p = TempProject::new(&spec);
    let s = p.synth("dev").unwrap();
    let t = template_json(&s, "main");
    assert_eq!(t["Resources"]["Db"]["DeletionPolicy"], "Delete");
    assert_eq!(t["Resources"]["Db"]["UpdateReplacePolicy"], "Delete");
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("databases.db") && n.contains("retain is off")),
        "{:?}",
        s.notes
    );
    let out = archgen()
        .args(["synth", "dev", "--dir"])
        .arg(p.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: main (dev): databases.db"));
    // Without the opt-out there is nothing to note.
    assert!(
        TempProject::new(&with_data(""))
            .synth("dev")
            .unwrap()
            .notes
            .is_empty()
    );
}

#[test]
fn encryption_is_on_everywhere_and_buckets_are_private_and_tls_only() {
    let t = synth(&with_data(""), "prod");
    let r = &t["Resources"];
    assert_eq!(r["Db"]["Properties"]["StorageEncrypted"], true);
    assert_eq!(r["Db"]["Properties"]["PubliclyAccessible"], false);
    assert_eq!(r["Db"]["Properties"]["ManageMasterUserPassword"], true);
    assert_eq!(
        r["DbParameterGroup"]["Properties"]["Parameters"]["rds.force_ssl"],
        "1"
    );
    assert_eq!(r["Cache"]["Properties"]["AtRestEncryptionEnabled"], true);
    assert_eq!(r["Cache"]["Properties"]["TransitEncryptionEnabled"], true);
    assert_eq!(r["DataKey"]["Properties"]["EnableKeyRotation"], true);
    for (id, b) in resources_of(&t, "AWS::S3::Bucket") {
        let p = &b["Properties"];
        for k in [
            "BlockPublicAcls",
            "BlockPublicPolicy",
            "IgnorePublicAcls",
            "RestrictPublicBuckets",
        ] {
            assert_eq!(p["PublicAccessBlockConfiguration"][k], true, "{id} {k}");
        }
        assert_eq!(
            p["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
            "BucketOwnerEnforced"
        );
        assert!(p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"].is_string());
        let policy = &r[format!("{id}Policy")]["Properties"];
        assert_eq!(policy["Bucket"], json!({"Ref": id}));
        let deny = &policy["PolicyDocument"]["Statement"][0];
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(
            deny["Condition"],
            json!({"Bool": {"aws:SecureTransport": "false"}})
        );
        assert_eq!(
            deny["Resource"][1],
            json!({"Fn::Sub": format!("${{{id}.Arn}}/*")})
        );
    }
    let sse = &r["UploadsBucket"]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        [0];
    assert_eq!(
        sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "aws:kms"
    );
    assert_eq!(
        sse["ServerSideEncryptionByDefault"]["KMSMasterKeyID"],
        json!({"Fn::GetAtt": ["DataKey", "Arn"]})
    );
    assert_eq!(
        r["UploadsBucket"]["Properties"]["BucketName"],
        "demo-uploads-prod"
    );
    // The log bucket admits S3's log delivery from the uploads bucket only.
    let logs = &r["LogsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][1];
    assert_eq!(
        logs["Principal"],
        json!({"Service": "logging.s3.amazonaws.com"})
    );
    assert_eq!(
        logs["Condition"]["ArnLike"]["aws:SourceArn"],
        json!([{"Fn::GetAtt": ["UploadsBucket", "Arn"]}])
    );
}

#[test]
fn parameter_group_family_follows_the_engine_version() {
    let t = synth(&with_data(""), "prod");
    assert_eq!(
        t["Resources"]["DbParameterGroup"]["Properties"]["Family"],
        "postgres15"
    );
    assert_eq!(
        t["Resources"]["CacheParameterGroup"]["Properties"]["CacheParameterGroupFamily"],
        "redis7"
    );
    let mysql = with_data("").replace(
        "engine: postgres\n    version: \"15.15\"",
        "engine: mysql\n    version: \"8.4.6\"",
    );
    let t = synth(&mysql, "prod");
    assert_eq!(
        t["Resources"]["DbParameterGroup"]["Properties"]["Family"],
        "mysql8.4"
    );
    assert_eq!(
        t["Resources"]["DbParameterGroup"]["Properties"]["Parameters"]["require_secure_transport"],
        "1"
    );
    // The examples: user-management's document numbers in PostgreSQL units.
    let s = synth_example("user-management", "prod");
    let t = template_json(&s, "main");
    let p = &t["Resources"]["DbParameterGroup"]["Properties"];
    assert_eq!(p["Family"], "postgres15");
    assert_eq!(p["Parameters"]["shared_buffers"], "32768"); // 256MB in 8 kB pages
    assert_eq!(p["Parameters"]["effective_cache_size"], "131072"); // 1GB in 8 kB pages
    assert_eq!(p["Parameters"]["maintenance_work_mem"], "65536"); // 64MB in kB
    assert_eq!(p["Parameters"]["work_mem"], "4096"); // 4MB in kB
    assert_eq!(p["Parameters"]["max_connections"], "200");
}

#[test]
fn windows_are_converted_to_utc_with_the_day_shift() {
    let t = synth(&with_data(""), "prod");
    let db = &t["Resources"]["Db"]["Properties"];
    assert_eq!(db["PreferredBackupWindow"], "18:00-19:00");
    assert_eq!(db["PreferredMaintenanceWindow"], "sat:19:00-sat:20:00");
}

#[test]
fn multi_az_replicas_shards_and_readers_are_as_specified() {
    let t = synth(&with_data(""), "prod");
    let r = &t["Resources"];
    assert_eq!(r["Db"]["Properties"]["MultiAZ"], true);
    assert_eq!(
        r["DbReplica1"]["Properties"]["SourceDBInstanceIdentifier"],
        json!({"Ref": "Db"})
    );
    assert_eq!(
        r["DbReplica1"]["Properties"]["AvailabilityZone"],
        json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]})
    );
    assert!(r.get("DbReplica2").is_none());
    let cache = &r["Cache"]["Properties"];
    assert_eq!(cache["NumNodeGroups"], 2);
    assert_eq!(cache["ReplicasPerNodeGroup"], 1);
    assert_eq!(cache["AutomaticFailoverEnabled"], true);
    assert_eq!(cache["MultiAZEnabled"], true);
    assert_eq!(
        r["CacheParameterGroup"]["Properties"]["Properties"]["cluster-enabled"],
        "yes"
    );
    assert_eq!(
        r["DbSecretRotation"]["Properties"]["RotationRules"]["ScheduleExpression"],
        "rate(90 days)"
    );
    // Aurora Serverless v2: a writer and a reader in different zones.
    let s = synth_example("solo-saving", "prod");
    let t = template_json(&s, "main");
    let r = &t["Resources"];
    assert_eq!(r["Db"]["Type"], "AWS::RDS::DBCluster");
    assert_eq!(
        r["Db"]["Properties"]["ServerlessV2ScalingConfiguration"],
        json!({"MinCapacity": 0.5, "MaxCapacity": 4.0})
    );
    assert_eq!(
        r["DbWriter"]["Properties"]["DBInstanceClass"],
        "db.serverless"
    );
    assert_eq!(
        r["DbWriter"]["Properties"]["AvailabilityZone"],
        "ap-northeast-1a"
    );
    assert_eq!(
        r["DbReader1"]["Properties"]["AvailabilityZone"],
        "ap-northeast-1c"
    );
    assert_eq!(
        r["DbClusterParameterGroup"]["Properties"]["Family"],
        "aurora-postgresql16"
    );
}

#[test]
fn data_stores_live_in_the_isolated_tier_with_their_own_closed_security_group() {
    let t = synth(&with_data(""), "prod");
    let r = &t["Resources"];
    assert_eq!(
        r["DbSubnetGroup"]["Properties"]["SubnetIds"],
        json!([{"Ref": "DataSubnet1"}, {"Ref": "DataSubnet2"}])
    );
    // Caches default to the private tier, next to the services.
    assert_eq!(
        r["CacheSubnetGroup"]["Properties"]["SubnetIds"],
        json!([{"Ref": "AppSubnet1"}, {"Ref": "AppSubnet2"}])
    );
    for sg in ["DbSecurityGroup", "CacheSecurityGroup"] {
        let p = &r[sg]["Properties"];
        assert!(p.get("SecurityGroupIngress").is_none(), "{sg}");
        assert_eq!(
            p["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32",
            "{sg}"
        );
    }
}

#[test]
fn components_register_what_a_connecting_service_needs() {
    let p = TempProject::new(&with_data(
        "secrets:\n  jwt: {}\nparameters:\n  api-key: { secure: true }\n",
    ));
    let project = Project::load(p.path()).unwrap();
    let stack = check_stack(project.stacks[0].resolve("prod").unwrap()).unwrap();
    let built = build_stack(&stack);
    let c = &built.components;
    let db = c.get("db").expect("db registered");
    assert_eq!(db.kind.block(), "databases");
    let net = db.network.as_ref().unwrap();
    assert_eq!(
        (&net.group_id, net.port),
        (&Expr::get_att("DbSecurityGroup", "GroupId"), 5432)
    );
    assert_eq!(
        db.secret.as_ref().unwrap().source,
        SecretSource::SecretsManager {
            arn: Expr::get_att("Db", "MasterUserSecret.SecretArn"),
            json_key: Some("password".into())
        }
    );
    let env: Vec<&str> = db.environment.iter().map(|(k, _)| k.as_str()).collect();
    // Each workload signs in as its own user, so the master secret's
    // address is no connection variable (`secrets:` can still inject it).
    assert_eq!(env, ["HOST", "PORT", "READ_HOST", "NAME"]);
    assert_eq!(
        db.database_users.as_ref().unwrap().resource.as_deref(),
        Some("DbUsers")
    );
    let cache = c.get("cache").unwrap();
    assert_eq!(cache.network.as_ref().unwrap().port, 6379);
    assert_eq!(
        cache.environment[0].1,
        Expr::get_att("Cache", "ConfigurationEndPoint.Address")
    );
    let uploads = c.get("uploads").unwrap();
    let read: Vec<String> = uploads
        .read_grants
        .iter()
        .flat_map(|s| s.action.clone())
        .collect();
    assert_eq!(read, ["s3:GetObject", "s3:ListBucket", "kms:Decrypt"]);
    assert_eq!(
        uploads.read_grants[0].resource,
        Some(vec![Expr::sub("${UploadsBucket.Arn}/*")])
    );
    assert_eq!(
        uploads.read_grants[2].resource,
        Some(vec![Expr::get_att("DataKey", "Arn")])
    );
    let secret = c.get("jwt").unwrap();
    assert_eq!(
        secret.read_grants[0].resource,
        Some(vec![Expr::r#ref("JwtSecret")])
    );
    assert!(matches!(
        c.get("api-key").unwrap().secret.as_ref().unwrap().source,
        SecretSource::SsmParameter { .. }
    ));
    // No environment variable carries a credential, only where to find it.
    for name in c.names() {
        for (k, v) in &c.get(name).unwrap().environment {
            assert!(
                !matches!(v, Expr::Str(s) if s.len() > 20 && !s.starts_with('/')),
                "{name} {k}"
            );
        }
    }
    // Every component `check` lets a workload connect to is registered by
    // its builder, as the kind check saw it, and nothing else is.
    let names = archgen::check::connectable(stack.spec());
    assert!(names.contains_key("uploads") && names.contains_key("api-key"));
    for (name, kind) in &names {
        let registered = c
            .get(name)
            .unwrap_or_else(|| panic!("{name} not registered"));
        assert_eq!(registered.kind.block(), kind.block(), "{name}");
    }
    assert_eq!(c.names().count(), names.len());
}
