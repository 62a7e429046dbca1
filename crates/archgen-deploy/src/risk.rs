//! Which changes deserve a second look: destructive changes on resources
//! that hold data, and changes that widen access. Pure functions over the
//! change set and the templates before and after.

use serde_json::Value;
use std::collections::BTreeSet;

use super::model::ResourceChange;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskKind {
    /// Deletes or replaces a resource that holds data.
    Destructive,
    /// Opens network access or grants new permissions.
    Broadening,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    pub logical_id: String,
    pub resource_type: String,
    pub kind: RiskKind,
    pub reason: String,
}

/// Types whose deletion or replacement loses data (or, for KMS keys and
/// user pools, makes data or identities unrecoverable).
const STATEFUL: &[&str] = &[
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::RDS::GlobalCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ServerlessCache",
    "AWS::MemoryDB::Cluster",
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::Cognito::UserPool",
    "AWS::KMS::Key",
    "AWS::EFS::FileSystem",
    "AWS::FSx::FileSystem",
    "AWS::Logs::LogGroup",
    "AWS::SecretsManager::Secret",
    "AWS::SQS::Queue",
    "AWS::Kinesis::Stream",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
    "AWS::Backup::BackupVault",
    "AWS::ECR::Repository",
    "AWS::EC2::Volume",
];

const IAM: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::User",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::Group",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::AccessKey",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::UserToGroupAddition",
];

/// Resource policies: each grants someone access to something.
const RESOURCE_POLICIES: &[&str] = &[
    "AWS::Lambda::Permission",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SecretsManager::ResourcePolicy",
];

pub fn is_stateful(resource_type: &str) -> bool {
    STATEFUL.contains(&resource_type)
}

/// `new` is the template being deployed; `old` the deployed one (None for a
/// new stack, or when it could not be read: then every IAM change counts).
pub fn assess(changes: &[ResourceChange], new: &Value, old: Option<&Value>) -> Vec<Risk> {
    let mut risks = Vec::new();
    for c in changes {
        let id = c.logical_resource_id.as_str();
        let risk = |kind, reason: String| Risk {
            logical_id: id.to_string(),
            resource_type: c.resource_type.clone(),
            kind,
            reason,
        };
        if is_stateful(&c.resource_type)
            && let Some(reason) = destructive(c, old.and_then(|t| resource(t, id)))
        {
            risks.push(risk(RiskKind::Destructive, reason));
        }
        if c.action == "Remove" {
            continue;
        }
        let before = old.and_then(|t| resource(t, id));
        let after = resource(new, id);
        if let Some(reason) = broadening(c, before, after, old.is_some()) {
            risks.push(risk(RiskKind::Broadening, reason));
        }
    }
    risks
}

fn resource<'a>(template: &'a Value, id: &str) -> Option<&'a Value> {
    template.get("Resources")?.get(id)
}

fn destructive(c: &ResourceChange, before: Option<&Value>) -> Option<String> {
    let policy = |key: &str| {
        before
            .and_then(|r| r.get(key))
            .and_then(Value::as_str)
            .unwrap_or("Delete")
            .to_string()
    };
    match c.action.as_str() {
        "Remove" => match policy("DeletionPolicy").as_str() {
            "Retain" | "RetainExceptOnCreate" => None,
            "Snapshot" => Some("deleted (a final snapshot is kept, the live data goes)".into()),
            _ => Some("deleted with its data".into()),
        },
        "Modify" => {
            let causes = recreation_causes(c);
            let replacement = c.replacement.as_deref().unwrap_or("");
            let kept = if policy("UpdateReplacePolicy") == "Retain" {
                " (the old one is retained, but the new one starts empty)"
            } else {
                ""
            };
            let because = if causes.is_empty() {
                String::new()
            } else {
                format!(" because of {}", causes.join(", "))
            };
            match replacement {
                "True" => Some(format!("replaced by a new, empty resource{because}{kept}")),
                "Conditional" => Some(format!(
                    "may be replaced by a new, empty resource{because}{kept}"
                )),
                "False" => None,
                // CloudFormation (or an emulator) did not say. For a resource
                // holding data, not knowing is no reason to risk it, unless
                // every changed property is one that never recreates.
                _ if only_in_place(c) => None,
                _ => Some(format!(
                    "may be replaced by a new, empty resource (the change set does not say \
                     whether it is replaced){because}{kept}"
                )),
            }
        }
        _ => None,
    }
}

/// Every changed property is known to update in place.
fn only_in_place(c: &ResourceChange) -> bool {
    !c.details.is_empty()
        && c.details
            .iter()
            .all(|d| d.target.requires_recreation.as_deref() == Some("Never"))
}

/// Properties whose change forces (or may force) a replacement.
pub fn recreation_causes(c: &ResourceChange) -> Vec<String> {
    let mut names: Vec<String> = c
        .details
        .iter()
        .filter(|d| {
            matches!(
                d.target.requires_recreation.as_deref(),
                Some("Always") | Some("Conditionally")
            )
        })
        .filter_map(|d| d.target.name.clone())
        .collect();
    names.dedup();
    names
}

fn broadening(
    c: &ResourceChange,
    before: Option<&Value>,
    after: Option<&Value>,
    know_old: bool,
) -> Option<String> {
    let t = c.resource_type.as_str();
    let props = |r: Option<&Value>| {
        r.and_then(|r| r.get("Properties"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let (old, new) = (props(before), props(after));
    if t == "AWS::EC2::SecurityGroup" || t == "AWS::EC2::SecurityGroupIngress" {
        let opened: Vec<String> = open_rules(&new)
            .difference(&open_rules(&old))
            .cloned()
            .collect();
        return (!opened.is_empty())
            .then(|| format!("opens {} to the internet", opened.join(", ")));
    }
    if IAM.contains(&t) {
        if c.action == "Add" {
            return Some(format!("new IAM {}", t.trim_start_matches("AWS::IAM::")));
        }
        if !know_old {
            return Some("IAM change (the deployed template could not be compared)".into());
        }
        let added = grants(&new).difference(&grants(&old)).count();
        return (added > 0).then(|| format!("adds {added} IAM grant(s)"));
    }
    if RESOURCE_POLICIES.contains(&t) {
        // A policy of Deny statements only (TLS-only, say) grants nothing.
        if c.action == "Add" {
            return (!grants(&new).is_empty()).then(|| "new resource policy".into());
        }
        let added = grants(&new).difference(&grants(&old)).count();
        return (added > 0).then(|| format!("adds {added} grant(s) to a resource policy"));
    }
    None
}

/// Ingress rules open to any address, as "tcp 22 from 0.0.0.0/0".
fn open_rules(props: &Value) -> BTreeSet<String> {
    let mut rules: Vec<&Value> = props
        .get("SecurityGroupIngress")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    // A standalone SecurityGroupIngress resource is one rule.
    if props.get("CidrIp").is_some() || props.get("CidrIpv6").is_some() {
        rules.push(props);
    }
    rules
        .into_iter()
        .filter_map(|r| {
            let cidr = ["CidrIp", "CidrIpv6"]
                .iter()
                .filter_map(|k| r.get(*k).and_then(Value::as_str))
                .find(|c| *c == "0.0.0.0/0" || *c == "::/0")?;
            let proto = r
                .get("IpProtocol")
                .map(scalar)
                .unwrap_or_else(|| "any".into());
            let from = r.get("FromPort").map(scalar);
            let to = r.get("ToPort").map(scalar);
            let ports = match (from, to) {
                (Some(f), Some(t)) if f == t => format!(" port {f}"),
                (Some(f), Some(t)) => format!(" ports {f}-{t}"),
                _ => String::new(),
            };
            let proto = if proto == "-1" {
                "all traffic".to_string()
            } else {
                proto
            };
            Some(format!("{proto}{ports} from {cidr}"))
        })
        .collect()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every Allow statement and managed policy ARN, serialized, so a grant
/// added anywhere in a role or policy shows up as a new element.
fn grants(props: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect_grants(props, &mut out);
    out
}

fn collect_grants(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if m.get("Effect").and_then(Value::as_str) == Some("Allow") {
                out.insert(v.to_string());
                return;
            }
            for (k, child) in m {
                if k == "ManagedPolicyArns"
                    && let Some(arns) = child.as_array()
                {
                    out.extend(arns.iter().map(|a| format!("managed policy {a}")));
                } else if k == "AssumeRolePolicyDocument" {
                    // Who may assume the role: a grant as well.
                    collect_grants(child, out);
                } else {
                    collect_grants(child, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_grants(x, out)),
        _ => {}
    }
}
