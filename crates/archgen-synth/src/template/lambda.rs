//! AWS::Lambda::* resource types.

use super::{Expr, Tag};
use serde::Serialize;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Function {
    pub function_name: Option<String>,
    pub description: Option<String>,
    pub runtime: Option<String>,
    pub handler: Option<String>,
    pub package_type: Option<String>,
    pub architectures: Option<Vec<String>>,
    pub role: Expr,
    pub code: Code,
    pub timeout: Option<i64>,
    pub memory_size: Option<i64>,
    pub reserved_concurrent_executions: Option<u32>,
    pub environment: Option<Environment>,
    pub vpc_config: Option<VpcConfig>,
    pub tracing_config: Option<TracingConfig>,
    pub dead_letter_config: Option<DeadLetterConfig>,
    pub logging_config: Option<LoggingConfig>,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Code {
    pub zip_file: Option<String>,
    pub s3_bucket: Option<Expr>,
    pub s3_key: Option<Expr>,
    pub s3_object_version: Option<String>,
    pub image_uri: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingConfig {
    pub log_group: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Environment {
    pub variables: BTreeMap<String, Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcConfig {
    pub security_group_ids: Vec<Expr>,
    pub subnet_ids: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TracingConfig {
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeadLetterConfig {
    pub target_arn: Expr,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSourceMapping {
    pub event_source_arn: Expr,
    pub function_name: Expr,
    pub batch_size: Option<u32>,
    pub maximum_batching_window_in_seconds: Option<u32>,
    pub function_response_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}
