//! AWS::ElasticLoadBalancingV2::* resource types.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancer {
    pub name: Option<String>,
    #[serde(rename = "Type")]
    pub kind: String,
    pub scheme: String,
    pub subnets: Vec<Expr>,
    pub security_groups: Vec<Expr>,
    pub load_balancer_attributes: Vec<Attribute>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    pub key: String,
    pub value: Expr,
}

impl Attribute {
    pub fn new(key: &str, value: impl Into<Expr>) -> Self {
        Attribute {
            key: key.to_string(),
            value: value.into(),
        }
    }
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    pub load_balancer_arn: Expr,
    pub port: u32,
    pub protocol: String,
    pub ssl_policy: Option<String>,
    pub certificates: Option<Vec<CertificateRef>>,
    pub default_actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateRef {
    pub certificate_arn: Expr,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Action {
    #[serde(rename = "Type")]
    pub kind: String,
    pub target_group_arn: Option<Expr>,
    pub redirect_config: Option<RedirectConfig>,
    pub fixed_response_config: Option<FixedResponseConfig>,
}

impl Action {
    pub fn forward(target_group: Expr) -> Action {
        Action {
            kind: "forward".into(),
            target_group_arn: Some(target_group),
            redirect_config: None,
            fixed_response_config: None,
        }
    }
    pub fn redirect_to_https() -> Action {
        Action {
            kind: "redirect".into(),
            target_group_arn: None,
            redirect_config: Some(RedirectConfig {
                protocol: "HTTPS".into(),
                port: "443".into(),
                status_code: "HTTP_301".into(),
            }),
            fixed_response_config: None,
        }
    }
    pub fn not_found() -> Action {
        Action {
            kind: "fixed-response".into(),
            target_group_arn: None,
            redirect_config: None,
            fixed_response_config: Some(FixedResponseConfig {
                status_code: "404".into(),
                content_type: "text/plain".into(),
                message_body: "Not Found".into(),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedirectConfig {
    pub protocol: String,
    pub port: String,
    pub status_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FixedResponseConfig {
    pub status_code: String,
    pub content_type: String,
    pub message_body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerRule {
    pub listener_arn: Expr,
    pub priority: u32,
    pub conditions: Vec<RuleCondition>,
    pub actions: Vec<Action>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleCondition {
    pub field: String,
    pub path_pattern_config: Option<Values>,
    pub host_header_config: Option<Values>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Values {
    pub values: Vec<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetGroup {
    pub name: Option<String>,
    pub target_type: String,
    pub protocol: String,
    pub port: u32,
    pub vpc_id: Expr,
    pub health_check_enabled: bool,
    pub health_check_path: String,
    pub health_check_protocol: String,
    pub health_check_interval_seconds: u32,
    pub health_check_timeout_seconds: u32,
    pub healthy_threshold_count: u32,
    pub unhealthy_threshold_count: u32,
    pub matcher: Matcher,
    pub target_group_attributes: Vec<Attribute>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Matcher {
    pub http_code: String,
}
