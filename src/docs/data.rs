//! The data section: databases and caches (with their windows as the spec
//! states them and in UTC, as AWS runs them), buckets and tables.

use archgen_synth::check::CheckedStack;
use archgen_synth::naming::pascal;
use serde::Serialize;

use super::cfn::{Cfn, describe};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Database {
    pub name: String,
    pub engine: String,
    pub class: String,
    pub instances: String,
    pub storage: String,
    pub backups: String,
    pub backup_window: Option<Window>,
    pub maintenance_window: Option<Window>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cache {
    pub name: String,
    pub engine: String,
    pub node_type: String,
    pub nodes: String,
    pub snapshots: String,
    pub snapshot_window: Option<Window>,
    pub maintenance_window: Option<Window>,
}

/// A window as the spec states it (with its time zone) and in UTC.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Window {
    pub stated: String,
    pub utc: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bucket {
    pub name: String,
    pub versioned: bool,
    pub encryption: String,
    pub lifecycle: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Table {
    pub name: String,
    pub keys: String,
    pub billing: String,
    pub point_in_time_recovery: bool,
    pub ttl: Option<String>,
}

fn window(
    stated: Option<&String>,
    utc: Option<archgen_synth::spec::value::Window>,
) -> Option<Window> {
    Some(Window {
        stated: stated?.clone(),
        utc: format!("{} UTC", utc?.to_aws()),
    })
}

pub fn databases(checked: &CheckedStack, cfn: &Cfn) -> Vec<Database> {
    checked
        .databases()
        .map(|(key, spec, values)| {
            let stem = pascal(key);
            let main = cfn
                .get(&stem)
                .or_else(|| cfn.get(&format!("{stem}Cluster")));
            let text = |field: &str| main.and_then(|r| r.text(field)).unwrap_or_default();
            let readers = spec.readers.unwrap_or(0) as usize + spec.replicas.len();
            let storage = match &spec.storage {
                Some(s) => format!(
                    "{} GB {}{}",
                    s.size_gb,
                    text("StorageType"),
                    s.max_gb
                        .map(|m| format!(", grows to {m} GB"))
                        .unwrap_or_default()
                ),
                None => "Aurora cluster volume".to_string(),
            };
            let serverless = spec
                .serverless
                .as_ref()
                .map(|s| format!(" ({} to {} ACU)", s.min_acu, s.max_acu))
                .unwrap_or_default();
            Database {
                name: key.to_string(),
                engine: format!("{} {}", spec.engine.as_str(), spec.version),
                class: format!("{}{serverless}", values.instance_class),
                instances: format!(
                    "{}{}",
                    if spec.multi_az {
                        "primary with a Multi-AZ standby"
                    } else {
                        "one primary"
                    },
                    if readers > 0 {
                        format!(", {readers} reader(s)")
                    } else {
                        String::new()
                    }
                ),
                storage,
                backups: format!("kept {} days", spec.backup.retention_days),
                backup_window: window(spec.backup.window.as_ref(), values.backup_window),
                maintenance_window: window(
                    spec.maintenance_window.as_ref(),
                    values.maintenance_window,
                ),
            }
        })
        .collect()
}

pub fn caches(checked: &CheckedStack) -> Vec<Cache> {
    checked
        .caches()
        .map(|(key, spec, values)| Cache {
            name: key.to_string(),
            engine: format!("{} {}", spec.engine.as_str(), spec.version),
            node_type: spec.node_type.clone(),
            nodes: {
                let group = match spec.replicas {
                    0 => "1 primary, no replica".to_string(),
                    n => format!("1 primary + {n} replica(s)"),
                };
                match spec.shards {
                    Some(shards) => format!("{shards} shard(s) of {group}"),
                    None => group,
                }
            },
            snapshots: format!("kept {} days", spec.snapshot.retention_days),
            snapshot_window: window(spec.snapshot.window.as_ref(), values.snapshot_window),
            maintenance_window: window(spec.maintenance_window.as_ref(), values.maintenance_window),
        })
        .collect()
}

pub fn buckets(keys: &[String], cfn: &Cfn) -> Vec<Bucket> {
    keys.iter()
        .filter_map(|key| {
            let bucket = cfn.get(&format!("{}Bucket", pascal(key)))?;
            let sse = &bucket.get("BucketEncryption")["ServerSideEncryptionConfiguration"][0]
                ["ServerSideEncryptionByDefault"];
            let rules = &bucket.get("LifecycleConfiguration")["Rules"];
            let mut lifecycle = Vec::new();
            for rule in rules.as_array().into_iter().flatten() {
                for t in rule["Transitions"].as_array().into_iter().flatten() {
                    lifecycle.push(format!(
                        "to {} after {} days",
                        describe(&t["StorageClass"]),
                        describe(&t["TransitionInDays"])
                    ));
                }
                if !rule["ExpirationInDays"].is_null() {
                    lifecycle.push(format!("expires after {} days", describe(&rule["ExpirationInDays"])));
                }
            }
            Some(Bucket {
                name: key.clone(),
                versioned: bucket.text("VersioningConfiguration.Status").as_deref() == Some("Enabled"),
                encryption: match describe(&sse["SSEAlgorithm"]).as_str() {
                    "aws:kms" => format!("KMS ({})", describe(&sse["KMSMasterKeyID"])),
                    other => other.to_string(),
                },
                lifecycle: if lifecycle.is_empty() {
                    "none: objects are kept".to_string()
                } else {
                    lifecycle.join("; ")
                },
            })
        })
        .collect()
}

pub fn tables(keys: &[String], cfn: &Cfn) -> Vec<Table> {
    keys.iter()
        .filter_map(|key| {
            let table = cfn.get(&format!("{}Table", pascal(key)))?;
            let keys = table
                .get("KeySchema")
                .as_array()
                .into_iter()
                .flatten()
                .map(|k| {
                    format!(
                        "{} ({})",
                        describe(&k["AttributeName"]),
                        describe(&k["KeyType"]).to_lowercase()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            Some(Table {
                name: key.clone(),
                keys,
                billing: table.text("BillingMode").unwrap_or_default(),
                point_in_time_recovery: table
                    .text("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled")
                    .as_deref()
                    == Some("yes"),
                ttl: table
                    .text("TimeToLiveSpecification.AttributeName")
                    .filter(|_| {
                        table.text("TimeToLiveSpecification.Enabled").as_deref() == Some("yes")
                    }),
            })
        })
        .collect()
}
