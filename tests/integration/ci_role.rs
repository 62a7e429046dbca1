//! `ci:`: the GitHub Actions deploy role, read as a security reviewer reads
//! it: who can assume it, and which stacks, buckets and roles it reaches.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::{Value, json};

fn with_ci(ci: &str) -> String {
    VALID.replace("environments:", &format!("ci:\n{ci}environments:"))
}

const CI: &str =
    "  repository: acme/demo\n  branches: [main, release/2026]\n  environments: [production]\n";

/// Every Resource of every statement of a role's inline policies.
fn resources(role: &Value) -> Vec<String> {
    role["Properties"]["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap().clone())
        .flat_map(|s| s["Resource"].as_array().unwrap().clone())
        .map(|r| match r {
            Value::String(s) => s,
            Value::Object(o) if o.contains_key("Fn::Sub") => o["Fn::Sub"].as_str().unwrap().into(),
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn the_deploy_role_cannot_touch_another_apps_stacks() {
    let t = template_json(
        &TempProject::new(&with_ci(CI)).synth("prod").unwrap(),
        "main",
    );
    let role = &t["Resources"]["DeployRole"];
    assert_eq!(role["Properties"]["RoleName"], "demo-prod-deploy");
    let stack_prefix = "arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/";
    for r in resources(role) {
        let allowed = r == format!("{stack_prefix}demo-prod-*/*")
            || r == format!("{stack_prefix}archgen-bootstrap/*")
            || r == "arn:${AWS::Partition}:s3:::archgen-bootstrap-artifactbucket-*/archgen/demo-prod-*"
            || r == "arn:${AWS::Partition}:s3:::archgen-bootstrap-artifactbucket-*"
            || r == r#"{"Fn::GetAtt":["CloudFormationExecutionRole","Arn"]}"#
            || r == "*";
        assert!(allowed, "the deploy role reaches {r}");
    }
    let statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    // What it may do on any resource: only what has no resource-level permission.
    for s in statements {
        if s["Resource"] == json!(["*"]) {
            assert_eq!(s["Action"], json!(["cloudformation:ValidateTemplate"]));
        }
        // The bootstrap stack is read, never changed.
        if s["Resource"][0]["Fn::Sub"]
            .as_str()
            .unwrap_or("")
            .contains("archgen-bootstrap/")
        {
            assert_eq!(
                s["Action"],
                json!([
                    "cloudformation:DescribeStacks",
                    "cloudformation:ListStackResources"
                ])
            );
        }
    }
    // It passes only the execution role, only to CloudFormation.
    let pass = statements
        .iter()
        .find(|s| s["Action"] == json!(["iam:PassRole"]))
        .expect("a PassRole statement");
    assert_eq!(
        pass["Resource"],
        json!([{"Fn::GetAtt": ["CloudFormationExecutionRole", "Arn"]}])
    );
    assert_eq!(
        pass["Condition"],
        json!({"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}})
    );
    // Nothing else in IAM, and nothing that creates resources directly.
    let actions: Vec<&str> = statements
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        actions.iter().all(|a| a.starts_with("cloudformation:")
            || a.starts_with("s3:")
            || *a == "iam:PassRole"),
        "{actions:?}"
    );
    assert!(!actions.iter().any(|a| a.contains('*')), "{actions:?}");
}

#[test]
fn the_trust_policy_pins_the_repository_branches_and_environments() {
    let t = template_json(
        &TempProject::new(&with_ci(CI)).synth("prod").unwrap(),
        "main",
    );
    let trust = &t["Resources"]["DeployRole"]["Properties"]["AssumeRolePolicyDocument"];
    let statements = trust["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!(s["Action"], json!(["sts:AssumeRoleWithWebIdentity"]));
    assert_eq!(
        s["Principal"],
        json!({"Federated": {"Ref": "GitHubOidcProvider"}})
    );
    // StringEquals, not StringLike: no pattern can match another branch.
    assert_eq!(
        s["Condition"],
        json!({"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
                "repo:acme/demo:ref:refs/heads/main",
                "repo:acme/demo:ref:refs/heads/release/2026",
                "repo:acme/demo:environment:production"
            ]
        }})
    );
    let provider = &t["Resources"]["GitHubOidcProvider"]["Properties"];
    assert_eq!(
        provider["Url"],
        "https://token.actions.githubusercontent.com"
    );
    assert_eq!(provider["ClientIdList"], json!(["sts.amazonaws.com"]));

    // An existing provider is referenced, not created.
    let arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    let t = template_json(
        &TempProject::new(&with_ci(&format!("{CI}  provider: {arn}\n")))
            .synth("prod")
            .unwrap(),
        "main",
    );
    assert!(t["Resources"].get("GitHubOidcProvider").is_none());
    assert_eq!(
        t["Resources"]["DeployRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Federated": arn})
    );
}

#[test]
fn the_execution_role_is_for_cloudformation_and_this_apps_roles_only() {
    let t = template_json(
        &TempProject::new(&with_ci(CI)).synth("prod").unwrap(),
        "main",
    );
    let role = &t["Resources"]["CloudFormationExecutionRole"];
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "cloudformation.amazonaws.com"})
    );
    let statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    for s in statements {
        let actions = s["Action"].as_array().unwrap();
        if actions
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("iam:"))
        {
            let r = s["Resource"][0]["Fn::Sub"].as_str().unwrap();
            assert!(
                r.ends_with(":role/demo-prod-*")
                    || r.ends_with(":oidc-provider/token.actions.githubusercontent.com")
                    || r.ends_with(":role/aws-service-role/*"),
                "IAM on {r}"
            );
        }
    }
    let services = statements[0]["Action"].as_array().unwrap();
    assert!(services.contains(&json!("ecs:*")) && services.contains(&json!("rds:*")));
    assert!(
        !services
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("iam:"))
    );
    assert_eq!(
        t["Outputs"]["DeployRoleArn"]["Value"],
        json!({"Fn::GetAtt": ["DeployRole", "Arn"]})
    );
}

#[test]
fn malformed_ci_blocks_fail_with_file_line_field_and_fix() {
    let valid = with_ci(CI);
    let cases = [
        Case {
            name: "repository without owner",
            from: "repository: acme/demo",
            to: "repository: demo",
            line: 12,
            field: "ci.repository",
            says: &["'demo' is not a GitHub repository", "owner/name"],
        },
        Case {
            name: "wildcard branch",
            from: "branches: [main, release/2026]",
            to: "branches: [main, \"release/*\"]",
            line: 13,
            field: "ci.branches[1]",
            says: &["a wildcard would let any matching branch deploy"],
        },
        Case {
            name: "branch given as a ref",
            from: "branches: [main, release/2026]",
            to: "branches: [refs/heads/main]",
            line: 13,
            field: "ci.branches[0]",
            says: &["it is a ref, not a branch name", "without refs/heads/"],
        },
        Case {
            name: "environment with a colon",
            from: "environments: [production]",
            to: "environments: [\"prod:eu\"]",
            line: 14,
            field: "ci.environments[0]",
            says: &["'prod:eu' is not a GitHub environment name"],
        },
        Case {
            name: "nobody may deploy",
            from: "  branches: [main, release/2026]\n  environments: [production]\n",
            to: "",
            line: 12,
            field: "ci",
            says: &["no branch or environment may deploy", "branches: [main]"],
        },
        Case {
            name: "provider of another issuer",
            from: "environments: [production]\n",
            to: "environments: [production]\n  provider: arn:aws:iam::123456789012:oidc-provider/accounts.google.com\n",
            line: 15,
            field: "ci.provider",
            says: &["is not the ARN of a GitHub OIDC provider"],
        },
    ];
    for case in &cases {
        assert_fails_on(&valid, case);
    }
}

/// Issue 14's "done when": each reference system's example uses the
/// operations blocks its design document asks for (document 000:
/// user-management, 001: multi-env-platform, 002: solo-saving, 004:
/// eyewear-retail), checked in its prod template.
#[test]
fn examples_use_the_operations_blocks_their_documents_ask_for() {
    for (ex, ci, shifting, log_alarm) in [
        ("user-management", true, None, false),
        ("multi-env-platform", true, Some("CANARY"), false),
        ("solo-saving", true, None, false),
        ("eyewear-retail", true, Some("BLUE_GREEN"), true),
    ] {
        let t = template_json(&synth_example(ex, "prod"), "main");
        assert_eq!(t["Resources"].get("DeployRole").is_some(), ci, "{ex}: ci");
        let strategies: Vec<&str> = resources_of(&t, "AWS::ECS::Service")
            .iter()
            .filter_map(|(_, s)| s["Properties"]["DeploymentConfiguration"]["Strategy"].as_str())
            .collect();
        assert_eq!(strategies.first().copied(), shifting, "{ex}: deployment");
        assert_eq!(
            !resources_of(&t, "AWS::Logs::MetricFilter").is_empty(),
            log_alarm,
            "{ex}: log_pattern alarm"
        );
    }
}
