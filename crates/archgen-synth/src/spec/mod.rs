//! L3: the user's YAML. One file per stack under `stacks/`, a base definition
//! plus per-environment overlays (see [`overlay`] for the merge rules).

// Every value here is user text: index and slice only with checked methods,
// so no input can panic (`string_slice` is on crate-wide in Cargo.toml).
// Unit tests index freely: a panic there is a failing test.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod api;
pub mod app;
pub mod data;
pub mod de;
pub mod edge;
pub mod identity;
pub mod load;
pub mod messaging;
pub mod monitoring;
pub mod network;
pub mod node;
pub mod overlay;
pub mod set;
pub mod yaml_error;

use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::BTreeMap;

pub use load::{Project, ResolvedStack, StackFile};

/// One stack for one environment, after its overlay is applied.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StackSpec {
    /// Application name: lowercase letters, digits and hyphens. It prefixes
    /// stack names, export names and resource names.
    pub app: String,
    /// AWS region the stack deploys to, e.g. `ap-northeast-1`.
    pub region: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Turn on CloudFormation termination protection (usually in prod only).
    #[serde(default)]
    pub termination_protection: bool,
    /// The AWS account (12 digits) the stack must deploy to, usually set per
    /// environment: deploy, diff and destroy refuse credentials of another.
    #[serde(default)]
    pub account: Option<String>,
    /// Extra tags for every resource, on top of app / environment / managed-by.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub network: Option<network::NetworkSpec>,
    #[serde(default)]
    pub repositories: IndexMap<String, app::RepositorySpec>,
    #[serde(default)]
    pub load_balancer: Option<app::LoadBalancerSpec>,
    #[serde(default)]
    pub services: IndexMap<String, app::ServiceSpec>,
    /// An HTTP API in front of the load balancer or functions.
    #[serde(default)]
    pub api: Option<api::ApiSpec>,
    /// Relational databases (RDS and Aurora), by component name.
    #[serde(default)]
    pub databases: IndexMap<String, data::DatabaseSpec>,
    /// ElastiCache replication groups, by component name.
    #[serde(default)]
    pub caches: IndexMap<String, data::CacheSpec>,
    #[serde(default)]
    pub buckets: IndexMap<String, data::BucketSpec>,
    /// Secrets Manager secrets, generated or referenced.
    #[serde(default)]
    pub secrets: IndexMap<String, data::SecretSpec>,
    /// SSM parameters: plain ones created, SecureString ones referenced.
    #[serde(default)]
    pub parameters: IndexMap<String, data::ParameterSpec>,
    /// Customer-managed KMS keys.
    #[serde(default)]
    pub keys: IndexMap<String, data::KeySpec>,
    /// Cognito user pools, by component name.
    #[serde(default)]
    pub user_pools: IndexMap<String, identity::UserPoolSpec>,
    /// SQS queues (each with a dead-letter queue), by component name.
    #[serde(default)]
    pub queues: IndexMap<String, messaging::QueueSpec>,
    /// Lambda functions, by component name.
    #[serde(default)]
    pub functions: IndexMap<String, messaging::FunctionSpec>,
    /// SNS topics that alarms notify.
    #[serde(default)]
    pub topics: IndexMap<String, monitoring::TopicSpec>,
    /// CloudWatch alarms, by name.
    #[serde(default)]
    pub alarms: IndexMap<String, monitoring::AlarmSpec>,
    /// WAFv2 web ACLs, by name.
    #[serde(default)]
    pub waf: IndexMap<String, edge::WebAclSpec>,
    /// CloudFront distributions, by name.
    #[serde(default)]
    pub cdn: IndexMap<String, edge::DistributionSpec>,
    /// Route 53 alias records in existing hosted zones.
    #[serde(default)]
    pub dns: Option<edge::DnsSpec>,
}
