//! AWS::Lambda::* resource types.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Function {
    pub description: Option<String>,
    pub runtime: Option<String>,
    pub handler: Option<String>,
    pub role: Expr,
    pub code: Code,
    pub timeout: Option<i64>,
    pub memory_size: Option<i64>,
    pub logging_config: Option<LoggingConfig>,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Code {
    pub zip_file: Option<String>,
    pub s3_bucket: Option<Expr>,
    pub s3_key: Option<Expr>,
    pub image_uri: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingConfig {
    pub log_group: Expr,
}
