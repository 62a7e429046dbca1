//! AWS::CertificateManager::* resource types (generated) and how archgen
//! requests a certificate.

pub use super::generated::certificatemanager::*;

use super::{Expr, Tag};

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
            domain_name: domain.into(),
            subject_alternative_names: (!alternative_names.is_empty())
                .then(|| alternative_names.iter().map(Expr::from).collect()),
            validation_method: Some("DNS".into()),
            domain_validation_options: Some(
                std::iter::once(domain.to_string())
                    .chain(alternative_names.iter().cloned())
                    .map(|domain_name| certificate::DomainValidationOption {
                        domain_name: Some(domain_name.into()),
                        hosted_zone_id: Some(hosted_zone_id.into()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            tags: Some(tags),
            ..Default::default()
        }
    }
}
