//! Plain data as CloudFormation returns it. Field names follow the API's
//! JSON (`aws cloudformation describe-stack-events` output), so recorded
//! responses deserialize straight into these types in tests.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StackInfo {
    #[serde(default)]
    pub stack_id: String,
    pub stack_name: String,
    pub stack_status: String,
    #[serde(default)]
    pub stack_status_reason: Option<String>,
    #[serde(default)]
    pub creation_time: Option<String>,
    #[serde(default)]
    pub last_updated_time: Option<String>,
    #[serde(default)]
    pub outputs: Vec<StackOutput>,
    #[serde(default)]
    pub enable_termination_protection: bool,
}

impl StackInfo {
    /// When the stack last changed: its last update, else its creation.
    pub fn last_change(&self) -> Option<&str> {
        self.last_updated_time
            .as_deref()
            .or(self.creation_time.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StackOutput {
    pub output_key: String,
    pub output_value: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeSetInfo {
    #[serde(default)]
    pub change_set_id: String,
    pub status: String,
    #[serde(default)]
    pub status_reason: Option<String>,
    #[serde(default)]
    pub execution_status: Option<String>,
    /// archgen writes the digest of what it was made from here.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// One entry of `Changes` in DescribeChangeSet.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Change {
    pub resource_change: ResourceChange,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceChange {
    /// Add, Modify, Remove, Import, Dynamic.
    pub action: String,
    pub logical_resource_id: String,
    #[serde(default)]
    pub physical_resource_id: Option<String>,
    pub resource_type: String,
    /// True, Conditional, False; absent for Add and Remove (and on moto).
    #[serde(default)]
    pub replacement: Option<String>,
    #[serde(default)]
    pub details: Vec<ChangeDetail>,
}

impl ResourceChange {
    /// The properties (or, for changes that are not to a property, the
    /// attributes) the change touches, in change order.
    pub fn changed_properties(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .details
            .iter()
            .map(|d| {
                d.target
                    .name
                    .clone()
                    .unwrap_or_else(|| d.target.attribute.clone())
            })
            .filter(|n| !n.is_empty())
            .collect();
        names.dedup();
        names
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeDetail {
    pub target: ChangeTarget,
    #[serde(default)]
    pub change_source: Option<String>,
    #[serde(default)]
    pub causing_entity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeTarget {
    /// Properties, Tags, Metadata, ...
    pub attribute: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Never, Conditionally, Always.
    #[serde(default)]
    pub requires_recreation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StackEvent {
    pub event_id: String,
    #[serde(default)]
    pub stack_name: String,
    pub logical_resource_id: String,
    #[serde(default)]
    pub physical_resource_id: Option<String>,
    pub resource_type: String,
    /// RFC 3339, as the API returns it.
    pub timestamp: String,
    pub resource_status: String,
    #[serde(default)]
    pub resource_status_reason: Option<String>,
}

impl StackEvent {
    /// The event is about the stack itself rather than one of its resources.
    pub fn is_stack(&self) -> bool {
        self.resource_type == "AWS::CloudFormation::Stack"
            && self.logical_resource_id == self.stack_name
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StackResource {
    pub logical_resource_id: String,
    #[serde(default)]
    pub physical_resource_id: Option<String>,
    pub resource_type: String,
    #[serde(default)]
    pub resource_status: String,
}

/// Where the template body travels: inline, or from S3 when it is too big.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateSource {
    Body(String),
    Url(String),
}

/// Everything CreateChangeSet needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSetRequest {
    pub stack_name: String,
    pub change_set_name: String,
    /// true: CREATE (the stack does not exist yet); false: UPDATE.
    pub create: bool,
    pub template: TemplateSource,
    pub parameters: Vec<(String, String)>,
    pub capabilities: Vec<String>,
    pub tags: Vec<(String, String)>,
    /// What the change set was made from (see [`crate::changeset::digest`]).
    pub description: String,
    /// The role CloudFormation assumes to change the stack's resources
    /// (`--cloudformation-role`); none: the caller's credentials, or the
    /// role the stack was last deployed with.
    pub role_arn: Option<String>,
}

/// Where a drift detection stands (DescribeStackDriftDetectionStatus).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DriftDetection {
    /// DETECTION_IN_PROGRESS, DETECTION_COMPLETE, DETECTION_FAILED.
    pub detection_status: String,
    /// DRIFTED, IN_SYNC, NOT_CHECKED, UNKNOWN.
    #[serde(default)]
    pub stack_drift_status: Option<String>,
    #[serde(default)]
    pub detection_status_reason: Option<String>,
}

/// A resource that differs from its template (DescribeStackResourceDrifts).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceDrift {
    pub logical_resource_id: String,
    #[serde(default)]
    pub physical_resource_id: Option<String>,
    pub resource_type: String,
    /// MODIFIED or DELETED (IN_SYNC and NOT_CHECKED are not listed).
    pub stack_resource_drift_status: String,
    #[serde(default)]
    pub property_differences: Vec<PropertyDifference>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PropertyDifference {
    pub property_path: String,
    #[serde(default)]
    pub expected_value: String,
    #[serde(default)]
    pub actual_value: String,
    /// ADD, REMOVE, NOT_EQUAL.
    pub difference_type: String,
}
