//! The IAM capabilities a template needs, read from the template itself so
//! a change set is not rejected with InsufficientCapabilities.

use serde_json::Value;

/// Name properties that make an IAM resource "named" (CAPABILITY_NAMED_IAM).
const IAM_NAMES: &[&str] = &[
    "RoleName",
    "ManagedPolicyName",
    "UserName",
    "GroupName",
    "InstanceProfileName",
];

pub fn required(template: &Value) -> Vec<String> {
    let mut caps = Vec::new();
    let resources = template
        .get("Resources")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, r)| r);
    let mut iam = false;
    let mut named = false;
    for r in resources {
        let t = r.get("Type").and_then(Value::as_str).unwrap_or("");
        if t.starts_with("AWS::IAM::") {
            iam = true;
            let props = r.get("Properties");
            named |= IAM_NAMES
                .iter()
                .any(|n| props.and_then(|p| p.get(*n)).is_some());
        }
        if t == "AWS::CloudFormation::Stack" || t == "AWS::Serverless::Application" {
            caps.push("CAPABILITY_AUTO_EXPAND");
        }
    }
    if template.get("Transform").is_some() {
        caps.push("CAPABILITY_AUTO_EXPAND");
    }
    if iam {
        caps.push("CAPABILITY_IAM");
    }
    if named {
        caps.push("CAPABILITY_NAMED_IAM");
    }
    merge(caps.into_iter().map(String::from), std::iter::empty())
}

/// Union, sorted, without duplicates.
pub fn merge(a: impl Iterator<Item = String>, b: impl Iterator<Item = String>) -> Vec<String> {
    let mut all: Vec<String> = a.chain(b).collect();
    all.sort();
    all.dedup();
    all
}
