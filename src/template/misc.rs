//! Small resource types: ACM certificates and Cloud Map namespaces.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Certificate {
    pub domain_name: String,
    pub subject_alternative_names: Option<Vec<String>>,
    pub validation_method: String,
    pub domain_validation_options: Vec<DomainValidation>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainValidation {
    pub domain_name: String,
    pub hosted_zone_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrivateDnsNamespace {
    pub name: String,
    pub vpc: Expr,
    pub description: String,
    pub tags: Vec<Tag>,
}
