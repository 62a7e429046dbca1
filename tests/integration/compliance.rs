//! Issue 17: customer keys for secrets, rotation of generated secrets,
//! suppressions every scanner reads, and the compliance report.

use crate::support::*;
use serde_json::{Value, json};

/// A stack with a customer key, generated secrets (one for an identity
/// provider), a cache whose own storage keeps the service key, and a
/// service and a function reading them.
const KEYED: &str = "\
keys:
  data: {}
secrets:
  jwt: { generate: { length: 64 } }
  oauth: { description: 'JSON: google_client_secret' }
  legacy: { service_key: true }
caches:
  cache: { engine: redis, version: \"7.1\", node_type: cache.t3.micro }
user_pools:
  users:
    identity_providers:
      google: { type: google, client_id: abc.apps.googleusercontent.com,
                client_secret: { secret: oauth, key: google_client_secret } }
functions:
  nightly:
    code: { bucket: demo-artifacts, key: nightly/1.0.0.zip }
    runtime: python3.13
    handler: app.handler
    secrets: { JWT: jwt }
";

fn keyed_spec() -> String {
    VALID
        .replace("environments:", &format!("{KEYED}environments:"))
        .replace(
            "    connects_to: [worker]\n",
            "    connects_to: [worker, jwt, cache]\n    secrets: { REDIS_AUTH: cache, OAUTH: oauth }\n",
        )
}

/// Every policy document of every IAM role and policy, with its owner.
fn policy_documents(t: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (id, r) in t["Resources"].as_object().unwrap() {
        let props = &r["Properties"];
        match r["Type"].as_str().unwrap() {
            "AWS::IAM::Role" => {
                for p in props["Policies"].as_array().into_iter().flatten() {
                    out.push((id.clone(), p["PolicyDocument"].clone()));
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                out.push((id.clone(), props["PolicyDocument"].clone()));
            }
            _ => {}
        }
    }
    out
}

fn actions(s: &Value) -> Vec<String> {
    match &s["Action"] {
        Value::String(a) => vec![a.clone()],
        Value::Array(a) => a.iter().map(|a| a.as_str().unwrap().to_string()).collect(),
        _ => vec![],
    }
}

fn resources(s: &Value) -> Vec<Value> {
    match &s["Resource"] {
        Value::Array(r) => r.clone(),
        Value::Null => vec![],
        other => vec![other.clone()],
    }
}

#[test]
fn every_secret_of_a_stack_with_a_key_uses_it_and_every_reader_can_decrypt() {
    let t = template_json(
        &TempProject::new(&keyed_spec()).synth("prod").unwrap(),
        "main",
    );
    let key = json!({"Fn::GetAtt": ["DataKey", "Arn"]});
    let secrets = resources_of(&t, "AWS::SecretsManager::Secret");
    // jwt, oauth (the identity provider's), legacy and the cache's AUTH token.
    assert_eq!(secrets.len(), 4, "{secrets:?}");
    for (id, s) in &secrets {
        if id.as_str() == "LegacySecret" {
            // `service_key: true`: the AWS managed key, and the reason says why.
            assert!(s["Properties"].get("KmsKeyId").is_none());
            assert!(
                s["Metadata"]
                    .to_string()
                    .contains("secrets.legacy.service_key"),
                "{s}"
            );
            continue;
        }
        assert_eq!(s["Properties"]["KmsKeyId"], key, "{id}");
        assert!(!s["Metadata"].to_string().contains("CKV_AWS_149"), "{id}");
    }
    // The cache's own storage is not moved by the default: only its token.
    assert!(
        t["Resources"]["Cache"]["Properties"]
            .get("KmsKeyId")
            .is_none()
    );

    // Every grant to read a secret under the key comes with kms:Decrypt on
    // exactly that key, usable only through Secrets Manager.
    let keyed: Vec<Value> = secrets
        .iter()
        .filter(|(_, s)| s["Properties"]["KmsKeyId"] == key)
        .map(|(id, _)| json!({"Ref": id}))
        .collect();
    let mut readers = 0;
    for (owner, doc) in policy_documents(&t) {
        let statements = doc["Statement"].as_array().unwrap();
        let reads_keyed = statements.iter().any(|s| {
            actions(s)
                .iter()
                .any(|a| a == "secretsmanager:GetSecretValue")
                && resources(s).iter().any(|r| keyed.contains(r))
        });
        if !reads_keyed {
            continue;
        }
        readers += 1;
        let decrypt = statements
            .iter()
            .find(|s| actions(s) == ["kms:Decrypt"] && resources(s) == [key.clone()])
            .unwrap_or_else(|| {
                panic!("{owner} reads a secret under DataKey but cannot decrypt it")
            });
        assert_eq!(
            decrypt["Condition"]["StringEquals"]["kms:ViaService"],
            json!({"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}),
            "{owner}"
        );
    }
    // The web service's task role (connects_to) and execution role
    // (injection), and the function's role.
    assert!(readers >= 3, "only {readers} readers");

    // The key admits Secrets Manager for the secrets that default to it.
    let policy = t["Resources"]["DataKey"]["Properties"]["KeyPolicy"].to_string();
    assert!(
        policy.contains("secretsmanager.${AWS::Region}.amazonaws.com"),
        "{policy}"
    );
}

#[test]
fn a_contradicted_secret_key_is_refused_at_its_line() {
    let spec = keyed_spec().replace(
        "legacy: { service_key: true }",
        "legacy: { service_key: true, kms_key: data }",
    );
    let line = spec.lines().position(|l| l.contains("legacy:")).unwrap() + 1;
    let (code, err) = TempProject::new(&spec).synth_prod_cli();
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("DATA035"), "{err}");
    assert!(err.contains(&format!("main.yaml:{line}")), "{err}");
    assert!(err.contains("keep one"), "{err}");
}

/// `keyed_spec` with rotation asked for the JWT secret and the cache token.
fn rotating_spec() -> String {
    keyed_spec()
        .replace(
            "jwt: { generate: { length: 64 } }",
            "jwt: { generate: { length: 64 }, rotation_days: 30 }",
        )
        .replace(
            "node_type: cache.t3.micro }",
            "node_type: cache.t3.micro, auth_token: { rotation_days: 7 } }",
        )
}

#[test]
fn every_generated_secret_marked_for_rotation_has_a_schedule_and_a_rotator() {
    let spec = rotating_spec();
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    let schedules = resources_of(&t, "AWS::SecretsManager::RotationSchedule");
    let scheduled: Vec<(Value, Value)> = schedules
        .iter()
        .map(|(_, s)| {
            (
                s["Properties"]["SecretId"].clone(),
                s["Properties"]["RotationRules"]["ScheduleExpression"].clone(),
            )
        })
        .collect();
    // Exactly the two marked secrets, at their periods; not the others.
    assert_eq!(
        scheduled,
        vec![
            (json!({"Ref": "CacheAuthToken"}), json!("rate(7 days)")),
            (json!({"Ref": "JwtSecret"}), json!("rate(30 days)")),
        ]
    );
    let function = json!({"Fn::GetAtt": ["SecretRotationFunction", "Arn"]});
    for (id, s) in &schedules {
        let p = &s["Properties"];
        assert_eq!(p["RotationLambdaARN"], function, "{id}");
        assert_eq!(p["RotateImmediatelyOnUpdate"], false, "{id}");
        // Secrets Manager may invoke the function for exactly this secret,
        // and the schedule waits for that permission.
        let permission = &t["Resources"][format!("{}Permission", id)];
        assert_eq!(permission["Type"], "AWS::Lambda::Permission", "{id}");
        assert_eq!(
            permission["Properties"]["Principal"],
            "secretsmanager.amazonaws.com"
        );
        assert_eq!(permission["Properties"]["SourceArn"], p["SecretId"], "{id}");
        assert_eq!(s["DependsOn"], json!([format!("{id}Permission")]), "{id}");
    }

    // The function runs the four-step protocol, with the staging labels,
    // and sets a cache's token with the ROTATE strategy.
    let f = &t["Resources"]["SecretRotationFunction"]["Properties"];
    let code = f["Code"]["ZipFile"].as_str().unwrap();
    for needle in [
        "createSecret",
        "setSecret",
        "testSecret",
        "finishSecret",
        "AWSPENDING",
        "AWSCURRENT",
        "AuthTokenUpdateStrategy=\"ROTATE\"",
    ] {
        assert!(code.contains(needle), "{needle}");
    }
    // It knows the shapes to regenerate and the group of the token.
    let shapes: Value = serde_json::from_str(
        f["Environment"]["Variables"]["VALUE_SHAPES"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(shapes["demo/prod/jwt"], json!({"PasswordLength": 64}));
    assert_eq!(
        shapes["demo/prod/cache/auth-token"],
        json!({"PasswordLength": 64, "ExcludePunctuation": true})
    );
    assert_eq!(
        f["Environment"]["Variables"]["REPLICATION_GROUPS"],
        json!({"Fn::Sub": "{\"demo/prod/cache/auth-token\":\"${Cache}\"}"})
    );
    // Its role touches those two secrets, their key through Secrets
    // Manager only, and that one replication group.
    let doc = &t["Resources"]["SecretRotationRole"]["Properties"]["Policies"][0]["PolicyDocument"];
    let stmt = |sid: &str| {
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("no {sid}"))
            .clone()
    };
    assert_eq!(
        stmt("RotateTheseSecrets")["Resource"],
        json!([{"Ref": "JwtSecret"}, {"Ref": "CacheAuthToken"}])
    );
    assert_eq!(
        stmt("UseSecretKeysThroughSecretsManager")["Resource"],
        json!([{"Fn::GetAtt": ["DataKey", "Arn"]}])
    );
    assert_eq!(
        stmt("SetCacheAuthTokens")["Resource"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:elasticache:${AWS::Region}:${AWS::AccountId}:replicationgroup:${Cache}"}])
    );

    // Without rotation_days nothing rotates and no function exists.
    let plain = template_json(
        &TempProject::new(&keyed_spec()).synth("prod").unwrap(),
        "main",
    );
    assert!(resources_of(&plain, "AWS::SecretsManager::RotationSchedule").is_empty());
    assert!(plain["Resources"].get("SecretRotationFunction").is_none());
}

/// `(spec edit, rule, field, what the fix says)`: each refused at its line.
#[test]
fn malformed_rotation_is_refused_with_file_line_and_fix() {
    let base = rotating_spec();
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "jwt: { generate: { length: 64 }, rotation_days: 30 }",
            "jwt: { generate: { length: 64 }, rotation_days: 0 }",
            "DATA036",
            "jwt:",
            "use 1 to 1000 days",
        ),
        (
            "auth_token: { rotation_days: 7 }",
            "auth_token: { rotation_days: 1001 }",
            "DATA036",
            "auth_token:",
            "use 1 to 1000 days",
        ),
        (
            "legacy: { service_key: true }",
            "legacy: { arn: 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:legacy-AbCdEf', rotation_days: 30 }",
            "DATA036",
            "legacy:",
            "drop 'arn' to have archgen generate and rotate it",
        ),
        (
            "legacy: { service_key: true }",
            "legacy: { rotation_days: 30, rotation: { days: 30, function_arn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:rotate' } }",
            "DATA036",
            "legacy:",
            "keep 'rotation_days'",
        ),
        (
            "oauth: { description: 'JSON: google_client_secret' }",
            "oauth: { description: 'JSON: google_client_secret', rotation_days: 30 }",
            "IDN013",
            "oauth:",
            "rotate the client secret with the provider",
        ),
    ];
    for (from, to, rule, line_of, fix) in cases {
        assert!(base.contains(from), "{from}");
        let spec = base.replace(from, to);
        let line = spec.lines().position(|l| l.contains(line_of)).unwrap() + 1;
        let (code, err) = TempProject::new(&spec).synth_prod_cli();
        assert_eq!(code, Some(1), "{to}: {err}");
        assert!(err.contains(rule), "{to}: {err}");
        assert!(
            err.contains(&format!("main.yaml:{line}")),
            "{to}: expected line {line}: {err}"
        );
        assert!(err.contains(fix), "{to}: {err}");
    }
}

/// Rows of the twin table an auditor can check by hand against the
/// scanners' rule sources (the table cites them).
const KNOWN_TWINS: &[(&str, Option<&str>, Option<&str>)] = &[
    (
        "CKV_AWS_158",
        Some("CLOUDWATCH_LOG_GROUP_ENCRYPTED"),
        Some("W84"),
    ),
    ("CKV_AWS_149", Some("SECRETSMANAGER_USING_CMK"), Some("W77")),
    ("CKV_AWS_117", Some("LAMBDA_INSIDE_VPC"), Some("W89")),
    ("CKV_AWS_116", Some("LAMBDA_DLQ_CHECK"), None),
    ("CKV_AWS_18", Some("S3_BUCKET_LOGGING_ENABLED"), Some("W35")),
    ("CKV_AWS_338", None, None),
    ("CKV_AWS_272", None, None),
];

#[test]
fn every_checkov_suppression_has_its_guard_and_cfn_nag_twins_with_the_same_reason() {
    use archgen::template::suppression::twins_of;
    for (checkov, guard, nag) in KNOWN_TWINS {
        let t = twins_of(checkov);
        assert_eq!((t.guard, t.cfn_nag), (*guard, *nag), "{checkov}");
    }
    let (mut guard_twins, mut nag_twins) = (0, 0);
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let s = synth_example(ex, env);
            for stack in &s.manifest.stacks {
                let t = template_json(&s, &stack.name);
                for (id, r) in t["Resources"].as_object().unwrap() {
                    let meta = &r["Metadata"];
                    let at = format!("{ex} {env} {} {id}", stack.name);
                    let skips = meta["checkov"]["skip"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let guard: Vec<&str> = meta["guard"]["SuppressedRules"]
                        .as_array()
                        .map(|a| a.iter().map(|r| r.as_str().unwrap()).collect())
                        .unwrap_or_default();
                    let nag = meta["cfn_nag"]["rules_to_suppress"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let mut expected_guard = Vec::new();
                    let mut expected_nag = Vec::new();
                    for skip in &skips {
                        let (ck, reason) = (skip["id"].as_str().unwrap(), &skip["comment"]);
                        let twins = twins_of(ck);
                        if let Some(g) = twins.guard {
                            assert!(guard.contains(&g), "{at}: {ck} without Guard's {g}");
                            expected_guard.push(g);
                            guard_twins += 1;
                        }
                        if let Some(n) = twins.cfn_nag {
                            let entry = nag
                                .iter()
                                .find(|e| e["id"] == n)
                                .unwrap_or_else(|| panic!("{at}: {ck} without cfn_nag's {n}"));
                            assert_eq!(&entry["reason"], reason, "{at}: {ck}/{n}");
                            expected_nag.push(n);
                            nag_twins += 1;
                        }
                    }
                    // Nothing is suppressed for Guard or cfn_nag that checkov
                    // does not suppress with a reason.
                    assert_eq!(guard.len(), expected_guard.len(), "{at}: {guard:?}");
                    assert_eq!(nag.len(), expected_nag.len(), "{at}: {nag:?}");
                }
            }
        }
    }
    assert!(
        guard_twins > 100 && nag_twins > 50,
        "{guard_twins} Guard, {nag_twins} cfn_nag twins"
    );
}

#[test]
fn the_compliance_report_shows_an_auditor_the_controls_and_every_suppression() {
    let out = archgen()
        .args(["compliance", "prod", "--format", "json", "--dir"])
        .arg(example_dir("user-management"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &reports[0];
    assert_eq!(report["environment"], "prod");
    let s = synth_example("user-management", "prod");
    let mut stacks_seen = 0;
    for stack in report["stacks"].as_array().unwrap() {
        stacks_seen += 1;
        let t = template_json(&s, stack["stack"].as_str().unwrap());
        let controls = stack["controls"].as_array().unwrap();
        let applied = |area: &str, resource: &str| -> Vec<String> {
            controls
                .iter()
                .filter(|c| c["area"] == area && c["resource"] == resource)
                .map(|c| c["applied"].as_str().unwrap().to_string())
                .collect()
        };
        // Every store of data says how it is encrypted at rest.
        for kind in [
            "AWS::RDS::DBInstance",
            "AWS::ElastiCache::ReplicationGroup",
            "AWS::S3::Bucket",
            "AWS::SecretsManager::Secret",
            "AWS::Logs::LogGroup",
        ] {
            for (id, _) in resources_of(&t, kind) {
                assert_eq!(applied("encryption_at_rest", id).len(), 1, "{id}");
            }
        }
        // Every log group says how long it keeps events, as the template does.
        for (id, g) in resources_of(&t, "AWS::Logs::LogGroup") {
            let days = g["Properties"]["RetentionInDays"].as_i64().unwrap();
            assert!(
                applied("retention", id).contains(&format!("log events kept {days} days")),
                "{id}"
            );
        }
        // Every suppression of the template is listed with its reason and
        // the twins the template carries.
        let listed = stack["suppressions"].as_array().unwrap();
        let mut in_template = 0;
        for (id, r) in t["Resources"].as_object().unwrap() {
            for skip in r["Metadata"]["checkov"]["skip"]
                .as_array()
                .into_iter()
                .flatten()
            {
                in_template += 1;
                let row = listed
                    .iter()
                    .find(|l| l["resource"] == *id && l["checkov"] == skip["id"])
                    .unwrap_or_else(|| panic!("{id} {} not listed", skip["id"]));
                assert_eq!(row["reason"], skip["comment"]);
                let guard = &r["Metadata"]["guard"]["SuppressedRules"];
                if let Some(g) = row["guard"].as_str() {
                    assert!(guard.as_array().unwrap().iter().any(|x| x == g), "{id} {g}");
                }
            }
        }
        assert_eq!(listed.len(), in_template, "{}", stack["stack"]);
    }
    assert_eq!(stacks_seen, s.manifest.stacks.len());
    let main = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stack"] == "main")
        .unwrap();
    let has = |area: &str, resource: &str, text: &str| {
        main["controls"].as_array().unwrap().iter().any(|c| {
            c["area"] == area
                && c["resource"] == resource
                && c["applied"].as_str().unwrap().contains(text)
        })
    };
    // What an auditor asks about, with the values of this spec.
    assert!(has("encryption_in_transit", "Cache", "TLS in transit"));
    assert!(has(
        "encryption_in_transit",
        "DbParameterGroup",
        "rds.force_ssl"
    ));
    assert!(has(
        "encryption_in_transit",
        "HttpsListener",
        "ELBSecurityPolicy-TLS13"
    ));
    assert!(has("backups", "Db", "automated backups kept 7 days"));
    assert!(has("logging", "FlowLog", "VPC flow logs"));
    assert!(has(
        "least_privilege",
        "UploadsBucket",
        "all public access blocked"
    ));
    assert!(has(
        "secret_rotation",
        "CacheAuthTokenRotation",
        "rate(30 days)"
    ));
    assert!(has(
        "least_privilege",
        "SecretRotationRole",
        "GetRandomPassword acts on no resource"
    ));

    // The Markdown page carries the same rows.
    let md = archgen()
        .args(["compliance", "prod", "--dir"])
        .arg(example_dir("user-management"))
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.starts_with("# Compliance report: user-management prod"),
        "{md}"
    );
    assert!(md.contains("## Stack main (user-management-prod-main, ap-northeast-1)"));
    assert!(md.contains(
        "| CacheAuthToken | AWS::SecretsManager::Secret | CKV_AWS_149 | SECRETSMANAGER_USING_CMK | W77 |"
    ));

    // Read from the templates: a customer key changes what it says.
    let p = TempProject::new(&keyed_spec());
    let keyed = archgen::compliance::report(&p.synth("prod").unwrap());
    let main = &keyed.stacks[0];
    let at_rest = |id: &str| {
        main.controls
            .iter()
            .find(|c| c.resource == id && c.area == archgen::compliance::Area::EncryptionAtRest)
            .map(|c| c.applied.clone())
            .unwrap()
    };
    assert_eq!(
        at_rest("JwtSecret"),
        "encrypted with the customer key DataKey"
    );
    assert_eq!(
        at_rest("LegacySecret"),
        "encrypted with the AWS managed key aws/secretsmanager"
    );
    assert!(
        main.suppressions
            .iter()
            .any(|s| s.resource == "LegacySecret"
                && s.checkov == "CKV_AWS_149"
                && s.reason.contains("secrets.legacy.service_key"))
    );

    // An environment that does not exist is a usage error.
    let bad = archgen()
        .args(["compliance", "prd", "--dir"])
        .arg(example_dir("user-management"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Did you mean 'prod'?"));
}
