//! AWS::SecretsManager::* resource types.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    pub name: Option<Expr>,
    pub description: Option<String>,
    pub kms_key_id: Option<Expr>,
    pub generate_secret_string: Option<GenerateSecretString>,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateSecretString {
    pub password_length: Option<u32>,
    pub exclude_characters: Option<String>,
    pub exclude_punctuation: Option<bool>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationSchedule {
    pub secret_id: Expr,
    #[serde(rename = "RotationLambdaARN")]
    pub rotation_lambda_arn: Option<Expr>,
    pub rotation_rules: RotationRules,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationRules {
    pub schedule_expression: String,
}
