//! AWS::ApplicationAutoScaling::* resource types.

use super::Expr;
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalableTarget {
    pub service_namespace: String,
    pub scalable_dimension: String,
    pub resource_id: Expr,
    pub min_capacity: u32,
    pub max_capacity: u32,
    pub scheduled_actions: Option<Vec<ScheduledAction>>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduledAction {
    pub scheduled_action_name: String,
    pub schedule: String,
    pub timezone: Option<String>,
    pub scalable_target_action: ScalableTargetAction,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalableTargetAction {
    pub min_capacity: Option<u32>,
    pub max_capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingPolicy {
    pub policy_name: String,
    pub policy_type: String,
    pub scaling_target_id: Expr,
    pub target_tracking_scaling_policy_configuration: TargetTracking,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetTracking {
    pub target_value: f64,
    pub scale_in_cooldown: u32,
    pub scale_out_cooldown: u32,
    pub predefined_metric_specification: PredefinedMetric,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PredefinedMetric {
    pub predefined_metric_type: String,
    pub resource_label: Option<Expr>,
}
