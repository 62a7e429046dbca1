//! AWS::ApiGatewayV2::* (HTTP APIs) and the Lambda permission they need.

use super::Expr;
use serde::Serialize;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Api {
    pub name: String,
    pub protocol_type: String,
    pub description: Option<String>,
    pub cors_configuration: Option<Cors>,
    pub tags: BTreeMap<String, String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cors {
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Option<Vec<String>>,
    pub max_age: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Authorizer {
    pub api_id: Expr,
    pub name: String,
    pub authorizer_type: String,
    pub identity_source: Vec<String>,
    pub jwt_configuration: JwtConfiguration,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JwtConfiguration {
    pub audience: Vec<Expr>,
    pub issuer: Expr,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Integration {
    pub api_id: Expr,
    pub integration_type: String,
    pub integration_uri: Expr,
    pub integration_method: Option<String>,
    pub connection_type: Option<String>,
    pub connection_id: Option<Expr>,
    pub payload_format_version: String,
    pub tls_config: Option<TlsConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TlsConfig {
    pub server_name_to_verify: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    pub api_id: Expr,
    pub route_key: String,
    pub target: Expr,
    pub authorization_type: String,
    pub authorizer_id: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Stage {
    pub api_id: Expr,
    pub stage_name: String,
    pub auto_deploy: bool,
    pub access_log_settings: AccessLogSettings,
    pub default_route_settings: RouteSettings,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessLogSettings {
    pub destination_arn: Expr,
    pub format: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteSettings {
    pub detailed_metrics_enabled: bool,
    pub throttling_burst_limit: u32,
    pub throttling_rate_limit: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcLink {
    pub name: String,
    pub subnet_ids: Vec<Expr>,
    pub security_group_ids: Vec<Expr>,
    pub tags: BTreeMap<String, String>,
}

/// AWS::Lambda::Permission: lets a service principal invoke a function.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LambdaPermission {
    pub action: String,
    pub function_name: Expr,
    pub principal: String,
    pub source_arn: Expr,
}
