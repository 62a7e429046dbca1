//! AWS::ECR::Repository.

use super::Tag;
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Repository {
    pub repository_name: String,
    pub image_tag_mutability: String,
    pub image_scanning_configuration: ScanningConfiguration,
    pub encryption_configuration: EncryptionConfiguration,
    pub lifecycle_policy: Option<LifecyclePolicy>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanningConfiguration {
    pub scan_on_push: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionConfiguration {
    pub encryption_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecyclePolicy {
    /// ECR takes the policy as a JSON string.
    pub lifecycle_policy_text: String,
}
