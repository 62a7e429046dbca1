//! AWS::RDS::* resource types.

use super::{Expr, Tag};
use serde::Serialize;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct DbInstance {
    #[serde(rename = "DBInstanceClass")]
    pub db_instance_class: String,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    #[serde(rename = "DBClusterIdentifier")]
    pub db_cluster_identifier: Option<Expr>,
    #[serde(rename = "SourceDBInstanceIdentifier")]
    pub source_db_instance_identifier: Option<Expr>,
    #[serde(rename = "DBName")]
    pub db_name: Option<String>,
    pub master_username: Option<String>,
    pub manage_master_user_password: Option<bool>,
    pub master_user_secret: Option<MasterUserSecret>,
    /// A string in CloudFormation's schema.
    pub allocated_storage: Option<String>,
    pub max_allocated_storage: Option<u32>,
    pub storage_type: Option<String>,
    pub storage_encrypted: Option<bool>,
    pub kms_key_id: Option<Expr>,
    #[serde(rename = "MultiAZ")]
    pub multi_az: Option<bool>,
    pub availability_zone: Option<Expr>,
    #[serde(rename = "DBSubnetGroupName")]
    pub db_subnet_group_name: Option<Expr>,
    #[serde(rename = "VPCSecurityGroups")]
    pub vpc_security_groups: Option<Vec<Expr>>,
    #[serde(rename = "DBParameterGroupName")]
    pub db_parameter_group_name: Option<Expr>,
    pub port: Option<String>,
    pub publicly_accessible: Option<bool>,
    pub backup_retention_period: Option<u32>,
    pub preferred_backup_window: Option<String>,
    pub preferred_maintenance_window: Option<String>,
    pub auto_minor_version_upgrade: Option<bool>,
    pub copy_tags_to_snapshot: Option<bool>,
    pub deletion_protection: Option<bool>,
    pub enable_cloudwatch_logs_exports: Option<Vec<String>>,
    #[serde(rename = "EnableIAMDatabaseAuthentication")]
    pub enable_iam_database_authentication: Option<bool>,
    pub enable_performance_insights: Option<bool>,
    pub performance_insights_retention_period: Option<u32>,
    #[serde(rename = "PerformanceInsightsKMSKeyId")]
    pub performance_insights_kms_key_id: Option<Expr>,
    pub monitoring_interval: Option<u32>,
    pub monitoring_role_arn: Option<Expr>,
    #[serde(rename = "CACertificateIdentifier")]
    pub ca_certificate_identifier: Option<String>,
    pub promotion_tier: Option<u32>,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MasterUserSecret {
    pub kms_key_id: Option<Expr>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbCluster {
    pub engine: String,
    pub engine_version: String,
    pub database_name: Option<String>,
    pub master_username: String,
    pub manage_master_user_password: bool,
    pub master_user_secret: Option<MasterUserSecret>,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<Expr>,
    #[serde(rename = "DBSubnetGroupName")]
    pub db_subnet_group_name: Expr,
    pub vpc_security_group_ids: Vec<Expr>,
    #[serde(rename = "DBClusterParameterGroupName")]
    pub db_cluster_parameter_group_name: Expr,
    pub port: Option<u16>,
    pub backup_retention_period: u32,
    pub preferred_backup_window: Option<String>,
    pub preferred_maintenance_window: Option<String>,
    pub copy_tags_to_snapshot: bool,
    pub deletion_protection: bool,
    pub enable_cloudwatch_logs_exports: Vec<String>,
    #[serde(rename = "EnableIAMDatabaseAuthentication")]
    pub enable_iam_database_authentication: bool,
    pub serverless_v2_scaling_configuration: Option<ServerlessV2ScalingConfiguration>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerlessV2ScalingConfiguration {
    pub min_capacity: f64,
    pub max_capacity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbSubnetGroup {
    #[serde(rename = "DBSubnetGroupDescription")]
    pub db_subnet_group_description: String,
    pub subnet_ids: Vec<Expr>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbParameterGroup {
    pub description: String,
    pub family: String,
    pub parameters: BTreeMap<String, String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbClusterParameterGroup {
    pub description: String,
    pub family: String,
    pub parameters: BTreeMap<String, String>,
    pub tags: Vec<Tag>,
}
