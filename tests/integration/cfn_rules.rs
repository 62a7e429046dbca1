//! What synth accepts, CloudFormation accepts: specs that would give a
//! template CloudFormation or the service refuses fail `synth` with file,
//! line, field and a fix, and write nothing.

use crate::support::*;

/// Runs `synth prod` on `spec` and checks it fails at `main.yaml:<line>:`
/// with `field` and every text in `says`, writing nothing.
#[track_caller]
fn assert_refused(spec: &str, line: u32, field: &str, says: &[&str]) {
    let project = TempProject::new(spec);
    let out = archgen()
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "exit code\n{stderr}");
    let place = format!("main.yaml:{line}:");
    assert!(stderr.contains(&place), "expected {place} in\n{stderr}");
    if !field.is_empty() {
        assert!(
            stderr.contains(&format!("field: {field}\n")),
            "expected field {field} in\n{stderr}"
        );
    }
    for s in says {
        assert!(stderr.contains(s), "expected '{s}' in\n{stderr}");
    }
    assert!(
        !project.path().join("out").exists(),
        "wrote output despite the error"
    );
}

/// `VALID` with `to` in place of the first `from`.
fn valid_with(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "'{from}' is not in the valid spec");
    VALID.replacen(from, to, 1)
}

#[test]
fn a_derived_queue_name_over_80_characters_is_refused_at_its_key() {
    // demo-application-with-long-name-prod-<key>-dlq is 81 characters; the
    // queue itself (77) would pass, its dead-letter queue would not.
    let key = format!("notifications-for-every-store-{}", "c".repeat(10));
    let spec = valid_with(
        "app: demo\n",
        &format!("app: demo-application-with-long-name\nqueues:\n  {key}: {{}}\n"),
    );
    assert_refused(
        &spec,
        3,
        &format!("queues.{key}"),
        &[
            "error[NAME001]",
            "-dlq' is 81 characters; AWS allows 80 in SQS queue names",
            &format!("shorten the key '{key}' or the app name"),
        ],
    );
}

#[test]
fn a_load_balancer_name_starting_with_internal_is_refused() {
    assert_refused(
        &valid_with("name: demo-alb", "name: internal-alb"),
        17,
        "load_balancer.name",
        &[
            "error[APP012]",
            "may not start with 'internal-'",
            "drop the 'internal-' prefix, e.g. 'alb'",
        ],
    );
}

#[test]
fn a_cognito_client_name_over_128_characters_is_refused() {
    let pool = "p".repeat(60);
    let client = "c".repeat(60);
    let spec = valid_with(
        "environments:",
        &format!("user_pools:\n  {pool}:\n    clients:\n      {client}: {{}}\nenvironments:"),
    );
    assert_refused(
        &spec,
        14,
        &format!("user_pools.{pool}.clients.{client}"),
        &[
            "Cognito user pool or app client name 'demo-prod-",
            "is 131 characters; AWS allows 128",
        ],
    );
}

#[test]
fn a_secret_name_with_a_space_is_refused() {
    let spec = valid_with(
        "environments:",
        "secrets:\n  api-key: { name: api key }\nenvironments:",
    );
    assert_refused(
        &spec,
        12,
        "secrets.api-key.name",
        &["Secrets Manager secret name 'demo/prod/api key' has ' '"],
    );
}

#[test]
fn a_stack_over_500_resources_is_refused_with_the_count_and_how_to_split() {
    // Each queue is two resources (the queue and its dead-letter queue).
    let queues: String = (0..260).map(|i| format!("  q{i}: {{}}\n")).collect();
    let spec = valid_with("environments:", &format!("queues:\n{queues}environments:"));
    assert_refused(
        &spec,
        1,
        "",
        &[
            "error[STACK001]",
            "stack 'main' has 5",
            "resources; CloudFormation allows 500 per template",
            "move some components into another file under stacks/",
        ],
    );
}

#[test]
fn a_description_over_1024_bytes_is_refused_at_its_line() {
    let spec = valid_with(
        "region: ap-northeast-1\n",
        &format!(
            "region: ap-northeast-1\ndescription: {}\n",
            "d".repeat(1000)
        ),
    );
    assert_refused(
        &spec,
        3,
        "description",
        &[
            "error[STACK003]",
            "bytes; CloudFormation allows 1024",
            "shorten 'description'",
        ],
    );
}
