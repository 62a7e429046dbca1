//! Escape hatches: plain CloudFormation resources (`resources:`), patches of
//! generated resources (`overrides:`) and extra outputs (`outputs:`). Their
//! CloudFormation values stay JSON here; `check` validates them against the
//! registry schema of their type, where the spec's nodes give every line.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// One raw resource, keyed by its logical id, written as in a template
/// (with archgen's `grants:` added). `Condition` is not accepted: archgen's
/// templates have no conditions; overlays choose per environment.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawResourceSpec {
    #[serde(rename = "Type")]
    pub type_name: String,
    #[serde(rename = "Properties", default)]
    pub properties: Option<Value>,
    /// A logical id or a list of them.
    #[serde(rename = "DependsOn", default)]
    pub depends_on: Option<Value>,
    #[serde(rename = "DeletionPolicy", default)]
    pub deletion_policy: Option<PolicySpec>,
    #[serde(rename = "UpdateReplacePolicy", default)]
    pub update_replace_policy: Option<PolicySpec>,
    #[serde(rename = "Metadata", default)]
    pub metadata: Option<Value>,
    /// What `connects_to` grants a workload: IAM actions per access level,
    /// on the resource's ARN (or `resources`).
    #[serde(default)]
    pub grants: Option<GrantsSpec>,
}

impl RawResourceSpec {
    /// `DependsOn`'s logical ids, as written (its shape is checked).
    pub fn depends_on(&self) -> Vec<&str> {
        match &self.depends_on {
            Some(Value::String(id)) => vec![id.as_str()],
            Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum PolicySpec {
    Delete,
    Retain,
    Snapshot,
    RetainExceptOnCreate,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantsSpec {
    #[serde(default)]
    pub read: Vec<String>,
    #[serde(default)]
    pub write: Vec<String>,
    /// The ARNs the actions apply to; default: the resource's `Arn`
    /// attribute. Intrinsics allowed (`{ Fn::Sub: '${Orders.Arn}/index/*' }`).
    #[serde(default)]
    pub resources: Option<Vec<Value>>,
}

/// One patch of a generated resource's properties: exactly one of `set`,
/// `add` or `remove`, with a property path (`A.B[0].C`) below `Properties`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    #[serde(default)]
    pub set: Option<String>,
    /// Appends `value` to the list at this path.
    #[serde(default)]
    pub add: Option<String>,
    #[serde(default)]
    pub remove: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
}

/// Overrides by logical id of the generated resource.
pub type Overrides = IndexMap<String, Vec<OverrideSpec>>;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub value: Value,
    #[serde(default)]
    pub description: Option<String>,
    /// Exported as `<app>-<env>-<OutputId>`, like archgen's own outputs.
    #[serde(default)]
    pub export: bool,
}
