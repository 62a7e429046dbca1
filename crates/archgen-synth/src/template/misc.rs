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

impl Certificate {
    /// A certificate for `domain` and its alternative names, each validated
    /// by a DNS record in the hosted zone.
    pub fn dns_validated(
        domain: &str,
        alternative_names: &[String],
        hosted_zone_id: &str,
        tags: Vec<Tag>,
    ) -> Certificate {
        Certificate {
            domain_name: domain.to_string(),
            subject_alternative_names: (!alternative_names.is_empty())
                .then(|| alternative_names.to_vec()),
            validation_method: "DNS".into(),
            domain_validation_options: std::iter::once(domain.to_string())
                .chain(alternative_names.iter().cloned())
                .map(|domain_name| DomainValidation {
                    domain_name,
                    hosted_zone_id: hosted_zone_id.to_string(),
                })
                .collect(),
            tags,
        }
    }
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
