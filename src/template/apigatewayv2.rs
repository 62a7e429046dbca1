//! AWS::ApiGatewayV2::* resource types (HTTP APIs).

use super::Expr;
use serde::Serialize;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Api {
    pub name: String,
    pub description: Option<String>,
    pub protocol_type: String,
    pub disable_execute_api_endpoint: Option<bool>,
    pub cors_configuration: Option<Cors>,
    pub tags: BTreeMap<String, Expr>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cors {
    pub allow_origins: Vec<String>,
    pub allow_methods: Option<Vec<String>>,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcLink {
    pub name: String,
    pub security_group_ids: Vec<Expr>,
    pub subnet_ids: Vec<Expr>,
    pub tags: BTreeMap<String, Expr>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Integration {
    pub api_id: Expr,
    pub integration_type: String,
    pub integration_method: String,
    pub integration_uri: Expr,
    pub connection_type: String,
    pub connection_id: Expr,
    pub payload_format_version: String,
    pub timeout_in_millis: Option<u32>,
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
    pub authorization_scopes: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Stage {
    pub api_id: Expr,
    pub stage_name: String,
    pub auto_deploy: bool,
    pub access_log_settings: AccessLogSettings,
    pub default_route_settings: RouteSettings,
    pub tags: BTreeMap<String, Expr>,
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
    pub throttling_burst_limit: u32,
    pub throttling_rate_limit: f64,
    pub detailed_metrics_enabled: bool,
}
