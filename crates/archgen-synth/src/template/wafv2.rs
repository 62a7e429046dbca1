//! AWS::WAFv2::* resource types. A rule's statement is a recursive union
//! of some thirty kinds; the builder writes the few it uses as JSON values.

use super::{Expr, Tag};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAcl {
    pub name: String,
    pub scope: String,
    pub description: Option<String>,
    pub default_action: Value,
    pub rules: Vec<Rule>,
    pub custom_response_bodies: Option<BTreeMap<String, CustomResponseBody>>,
    pub visibility_config: VisibilityConfig,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    pub name: String,
    pub priority: u32,
    pub statement: Value,
    /// For rules of the ACL's own (`Block`, `Count`).
    pub action: Option<Value>,
    /// For managed rule groups (`None` keeps the group's actions).
    pub override_action: Option<Value>,
    pub visibility_config: VisibilityConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VisibilityConfig {
    pub cloud_watch_metrics_enabled: bool,
    pub metric_name: String,
    pub sampled_requests_enabled: bool,
}

impl VisibilityConfig {
    /// Metrics and sampled requests on: what every rule gets.
    pub fn on(metric_name: impl Into<String>) -> Self {
        VisibilityConfig {
            cloud_watch_metrics_enabled: true,
            metric_name: metric_name.into(),
            sampled_requests_enabled: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomResponseBody {
    pub content_type: String,
    pub content: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpSet {
    pub name: String,
    pub scope: String,
    pub description: Option<String>,
    #[serde(rename = "IPAddressVersion")]
    pub ip_address_version: String,
    pub addresses: Vec<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAclAssociation {
    pub resource_arn: Expr,
    #[serde(rename = "WebACLArn")]
    pub web_acl_arn: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingConfiguration {
    pub resource_arn: Expr,
    pub log_destination_configs: Vec<Expr>,
}
