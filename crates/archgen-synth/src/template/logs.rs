//! AWS::Logs::* resource types.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogGroup {
    pub log_group_name: Option<Expr>,
    pub retention_in_days: i64,
    pub kms_key_id: Option<Expr>,
    pub tags: Vec<Tag>,
}

/// The retention values CloudWatch Logs accepts.
pub const RETENTION_DAYS: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];
