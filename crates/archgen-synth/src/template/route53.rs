//! AWS::Route53::* resource types.

use super::Expr;
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecordSet {
    pub hosted_zone_id: Option<String>,
    pub hosted_zone_name: Option<String>,
    pub name: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub alias_target: AliasTarget,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasTarget {
    #[serde(rename = "DNSName")]
    pub dns_name: Expr,
    pub hosted_zone_id: Expr,
    pub evaluate_target_health: bool,
}
