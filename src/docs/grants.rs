//! Each workload's IAM grants in words, read from its roles' inline
//! policies in the synthesized template.

use serde::Serialize;
use serde_json::Value;

use super::cfn::{Cfn, Resource, describe, targets, texts};

/// One `Allow` statement of a role's policy.
pub struct Statement {
    pub actions: Vec<String>,
    /// Logical ids the statement's resources name, or the literal ARNs.
    pub resources: Vec<String>,
}

pub fn statements(role: &Resource) -> Vec<Statement> {
    let mut found = Vec::new();
    for policy in role.get("Policies").as_array().into_iter().flatten() {
        for s in policy["PolicyDocument"]["Statement"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if s["Effect"].as_str() != Some("Allow") {
                continue;
            }
            let actions = match &s["Action"] {
                Value::String(a) => vec![a.clone()],
                other => texts(other),
            };
            let mut resources = resources(&s["Resource"]);
            // A table and its indexes, a bucket and its objects: one name.
            resources.dedup();
            found.push(Statement { actions, resources });
        }
    }
    found
}

fn resources(value: &Value) -> Vec<String> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .map(|item| match targets(item).first() {
            Some(id) => id.to_string(),
            None => describe(item),
        })
        .collect()
}

/// What an action does, in a word.
pub fn verb(action: &str) -> &'static str {
    let name = action.rsplit(':').next().unwrap_or(action);
    const READ: &[&str] = &[
        "ConditionCheck",
        "Get",
        "List",
        "Describe",
        "Receive",
        "Query",
        "Scan",
        "Read",
        "Batch",
    ];
    const WRITE: &[&str] = &[
        "Put", "Delete", "Send", "Write", "Update", "Create", "Publish", "Change",
    ];
    if action == "secretsmanager:GetSecretValue" || action.starts_with("ssm:GetParameter") {
        "reads secret"
    } else if name == "*" {
        "all actions"
    } else if action.ends_with(":connect") {
        "connects"
    } else if name.starts_with("Decrypt")
        || name.starts_with("GenerateDataKey")
        || name.starts_with("Encrypt")
    {
        "uses key"
    } else if name.starts_with("BatchGet")
        || READ
            .iter()
            .any(|p| name.starts_with(p) && !name.starts_with("BatchWrite"))
    {
        "reads"
    } else if WRITE.iter().any(|p| name.starts_with(p)) || name.starts_with("BatchWrite") {
        "writes"
    } else {
        "calls"
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Grant {
    pub role: String,
    /// `reads`, `writes`, ...
    pub verbs: String,
    pub resources: String,
    pub actions: String,
}

/// The grants of every role `owner` says belongs to a workload, in words.
pub fn workload_grants(
    cfn: &Cfn,
    owner: impl Fn(&str) -> Option<String>,
) -> Vec<(String, Vec<Grant>)> {
    let mut by_workload: Vec<(String, Vec<Grant>)> = Vec::new();
    for role in cfn.of_type("AWS::IAM::Role") {
        let Some(workload) = owner(role.id) else {
            continue;
        };
        let grants: Vec<Grant> = statements(&role)
            .into_iter()
            .map(|s| {
                let mut verbs: Vec<&str> = s.actions.iter().map(|a| verb(a)).collect();
                verbs.sort();
                verbs.dedup();
                Grant {
                    role: role.id.to_string(),
                    verbs: verbs.join(", "),
                    resources: s.resources.join(", "),
                    actions: s.actions.join(", "),
                }
            })
            .collect();
        if grants.is_empty() {
            continue;
        }
        match by_workload.iter_mut().find(|(w, _)| *w == workload) {
            Some((_, all)) => all.extend(grants),
            None => by_workload.push((workload, grants)),
        }
    }
    by_workload
}
