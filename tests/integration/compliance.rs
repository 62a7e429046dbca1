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
