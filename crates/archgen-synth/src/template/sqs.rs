//! AWS::SQS::* resource types.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Queue {
    pub queue_name: Option<String>,
    pub fifo_queue: Option<bool>,
    pub visibility_timeout: Option<u32>,
    pub message_retention_period: Option<u32>,
    pub receive_message_wait_time_seconds: Option<u32>,
    pub sqs_managed_sse_enabled: Option<bool>,
    pub kms_master_key_id: Option<Expr>,
    pub redrive_policy: Option<RedrivePolicy>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: Expr,
    pub max_receive_count: u32,
}
