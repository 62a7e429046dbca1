//! AWS::ElastiCache::* resource types.

use super::{Expr, Tag};
use serde::Serialize;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicationGroup {
    pub replication_group_description: String,
    pub engine: String,
    pub engine_version: String,
    pub cache_node_type: String,
    pub num_cache_clusters: Option<u32>,
    pub num_node_groups: Option<u32>,
    pub replicas_per_node_group: Option<u32>,
    pub automatic_failover_enabled: bool,
    #[serde(rename = "MultiAZEnabled")]
    pub multi_az_enabled: bool,
    pub at_rest_encryption_enabled: bool,
    pub transit_encryption_enabled: bool,
    pub transit_encryption_mode: Option<String>,
    pub auth_token: Option<Expr>,
    pub kms_key_id: Option<Expr>,
    pub cache_subnet_group_name: Expr,
    pub security_group_ids: Vec<Expr>,
    pub cache_parameter_group_name: Expr,
    pub port: u16,
    pub snapshot_retention_limit: u32,
    pub snapshot_window: Option<String>,
    pub preferred_maintenance_window: Option<String>,
    pub auto_minor_version_upgrade: bool,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetGroup {
    pub description: String,
    pub subnet_ids: Vec<Expr>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterGroup {
    pub cache_parameter_group_family: String,
    pub description: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    pub tags: Vec<Tag>,
}
