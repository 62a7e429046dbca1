//! AWS::KMS::* resource types.

use super::iam::PolicyDocument;
use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Key {
    pub description: Option<String>,
    pub enable_key_rotation: bool,
    pub pending_window_in_days: u32,
    pub key_policy: PolicyDocument,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alias {
    pub alias_name: String,
    pub target_key_id: Expr,
}
