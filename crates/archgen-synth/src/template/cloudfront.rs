//! AWS::CloudFront::* resource types.

use super::{Expr, Tag};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Distribution {
    pub distribution_config: DistributionConfig,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DistributionConfig {
    pub enabled: bool,
    pub comment: String,
    pub aliases: Option<Vec<String>>,
    pub default_root_object: String,
    pub http_version: String,
    #[serde(rename = "IPV6Enabled")]
    pub ipv6_enabled: bool,
    pub price_class: String,
    pub origins: Vec<Origin>,
    pub default_cache_behavior: CacheBehavior,
    pub cache_behaviors: Option<Vec<CacheBehavior>>,
    pub viewer_certificate: ViewerCertificate,
    pub logging: Option<Logging>,
    #[serde(rename = "WebACLId")]
    pub web_acl_id: Option<Expr>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Origin {
    pub id: String,
    pub domain_name: Expr,
    pub origin_access_control_id: Option<Expr>,
    pub s3_origin_config: Option<S3OriginConfig>,
    pub custom_origin_config: Option<CustomOriginConfig>,
    pub origin_shield: Option<OriginShield>,
}

/// Empty identity: access goes through Origin Access Control instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3OriginConfig {
    pub origin_access_identity: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomOriginConfig {
    #[serde(rename = "HTTPSPort")]
    pub https_port: u16,
    pub origin_protocol_policy: String,
    #[serde(rename = "OriginSSLProtocols")]
    pub origin_ssl_protocols: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OriginShield {
    pub enabled: bool,
    pub origin_shield_region: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CacheBehavior {
    pub path_pattern: Option<String>,
    pub target_origin_id: String,
    pub viewer_protocol_policy: String,
    pub allowed_methods: Vec<String>,
    pub cached_methods: Vec<String>,
    pub compress: bool,
    pub cache_policy_id: Expr,
    pub origin_request_policy_id: Option<Expr>,
    pub response_headers_policy_id: Option<Expr>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ViewerCertificate {
    pub acm_certificate_arn: Option<Expr>,
    pub ssl_support_method: Option<String>,
    pub minimum_protocol_version: String,
    pub cloud_front_default_certificate: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Logging {
    pub bucket: Expr,
    pub prefix: String,
    pub include_cookies: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OriginAccessControl {
    pub origin_access_control_config: OacConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OacConfig {
    pub name: String,
    pub description: String,
    pub origin_access_control_origin_type: String,
    pub signing_behavior: String,
    pub signing_protocol: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CachePolicy {
    pub cache_policy_config: CachePolicyConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CachePolicyConfig {
    pub name: String,
    pub comment: String,
    #[serde(rename = "MinTTL")]
    pub min_ttl: u64,
    #[serde(rename = "DefaultTTL")]
    pub default_ttl: u64,
    #[serde(rename = "MaxTTL")]
    pub max_ttl: u64,
    pub parameters_in_cache_key_and_forwarded_to_origin: CacheKeyParameters,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CacheKeyParameters {
    pub enable_accept_encoding_gzip: bool,
    pub enable_accept_encoding_brotli: bool,
    pub headers_config: serde_json::Value,
    pub cookies_config: serde_json::Value,
    pub query_strings_config: serde_json::Value,
}
